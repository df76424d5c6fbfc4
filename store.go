package balcao

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time. Everything that depends on time reads it through a
// Clock so tests can move it.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// NewTicket is what a channel hands to the store to open a ticket. The
// requester is found by email or created as a requester; organisation and
// team are found by code. Ticket, first message, attachments and first
// events are committed together or not at all.
type NewTicket struct {
	Subject          string
	RequestType      string
	Service          string
	Status           Status // StatusNew or StatusPendingRequester
	Impact, Urgency  int
	Channel          Channel
	Language         string
	RequesterEmail   string
	RequesterName    string
	OrganisationCode string
	TeamCode         string
	Fields           map[string]string
	Missing          []FieldProblem
	DueAt            time.Time // resolution target; zero when none
	FirstResponseDue time.Time
	// SLACheckAt is when the service levels are next measured; zero means
	// at once (the channel did not measure them).
	SLACheckAt   time.Time
	Message      *Message // the first message; may be nil for API-created tickets without text
	Participants []string // other people copied on the request, who may write into the ticket
	Actor        Actor
	Now          time.Time
	// Seq is a number drawn beforehand with Store.ReserveTicketNumber for
	// the year of Now; zero draws one when the ticket is created.
	Seq int64
}

// TicketFilter selects tickets for a list. Zero values do not filter.
type TicketFilter struct {
	Statuses       []Status
	RequesterEmail string
	RequestType    string
	TeamID         int64
	UpdatedSince   time.Time
	Limit          int    // 1..200, default 50
	Cursor         string // opaque, from a previous TicketPage
}

// TicketPage is one page of a ticket list, newest update first.
type TicketPage struct {
	Tickets []*Ticket
	Next    string // cursor for the next page; "" on the last page

	// Of a search only. Order is the order the page is in: the one asked,
	// or SearchByNewest when the words match too many tickets or messages
	// to rank them (ManyMatches). Matches is how many tickets were found,
	// set on the first page of a search that counted them (not one with
	// ManyMatches, whose matches are never all read).
	Order       SearchOrder
	Matches     int
	ManyMatches bool
}

// QueueFilter selects the open tickets of a team ordered by due time, the
// way an agent works them: soonest due first, tickets without a due time last.
type QueueFilter struct {
	TeamID int64
	Limit  int
}

// StaleFilter selects the tickets in Status since before Before (for
// pending_requester, with no message from the requester since either), of
// the Services listed (all when nil) and not of the ExceptServices.
type StaleFilter struct {
	Status         Status
	Before         time.Time
	Services       []string
	ExceptServices []string
	Limit          int
}

// WriteStats counts what a store's single writer has done since it opened
// (SQLite's group commit): transactions committed, the write requests they
// carried (their ratio is the mean batch), and the flushes of the log that
// made them durable with the time those took. A store that offers them has
// a method WriteStats() (WriteStats, bool).
type WriteStats struct {
	Batches, Requests int64
	Flushes           int64
	FlushTime         time.Duration
}

