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
