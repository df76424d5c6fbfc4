package jobs_test

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/intake"
	"balcao/jobs"
	"balcao/storetest"
)

// TestSatisfactionLinkSentOnceWhenResolved: once a ticket is resolved, its
// requester gets, once, an email in the ticket's language with a link to
// rate it; the link's secret finds the ticket and is stored only hashed.
func TestSatisfactionLinkSentOnceWhenResolved(t *testing.T) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			cat, _ := catalog.Default()
			c := balcao.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			in := intake.New(intake.Config{Catalog: cat, Store: s, Clock: c, Host: "balcao.test", Logger: slog.New(slog.DiscardHandler)})
			job := &jobs.Ratings{Store: s, Notifier: in, BaseURL: "https://balcao.test/", Locker: s, Clock: c, Logger: slog.New(slog.DiscardHandler)}
			tk, err := s.CreateTicket(ctx, &balcao.NewTicket{Subject: "WebRNU – Criação de acesso", RequestType: "webrnu-a",
				Service: "webrnu", Channel: balcao.ChannelEmail, Language: "pt-PT", RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusNew, Now: c.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := job.RunOnce(ctx); err != nil || n != 0 {
				t.Fatalf("open ticket: sent %d, %v", n, err)
			}
			c.Advance(time.Hour)
			if _, err := s.ChangeStatus(ctx, tk.ID, balcao.StatusResolved, balcao.SystemActor, "", c.Now()); err != nil {
				t.Fatal(err)
			}
			if n, err := job.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("resolved ticket: sent %d, %v", n, err)
			}
			if n, _ := job.RunOnce(ctx); n != 0 {
				t.Fatalf("second run sent %d more", n)
			}
			msgs, _ := s.Messages(ctx, tk.ID)
			last := msgs[len(msgs)-1]
			m := regexp.MustCompile(`https://balcao\.test/avaliar/([A-Za-z0-9_-]{43})`).FindStringSubmatch(last.Text)
			if m == nil || !regexp.MustCompile(`de 1 \(muito insatisfeito\) a 5`).MatchString(last.Text) {
				t.Fatalf("no rating link in pt-PT in:\n%s", last.Text)
			}
			got, err := s.TicketByRatingHash(ctx, sha256.Sum256([]byte(m[1])))
			if err != nil || got.ID != tk.ID {
				t.Fatalf("the link does not find the ticket: %v", err)
			}
		})
	}
}
