// Package imap polls mailboxes the desk does not own (Exchange, Microsoft
// 365, Dovecot) over IMAP and hands each new message to a
// balcao.MailDeliverer.
//
// The guarantees, in order of importance:
//
//   - A message is marked (\Seen, moved or deleted, as MailboxConfig.After
//     says) and the stored cursor moves past it only after DeliverMail
//     returned nil, i.e. after the message is durably stored. A crash in
//     between means the message is delivered again; the deliverer drops the
//     duplicate by Message-ID.
//   - Messages are delivered one at a time in UID order. A transient
//     deliverer error stops the round: the message and all after it stay
//     unmarked and are retried on the next round.
//   - A permanent deliverer error (code EINVALID) marks the message as
//     handled anyway and is logged: the same bytes would be refused again,
//     and retrying would block every message behind it.
//   - Only one instance polls a mailbox at a time (Locker).
//
// Which messages a round looks at: the State remembers, per mailbox, the
// UIDVALIDITY and the highest UID dealt with. When the UIDVALIDITY matches,
// the round takes every message with a higher UID, seen or not (a person
// reading the shared mailbox in Outlook must not hide a request from the
// desk). On the first poll of a mailbox, or when the UIDVALIDITY changed
// (the folder was recreated or the server rebuilt it), the old UIDs mean
// nothing: the round takes every unseen message instead, and only once all
// of them are handled stores the new UIDVALIDITY with the highest UID.
// Messages flagged \Deleted are never taken.
package imap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"balcao"
)

// State is where the poller remembers its position; the storage layer
// implements it.
type State interface {
	// Cursor returns the UIDVALIDITY and the highest UID already stored for
	// a mailbox (0, 0 when unknown).
	Cursor(ctx context.Context, mailbox string) (uidValidity uint32, lastUID uint32, err error)
	SetCursor(ctx context.Context, mailbox string, uidValidity uint32, lastUID uint32) error
}

// Locker ensures one poller per mailbox across instances (a PostgreSQL
// advisory lock, or in-process for SQLite). TryLock returns ok=false when
// another instance holds the lock; release frees it.
type Locker interface {
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
}

// ErrLocked is returned by PollOnce when another poller holds the mailbox.
var ErrLocked = errors.New("imap: another poller holds this mailbox")

// Poller reads one mailbox. Its methods must not be called concurrently
// with each other on the same Poller except through the Locker, which makes
// the second caller wait or fail.
type Poller struct {
	cfg   MailboxConfig
	after afterAction
	d     balcao.MailDeliverer
	st    State
	lk    Locker
	log   *slog.Logger

	// Reconnect backoff bounds; fields so tests can shorten them.
	minBackoff, maxBackoff time.Duration
	now                    func() time.Time
}

// NewPoller returns a poller for cfg. Defaults are applied to cfg; an invalid
// cfg, or a nil d, st or lk, is reported by Run and PollOnce. The lock name
// is "imap:" + cfg.Name and the State key is cfg.Name. A nil log discards
// messages.
func NewPoller(cfg MailboxConfig, d balcao.MailDeliverer, st State, lk Locker, log *slog.Logger) *Poller {
	cfg = cfg.withDefaults()
	after, _ := parseAfter(cfg.After)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{
		cfg:        cfg,
		after:      after,
		d:          d,
		st:         st,
		lk:         lk,
		log:        log.With("mailbox", cfg.Name),
		minBackoff: time.Second,
		maxBackoff: 5 * time.Minute,
		now:        time.Now,
	}
}

// check reports an invalid configuration or a missing collaborator.
func (p *Poller) check() error {
	if p.d == nil || p.st == nil || p.lk == nil {
		return fmt.Errorf("imap mailbox %q: NewPoller needs a MailDeliverer, a State and a Locker", p.cfg.Name)
	}
	return p.cfg.Validate()
}

// lockName is the Locker key for this mailbox.
func (p *Poller) lockName() string { return "imap:" + p.cfg.Name }

