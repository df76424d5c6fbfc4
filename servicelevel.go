package balcao

import "time"

// The clocks of a service-level agreement and what can happen to them.
const (
	SLAFirstResponse = "first_response"
	SLAResolution    = "resolution"

	SLAWarning = "warning" // most of the target used, not yet done
	SLABreach  = "breach"  // the due time passed before the work was done
)

// SLARecord is a warning or a breach of one service-level clock of a
// ticket. Each (ticket, clock, kind) is recorded once; the records feed the
// supervisors' reports.
type SLARecord struct {
	ID         int64
	TicketID   int64
	Clock      string // SLAFirstResponse or SLAResolution
	Kind       string // SLAWarning or SLABreach
	DueAt      time.Time
	RecordedAt time.Time
	TeamID     int64
	Service    string
	Priority   int
}

// SLASchedule is what the service-level job stores on a ticket after
// measuring it: the due times (zero for none) and when to look again (zero
// for never, until something changes the ticket).
type SLASchedule struct {
	FirstResponseDue time.Time
	ResolutionDue    time.Time
	NextCheck        time.Time
	// FirstResponseAt is when a person first answered or took the
	// ticket (zero while nobody has); the reports' response times use it.
	FirstResponseAt time.Time
}

// Notification is a message to a member of staff shown in the console
// (an SLA warning, a breach).
type Notification struct {
	ID           int64
	UserID       int64
	TicketID     int64
	TicketNumber TicketNumber
	Kind         string
	Body         string
	CreatedAt    time.Time
	ReadAt       time.Time // zero while unread
}

// Rating is a requester's satisfaction with a resolved ticket: a score
// from 1 (very dissatisfied) to 5 (very satisfied) and an optional comment.
type Rating struct {
	TicketID  int64
	Score     int
	Comment   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MaxRatingComment bounds a rating's comment, in characters.
const MaxRatingComment = 2000

// ReportFilter selects the tickets a report counts: those of a service,
// a team, or both, in a period [From, To). Zero values do not filter.
type ReportFilter struct {
	From, To time.Time
	Service  string
	TeamID   int64
}

// RatingSummary sums up the ratings of a period: how many, their average
// and how many of each score (ByScore[0] counts the 1s).
type RatingSummary struct {
	Count   int
	Average float64
	ByScore [5]int
}

// SLASummary counts the warnings and breaches recorded in a period, by
// clock.
type SLASummary struct {
	FirstResponseWarnings, FirstResponseBreaches int
	ResolutionWarnings, ResolutionBreaches       int
}