// Store is the persistence the desk needs. SQLite and PostgreSQL implement
// it, and one conformance suite (storetest) holds both to the same behaviour.
type Store interface {
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// CheckMigrated returns an error unless every migration is applied.
	CheckMigrated(ctx context.Context) error
	// WaitDurable returns once every write committed before the call is on
	// disk. A write's own call returns only then; readers may see a commit
	// a moment earlier (SQLite syncs its log beside the next commit), so
	// whatever tells the outside world about stored data (an email sent,
	// an HTTP answer) waits for this first. Immediate when commits are
	// durable by themselves (PostgreSQL).
	WaitDurable(ctx context.Context) error
	Close() error

	CreateOrganisation(ctx context.Context, o *Organisation) error
	OrganisationByCode(ctx context.Context, code string) (*Organisation, error)

	CreateUser(ctx context.Context, u *User) error
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserByID(ctx context.Context, id int64) (*User, error)
	CountUsers(ctx context.Context, role Role) (int, error)

	// GrantApprover lets a user approve or reject the requests of a service
	// that need approval; IsApprover tells whether they may.
	GrantApprover(ctx context.Context, userID int64, service string) error
	IsApprover(ctx context.Context, userID int64, service string) (bool, error)

	UpsertTeam(ctx context.Context, t *Team) error
	TeamByCode(ctx context.Context, code string) (*Team, error)

	CreateToken(ctx context.Context, t *APIToken) error
	// TokenByHash returns the unrevoked token with this hash and its user,
	// ENOTFOUND otherwise, and records the use at now.
	TokenByHash(ctx context.Context, hash [32]byte, now time.Time) (*APIToken, *User, error)
	ListTokens(ctx context.Context) ([]*APIToken, error)
	RevokeToken(ctx context.Context, id int64, now time.Time) error

	// CreateTicket opens a ticket with a new, never reused number.
	CreateTicket(ctx context.Context, nt *NewTicket) (*Ticket, error)
	// ReserveTicketNumber draws a ticket number for a ticket about to be
	// created in the given year: the sequence to pass as NewTicket.Seq and
	// the number it makes. Numbers drawn and not used are skipped.
	ReserveTicketNumber(ctx context.Context, year int) (int64, TicketNumber, error)
	TicketByNumber(ctx context.Context, n TicketNumber) (*Ticket, error)
	ListTickets(ctx context.Context, f TicketFilter) (*TicketPage, error)
	// SearchTickets finds tickets by number, by identifier or by the words
	// of their text and messages (see SearchQuery), best match first unless
	// q.Order says otherwise or the words are too common to rank (then the
	// newest tickets first, as TicketPage.Order says); empty text is
	// EINVALID.
	SearchTickets(ctx context.Context, q SearchQuery) (*TicketPage, error)
	Queue(ctx context.Context, f QueueFilter) ([]*Ticket, error)
	Messages(ctx context.Context, ticketID int64) ([]*Message, error)
	Events(ctx context.Context, ticketID int64) ([]*Event, error)
	// ChangeStatus moves a ticket to another state if the lifecycle allows
	// it, recording an event; an illegal move is EINVALID and changes nothing.
	ChangeStatus(ctx context.Context, ticketID int64, to Status, actor Actor, reason string, now time.Time) (*Ticket, error)
	// ChangePriority sets a ticket's impact and urgency (1 high … 3 low) and
	// so its priority, recording the reason; a change without a reason is
	// EINVALID.
	ChangePriority(ctx context.Context, ticketID int64, impact, urgency int, actor Actor, reason string, now time.Time) (*Ticket, error)
	// AddMessage appends a message (with attachments) to a ticket's thread.
	AddMessage(ctx context.Context, ticketID int64, m *Message, actor Actor) error
	// Blob returns the content of an attachment by its SHA-256.
	Blob(ctx context.Context, sha256 string) ([]byte, error)

	// StaleTickets returns tickets in a state since before a time, oldest
	// first; for pending_requester the requester's last message also counts.
	StaleTickets(ctx context.Context, f StaleFilter) ([]*Ticket, error)

	// Update runs fn in one write transaction; fn's error rolls it back.
	Update(ctx context.Context, fn func(tx Tx) error) error

	// DueOutbox returns pending outgoing mail whose next attempt is due.
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]*OutboxItem, error)
	// MarkOutbox records the outcome of a delivery attempt.
	MarkOutbox(ctx context.Context, id int64, status OutboxStatus, lastError string, next time.Time, now time.Time) error
	ListOutbox(ctx context.Context, status OutboxStatus, limit int) ([]*OutboxItem, error)
	ListQuarantine(ctx context.Context, limit int) ([]*Quarantined, error)

	// TryLock takes a named lock among all instances sharing the database;
	// ok is false when another instance holds it.
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)

	// SLADue returns the tickets whose service levels are due to be
	// measured (SLACheckAt at or before now), soonest first.
	SLADue(ctx context.Context, now time.Time, limit int) ([]*Ticket, error)
	// SetSLASchedule stores a ticket's due times and next check, unless the
	// ticket changed since it was read (its SLACheckAt differs from
	// checkedAt): then it is left for the next round and ok is false.
	SetSLASchedule(ctx context.Context, ticketID int64, checkedAt time.Time, s SLASchedule) (ok bool, err error)
	// SLASummary counts the warnings and breaches recorded in a period.
	SLASummary(ctx context.Context, f ReportFilter) (*SLASummary, error)

	// Notifications lists a user's notifications, newest first;
	// MarkNotificationsRead marks them read up to an ID.
	Notifications(ctx context.Context, userID int64, unreadOnly bool, limit int) ([]*Notification, error)
	MarkNotificationsRead(ctx context.Context, userID, upToID int64, now time.Time) error

	// RatingsToRequest returns resolved tickets whose requester has not yet
	// been sent a satisfaction link, resolved at or before now.
	RatingsToRequest(ctx context.Context, now time.Time, limit int) ([]*Ticket, error)
	// TicketByRatingHash returns the ticket of a satisfaction link.
	TicketByRatingHash(ctx context.Context, hash [32]byte) (*Ticket, error)
	// Rating returns a ticket's rating, ENOTFOUND when it has none.
	Rating(ctx context.Context, ticketID int64) (*Rating, error)
	// SetRating records or replaces a ticket's rating, with an event.
	SetRating(ctx context.Context, r *Rating, actor Actor, now time.Time) error
	// RatingSummary sums up the ratings given in a period.
	RatingSummary(ctx context.Context, f ReportFilter) (*RatingSummary, error)

	// The supervisors' reports. Each takes the service and team of a
	// ReportFilter; the period applies to the time each one names.
	//
	// ReceivedByDay counts the tickets created in the period by calendar
	// day in loc and by request type.
	ReceivedByDay(ctx context.Context, f ReportFilter, loc *time.Location) (*DailyReceived, error)
	// Backlog counts the tickets now in an open state that were created
	// by at, by their age at that instant and by state (states are the
	// current ones: give the current time); the period is not used.
	Backlog(ctx context.Context, f ReportFilter, at time.Time) (*BacklogReport, error)
	// SLACompliance counts the tickets resolved in the period and those
	// without a breach recorded, per clock.
	SLACompliance(ctx context.Context, f ReportFilter) (*SLACompliance, error)
	// ResponseTimes gives the median and 90th percentile of the elapsed
	// time to first response (tickets created in the period) and to
	// resolution (tickets resolved in the period).
	ResponseTimes(ctx context.Context, f ReportFilter) (*ResponseTimes, error)
	// RollUpReports writes the hourly summaries the reports read, for the
	// complete hours up to now and the hours changed since the last run,
	// and returns how far they reach.
	RollUpReports(ctx context.Context, now time.Time) (ReportRollup, error)
	// ReportRollup returns how far the hourly summaries reach.
	ReportRollup(ctx context.Context) (ReportRollup, error)

	// MailboxCursor and SetMailboxCursor keep an IMAP poller's position.
	MailboxCursor(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetMailboxCursor(ctx context.Context, mailbox string, uidValidity, lastUID uint32, now time.Time) error

	// DeskStore holds what the agent console needs (console.go).
	DeskStore
	// AdminStore holds what the administration pages need (admin.go).
	AdminStore
	// ActionStore holds what the console's ticket actions need (actions.go).
	ActionStore
}

// ManualClock is a Clock that only moves when told to: tests use it to
// check rules that depend on time (30 days, 10 days, SLA targets).
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
