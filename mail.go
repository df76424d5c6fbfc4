package balcao

import (
	"context"
	"time"
)

// Envelope says how a raw email message reached the desk.
type Envelope struct {
	// Source names the entry point: "smtp", "lmtp" or "imap:<mailbox name>".
	Source string
	// MailFrom is the SMTP return path; empty for the null sender <>,
	// which bounces and other automatic notices use.
	MailFrom string
	// Recipients are the desk addresses the message was delivered to
	// (SMTP RCPT TO, or the mailbox's address for IMAP).
	Recipients []string
	RemoteAddr string
	ReceivedAt time.Time
}

// MailDeliverer takes one raw message off the wire. A nil error means the
// message is durably stored (as a ticket, a follow-up, or in quarantine)
// and the sender may forget it. An error with code EINVALID is permanent
// (the sender should not retry, e.g. an unknown recipient); any other error
// is transient and the sender must retry later.
type MailDeliverer interface {
	DeliverMail(ctx context.Context, env Envelope, raw []byte) error
}

// MailStats counts what a mail listener (SMTP or LMTP) has done since it
// started.
type MailStats struct {
	// Sessions is the connections served.
	Sessions int64
	// Accepted is the messages stored and answered 250; Refused, those
	// answered with a permanent 5xx (invalid, too large, a line too
	// long); Deferred, those answered with a transient 4xx (storing
	// failed, the connection broke, shutting down): their senders retry.
	Accepted, Refused, Deferred int64
	// RecipientsRefused is the RCPT commands for addresses that are not
	// the desk's.
	RecipientsRefused int64
}

// OutboxStatus is the delivery state of an outgoing email.
type OutboxStatus string

// The outbox states.
const (
	OutboxPending OutboxStatus = "pending" // waiting for a relay or for its next attempt
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed" // permanently refused; recorded on the ticket
)

// OutboxItem is an email waiting to be sent, or the record of one. The
// raw bytes are composed when it is queued, so what is sent is exactly what
// was stored with the ticket.
type OutboxItem struct {
	ID            int64
	TicketID      int64 // 0 for mail about no ticket (e.g. the list of valid subjects)
	MessageID     string
	MailFrom      string
	Recipients    []string
	Raw           []byte
	Auto          bool // an automatic answer (acknowledgement, request for data): rate-limited per recipient
	Status        OutboxStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}

// Quarantined is a message that could not become a ticket or a follow-up,
// kept whole with the reason, for an admin to look at.
type Quarantined struct {
	ID         int64
	Envelope   Envelope
	MessageID  string
	Reason     string
	Raw        []byte
	ReceivedAt time.Time
}

// Tx is a write transaction of the store: everything done through it
// commits together or not at all. Channels use it when one inbound message
// means several changes (a follow-up, new field values, a state change and
// an answer to queue).
type Tx interface {
	TicketByID(id int64) (*Ticket, error)
	TicketByNumber(n TicketNumber) (*Ticket, error)
	// TicketByMessageIDs returns the ticket that holds a message with one
	// of these Message-IDs, preferring messages the desk sent; ENOTFOUND if none.
	TicketByMessageIDs(ids []string) (*Ticket, error)
	// Attachments lists the attachments (without content) the requester
	// sent on a ticket, oldest first.
	Attachments(ticketID int64) ([]*Attachment, error)
	// MessageStored reports whether a message with this Message-ID exists.
	MessageStored(messageID string) (bool, error)
	CreateTicket(nt *NewTicket) (*Ticket, error)
	AddMessage(ticketID int64, m *Message, actor Actor) error
	// SetTicketData replaces the structured values and open problems of a
	// ticket, recording one event per changed field.
	SetTicketData(ticketID int64, fields map[string]string, missing []FieldProblem, actor Actor, now time.Time) error
	ChangeStatus(ticketID int64, to Status, actor Actor, reason string, now time.Time) (*Ticket, error)
	AddParticipants(ticketID int64, emails []string) error
	IsParticipant(ticketID int64, email string) (bool, error)
	LinkTickets(ticketID, otherID int64, kind string, now time.Time) error
	Enqueue(item *OutboxItem) error
	// AutoMailCount counts automatic emails queued to a recipient since a time.
	AutoMailCount(recipient string, since time.Time) (int, error)
	Quarantine(q *Quarantined) error
	// RecordSLA records a warning or breach; inserted is false when that
	// ticket's clock already had one of that kind.
	RecordSLA(r *SLARecord) (inserted bool, err error)
	// AddEvent appends an event to a ticket's history.
	AddEvent(e *Event) error
	// Notify stores a notification for a member of staff.
	Notify(n *Notification) error
	// CreateRatingLink stores the SHA-256 of a ticket's satisfaction link
	// secret; a ticket has one link, and a second is ECONFLICT.
	CreateRatingLink(ticketID int64, hash [32]byte, now time.Time) error
	// ActionTx holds the writes of the console's ticket actions (actions.go).
	ActionTx
}
