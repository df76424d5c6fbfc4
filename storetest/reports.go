package storetest

import (
	"slices"
	"testing"
	"time"

	"balcao"
)

func testReports(t *testing.T, open Opener) {
	lisbon, err := time.LoadLocation("Europe/Lisbon")
	if err != nil {
		t.Fatal(err)
	}
	saoPaulo, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := open(t)
	cit := setupTeam(t, s)
	rnu := &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, rnu))

	at := func(v string) time.Time {
		t.Helper()
		p, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	create := func(typ, team string, created time.Time) *balcao.Ticket {
		t.Helper()
		nt := newTicket("ana@usf.pt", created)
		nt.RequestType, nt.TeamCode = typ, team
		if team == "rnu" {
			nt.Service = "rnu"
		}
		return must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	}
	firstResponse := func(tk *balcao.Ticket, after time.Duration) {
		t.Helper()
		cur := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
		if ok := must[bool](t)(s.SetSLASchedule(ctx, tk.ID, cur.SLACheckAt, balcao.SLASchedule{FirstResponseAt: tk.CreatedAt.Add(after)})); !ok {
			t.Fatal("schedule refused")
		}
	}
	status := func(tk *balcao.Ticket, to balcao.Status, when time.Time) {
		t.Helper()
		must[*balcao.Ticket](t)(s.ChangeStatus(ctx, tk.ID, to, balcao.SystemActor, "", when))
	}
	breach := func(tk *balcao.Ticket, clock string) {
		t.Helper()
		recordBreach(t, s, tk, clock)
	}

	// Lisbon is UTC+0 until 29 March 2026, UTC+1 after; São Paulo UTC-3.
	a := create("cit-d1", "cit", at("2026-03-02T09:30:00Z"))
	b := create("cit-f", "cit", at("2026-03-02T23:30:00Z"))  // 2 March in both
	c := create("cit-d1", "cit", at("2026-03-03T01:00:00Z")) // 3 March in Lisbon, 2 March in São Paulo
	d := create("cit-d1", "cit", at("2026-03-29T23:30:00Z")) // 30 March in Lisbon (summer time)
	create("rnu-a", "rnu", at("2026-03-03T10:00:00Z"))
	create("cit-d1", "cit", at("2026-02-28T12:00:00Z")) // before the period

	t.Run("ReceivedByDay", func(t *testing.T) {
		march := balcao.ReportFilter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, lisbon), To: time.Date(2026, 4, 1, 0, 0, 0, 0, lisbon), TeamID: cit.ID}
		r := must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, march, lisbon))
		if len(r.Days) != 31 || r.Days[0] != "2026-03-01" || r.Days[30] != "2026-03-31" {
			t.Fatalf("days = %v", r.Days)
		}
		if !slices.Equal(r.Types, []string{"cit-d1", "cit-f"}) || r.Total != 4 {
			t.Fatalf("types %v, total %d", r.Types, r.Total)
		}
		want := map[string][]int{"2026-03-02": {1, 1}, "2026-03-03": {1, 0}, "2026-03-30": {1, 0}}
		for i, day := range r.Days {
			w := want[day]
			if w == nil {
				w = []int{0, 0}
			}
			if !slices.Equal(r.Counts[i], w) {
				t.Errorf("%s: %v, want %v", day, r.Counts[i], w)
			}
		}
		sp := balcao.ReportFilter{From: time.Date(2026, 3, 1, 0, 0, 0, 0, saoPaulo), To: time.Date(2026, 3, 4, 0, 0, 0, 0, saoPaulo)}
		r = must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, sp, saoPaulo))
		if !slices.Equal(r.Days, []string{"2026-03-01", "2026-03-02", "2026-03-03"}) || !slices.Equal(r.Types, []string{"cit-d1", "cit-f", "rnu-a"}) {
			t.Fatalf("São Paulo: days %v, types %v", r.Days, r.Types)
		}
		if !slices.Equal(r.Counts[1], []int{2, 1, 0}) || !slices.Equal(r.Counts[2], []int{0, 0, 1}) || r.Total != 4 {
			t.Fatalf("São Paulo: %v, total %d", r.Counts, r.Total)
		}
		sp.Service = "rnu"
		if r = must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, sp, saoPaulo)); r.Total != 1 || !slices.Equal(r.Types, []string{"rnu-a"}) {
			t.Fatalf("service rnu: %+v", r)
		}
		// The night the clocks go back, Lisbon's 25 October 2026 lasts 25
		// hours: 00:30 summer time and 23:30 winter time are the same day.
		autumn := []*balcao.Ticket{create("cit-d1", "cit", at("2026-10-24T23:30:00Z")), create("cit-d1", "cit", at("2026-10-25T23:30:00Z")),
			create("cit-d1", "cit", at("2026-10-26T00:30:00Z"))}
		oct := balcao.ReportFilter{From: time.Date(2026, 10, 25, 0, 0, 0, 0, lisbon), To: time.Date(2026, 10, 27, 0, 0, 0, 0, lisbon)}
		r = must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, oct, lisbon))
		if !slices.Equal(r.Days, []string{"2026-10-25", "2026-10-26"}) || len(r.Counts) != 2 || r.Counts[0][0] != 2 || r.Counts[1][0] != 1 {
			t.Fatalf("25-hour day: %v %v", r.Days, r.Counts)
		}
		// Without a period, the days run from the first ticket to the last.
		r = must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, balcao.ReportFilter{Service: "rnu"}, lisbon))
		if !slices.Equal(r.Days, []string{"2026-03-03"}) || r.Total != 1 {
			t.Fatalf("no period: %v, total %d", r.Days, r.Total)
		}
		for _, tk := range autumn {
			status(tk, balcao.StatusCancelled, at("2026-10-27T00:00:00Z"))
		}
		empty := must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, balcao.ReportFilter{From: at("2025-01-01T00:00:00Z"), To: at("2025-01-03T00:00:00Z")}, time.UTC))
		if empty.Total != 0 || len(empty.Days) != 2 || len(empty.Types) != 0 {
			t.Fatalf("empty period: %+v", empty)
		}
	})

	// First responses after 1 h, 3 h and 2 h; d is never answered.
	firstResponse(a, time.Hour)
	firstResponse(b, 3*time.Hour)
	firstResponse(c, 2*time.Hour)
	status(a, balcao.StatusResolved, a.CreatedAt.Add(72*time.Hour))
	status(b, balcao.StatusResolved, b.CreatedAt.Add(8*24*time.Hour))
	status(b, balcao.StatusClosed, b.CreatedAt.Add(20*24*time.Hour)) // closed still counts as resolved then
	status(c, balcao.StatusResolved, c.CreatedAt.Add(time.Hour))
	status(c, balcao.StatusOpen, c.CreatedAt.Add(2*time.Hour)) // reopened: no longer resolved
	status(d, balcao.StatusResolved, at("2026-04-02T10:00:00Z"))
	breach(a, balcao.SLAResolution)
	breach(b, balcao.SLAFirstResponse)
	breach(c, balcao.SLAResolution)

	march := balcao.ReportFilter{From: at("2026-03-01T00:00:00Z"), To: at("2026-04-01T00:00:00Z"), Service: "cit"}
	t.Run("SLACompliance", func(t *testing.T) {
		r := must[*balcao.SLACompliance](t)(s.SLACompliance(ctx, march))
		if *r != (balcao.SLACompliance{Resolved: 2, ResolvedInTime: 1, FirstResponseInTime: 1}) {
			t.Fatalf("compliance = %+v", *r)
		}
		r = must[*balcao.SLACompliance](t)(s.SLACompliance(ctx, balcao.ReportFilter{TeamID: rnu.ID}))
		if *r != (balcao.SLACompliance{}) {
			t.Fatalf("rnu compliance = %+v", *r)
		}
	})

	t.Run("ResponseTimes", func(t *testing.T) {
		r := must[*balcao.ResponseTimes](t)(s.ResponseTimes(ctx, march))
		want := balcao.ResponseTimes{
			FirstResponse: balcao.Durations{Count: 3, Median: 2 * time.Hour, P90: 2*time.Hour + 48*time.Minute},
			Resolution:    balcao.Durations{Count: 2, Median: 132 * time.Hour, P90: 180 * time.Hour},
		}
		if *r != want {
			t.Fatalf("times = %+v, want %+v", *r, want)
		}
		r = must[*balcao.ResponseTimes](t)(s.ResponseTimes(ctx, balcao.ReportFilter{From: at("2027-01-01T00:00:00Z")}))
		if *r != (balcao.ResponseTimes{}) {
			t.Fatalf("empty period: %+v", *r)
		}
	})

	t.Run("Backlog", func(t *testing.T) {
		now := at("2026-06-01T12:00:00Z")
		for _, age := range []time.Duration{time.Hour, 24 * time.Hour, 2 * 24 * time.Hour, 5 * 24 * time.Hour, 10 * 24 * time.Hour, 29 * 24 * time.Hour} {
			create("cit-d1", "cit", now.Add(-age))
		}
		p := create("cit-f", "cit", now.Add(-4*24*time.Hour))
		status(p, balcao.StatusPendingRequester, now.Add(-3*24*time.Hour))
		create("cit-d1", "cit", now.Add(time.Hour))             // after the instant
		create("rnu-a", "rnu", now.Add(-time.Hour))             // another team
		done := create("cit-d1", "cit", now.Add(-48*time.Hour)) // resolved
		status(done, balcao.StatusResolved, now.Add(-time.Hour))

		r := must[*balcao.BacklogReport](t)(s.Backlog(ctx, balcao.ReportFilter{TeamID: cit.ID}, now))
		// c (reopened, from March) and the one before the March period
		// are older than 30 days; d is resolved.
		if r.ByAge != [balcao.BacklogBuckets]int{1, 2, 2, 2, 2} || r.Total != 9 {
			t.Fatalf("by age %v, total %d", r.ByAge, r.Total)
		}
		if r.ByStatus[balcao.StatusPendingRequester] != 1 || r.ByStatus[balcao.StatusOpen] != 1 || r.ByStatus[balcao.StatusNew] != 7 ||
			r.ByStatus[balcao.StatusPendingApproval] != 0 {
			t.Fatalf("by status %v", r.ByStatus)
		}
		if r.Cells[balcao.StatusPendingRequester] != [balcao.BacklogBuckets]int{0, 0, 1, 0, 0} || r.Cells[balcao.StatusOpen] != [balcao.BacklogBuckets]int{0, 0, 0, 0, 1} {
			t.Fatalf("cells %v", r.Cells)
		}
		all := must[*balcao.BacklogReport](t)(s.Backlog(ctx, balcao.ReportFilter{}, now))
		if all.Total != 11 { // and the two of rnu
			t.Fatalf("all teams: %d", all.Total)
		}
		if svc := must[*balcao.BacklogReport](t)(s.Backlog(ctx, balcao.ReportFilter{Service: "rnu"}, now)); svc.Total != 2 || svc.ByAge[0] != 1 {
			t.Fatalf("service rnu: %+v", svc)
		}
	})
}

// recordBreach records a breach of clock on tk, due and recorded an hour
// after the ticket was created.
func recordBreach(t testing.TB, s balcao.Store, tk *balcao.Ticket, clock string) {
	t.Helper()
	err := s.Update(ctx, func(tx balcao.Tx) error {
		_, err := tx.RecordSLA(&balcao.SLARecord{TicketID: tk.ID, Clock: clock, Kind: balcao.SLABreach, DueAt: tk.CreatedAt.Add(time.Hour),
			RecordedAt: tk.CreatedAt.Add(time.Hour), TeamID: tk.TeamID, Service: tk.Service, Priority: tk.Priority})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
