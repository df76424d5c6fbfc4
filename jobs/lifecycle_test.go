package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/intake"
	"balcao/jobs"
	"balcao/lifecycle"
	"balcao/storetest"
)

// TestAutoCloseAfter30DaysAndCloseResolvedAfter10 runs the lifecycle job on
// both databases with a clock the test moves: a ticket waiting on the
// requester is closed after 30 days without an answer, with a last message
// saying why and how to start again; a resolved one is closed once the
// 10-day reopen window is over; nothing is closed early; a second run
// (catch-up after downtime) finds nothing more to do.
func TestAutoCloseAfter30DaysAndCloseResolvedAfter10(t *testing.T) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			cat, _ := catalog.Default()
			for _, tm := range cat.Teams {
				s.UpsertTeam(ctx, &balcao.Team{Code: tm.Code, Name: tm.Name.Get("pt-PT")})
			}
			c := balcao.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			in := intake.New(intake.Config{Catalog: cat, Store: s, Clock: c, Host: "balcao.test",
				Logger: slog.New(slog.DiscardHandler)})
			job := &jobs.Lifecycle{Store: s, Rules: lifecycle.DefaultRules(), Notifier: in, Locker: s, Clock: c, Logger: slog.New(slog.DiscardHandler)}
			waiting, err := s.CreateTicket(ctx, &balcao.NewTicket{Subject: "WebRNU – Criação de acesso", RequestType: "webrnu-a",
				Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusPendingRequester, Now: c.Now()})
			if err != nil {
				t.Fatal(err)
			}
			done, _ := s.CreateTicket(ctx, &balcao.NewTicket{Channel: balcao.ChannelEmail, RequesterEmail: "rui@usf.min-saude.pt", Now: c.Now()})
			s.ChangeStatus(ctx, done.ID, balcao.StatusResolved, balcao.SystemActor, "", c.Now().Add(25*24*time.Hour))

			c.Advance(29 * 24 * time.Hour)
			if n, err := job.RunOnce(ctx); err != nil || n != 0 {
				t.Fatalf("day 29: closed %d, %v", n, err)
			}
			c.Advance(2 * 24 * time.Hour) // day 31
			if n, err := job.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("day 31: closed %d, %v", n, err)
			}
			got, _ := s.TicketByNumber(ctx, waiting.Number)
			if got.Status != balcao.StatusClosed {
				t.Fatalf("status %s", got.Status)
			}
			evs, _ := s.Events(ctx, got.ID)
			var closing *balcao.Event
			for _, e := range evs {
				if e.Kind == balcao.EventStatus && e.To == "closed" {
					closing = e
				}
			}
			if closing == nil || !strings.Contains(closing.Reason, "30 dias") || closing.ActorName != "system" {
				t.Fatalf("no closing event with its reason: %+v", evs)
			}
			ob, _ := s.ListOutbox(ctx, balcao.OutboxPending, 10)
			if len(ob) != 1 || ob[0].Recipients[0] != "ana@usf.min-saude.pt" || ob[0].MailFrom != "servicedesk@spms.min-saude.pt" {
				t.Fatalf("notice %+v", ob)
			}
			msgs, _ := s.Messages(ctx, got.ID)
			if text := msgs[len(msgs)-1].Text; !strings.Contains(text, "30 dias") || !strings.Contains(text, "novo pedido") {
				t.Fatalf("notice text:\n%s", text)
			}
			if d, _ := s.TicketByNumber(ctx, done.Number); d.Status != balcao.StatusResolved {
				t.Fatalf("resolved ticket closed after 6 days: %s", d.Status)
			}
			c.Advance(5 * 24 * time.Hour) // 11 days after the resolution
			if n, _ := job.RunOnce(ctx); n != 1 {
				t.Fatalf("resolved after 11 days: closed %d", n)
			}
			if n, _ := job.RunOnce(ctx); n != 0 {
				t.Fatalf("second run closed %d more", n)
			}
		})
	}
}
