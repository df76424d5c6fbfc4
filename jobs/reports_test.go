package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"balcao"
	"balcao/jobs"
	"balcao/storetest"
)

// TestReportSummariesAtStartAndEachInterval: the reports job sums up the
// complete hours at start (catch-up) and moves on as the clock does, and
// the reports count the same before and after.
func TestReportSummariesAtStartAndEachInterval(t *testing.T) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			c := balcao.NewManualClock(time.Date(2026, 3, 2, 10, 20, 0, 0, time.UTC))
			for i := range 5 {
				_, err := s.CreateTicket(context.Background(), &balcao.NewTicket{Subject: "WebRNU – Criação de acesso", RequestType: "webrnu-a",
					Service: "webrnu", Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusNew,
					Now: c.Now().Add(-time.Duration(i) * 20 * time.Hour)})
				if err != nil {
					t.Fatal(err)
				}
			}
			f := balcao.ReportFilter{From: c.Now().Add(-5 * 24 * time.Hour), To: c.Now().Add(time.Hour)}
			before, err := s.ReceivedByDay(context.Background(), f, time.UTC)
			if err != nil || before.Total != 5 {
				t.Fatalf("before: %+v, %v", before, err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			job := &jobs.Reports{Store: s, Locker: s, Clock: c, Logger: slog.New(slog.DiscardHandler), Interval: 10 * time.Millisecond}
			done := make(chan struct{})
			go func() { job.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			wait := func(want time.Time) {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for {
					st, err := s.ReportRollup(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					if st.RolledTo.Equal(want) {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("summaries reach %v, want %v", st.RolledTo, want)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			wait(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			c.Advance(2 * time.Hour)
			wait(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
			after, err := s.ReceivedByDay(context.Background(), f, time.UTC)
			if err != nil || after.Total != 5 || len(after.Days) != len(before.Days) {
				t.Fatalf("after: %+v, %v", after, err)
			}
			for d := range before.Days {
				if before.Counts[d][0] != after.Counts[d][0] {
					t.Fatalf("day %s: %d before, %d after", before.Days[d], before.Counts[d][0], after.Counts[d][0])
				}
			}
		})
	}
}
