package sla

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/lifecycle"
)

const ops = `
calendars:
  - code: h24
    country: PT
    hours: "mon-sun 00:00-24:00"
organisations:
  - code: uls-norte
    name: ULS Norte
    service_levels:
      calendar: h24
      warn_at_percent: 50
      targets:
        - {priority: 2, first_response: 30m, resolution: 2h}
services:
  - code: webrnu
    service_levels:
      auto_close_pending_days: 20
`

func book(t *testing.T) *Book {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "catalog"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "catalog", "ops.yaml"), []byte(ops), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, problems, err := catalog.Load(dir)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	b, err := New(cat)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSLATermsMostSpecificFirst(t *testing.T) {
	b := book(t)
	cit := b.For("cit", "", "pt-PT")
	if cit.CalendarName != "pt" || cit.Policy.Name != "default" || cit.Rules != lifecycle.DefaultRules() {
		t.Fatalf("cit terms: %s %s %+v", cit.CalendarName, cit.Policy.Name, cit.Rules)
	}
	if br := b.For("comprasgov", "", "pt-BR"); br.CalendarName != "br" || br.Calendar.Country != "BR" {
		t.Fatalf("comprasgov calendar %s", br.CalendarName)
	}
	web := b.For("webrnu", "", "pt-PT")
	if web.Rules.AutoClosePending != 20*24*time.Hour || web.Rules.ReopenWindow != 10*24*time.Hour {
		t.Fatalf("webrnu rules %+v", web.Rules)
	}
	org := b.For("webrnu", "uls-norte", "pt-PT")
	// An organisation's levels change the calendar and the targets, not the
	// lifecycle rules, which are the service's.
	if org.CalendarName != "h24" || org.Policy.WarnAt != 0.5 || org.Rules != web.Rules {
		t.Fatalf("organisation terms %s %v %+v", org.CalendarName, org.Policy.WarnAt, org.Rules)
	}
	if got := org.Policy.For(2); got.FirstResponse != 30*time.Minute || got.Resolution != 2*time.Hour {
		t.Fatalf("organisation P2 = %+v", got)
	}
	if got := org.Policy.For(3); got != lifecycle.DefaultPolicy().For(3) {
		t.Fatalf("organisation P3 not inherited: %+v", got)
	}
	groups := b.RuleGroups()
	if len(groups) != 2 || !slices.Equal(groups[0].Services, []string{"webrnu"}) || groups[0].Rules.AutoClosePending != 20*24*time.Hour ||
		groups[1].Services != nil || !slices.Equal(groups[1].Except, []string{"webrnu"}) || groups[1].Rules != lifecycle.DefaultRules() {
		t.Fatalf("rule groups = %+v", groups)
	}
	if unknown := b.For("", "", "pt-BR"); unknown.CalendarName != "BR" {
		t.Fatalf("unclassified pt-BR ticket on %s", unknown.CalendarName)
	}
}

