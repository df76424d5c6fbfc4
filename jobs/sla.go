package jobs

import (
	"context"
	"log/slog"
	"time"

	"balcao"
	"balcao/sla"
)

// StaffNotifier tells members of staff about a warning or a breach of a
// ticket's service level: in the console and by email (the intake package
// implements it: it owns the texts and the outgoing mail).
type StaffNotifier interface {
	NotifySLA(tx balcao.Tx, t *balcao.Ticket, r *balcao.SLARecord, staff []*balcao.User, now time.Time) error
}

// SLA measures tickets against their service levels when something
// changed them or a warning or due time comes: it stores their due times
// (the queues sort by them), records each warning and breach once, with an
// event, and tells the team. A warning goes to the assignee, or to the
// team when nobody is assigned; a breach goes to the team, its supervisors
// included, and the assignee. Each run catches up on everything due, so
// after downtime the work is done at start, once.
type SLA struct {
	Store    balcao.Store
	Levels   *sla.Book
	Notifier StaffNotifier
	Locker   Locker
	Clock    balcao.Clock
	Logger   *slog.Logger
	Interval time.Duration // default 30 seconds
}

// RunOnce measures every ticket due now and returns how many warnings and
// breaches it recorded.
func (j *SLA) RunOnce(ctx context.Context) (int, error) {
	recorded := 0
	// A ticket changed while it is measured stays due and is measured
	// again; the bound stops a ticket that changes without end from
	// holding the job.
	for round := 0; round < 1000; round++ {
		now := j.Clock.Now()
		due, err := j.Store.SLADue(ctx, now, 200)
		if err != nil || len(due) == 0 {
			return recorded, err
		}
		for _, t := range due {
			n, err := j.measure(ctx, t, now)
			recorded += n
			if err != nil {
				return recorded, err
			}
		}
	}
	return recorded, nil
}

func (j *SLA) measure(ctx context.Context, t *balcao.Ticket, now time.Time) (int, error) {
	msgs, err := j.Store.Messages(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	evs, err := j.Store.Events(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	m := j.Levels.Measure(t, msgs, evs, now)
	recs := m.Events(t, now)
	n := 0
	if len(recs) > 0 {
		var team []*balcao.User
		if t.TeamID != 0 {
			if team, err = j.Store.TeamMembers(ctx, t.TeamID); err != nil {
				return 0, err
			}
		}
		var assignee *balcao.User
		if t.AssigneeID != 0 {
			if assignee, err = j.Store.UserByID(ctx, t.AssigneeID); err != nil && balcao.ErrorCode(err) != balcao.ENOTFOUND {
				return 0, err
			}
		}
		err = j.Store.Update(ctx, func(tx balcao.Tx) error {
			n = 0
			for _, r := range recs {
				inserted, err := tx.RecordSLA(r)
				if err != nil {
					return err
				}
				if !inserted {
					continue
				}
				n++
				if err := tx.AddEvent(&balcao.Event{TicketID: t.ID, ActorName: balcao.SystemActor.Name, Kind: balcao.EventSLA,
					Field: r.Clock, To: r.Kind, Reason: "prazo " + r.DueAt.UTC().Format(time.RFC3339), CreatedAt: now}); err != nil {
					return err
				}
				// A breach found once the work is done (the ticket was
				// resolved while the job was not running) is recorded for
				// the reports, but there is nothing left to act on.
				if j.Notifier != nil && t.Status.Open() {
					if err := j.Notifier.NotifySLA(tx, t, r, recipients(r.Kind, team, assignee), now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	_, err = j.Store.SetSLASchedule(ctx, t.ID, t.SLACheckAt, m.Schedule(t, now))
	return n, err
}

// recipients picks who hears of a warning or a breach.
func recipients(kind string, team []*balcao.User, assignee *balcao.User) []*balcao.User {
	if kind == balcao.SLAWarning && assignee != nil && !assignee.Disabled {
		return []*balcao.User{assignee}
	}
	out := team
	if assignee != nil && !assignee.Disabled {
		for _, u := range team {
			if u.ID == assignee.ID {
				return out
			}
		}
		out = append(append([]*balcao.User(nil), team...), assignee)
	}
	return out
}

// Run measures at start and then every Interval until ctx ends, in one
// instance at a time.
func (j *SLA) Run(ctx context.Context) {
	every(ctx, j.Interval, 30*time.Second, j.Locker, "sla", j.Logger, func(ctx context.Context) {
		n, err := j.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			j.Logger.Error("service levels", "err", err)
		}
		if n > 0 {
			j.Logger.Info("service-level warnings and breaches recorded", "count", n)
		}
	})
}

// every runs fn at once and then every interval (def when zero) until ctx
// ends, holding the named lock so that one instance runs it at a time.
func every(ctx context.Context, interval, def time.Duration, locker Locker, name string, log *slog.Logger, fn func(context.Context)) {
	if interval == 0 {
		interval = def
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		func() {
			if locker != nil {
				release, ok, err := locker.TryLock(ctx, name)
				if err != nil || !ok {
					if err != nil && ctx.Err() == nil {
						log.Error("job lock", "job", name, "err", err)
					}
					return
				}
				defer release()
			}
			fn(ctx)
		}()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
