package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"balcao"
	"balcao/lifecycle"
)

// Notifier tells a requester that a ticket was closed for lack of an
// answer (the intake package implements it: it owns the answers' texts).
type Notifier interface {
	NotifyAutoClosed(tx balcao.Tx, t *balcao.Ticket, days int, now time.Time) error
}

// Lifecycle applies the seeds' time rules by itself: a ticket waiting on
// the requester with no answer for 30 days is closed, with a last message
// saying why and how to start again; a resolved ticket not reopened within
// 10 days is closed. Each run catches up on everything overdue, so after
// downtime the work is done at start, once.
type Lifecycle struct {
	Store    balcao.Store
	Rules    lifecycle.Rules
	Notifier Notifier
	Locker   Locker
	Clock    balcao.Clock
	Logger   *slog.Logger
	Interval time.Duration // default 1 minute
}

// RunOnce closes what is overdue now and returns how many tickets it closed.
func (l *Lifecycle) RunOnce(ctx context.Context) (int, error) {
	rules := l.Rules
	if rules == (lifecycle.Rules{}) {
		rules = lifecycle.DefaultRules()
	}
	closed := 0
	for {
		now := l.Clock.Now()
		pending, err := l.Store.StaleTickets(ctx, balcao.StatusPendingRequester, now.Add(-rules.AutoClosePending), 100)
		if err != nil {
			return closed, err
		}
		resolved, err := l.Store.StaleTickets(ctx, balcao.StatusResolved, now.Add(-rules.ReopenWindow), 100)
		if err != nil {
			return closed, err
		}
		if len(pending)+len(resolved) == 0 {
			return closed, nil
		}
		days := int(rules.AutoClosePending / (24 * time.Hour))
		for _, t := range pending {
			err := l.Store.Update(ctx, func(tx balcao.Tx) error {
				if _, err := tx.ChangeStatus(t.ID, balcao.StatusClosed, balcao.SystemActor,
					fmt.Sprintf("fechado automaticamente: %d dias sem resposta do requerente", days), now); err != nil {
					return err
				}
				if l.Notifier == nil {
					return nil
				}
				return l.Notifier.NotifyAutoClosed(tx, t, days, now)
			})
			switch {
			case err == nil:
				closed++
			case balcao.ErrorCode(err) != balcao.ECONFLICT: // a conflict: someone moved it meanwhile
				return closed, err
			}
		}
		window := int(rules.ReopenWindow / (24 * time.Hour))
		for _, t := range resolved {
			_, err := l.Store.ChangeStatus(ctx, t.ID, balcao.StatusClosed, balcao.SystemActor,
				fmt.Sprintf("fechado automaticamente: terminou o prazo de %d dias para reabrir", window), now)
			switch {
			case err == nil:
				closed++
			case balcao.ErrorCode(err) != balcao.ECONFLICT:
				return closed, err
			}
		}
	}
}

// Run applies the rules at start and then every Interval until ctx ends,
// in one instance at a time.
func (l *Lifecycle) Run(ctx context.Context) {
	interval := l.Interval
	if interval == 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		l.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (l *Lifecycle) round(ctx context.Context) {
	if l.Locker != nil {
		release, ok, err := l.Locker.TryLock(ctx, "lifecycle")
		if err != nil || !ok {
			return
		}
		defer release()
	}
	n, err := l.RunOnce(ctx)
	if err != nil && ctx.Err() == nil {
		l.Logger.Error("lifecycle rules", "err", err)
	}
	if n > 0 {
		l.Logger.Info("tickets closed by the lifecycle rules", "count", n)
	}
}
