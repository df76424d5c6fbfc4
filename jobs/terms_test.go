package jobs_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
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

// operatorLevels is an operator's file: WebRNU requests waiting on the
// requester close after 20 days instead of 30; a health unit of Lisbon
// works 08:00–20:00 and closes on Carnaval and on Santo António (13 June).
const operatorLevels = `
calendars:
  - code: lisboa
    country: PT
    hours: "mon-fri 08:00-20:00"
    optional_holidays: [carnaval]
    local_holidays: ["06-13"]
organisations:
  - code: usf-arco-iris
    name: USF Arco-Íris
    kind: health_unit
    service_levels:
      calendar: lisboa
services:
  - code: webrnu
    service_levels:
      auto_close_pending_days: 20
`

func operatorCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "catalog"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "catalog", "levels.yaml"), []byte(operatorLevels), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, problems, err := catalog.Load(dir)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	return cat
}

// TestAutoClosePerServiceDuration: the 30 days are a default; a service
// may set its own, and the closing notice says the service's number.
func TestAutoClosePerServiceDuration(t *testing.T) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			cat := operatorCatalog(t)
			book, err := sla.New(cat)
			if err != nil {
				t.Fatal(err)
			}
			c := balcao.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			in := intake.New(intake.Config{Catalog: cat, Store: s, Clock: c, Host: "balcao.test", Levels: book, Logger: slog.New(slog.DiscardHandler)})
			job := &jobs.Lifecycle{Store: s, Levels: book, Notifier: in, Locker: s, Clock: c, Logger: slog.New(slog.DiscardHandler)}
			mk := func(service, rt, subject string) *balcao.Ticket {
				tk, err := s.CreateTicket(ctx, &balcao.NewTicket{Subject: subject, RequestType: rt, Service: service, Language: "pt-PT",
					Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusPendingRequester, Now: c.Now()})
				if err != nil {
					t.Fatal(err)
				}
				return tk
			}
			web := mk("webrnu", "webrnu-a", "WebRNU – Criação de acesso")
			cit := mk("cit", "cit-d1", "CIT – Problema/Erro aplicação local (SAM-CS)")
			c.Advance(21 * 24 * time.Hour)
			if n, err := job.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("day 21: closed %d, %v", n, err)
			}
			if got, _ := s.TicketByNumber(ctx, web.Number); got.Status != balcao.StatusClosed {
				t.Fatalf("webrnu after 21 days: %s", got.Status)
			}
			if got, _ := s.TicketByNumber(ctx, cit.Number); got.Status != balcao.StatusPendingRequester {
				t.Fatalf("cit after 21 days: %s", got.Status)
			}
			msgs, _ := s.Messages(ctx, web.ID)
			if text := msgs[len(msgs)-1].Text; !strings.Contains(text, "20 dias") {
				t.Fatalf("notice:\n%s", text)
			}
			c.Advance(10 * 24 * time.Hour)
			if n, _ := job.RunOnce(ctx); n != 1 {
				t.Fatalf("day 31: closed %d", n)
			}
		})
	}
}

// TestSLAAcrossWeekendAndHoliday: due times skip nights, weekends and
// holidays of the ticket's calendar, and an organisation's own calendar
// (hours, Carnaval, a municipal holiday) replaces the service's.
func TestSLAAcrossWeekendAndHoliday(t *testing.T) {
	lisbon, _ := time.LoadLocation("Europe/Lisbon")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, lisbon) }
	cases := []struct {
		name, org   string
		created     time.Time
		first, done time.Time
	}{
		// Thursday 2 April 2026, 16:00; P2 = 2 h first response, 8 h
		// resolution. Friday 3 April is Good Friday, then the weekend: 2 h
		// on Thursday, 6 h on Monday 6 April (09–13, 14–16).
		{"Good Friday and a weekend", "", at(4, 2, 16, 0), at(4, 2, 18, 0), at(4, 6, 16, 0)},
		// Friday 13 February 2026, 17:00, on the health unit's calendar
		// (08–20): 3 h on Friday, the weekend, Carnaval on Tuesday 17: 5 h
		// on Monday 16. First response: Friday 19:00.
		{"organisation with Carnaval", "usf-arco-iris", at(2, 13, 17, 0), at(2, 13, 19, 0), at(2, 16, 13, 0)},
		// Friday 12 June 2026, 17:00: Santo António on Saturday 13 changes
		// nothing; the same ticket on the service's calendar runs into the
		// next week too.
		{"organisation, municipal holiday on a Saturday", "usf-arco-iris", at(6, 12, 17, 0), at(6, 12, 19, 0), at(6, 15, 13, 0)},
		// Wednesday 10 June 2026 (Dia de Portugal) 10:00: nothing counts
		// until Thursday 09:00; the 8 h are that whole working day.
		{"national holiday", "", at(6, 10, 10, 0), at(6, 11, 11, 0), at(6, 11, 18, 0)},
	}
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			cat := operatorCatalog(t)
			book, _ := sla.New(cat)
			if err := s.CreateOrganisation(ctx, &balcao.Organisation{Code: "usf-arco-iris", Name: "USF Arco-Íris"}); err != nil {
				t.Fatal(err)
			}
			org, _ := s.OrganisationByCode(ctx, "usf-arco-iris")
			if err := s.CreateUser(ctx, &balcao.User{Email: "rui@usf-arco-iris.min-saude.pt", Role: balcao.RoleRequester, OrganisationID: org.ID}); err != nil {
				t.Fatal(err)
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					c := balcao.NewManualClock(tc.created.UTC())
					job := &jobs.SLA{Store: s, Levels: book, Clock: c, Logger: slog.New(slog.DiscardHandler)}
					email := "ana@usf.min-saude.pt"
					if tc.org != "" {
						email = "rui@usf-arco-iris.min-saude.pt"
					}
					tk, err := s.CreateTicket(ctx, &balcao.NewTicket{Subject: "CIT", RequestType: "cit-d1", Service: "cit", Language: "pt-PT",
						Impact: 1, Urgency: 2, Channel: balcao.ChannelEmail, RequesterEmail: email, Status: balcao.StatusNew, Now: c.Now()})
					if err != nil {
						t.Fatal(err)
					}
					if tk.OrganisationCode != tc.org {
						t.Fatalf("organisation %q", tk.OrganisationCode)
					}
					if _, err := job.RunOnce(ctx); err != nil {
						t.Fatal(err)
					}
					got, _ := s.TicketByNumber(ctx, tk.Number)
					if !got.FirstResponseDue.Equal(tc.first) || !got.DueAt.Equal(tc.done) {
						t.Fatalf("first response due %v (want %v), resolution due %v (want %v)",
							got.FirstResponseDue.In(lisbon), tc.first, got.DueAt.In(lisbon), tc.done)
					}
				})
			}
		})
	}
}
