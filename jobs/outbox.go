// Package jobs runs the desk's scheduled work inside `balcao serve`:
// delivering the outbox now, and (later) auto-close and SLA checks. With
// several instances on one PostgreSQL, each job runs under an advisory
// lock, so it runs in one instance at a time.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"balcao"
)

// Sender delivers composed mail (the smtp package's Sender).
type Sender interface {
	Send(ctx context.Context, envelopeFrom string, rcpts []string, raw []byte) error
}

// Locker grants a named lock to one instance at a time.
type Locker interface {
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
}

// Outbox delivers queued mail with retries and backoff. A permanent
// refusal, or a message still undelivered after GiveUpAfter, is marked
// failed and recorded on its ticket; nothing is dropped silently.
type Outbox struct {
	Store       balcao.Store
	Sender      Sender
	IsPermanent func(error) bool
	Locker      Locker
	Clock       balcao.Clock
	Logger      *slog.Logger
	Interval    time.Duration // how often to look for due mail (default 2s)
	GiveUpAfter time.Duration // default 48h
	Batch       int           // default 50
	// Wake, when set, makes Run look at the outbox at once (e.g. after
	// intake queued an answer) instead of waiting for the interval.
	Wake chan struct{}
}

// backoff is the wait before attempt n+1: 1, 2, 4 … minutes, at most 1 hour.
func backoff(attempts int) time.Duration {
	d := time.Minute << min(attempts, 6)
	return min(d, time.Hour)
}

// RunOnce sends what is due now and returns how many were sent and failed.
func (o *Outbox) RunOnce(ctx context.Context) (sent, failed int, err error) {
	now := o.Clock.Now()
	batch := o.Batch
	if batch == 0 {
		batch = 50
	}
	giveUp := o.GiveUpAfter
	if giveUp == 0 {
		giveUp = 48 * time.Hour
	}
	items, err := o.Store.DueOutbox(ctx, now, batch)
	if err != nil {
		return 0, 0, err
	}
	if len(items) > 0 {
		// Never send a mail about a write that a crash could still undo.
		if err := o.Store.WaitDurable(ctx); err != nil {
			return 0, 0, err
		}
	}
	for _, it := range items {
		serr := o.Sender.Send(ctx, it.MailFrom, it.Recipients, it.Raw)
		now := o.Clock.Now()
		switch {
		case serr == nil:
			err = o.Store.MarkOutbox(ctx, it.ID, balcao.OutboxSent, "", now, now)
			sent++
		case o.IsPermanent != nil && o.IsPermanent(serr), now.Sub(it.CreatedAt) > giveUp:
			o.Logger.Warn("outgoing mail failed for good", "id", it.ID, "to", it.Recipients, "err", serr)
			err = o.Store.MarkOutbox(ctx, it.ID, balcao.OutboxFailed, serr.Error(), now, now)
			failed++
		default:
			o.Logger.Info("outgoing mail deferred", "id", it.ID, "to", it.Recipients, "attempt", it.Attempts+1, "err", serr)
			err = o.Store.MarkOutbox(ctx, it.ID, balcao.OutboxPending, serr.Error(), now.Add(backoff(it.Attempts)), now)
		}
		if err != nil {
			return sent, failed, err
		}
		if ctx.Err() != nil {
			return sent, failed, ctx.Err()
		}
	}
	return sent, failed, nil
}

// Run delivers until ctx ends. It first does any work left from before a
// restart (mail queued while the service was down).
func (o *Outbox) Run(ctx context.Context) {
	interval := o.Interval
	if interval == 0 {
		interval = 2 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		o.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.Wake:
		}
	}
}

func (o *Outbox) round(ctx context.Context) {
	if o.Locker != nil {
		release, ok, err := o.Locker.TryLock(ctx, "outbox")
		if err != nil || !ok {
			return
		}
		defer release()
	}
	for {
		sent, failed, err := o.RunOnce(ctx)
		if err != nil {
			if ctx.Err() == nil {
				o.Logger.Error("outbox", "err", err)
			}
			return
		}
		if sent+failed == 0 {
			return
		}
	}
}
