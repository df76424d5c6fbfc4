package jobs

import (
	"context"
	"log/slog"
	"time"

	"balcao"
)

// Reports keeps the hourly summaries the supervisors' reports read
// (Store.RollUpReports): at start it sums up every complete hour not yet
// summed (the whole history, the first time, a day per transaction), and
// then every Interval the hour just ended and the hours that changes of
// team, type, service, first response, resolution or breaches made wrong.
// The reports read what the summaries do not hold from the tickets, so the
// figures are right whenever the job last ran; it only makes them cheap.
type Reports struct {
	Store    balcao.Store
	Locker   Locker
	Clock    balcao.Clock
	Logger   *slog.Logger
	Interval time.Duration // default 1 minute
}

// RunOnce sums up what waits and returns how far the summaries reach.
func (j *Reports) RunOnce(ctx context.Context) (balcao.ReportRollup, error) {
	return j.Store.RollUpReports(ctx, j.Clock.Now())
}

// Run sums up at start and then every Interval until ctx ends, in one
// instance at a time.
func (j *Reports) Run(ctx context.Context) {
	every(ctx, j.Interval, time.Minute, j.Locker, "reports", j.Logger, func(ctx context.Context) {
		if _, err := j.RunOnce(ctx); err != nil && ctx.Err() == nil {
			j.Logger.Error("report summaries", "err", err)
		}
	})
}