// Run polls the mailbox until ctx is done, then returns nil; it returns an
// error only for an invalid configuration. It takes the lock (trying again
// every PollInterval while another instance holds it), connects, and runs a
// round at once, then after every IDLE wake-up (new mail) or PollInterval,
// whichever comes first; without IDLE it runs a round every PollInterval.
// Network, login and server errors drop the connection and the lock and
// reconnect after a backoff (1s doubling to 5 min, with jitter). Cancelling
// ctx closes the connection, which interrupts IDLE and any command.
func (p *Poller) Run(ctx context.Context) error {
	if err := p.check(); err != nil {
		return err
	}
	backoff := p.minBackoff
	failures := 0
	waiting := false
	for ctx.Err() == nil {
		release, ok, err := p.lk.TryLock(ctx, p.lockName())
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			p.log.Warn("imap: cannot take the mailbox lock", "err", err)
			sleep(ctx, p.cfg.PollInterval)
			continue
		}
		if !ok {
			if !waiting {
				p.log.Info("imap: another instance polls this mailbox; waiting", "retry_every", p.cfg.PollInterval)
				waiting = true
			}
			sleep(ctx, p.cfg.PollInterval)
			continue
		}
		waiting = false
		healthy, err := p.serve(ctx)
		release()
		if ctx.Err() != nil {
			break
		}
		if healthy {
			backoff, failures = p.minBackoff, 0
		}
		failures++
		wait := jitter(backoff)
		level := slog.LevelWarn
		if failures > 3 {
			level = slog.LevelError
		}
		p.log.Log(ctx, level, "imap: connection to mailbox failed; reconnecting", "err", err, "retry_in", wait.Round(time.Millisecond), "failures", failures)
		sleep(ctx, wait)
		backoff = min(2*backoff, p.maxBackoff)
	}
	p.log.Debug("imap: poller stopped")
	return nil
}

// serve runs one connection: rounds separated by IDLE or sleep, until an
// error or ctx is done. healthy reports whether at least one round ran
// without a connection-level error, so Run can reset its backoff.
func (p *Poller) serve(ctx context.Context) (healthy bool, err error) {
	s, err := p.connect(ctx)
	if err != nil {
		return false, err
	}
	defer s.close(ctx)
	s.prepare()
	p.log.Debug("imap: connected", "idle", s.canIdle)
	for {
		n, err := s.round(ctx)
		if ctx.Err() != nil {
			return healthy, nil
		}
		var later *retryLaterError
		switch {
		case errors.As(err, &later):
			healthy = true
			p.log.Warn("imap: round stopped; the rest of the mailbox is retried later", "err", err, "delivered", n)
		case err != nil:
			return healthy, err
		default:
			healthy = true
			if n > 0 {
				p.log.Info("imap: messages delivered", "count", n)
			}
		}
		if err := s.wait(ctx); err != nil {
			if ctx.Err() != nil {
				return healthy, nil
			}
			return healthy, err
		}
	}
}

// PollOnce runs one round on a connection of its own and returns how many
// messages DeliverMail accepted (permanently refused ones are marked but not
// counted). It returns ErrLocked when another poller holds the mailbox, and
// the deliverer's error (wrapped) when a transient failure stopped the round.
func (p *Poller) PollOnce(ctx context.Context) (delivered int, err error) {
	if err := p.check(); err != nil {
		return 0, err
	}
	release, ok, err := p.lk.TryLock(ctx, p.lockName())
	if err != nil {
		return 0, fmt.Errorf("imap: mailbox lock: %w", err)
	}
	if !ok {
		return 0, ErrLocked
	}
	defer release()
	s, err := p.connect(ctx)
	if err != nil {
		return 0, err
	}
	defer s.close(ctx)
	s.prepare()
	return s.round(ctx)
}

// retryLaterError is a failure that stops the round but not the connection:
// the deliverer or the State failed transiently.
type retryLaterError struct {
	what string
	err  error
}

func (e *retryLaterError) Error() string { return e.what + ": " + e.err.Error() }
func (e *retryLaterError) Unwrap() error { return e.err }

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// jitter spreads reconnections of many instances by up to +20%.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + rand.N(d/5+1)
}
