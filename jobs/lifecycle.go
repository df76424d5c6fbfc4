package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"balcao"
	"balcao/lifecycle"
	"balcao/sla"
)

// Notifier tells a requester that a ticket was closed for lack of an
// answer (the intake package implements it: it owns the answers' texts).
type Notifier interface {
	NotifyAutoClosed(tx balcao.Tx, t *balcao.Ticket, days int, now time.Time) error
}

// Lifecycle applies the seeds' time rules by itself: a ticket waiting on
// the requester with no answer for 30 days is closed, with a last message
// saying why and how to start again; a resolved ticket not reopened within
// 10 days is closed. The durations are per service (Levels); without
// Levels every ticket follows Rules. Each run catches up on everything
// overdue, so after downtime the work is done at start, once.
type Lifecycle struct {
	Store    balcao.Store
	Rules    lifecycle.Rules
	Levels   *sla.Book
	Notifier Notifier
	Locker   Locker
	Clock    balcao.Clock
	Logger   *slog.Logger
	Interval time.Duration // default 1 minute
}

func (l *Lifecycle) groups() []sla.RuleGroup {
	if l.Levels != nil {
		return l.Levels.RuleGroups()
	}
	rules := l.Rules
	if rules == (lifecycle.Rules{}) {
		rules = lifecycle.DefaultRules()
	}
	return []sla.RuleGroup{{Rules: rules}}
}

// RunOnce closes what is overdue now and returns how many tickets it closed.
func (l *Lifecycle) RunOnce(ctx context.Context) (int, error) {
	closed := 0
	for _, g := range l.groups() {
		n, err := l.runGroup(ctx, g)
		closed += n
		if err != nil {
			return closed, err
		}
	}
	return closed, nil
}

func (l *Lifecycle) runGroup(ctx context.Context, g sla.RuleGroup) (int, error) {
	rules := g.Rules
	closed := 0
	for {
		now := l.Clock.Now()
		var pending, resolved []*balcao.Ticket
		var err error
		if rules.AutoClosePending > 0 {
			pending, err = l.Store.StaleTickets(ctx, balcao.StaleFilter{Status: balcao.StatusPendingRequester,
				Before: now.Add(-rules.AutoClosePending), Services: g.Services, ExceptServices: g.Except, Limit: 100})
			if err != nil {
				return closed, err
			}
		}
		if rules.ReopenWindow > 0 {
			resolved, err = l.Store.StaleTickets(ctx, balcao.StaleFilter{Status: balcao.StatusResolved,
				Before: now.Add(-rules.ReopenWindow), Services: g.Services, ExceptServices: g.Except, Limit: 100})
			if err != nil {
				return closed, err
			}
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
	every(ctx, l.Interval, time.Minute, l.Locker, "lifecycle", l.Logger, func(ctx context.Context) {
		n, err := l.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			l.Logger.Error("lifecycle rules", "err", err)
		}
		if n > 0 {
			l.Logger.Info("tickets closed by the lifecycle rules", "count", n)
		}
	})
}
