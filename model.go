package balcao

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

// Role is what a user may do. Roles are ordered: each one includes what the
// roles before it in Roles may do, except that requesters and organisation
// managers never reach the agent console.
type Role string

// The roles of Balcão.
const (
	RoleRequester  Role = "requester"
	RoleOrgManager Role = "org_manager" // the IT department that asks access for its staff
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Roles lists the roles from least to most privileged.
var Roles = []Role{RoleRequester, RoleOrgManager, RoleAgent, RoleSupervisor, RoleAdmin}

// Valid reports whether r is a defined role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// IsStaff reports whether r works tickets at the desk (agent and above).
func (r Role) IsStaff() bool { return r == RoleAgent || r == RoleSupervisor || r == RoleAdmin }

// Channel is how a message reached the desk or left it.
type Channel string

// The channels of Balcão.
const (
	ChannelEmail  Channel = "email"
	ChannelPortal Channel = "portal"
	ChannelPhone  Channel = "phone"
	ChannelAPI    Channel = "api"
)

// Channels lists every channel.
var Channels = []Channel{ChannelEmail, ChannelPortal, ChannelPhone, ChannelAPI}

// Valid reports whether c is a defined channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Direction says whether a message came in, went out, or stayed inside the desk.
type Direction string

// The message directions.
const (
	DirectionIn   Direction = "in"
	DirectionOut  Direction = "out"
	DirectionNote Direction = "note" // internal note, never shown to the requester
)

// Valid reports whether d is a defined direction.
func (d Direction) Valid() bool { return d == DirectionIn || d == DirectionOut || d == DirectionNote }

// Organisation is a body a requester belongs to: a health unit (identified by
// its "código da unidade de saúde"), a company, a public body.
type Organisation struct {
	ID        int64
	Code      string
	Name      string
	Kind      string // free classification, e.g. "health_unit", "company", "public_body"
	CreatedAt time.Time
}

// User is a person known to the desk: a requester who wrote in, or staff.
type User struct {
	ID             int64
	Email          string // lowercase; unique
	Name           string
	Role           Role
	OrganisationID int64 // 0 when none
	Language       string
	PasswordHash   string // argon2id PHC string; empty for requesters without a portal account
	Disabled       bool
	CreatedAt      time.Time
}

// Team is a queue of the desk that request types route to.
type Team struct {
	ID        int64
	Code      string
	Name      string
	CreatedAt time.Time
}

// APIToken authorises calls to the REST API on behalf of a user. Only the
// SHA-256 of the secret is stored; the secret is shown once at creation.
type APIToken struct {
	ID         int64
	UserID     int64
	UserEmail  string
	Name       string
	Hash       [32]byte
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while valid
}

// FieldProblem is one missing or invalid structured value of a ticket:
// Key is the field's key path (e.g. "utente.niss"), Label its name in the
// requester's language, Problem what is wrong and how to fix it.
type FieldProblem struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Problem string `json:"problem"`
	Code    string `json:"code,omitempty"`
	Warning bool   `json:"warning,omitempty"`
}

// Ticket is a request to the desk.
type Ticket struct {
	ID          int64
	Number      TicketNumber
	Subject     string
	RequestType string // catalogue code; "" while unclassified (triage)
	Service     string
	Status      Status
	Impact      int // 1 high, 2 medium, 3 low
	Urgency     int
	Priority    int // 1 (critical) to 5 (planning), from impact and urgency
	Channel     Channel
	Language    string

	RequesterID      int64
	RequesterEmail   string
	RequesterName    string
	OrganisationID   int64
	OrganisationCode string
	OrganisationName string
	TeamID           int64
	TeamCode         string
	TeamName         string
	AssigneeID       int64
	AssigneeEmail    string
	AssigneeName     string

	Fields  map[string]string
	Missing []FieldProblem

	ReopenCount int
	MergedInto  int64

	CreatedAt       time.Time
	UpdatedAt       time.Time
	FirstResponseAt time.Time
	DueAt           time.Time // resolution target; zero when none
	// FirstResponseDue is when a person must first answer; zero when none.
	FirstResponseDue time.Time
	// SLACheckAt is when the service-level job looks at the ticket next;
	// zero when it need not until something changes.
	SLACheckAt time.Time
	ResolvedAt time.Time
	ClosedAt   time.Time
}

