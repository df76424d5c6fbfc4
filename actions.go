package balcao

import (
	"context"
	"time"
)

// Kinds of links between tickets (ticket_links.kind).
const (
	LinkFollows = "follows" // a new ticket opened after the other was closed
	LinkRelated = "related" // an agent said the two are about related matters
	LinkMerged  = "merged"  // the ticket was merged into the other
)

// EventKinds of the console's ticket actions.
const (
	// EventMerge: Field "merged_into" on the duplicate (To: the number it
	// went into), "merged_from" on the ticket that took it (From: the
	// duplicate's number); Reason says how many messages moved.
	EventMerge EventKind = "merge"
	// EventLink: Field is the link's kind, To the other ticket's number.
	EventLink EventKind = "link"
	// EventRequestType: From and To are request type codes.
	EventRequestType EventKind = "request_type"
)

// TicketLink is a link from or to another ticket, as the ticket page shows
// it: the kind, the other ticket, and whether the link points at this one
// (Incoming) or from it.
type TicketLink struct {
	Kind     string
	Incoming bool
	OtherID  int64
	Number   TicketNumber
	Subject  string
	Status   Status
	// TeamID and AssigneeID of the other ticket, for the caller to
	// check it may show it.
	TeamID     int64
	AssigneeID int64
}

// CannedResponse is a text agents insert into an answer, kept per request
// type ("" for every type) by supervisors, in one or more of
// CannedLanguages.
type CannedResponse struct {
	ID          int64
	RequestType string
	Title       string
	// Texts holds the text in each language written, by tag (pt-PT, pt-BR,
	// en, es); at least one.
	Texts     map[string]string
	UpdatedBy string
	UpdatedAt time.Time
}

// CannedLanguages are the languages a canned response may be written in,
// pt-PT (the fallback) first.
var CannedLanguages = []string{"pt-PT", "pt-BR", "en", "es"}

// TextIn returns the text in the first of langs the response has, then in
// pt-PT, then in the first of CannedLanguages it has: for a reply, the
// requester's language and then the service's. It also returns the
// language of the text.
func (c *CannedResponse) TextIn(langs ...string) (text, lang string) {
	for _, list := range [][]string{langs, CannedLanguages} { // pt-PT is first of CannedLanguages
		for _, l := range list {
			if t := c.Texts[l]; t != "" {
				return t, l
			}
		}
	}
	return "", ""
}

// ActionTx holds the writes of the console's ticket actions that must run
// in the same transaction as a notification to the requester.
type ActionTx interface {
	// MergeTicket moves every message of the duplicate into the other
	// ticket, moves the duplicate to merged with MergedInto set, links the
	// two and records the merge in both histories. Merging a ticket into
	// itself, into a ticket in a final state, or one already final, is
	// EINVALID.
	MergeTicket(dupID, intoID int64, actor Actor, now time.Time) error
	// ChangeRequestType sets a ticket's request type, service and team
	// (teamID 0 for triage) with its revalidated fields and problems,
	// recording the changes.
	ChangeRequestType(ticketID int64, requestType, service string, teamID int64, fields map[string]string, missing []FieldProblem, actor Actor, now time.Time) error
}

// ActionStore is what the console's ticket actions need beyond the rest of
// Store.
type ActionStore interface {
	// TicketLinks lists the links from and to a ticket, oldest first.
	TicketLinks(ctx context.Context, ticketID int64) ([]*TicketLink, error)
	// CannedResponses lists the canned responses of a request type and
	// those for every type; with all set, every one of every type.
	CannedResponses(ctx context.Context, requestType string, all bool) ([]*CannedResponse, error)
	// SaveCannedResponse creates (ID 0) or replaces a canned response; an
	// empty title or text is EINVALID, an unknown ID ENOTFOUND.
	SaveCannedResponse(ctx context.Context, c *CannedResponse) error
	// DeleteCannedResponse removes one; an unknown ID is ENOTFOUND.
	DeleteCannedResponse(ctx context.Context, id int64) error
}