func TestSLAScheduleAndEvents(t *testing.T) {
	b := book(t)
	// Monday 2 March 2026, 10:00 in Lisbon (UTC in winter), priority 2 on
	// the 24-hour calendar of the organisation: 30 min first response,
	// 2 h resolution, warnings at half.
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tk := &balcao.Ticket{ID: 7, Service: "webrnu", OrganisationCode: "uls-norte", Priority: 2, Status: balcao.StatusNew, CreatedAt: t0, TeamID: 3}
	evs := []*balcao.Event{{Kind: balcao.EventCreated, To: "new", CreatedAt: t0}}

	m := b.Measure(tk, nil, evs, t0)
	s := m.Schedule(tk, t0)
	if !s.FirstResponseDue.Equal(t0.Add(30*time.Minute)) || !s.ResolutionDue.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("due %v %v", s.FirstResponseDue, s.ResolutionDue)
	}
	if want := t0.Add(15*time.Minute + time.Second); !s.NextCheck.Equal(want) {
		t.Fatalf("next check %v, want the first-response warning %v", s.NextCheck, want)
	}
	if ev := m.Events(tk, t0); len(ev) != 0 {
		t.Fatalf("events at creation: %v", ev)
	}

	at := t0.Add(16 * time.Minute)
	m = b.Measure(tk, nil, evs, at)
	if ev := m.Events(tk, at); len(ev) != 1 || ev[0].Clock != balcao.SLAFirstResponse || ev[0].Kind != balcao.SLAWarning {
		t.Fatalf("events at 16 min: %+v", ev)
	}
	if s := m.Schedule(tk, at); !s.NextCheck.Equal(t0.Add(30*time.Minute + time.Second)) {
		t.Fatalf("next check after warning %v", s.NextCheck)
	}

	// An agent answers at 20 min: the first-response clock stops; the next
	// instant is the resolution warning at 1 h.
	msgs := []*balcao.Message{{Direction: balcao.DirectionOut, CreatedAt: t0.Add(20 * time.Minute)}}
	at = t0.Add(21 * time.Minute)
	m = b.Measure(tk, msgs, evs, at)
	if s := m.Schedule(tk, at); !s.NextCheck.Equal(t0.Add(time.Hour + time.Second)) {
		t.Fatalf("next check after answer %v", s.NextCheck)
	}

	// Waiting on the requester from 30 min: no next instant while paused.
	tk.Status = balcao.StatusPendingRequester
	evs = append(evs, &balcao.Event{Kind: balcao.EventStatus, From: "new", To: "pending_requester", CreatedAt: t0.Add(30 * time.Minute)})
	at = t0.Add(3 * time.Hour)
	m = b.Measure(tk, msgs, evs, at)
	if s := m.Schedule(tk, at); !s.NextCheck.IsZero() || !m.Status.PausedNow {
		t.Fatalf("paused ticket scheduled at %v", s.NextCheck)
	}
	if ev := m.Events(tk, at); len(ev) != 0 {
		t.Fatalf("paused ticket events %+v", ev)
	}

	// The requester answers at 5 h: 1 h 30 min of resolution time is left.
	tk.Status = balcao.StatusOpen
	evs = append(evs, &balcao.Event{Kind: balcao.EventStatus, From: "pending_requester", To: "open", CreatedAt: t0.Add(5 * time.Hour)})
	at = t0.Add(5 * time.Hour)
	m = b.Measure(tk, msgs, evs, at)
	s = m.Schedule(tk, at)
	if want := t0.Add(6*time.Hour + 30*time.Minute); !s.ResolutionDue.Equal(want) {
		t.Fatalf("resolution due after pause %v, want %v", s.ResolutionDue, want)
	}
	// 30 min of work were used before the pause: the warning (1 h of work)
	// comes at 5 h 30 min.
	if !s.NextCheck.Equal(t0.Add(5*time.Hour + 30*time.Minute + time.Second)) {
		t.Fatalf("next check after resume %v", s.NextCheck)
	}
	if ev := m.Events(tk, at); len(ev) != 0 {
		t.Fatalf("events right after resume: %+v", ev)
	}
	at = t0.Add(6 * time.Hour)
	if ev := b.Measure(tk, msgs, evs, at).Events(tk, at); len(ev) != 1 || ev[0].Kind != balcao.SLAWarning || ev[0].Clock != balcao.SLAResolution {
		t.Fatalf("events at 6 h: %+v", ev)
	}
	at = t0.Add(7 * time.Hour)
	m = b.Measure(tk, msgs, evs, at)
	ev := m.Events(tk, at)
	if len(ev) != 1 || ev[0].Clock != balcao.SLAResolution || ev[0].Kind != balcao.SLABreach {
		t.Fatalf("events at 7 h: %+v", ev)
	}

	tk.Status, tk.ResolvedAt = balcao.StatusResolved, t0.Add(8*time.Hour)
	m = b.Measure(tk, msgs, evs, t0.Add(9*time.Hour))
	if s := m.Schedule(tk, t0.Add(9*time.Hour)); !s.NextCheck.IsZero() {
		t.Fatal("a resolved ticket is scheduled")
	}
	if !m.Status.ResolutionBreached || !m.Status.FirstResponseMet {
		t.Fatalf("final status %+v", m.Status)
	}
}
