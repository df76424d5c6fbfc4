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
	"balcao/sla"
	"balcao/storetest"
)

// TestSLAWarningsBreachesAndPauses runs the service-level job on both
// databases with a clock the test moves. A P2 CIT ticket opened on Monday
// 2 March 2026 at 10:00 (Lisbon, working hours 09–13 and 14–18) owes a
// first response by 12:00 (2 business hours) and a resolution by Tuesday
// 10:00 (8 business hours). The team hears of the warning at 80 % and of
// the breach, each once, in the console and by email in each member's
// language; an agent's answer stops the first-response clock; waiting on
// the requester pauses the resolution clock and moves its due time.
func TestSLAWarningsBreachesAndPauses(t *testing.T) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			cat, _ := catalog.Default()
			for _, tm := range cat.Teams {
				s.UpsertTeam(ctx, &balcao.Team{Code: tm.Code, Name: tm.Name.Get("pt-PT")})
			}
			team, _ := s.TeamByCode(ctx, "spms-cit")
			agent := &balcao.User{Email: "rita@spms.min-saude.pt", Name: "Rita", Role: balcao.RoleAgent, Language: "pt-PT"}
			boss := &balcao.User{Email: "john@spms.min-saude.pt", Name: "John", Role: balcao.RoleSupervisor, Language: "en"}
			for _, u := range []*balcao.User{agent, boss} {
				if err := s.CreateUser(ctx, u); err != nil {
					t.Fatal(err)
				}
				s.AddTeamMember(ctx, team.ID, u.ID)
			}
			book, err := sla.New(cat)
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // Lisbon is on UTC in March
			c := balcao.NewManualClock(t0)
			in := intake.New(intake.Config{Catalog: cat, Store: s, Clock: c, Host: "balcao.test", Levels: book,
				BaseURL: "https://balcao.test", Logger: slog.New(slog.DiscardHandler)})
			job := &jobs.SLA{Store: s, Levels: book, Notifier: in, Locker: s, Clock: c, Logger: slog.New(slog.DiscardHandler)}
			tk, err := s.CreateTicket(ctx, &balcao.NewTicket{Subject: "CIT – Problema/Erro aplicação local (SAM-CS)", RequestType: "cit-d1",
				Service: "cit", TeamCode: "spms-cit", Impact: 1, Urgency: 2, Channel: balcao.ChannelEmail, Language: "pt-PT",
				RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusNew, Now: t0})
			if err != nil {
				t.Fatal(err)
			}
			run := func(want int) {
				t.Helper()
				if n, err := job.RunOnce(ctx); err != nil || n != want {
					t.Fatalf("at %s: recorded %d, %v; want %d", c.Now().Format("Mon 15:04"), n, err, want)
				}
			}
			ticket := func() *balcao.Ticket {
				got, _ := s.TicketByNumber(ctx, tk.Number)
				return got
			}
			run(0)
			got := ticket()
			if want := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC); !got.DueAt.Equal(want) {
				t.Fatalf("resolution due %v, want %v", got.DueAt, want)
			}
			if want := t0.Add(2 * time.Hour); !got.FirstResponseDue.Equal(want) {
				t.Fatalf("first response due %v, want %v", got.FirstResponseDue, want)
			}
			if want := t0.Add(96*time.Minute + time.Second); !got.SLACheckAt.Equal(want) {
				t.Fatalf("next check %v, want the warning at 80 %% (%v)", got.SLACheckAt, want)
			}

			c.Advance(97 * time.Minute) // 11:37
			run(1)
			run(0) // once only
			for _, u := range []*balcao.User{agent, boss} {
				ns, _ := s.Notifications(ctx, u.ID, true, 10)
				if len(ns) != 1 || ns[0].Kind != "sla_warning" || ns[0].TicketNumber != tk.Number {
					t.Fatalf("%s notifications: %+v", u.Email, ns)
				}
			}
			ns, _ := s.Notifications(ctx, boss.ID, false, 10)
			if !strings.Contains(ns[0].Body, "close to its first response target") {
				t.Fatalf("the supervisor's notification is not in English: %q", ns[0].Body)
			}
			ob, _ := s.ListOutbox(ctx, balcao.OutboxPending, 10)
			if len(ob) != 2 {
				t.Fatalf("outbox: %d messages", len(ob))
			}
			for _, o := range ob {
				raw := string(o.Raw)
				if o.MailFrom != "servicedesk@spms.min-saude.pt" || !strings.Contains(raw, "https://balcao.test/desk/tickets/"+string(tk.Number)) ||
					!strings.Contains(raw, "Auto-Submitted: auto-generated") {
					t.Fatalf("staff mail to %v:\n%s", o.Recipients, raw)
				}
			}

			c.Advance(24 * time.Minute) // 12:01
			run(1)
			evs, _ := s.Events(ctx, tk.ID)
			var kinds []string
			for _, e := range evs {
				if e.Kind == balcao.EventSLA {
					kinds = append(kinds, e.Field+":"+e.To)
				}
			}
			if strings.Join(kinds, ",") != "first_response:warning,first_response:breach" {
				t.Fatalf("SLA events %v", kinds)
			}

			// An agent answers at 12:30, then the ticket waits on the
			// requester from 13:00 until Thursday 13:00.
			c.Advance(29 * time.Minute)
			s.AddMessage(ctx, tk.ID, &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Text: "Precisamos do NNU.", CreatedAt: c.Now()}, balcao.Actor{ID: agent.ID, Name: "Rita"})
			run(0)
			if got := ticket().FirstResponseAt; !got.Equal(c.Now()) {
				t.Fatalf("first response recorded at %v, want %v", got, c.Now())
			}
			c.Advance(30 * time.Minute)
			s.ChangeStatus(ctx, tk.ID, balcao.StatusPendingRequester, balcao.Actor{ID: agent.ID}, "", c.Now())
			run(0)
			if got := ticket(); !got.SLACheckAt.IsZero() {
				t.Fatalf("a paused ticket is scheduled at %v", got.SLACheckAt)
			}
			c.Advance(72 * time.Hour) // Thursday 13:00: past the old due time, but paused
			run(0)
			s.ChangeStatus(ctx, tk.ID, balcao.StatusOpen, balcao.SystemActor, "o requerente respondeu", c.Now())
			run(0)
			// 3 business hours were used before the pause (10–13); 5 are
			// left from Thursday 14:00 (13–14 is lunch): 4 until 18:00, 1 on
			// Friday from 09:00. The warning (6 h 24 min used) comes on
			// Thursday at 17:24.
			if got, want := ticket().DueAt, time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
				t.Fatalf("resolution due after the pause %v, want %v", got, want)
			}
			if got, want := ticket().SLACheckAt, time.Date(2026, 3, 5, 17, 24, 1, 0, time.UTC); !got.Equal(want) {
				t.Fatalf("next check after the pause %v, want %v", got, want)
			}
			c.Advance(4*time.Hour + 25*time.Minute) // Thursday 17:25
			run(1)
			c.Advance(16*time.Hour + 36*time.Minute) // Friday 10:01
			run(1)
			want := balcao.SLASummary{FirstResponseWarnings: 1, FirstResponseBreaches: 1, ResolutionWarnings: 1, ResolutionBreaches: 1}
			if sum, _ := s.SLASummary(ctx, balcao.ReportFilter{TeamID: team.ID}); *sum != want {
				t.Fatalf("summary %+v, want %+v", sum, want)
			}
			// Nobody is assigned: the team heard of every warning and
			// breach, four in all.
			if ns, _ := s.Notifications(ctx, agent.ID, false, 10); len(ns) != 4 {
				t.Fatalf("agent notifications: %d", len(ns))
			}
		})
	}
}