// Message is one entry of a ticket's thread.
type Message struct {
	ID          int64
	TicketID    int64
	Direction   Direction
	Channel     Channel
	FromAddr    string
	FromName    string
	AuthorID    int64 // staff author of outgoing messages and notes; 0 otherwise
	Subject     string
	Text        string
	HTML        string
	MessageID   string // RFC 5322 Message-ID without angle brackets; unique when set
	Auto        bool   // written by a machine (auto-reply, acknowledgement)
	To, Cc      []string
	Raw         []byte // the original email, kept whole; stored once by SHA-256
	RawSHA256   string
	CreatedAt   time.Time
	Attachments []*Attachment
	// RawSpans are where Raw holds its attachments' base64, found by Seal.
	RawSpans []RawSpan

	sealed bool
}

// Sealed reports whether Seal computed the digests and nothing was added
// since (a store trusts them only then).
func (m *Message) Sealed() bool { return m.sealed }

// Seal computes the digests of a message's content: each attachment's
// SHA-256 and size, the original's SHA-256, and where the original holds
// its attachments' base64 (RawSpans). A store computes those it finds
// missing; a channel seals a message before its write transaction so that
// this work does not hold the database's writer.
func (m *Message) Seal() {
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		a.SHA256 = hex.EncodeToString(sum[:])
		a.Size = int64(len(a.Data))
	}
	m.RawSpans = nil
	if len(m.Raw) > 0 {
		sum := sha256.Sum256(m.Raw)
		m.RawSHA256 = hex.EncodeToString(sum[:])
		spans, ok := encodedSpans(m.Raw, m.Attachments)
		if !ok {
			spans = FindRawSpans(m.Raw, m.Attachments)
		}
		m.RawSpans = spans
	}
	m.sealed = true
}

// Attachment is a file of a message. Content is stored once per SHA-256,
// however many messages carry it.
type Attachment struct {
	ID        int64
	MessageID int64
	Filename  string
	MediaType string
	Size      int64
	SHA256    string // lowercase hex
	ContentID string // for inline images referenced as cid:
	Data      []byte // set when writing; not loaded with the message
	// Encoded, when set, is the base64 text in the message's Raw (a slice
	// of it) that Data was decoded from by a strict decoder, a line at a
	// time (as mail's parser does): Seal then checks it in place instead of
	// encoding Data again to look for it.
	Encoded []byte
}

// Actor is who made a change: a user, or the system itself (ID 0).
type Actor struct {
	ID   int64
	Name string
}

// SystemActor is the actor of automatic changes.
var SystemActor = Actor{Name: "system"}

// EventKind says what an event records.
type EventKind string

// The event kinds.
const (
	EventCreated  EventKind = "created"
	EventStatus   EventKind = "status"
	EventMessage  EventKind = "message"
	EventAssign   EventKind = "assignee"
	EventTeam     EventKind = "team"
	EventPriority EventKind = "priority"
	EventField    EventKind = "field"
	EventSLA      EventKind = "sla"    // Field: the clock; To: warning or breach
	EventRating   EventKind = "rating" // To: the score
)

// Event is one entry of a ticket's append-only history: who changed what,
// when, from which value to which.
type Event struct {
	ID        int64
	TicketID  int64
	ActorID   int64
	ActorName string
	Kind      EventKind
	Field     string
	From      string
	To        string
	Reason    string
	CreatedAt time.Time
}

// PriorityFor returns the ITIL priority of an impact and an urgency, each 1
// (high) to 3 (low): 1 is the most urgent, 5 the least. Out-of-range inputs
// are clamped to the nearest valid value.
func PriorityFor(impact, urgency int) int {
	return clamp(impact, 1, 3) + clamp(urgency, 1, 3) - 1
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
