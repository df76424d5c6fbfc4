package lifecycle

import (
	"time"

	"balcao"
)

// Rules are the lifecycle durations of a service, in calendar (elapsed)
// time, not business time: they are promises to the requester about days.
type Rules struct {
	// AutoClosePending is how long a request pending on the requester
	// waits for an answer before it is closed; 0 or less never closes.
	AutoClosePending time.Duration
	// ReopenWindow is how long after its resolution a requester's reply
	// reopens a ticket; 0 or less never reopens.
	ReopenWindow time.Duration
}

// DefaultRules returns the WebRNU model's rules: a request pending on
// missing data closes after 30 days without an answer, and a resolved
// request may be reopened within 10 days of its resolution.
func DefaultRules() Rules {
	return Rules{AutoClosePending: 30 * 24 * time.Hour, ReopenWindow: 10 * 24 * time.Hour}
}

// AutoCloseDue returns when a request pending on the requester since
// pendingSince is to be closed: AutoClosePending after the later of
// pendingSince and the requester's last message (zero when none). It
// returns the zero time when auto-close is off or pendingSince is zero.
// The scheduler closes the request once now is at or past the result.
func (r Rules) AutoCloseDue(pendingSince, lastRequesterMessage time.Time) time.Time {
	if r.AutoClosePending <= 0 || pendingSince.IsZero() {
		return time.Time{}
	}
	from := pendingSince
	if lastRequesterMessage.After(from) {
		from = lastRequesterMessage
	}
	return from.Add(r.AutoClosePending)
}

// CanReopen reports whether a ticket resolved at resolvedAt may still be
// reopened at now: resolvedAt is set and now is at most ReopenWindow after
// it (the last instant included). A now before resolvedAt, a clock skew,
// counts as inside the window.
func (r Rules) CanReopen(resolvedAt, now time.Time) bool {
	if r.ReopenWindow <= 0 || resolvedAt.IsZero() {
		return false
	}
	return !now.After(resolvedAt.Add(r.ReopenWindow))
}

// ReplyAction is what intake does with a requester's message that belongs
// to an existing ticket.
type ReplyAction string

// The reply actions.
const (
	// ReplyAppend adds the message to the ticket's thread and changes no
	// state (intake resumes a ticket pending on the requester).
	ReplyAppend ReplyAction = "append"
	// ReplyReopen adds the message and moves the resolved ticket back to
	// open, keeping its number.
	ReplyReopen ReplyAction = "reopen"
	// ReplyNewLinked opens a new ticket linked to the old one.
	ReplyNewLinked ReplyAction = "new_linked_ticket"
)

// OnRequesterReply decides what a requester's message about a ticket in
// status does:
//
//   - an automatic message (auto-reply, bounce) never reopens nor opens
//     anything: ReplyAppend, whatever the status;
//   - a resolved ticket within ReopenWindow of resolvedAt: ReplyReopen;
//   - a resolved ticket after the window, or a closed, cancelled or merged
//     one: ReplyNewLinked (for a merged ticket intake may prefer to append
//     to the ticket it was merged into);
//   - any open status, or one this package does not know: ReplyAppend, so
//     no message is ever lost.
func (r Rules) OnRequesterReply(status balcao.Status, resolvedAt, now time.Time, automatic bool) ReplyAction {
	if automatic {
		return ReplyAppend
	}
	switch status {
	case balcao.StatusResolved:
		if r.CanReopen(resolvedAt, now) {
			return ReplyReopen
		}
		return ReplyNewLinked
	case balcao.StatusClosed, balcao.StatusCancelled, balcao.StatusMerged:
		return ReplyNewLinked
	}
	return ReplyAppend
}
