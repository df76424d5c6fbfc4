package lifecycle

import (
	"math"
	"slices"
	"time"
)

// Target is what a service level promises for one priority, in business
// time of the ticket's Calendar. A zero (or negative) duration means no
// promise for that clock.
type Target struct {
	FirstResponse, Resolution time.Duration
}

// Policy is a set of targets by ITIL priority (1 critical … 5 planning)
// and the share of a target after which a clock warns.
type Policy struct {
	Name       string
	ByPriority map[int]Target
	WarnAt     float64 // e.g. 0.8: warn once 80% of a target is used; 0 disables warnings
}

// DefaultPolicy returns the targets Balcão uses when a service sets none,
// in business hours, warning at 80%:
//
//	P1  1 h first response,  4 h resolution (half a working day)
//	P2  2 h                  8 h (one working day)
//	P3  4 h                 24 h (three working days)
//	P4  8 h                 40 h (one working week)
//	P5 16 h                 80 h (two working weeks)
//
// Each level doubles or so the one above, and P3, the priority of a
// medium-impact, medium-urgency request, is CITSmart's "about 72 hours":
// three days of calendar time are three working days of eight hours on a
// Monday–Friday desk. The first response is a quarter or less of the
// resolution target, so a requester hears from a person well before the
// work is due. Critical services that work around the clock should pair
// this policy with a 24/7 calendar, where P1's 4 h are 4 real hours.
func DefaultPolicy() Policy {
	return Policy{
		Name: "default",
		ByPriority: map[int]Target{
			1: {FirstResponse: 1 * time.Hour, Resolution: 4 * time.Hour},
			2: {FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour},
			3: {FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
			4: {FirstResponse: 8 * time.Hour, Resolution: 40 * time.Hour},
			5: {FirstResponse: 16 * time.Hour, Resolution: 80 * time.Hour},
		},
		WarnAt: 0.8,
	}
}

// For returns the target of priority, clamped to 1…5 as
// balcao.PriorityFor does; a priority the policy does not list gets the
// zero Target (no promise).
func (p Policy) For(priority int) Target {
	return p.ByPriority[min(max(priority, 1), 5)]
}

// Evaluate is the package-level Evaluate with the policy's target for
// priority and its WarnAt.
func (p Policy) Evaluate(cal *Calendar, priority int, c Clock, now time.Time) Status {
	return Evaluate(cal, p.For(priority), p.WarnAt, c, now)
}

// Pause is a time the ticket waited on the requester. To is zero while it
// still waits.
type Pause struct {
	From, To time.Time
}

// Clock holds the instants an SLA is measured from. FirstResponse is the
// first human acknowledgement or assignment (an automatic acknowledgement
// does not count); Resolved is when the ticket became Resolved. Zero means
// not yet. Pauses may overlap and come in any order.
type Clock struct {
	Created       time.Time
	FirstResponse time.Time
	Resolved      time.Time
	Pauses        []Pause
}

// Status is where a ticket stands against its targets at one instant.
//
// Due times are zero for a clock without a target. Met and Breached are
// final once the event happened; before it, Breached turns true as soon as
// the due time has passed. Warn means at risk: at least WarnAt of the
// target used, the event not yet happened and the due time not yet passed,
// so at most one of Warn, Met and Breached holds per clock.
type Status struct {
	FirstResponseDue time.Time
	ResolutionDue    time.Time

	// Paused is the business time the resolution clock stood still, up
	// to the resolution or now; PausedNow says it is standing still now.
	Paused    time.Duration
	PausedNow bool

	FirstResponseMet, FirstResponseBreached bool
	ResolutionMet, ResolutionBreached       bool
	WarnFirstResponse, WarnResolution       bool

	// Remaining is the business time left on the resolution clock at now
	// (at the resolution once resolved): negative by how much it was
	// overrun, and zero or negative once breached.
	Remaining time.Duration
	// FirstResponseRemaining is the same for the first-response clock.
	FirstResponseRemaining time.Duration
}

// Evaluate measures clock c against target t on calendar cal at now.
//
// The first-response clock runs from Created in business time and never
// pauses; a ticket resolved without a recorded first response counts its
// resolution as the first response. The resolution clock stands still
// during the pauses, so the business time inside a pause that starts
// before the due time moves the due time later; a pause that starts after
// the due time does not undo the breach. While a pause is open the due
// time is "now plus what is left", and moves on as now does. An event at
// the due time exactly is met. warnAt outside (0, 1] disables warnings. A
// now before Created is taken as Created. Evaluate reads nothing but its
// arguments.
func Evaluate(cal *Calendar, t Target, warnAt float64, c Clock, now time.Time) Status {
	var st Status
	if now.Before(c.Created) {
		now = c.Created
	}
	warn := func(target, elapsed time.Duration) bool {
		if !(warnAt > 0 && warnAt <= 1) {
			return false
		}
		return float64(elapsed) >= math.Ceil(warnAt*float64(target))
	}

	if t.FirstResponse > 0 {
		due := cal.Add(c.Created, t.FirstResponse)
		st.FirstResponseDue = due
		done := c.FirstResponse
		if done.IsZero() {
			done = c.Resolved
		}
		end := now
		if !done.IsZero() {
			end = done
		}
		elapsed := cal.Between(c.Created, end)
		st.FirstResponseRemaining = t.FirstResponse - elapsed
		if !done.IsZero() {
			st.FirstResponseMet = !done.After(due)
			st.FirstResponseBreached = !st.FirstResponseMet
		} else {
			st.FirstResponseBreached = now.After(due)
			st.WarnFirstResponse = !st.FirstResponseBreached && warn(t.FirstResponse, elapsed)
		}
	}

	resolved := !c.Resolved.IsZero()
	end := now
	if resolved {
		end = c.Resolved
	}
	pauses := clipPauses(c.Pauses, c.Created, end)
	for _, p := range pauses {
		st.Paused += cal.Between(p.From, p.To)
	}
	if !resolved {
		for _, p := range c.Pauses {
			if !p.From.After(now) && (p.To.IsZero() || p.To.After(now)) {
				st.PausedNow = true
			}
		}
	}
	if t.Resolution > 0 {
		due := resolutionDue(cal, c.Created, t.Resolution, pauses)
		st.ResolutionDue = due
		elapsed := cal.Between(c.Created, end) - st.Paused
		st.Remaining = t.Resolution - elapsed
		if resolved {
			st.ResolutionMet = !c.Resolved.After(due)
			st.ResolutionBreached = !st.ResolutionMet
		} else {
			st.ResolutionBreached = now.After(due)
			st.WarnResolution = !st.ResolutionBreached && warn(t.Resolution, elapsed)
		}
	}
	return st
}

// clipPauses returns the pauses inside [from, end), an open pause ending
// at end, sorted and with overlaps merged, so no business time is counted
// twice.
func clipPauses(ps []Pause, from, end time.Time) []Pause {
	var out []Pause
	for _, p := range ps {
		to := p.To
		if to.IsZero() || to.After(end) {
			to = end
		}
		f := p.From
		if f.Before(from) {
			f = from
		}
		if to.After(f) {
			out = append(out, Pause{f, to})
		}
	}
	slices.SortFunc(out, func(a, b Pause) int { return a.From.Compare(b.From) })
	merged := out[:0]
	for _, p := range out {
		if n := len(merged); n > 0 && !p.From.After(merged[n-1].To) {
			if p.To.After(merged[n-1].To) {
				merged[n-1].To = p.To
			}
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

// resolutionDue finds the instant at which target of unpaused business
// time has run from created, walking the pauses in order.
func resolutionDue(cal *Calendar, created time.Time, target time.Duration, pauses []Pause) time.Time {
	t0, rem := created, target
	for _, p := range pauses {
		if due := cal.Add(t0, rem); !due.After(p.From) {
			return due
		}
		rem -= cal.Between(t0, p.From)
		t0 = p.To
	}
	return cal.Add(t0, rem)
}
