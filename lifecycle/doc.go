// Package lifecycle holds the pure time and rule computations of a ticket's
// life: Portuguese and Brazilian holidays, business calendars, SLA clocks,
// and the auto-close and reopen decisions the scheduler and intake take.
//
// Nothing here reads a clock, a database or the network: every function
// takes the instants it needs and returns a decision, so the same inputs
// always give the same answer and tests can state exact instants.
//
// Business time is real elapsed time inside the working spans of a
// Calendar. Spans are wall-clock times in the calendar's Location, so a
// 09:00–18:00 day stays 09:00–18:00 across a change of summer time, and a
// 00:00–24:00 day lasts 23 or 25 hours on the days the clocks move.
package lifecycle

// The IANA time zone database is embedded so that calendars load their
// Location (Europe/Lisbon, America/Sao_Paulo …) on hosts without tzdata,
// such as minimal containers.
import _ "time/tzdata"
