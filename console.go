package balcao

import (
	"context"
	"time"
)

// Session is a signed-in browser of the agent console. Only the SHA-256 of
// the cookie's random token is stored, so a copy of the database cannot be
// used to sign in.
type Session struct {
	Hash       [32]byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// DeskView is one of the console's queue views.
type DeskView string

// The queue views of the console.
const (
	ViewMine             DeskView = "mine"              // open tickets assigned to the user
	ViewUnassigned       DeskView = "unassigned"        // open tickets nobody holds
	ViewTeam             DeskView = "team"              // open tickets of one team
	ViewPendingRequester DeskView = "pending_requester" // aguarda requerente
	ViewPendingApproval  DeskView = "pending_approval"  // aguarda aprovação
	ViewDueSoon          DeskView = "due_soon"          // SLA em risco: open and due before a time
	ViewAll              DeskView = "all"               // every ticket in any state
)

// DeskViews lists the views in the order the console shows them.
var DeskViews = []DeskView{ViewMine, ViewUnassigned, ViewTeam, ViewPendingRequester, ViewPendingApproval, ViewDueSoon, ViewAll}

// Valid reports whether v is a defined view.
func (v DeskView) Valid() bool {
	for _, x := range DeskViews {
		if x == v {
			return true
		}
	}
	return false
}

// DeskSort is the order of a queue.
type DeskSort string

// The orders of a queue.
const (
	SortDue     DeskSort = "due"     // soonest due first, tickets without a due time last
	SortUpdated DeskSort = "updated" // latest update first
)

// DeskScope limits what a member of staff sees: admins see everything;
// agents and supervisors see the tickets of their teams, the tickets no team
// holds yet (triage) and the tickets assigned to them.
type DeskScope struct {
	All     bool
	UserID  int64
	TeamIDs []int64
}

// DeskFilter selects the tickets of a queue view. Zero values do not filter.
type DeskFilter struct {
	Scope DeskScope
	View  DeskView
	// UserID is whose tickets "mine" shows.
	UserID int64
	// TeamID is the team of the "team" view.
	TeamID int64
	// DueBefore bounds the "due_soon" view (tickets already late included).
	DueBefore time.Time

	Service          string
	RequestType      string
	Status           Status
	Priority         int
	OrganisationCode string
	Channel          Channel

	Sort   DeskSort
	Limit  int    // 1..200, default 50
	Cursor string // opaque, from a previous page of the same view, filters and sort

	// CountLimit caps each count of DeskCounts (default DeskCountLimit).
	CountLimit int
}

// DeskCountLimit is the default cap of the counts of a queue: counting
// stops there, so that a count costs the same on a large database as on a
// small one, and a count above it reads as "1000+".
const DeskCountLimit = 1000

// DeskCounts is how many tickets each view holds under a scope and filters
// (the view, team and cursor of the filter are ignored). Teams counts the
// open tickets per team id (teams without open tickets are left out). A
// count above the filter's CountLimit is reported as CountLimit+1.
type DeskCounts struct {
	Views map[DeskView]int
	Teams map[int64]int
}

// EventReveal records that a member of staff was shown a masked personal
// identifier of a ticket (Field is its key path).
const EventReveal EventKind = "reveal"

// DeskStore is what the agent console needs from storage beyond the rest
// of Store.
type DeskStore interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns the unexpired session with this hash and its
	// enabled user, ENOTFOUND otherwise, and records the use at now.
	SessionByHash(ctx context.Context, hash [32]byte, now time.Time) (*Session, *User, error)
	// DeleteSession ends a session; ending one that does not exist is no error.
	DeleteSession(ctx context.Context, hash [32]byte) error
	// DeleteUserSessions ends every session of a user but the one to keep.
	DeleteUserSessions(ctx context.Context, userID int64, keep [32]byte) error
	// DeleteExpiredSessions removes sessions expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
	// SetPasswordHash replaces a user's password hash.
	SetPasswordHash(ctx context.Context, userID int64, hash string) error

	// LoginFailures returns the failed sign-ins recorded for an email
	// (known or not) since the last success, and when the last one was.
	LoginFailures(ctx context.Context, email string) (n int, last time.Time, err error)
	// RecordLoginFailure counts one more failed sign-in and returns the count.
	RecordLoginFailure(ctx context.Context, email string, now time.Time) (int, error)
	// ClearLoginFailures forgets the failures of an email after a success.
	ClearLoginFailures(ctx context.Context, email string) error

	// AddTeamMember makes a user a member of a team (idempotent).
	AddTeamMember(ctx context.Context, teamID, userID int64) error
	// UserTeams lists the teams a user belongs to, by name.
	UserTeams(ctx context.Context, userID int64) ([]*Team, error)
	// TeamMembers lists the enabled staff of a team, by name.
	TeamMembers(ctx context.Context, teamID int64) ([]*User, error)
	// ListTeams lists every team, by name.
	ListTeams(ctx context.Context) ([]*Team, error)

	// DeskTickets returns one page of a queue view with keyset pagination.
	DeskTickets(ctx context.Context, f DeskFilter) (*TicketPage, error)
	// DeskCounts counts the tickets of every view under f's scope and
	// filters, for the teams given (the viewer's teams, or all for an admin).
	DeskCounts(ctx context.Context, f DeskFilter, teamIDs []int64) (*DeskCounts, error)
	// ChangeTeam moves a ticket to another team (0: to none, back to
	// triage), recording an event; an unknown team is EINVALID.
	ChangeTeam(ctx context.Context, ticketID, teamID int64, actor Actor, now time.Time) (*Ticket, error)
	// RecordEvent appends an event that changes nothing else on the ticket
	// (a reveal of a masked identifier).
	RecordEvent(ctx context.Context, e *Event) error
	// AssignTicket gives a ticket to a user (0 takes it from whoever holds
	// it), recording an event.
	AssignTicket(ctx context.Context, ticketID, assigneeID int64, actor Actor, now time.Time) (*Ticket, error)
}
