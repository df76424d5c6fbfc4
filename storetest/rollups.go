package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"balcao"
)

// testReportRollups builds random tickets (teams, request types, changes of
// team and type after creation, first responses, resolutions, breaches,
// reopenings, tickets written with past times), runs the reports job at
// several moments, and checks after each step, and between steps while
// changes wait for the job, that every report equals the one computed here
// from the tickets read back (percentiles within the stated bucket error).
// Its last step runs writers and the job at the same time (without the
// job's lock on PostgreSQL it loses changes, and fails).
func testReportRollups(t *testing.T, open Opener) {
	s, _ := open(t)
	cit := setupTeam(t, s)
	rnu := &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	sup := &balcao.Team{Code: "sup", Name: "Equipa de suporte"}
	for _, tm := range []*balcao.Team{rnu, sup} {
		must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, tm))
	}
	teams := []*balcao.Team{cit, rnu, sup}
	type kind struct{ typ, service, team string }
	kinds := []kind{{"cit-d1", "cit", "cit"}, {"cit-f", "cit", "cit"}, {"rnu-a", "rnu", "rnu"}, {"", "cit", ""}, {"cit-d1", "cit", "sup"}}
	zones := map[string]*time.Location{}
	for _, name := range []string{"Europe/Lisbon", "America/Sao_Paulo", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones[name] = loc
	}
	rng := rand.New(rand.NewPCG(11, 2026))
	// Lisbon moves to summer time on 29 March 2026, inside the period.
	base := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	randIn := func(from, to time.Time) time.Time {
		return from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)/time.Microsecond))) * time.Microsecond)
	}
	var ids []*balcao.Ticket
	breaches := map[int64]map[string]bool{}
	create := func(from, to time.Time) *balcao.Ticket {
		t.Helper()
		k := kinds[rng.IntN(len(kinds))]
		nt := newTicket(fmt.Sprintf("pessoa%d@usf.pt", rng.IntN(20)), randIn(from, to))
		nt.RequestType, nt.Service, nt.TeamCode = k.typ, k.service, k.team
		tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
		ids = append(ids, tk)
		return tk
	}
	reread := func(tk *balcao.Ticket) *balcao.Ticket {
		t.Helper()
		return must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	}
	status := func(tk *balcao.Ticket, to balcao.Status, when time.Time) {
		t.Helper()
		must[*balcao.Ticket](t)(s.ChangeStatus(ctx, tk.ID, to, balcao.SystemActor, "", when))
	}
	firstResponse := func(tk *balcao.Ticket, at time.Time) {
		t.Helper()
		cur := reread(tk)
		if ok := must[bool](t)(s.SetSLASchedule(ctx, tk.ID, cur.SLACheckAt, balcao.SLASchedule{FirstResponseAt: at})); !ok {
			t.Fatal("schedule refused")
		}
	}
	breach := func(tk *balcao.Ticket, clock string) {
		t.Helper()
		if breaches[tk.ID][clock] {
			return
		}
		recordBreach(t, s, tk, clock)
		if breaches[tk.ID] == nil {
			breaches[tk.ID] = map[string]bool{}
		}
		breaches[tk.ID][clock] = true
	}
	// work gives a ticket a first response, a resolution (now and then
	// reopened and resolved again, or closed) and breaches, all before
	// limit.
	work := func(tk *balcao.Ticket, limit time.Time) {
		t.Helper()
		cur := reread(tk)
		if !cur.CreatedAt.Before(limit) {
			return
		}
		if cur.FirstResponseAt.IsZero() && rng.IntN(3) > 0 {
			firstResponse(tk, randIn(cur.CreatedAt, earliest(limit, cur.CreatedAt.Add(10*time.Hour))))
		}
		if rng.IntN(4) == 0 {
			breach(tk, []string{balcao.SLAFirstResponse, balcao.SLAResolution}[rng.IntN(2)])
		}
		switch {
		case cur.Status.Open() && rng.IntN(3) > 0:
			status(tk, balcao.StatusResolved, randIn(cur.CreatedAt, earliest(limit, cur.CreatedAt.Add(72*time.Hour))))
		case cur.Status == balcao.StatusResolved && rng.IntN(2) == 0:
			at := randIn(cur.ResolvedAt, limit)
			status(tk, balcao.StatusOpen, at)
			if rng.IntN(2) == 0 {
				status(tk, balcao.StatusResolved, randIn(at, limit))
			}
		case cur.Status == balcao.StatusResolved && rng.IntN(2) == 0:
			status(tk, balcao.StatusClosed, randIn(cur.ResolvedAt, limit))
		}
	}
	// check compares every report with the one computed from the tickets.
	check := func(step string, now time.Time) {
		t.Helper()
		var all []*balcao.Ticket
		for _, tk := range ids {
			all = append(all, reread(tk))
		}
		lisbon, sp, kolkata := zones["Europe/Lisbon"], zones["America/Sao_Paulo"], zones["Asia/Kolkata"]
		type period struct {
			name     string
			from, to time.Time
			loc      *time.Location
		}
		periods := []period{
			{"Lisbon, 14 days", time.Date(2026, 3, 20, 0, 0, 0, 0, lisbon), time.Date(2026, 4, 3, 0, 0, 0, 0, lisbon), lisbon},
			{"São Paulo, 7 days", time.Date(2026, 3, 24, 0, 0, 0, 0, sp), time.Date(2026, 3, 31, 0, 0, 0, 0, sp), sp},
			{"Kolkata, 5 days", time.Date(2026, 3, 22, 0, 0, 0, 0, kolkata), time.Date(2026, 3, 27, 0, 0, 0, 0, kolkata), kolkata},
			{"uneven bounds", base.Add(24*time.Hour + 17*time.Minute + 3*time.Second), base.Add(10*24*time.Hour + 221*time.Minute), time.UTC},
			{"no bounds", time.Time{}, time.Time{}, lisbon},
		}
		var filters []balcao.ReportFilter
		filters = append(filters, balcao.ReportFilter{}, balcao.ReportFilter{Service: "cit"}, balcao.ReportFilter{Service: "rnu", TeamID: rnu.ID})
		for _, tm := range teams {
			filters = append(filters, balcao.ReportFilter{TeamID: tm.ID})
		}
		// The backlog now, and before some tickets were created.
		for _, f := range filters {
			for _, at := range []time.Time{now, now.Add(-36 * time.Hour)} {
				var want balcao.BacklogReport
				for _, tk := range all {
					if !tk.Status.Open() || tk.CreatedAt.After(at) || (f.TeamID != 0 && tk.TeamID != f.TeamID) || (f.Service != "" && tk.Service != f.Service) {
						continue
					}
					b := 0
					for b < len(balcao.BacklogAges) && !tk.CreatedAt.After(at.Add(-balcao.BacklogAges[b])) {
						b++
					}
					want.ByAge[b]++
					want.Total++
				}
				got := must[*balcao.BacklogReport](t)(s.Backlog(ctx, f, at))
				if got.ByAge != want.ByAge || got.Total != want.Total {
					t.Fatalf("%s: backlog at %v, team %d, service %q: %v (%d), want %v (%d)", step, at, f.TeamID, f.Service, got.ByAge, got.Total, want.ByAge, want.Total)
				}
			}
		}
		for _, p := range periods {
			for _, f := range filters {
				f.From, f.To = p.from, p.to
				name := fmt.Sprintf("%s: %s, team %d, service %q", step, p.name, f.TeamID, f.Service)
				in := func(tk *balcao.Ticket, at time.Time) bool {
					return !at.IsZero() && (f.TeamID == 0 || tk.TeamID == f.TeamID) && (f.Service == "" || tk.Service == f.Service) &&
						(f.From.IsZero() || !at.Before(f.From)) && (f.To.IsZero() || at.Before(f.To))
				}
				// Received per day and type.
				want := map[[2]string]int{}
				wantTypes := map[string]bool{}
				total := 0
				for _, tk := range all {
					if in(tk, tk.CreatedAt) {
						want[[2]string{tk.CreatedAt.In(p.loc).Format(time.DateOnly), tk.RequestType}]++
						wantTypes[tk.RequestType] = true
						total++
					}
				}
				r := must[*balcao.DailyReceived](t)(s.ReceivedByDay(ctx, f, p.loc))
				got := map[[2]string]int{}
				for d, day := range r.Days {
					for k, typ := range r.Types {
						if n := r.Counts[d][k]; n != 0 {
							got[[2]string{day, typ}] = n
						}
					}
				}
				if r.Total != total || len(got) != len(want) || len(r.Types) != len(wantTypes) {
					t.Fatalf("%s: received %d in %d cells, types %v; want %d in %d cells", name, r.Total, len(got), r.Types, total, len(want))
				}
				for k, n := range want {
					if got[k] != n {
						t.Fatalf("%s: received %v = %d, want %d", name, k, got[k], n)
					}
				}
				// Compliance and times.
				var sla balcao.SLACompliance
				var first, res []time.Duration
				for _, tk := range all {
					if in(tk, tk.CreatedAt) && !tk.FirstResponseAt.IsZero() {
						first = append(first, max(tk.FirstResponseAt.Sub(tk.CreatedAt), 0))
					}
					if in(tk, tk.ResolvedAt) {
						sla.Resolved++
						if !breaches[tk.ID][balcao.SLAResolution] {
							sla.ResolvedInTime++
						}
						if !breaches[tk.ID][balcao.SLAFirstResponse] {
							sla.FirstResponseInTime++
						}
						res = append(res, max(tk.ResolvedAt.Sub(tk.CreatedAt), 0))
					}
				}
				if got := must[*balcao.SLACompliance](t)(s.SLACompliance(ctx, f)); *got != sla {
					t.Fatalf("%s: compliance %+v, want %+v", name, *got, sla)
				}
				rt := must[*balcao.ResponseTimes](t)(s.ResponseTimes(ctx, f))
				for _, c := range []struct {
					what string
					got  balcao.Durations
					ds   []time.Duration
				}{{"first response", rt.FirstResponse, first}, {"resolution", rt.Resolution, res}} {
					slices.Sort(c.ds)
					if c.got.Count != len(c.ds) {
						t.Fatalf("%s: %s count %d, want %d", name, c.what, c.got.Count, len(c.ds))
					}
					for _, q := range []struct {
						p   float64
						got time.Duration
					}{{0.5, c.got.Median}, {0.9, c.got.P90}} {
						exact := balcao.Percentile(c.ds, q.p)
						bound := time.Duration(balcao.DurationRelativeError*float64(exact)) + balcao.DurationAbsoluteError
						if diff := q.got - exact; diff > bound || -diff > bound {
							t.Fatalf("%s: %s p%.0f = %v, exact %v (bound %v)", name, c.what, 100*q.p, q.got, exact, bound)
						}
					}
				}
			}
		}
	}
	rollUp := func(now time.Time) {
		t.Helper()
		st := must[balcao.ReportRollup](t)(s.RollUpReports(ctx, now))
		if want := now.UTC().Truncate(time.Hour); !st.RolledTo.Equal(want) || !st.ComputedAt.Equal(now) {
			t.Fatalf("rolled up to %v at %v, want %v at %v", st.RolledTo, st.ComputedAt, want, now)
		}
		if got := must[balcao.ReportRollup](t)(s.ReportRollup(ctx)); got != st {
			t.Fatalf("ReportRollup = %+v, want %+v", got, st)
		}
	}

	if st := must[balcao.ReportRollup](t)(s.ReportRollup(ctx)); st != (balcao.ReportRollup{}) {
		t.Fatalf("before any run: %+v", st)
	}
	// 1. Eight days of tickets, worked on, summed up the next day.
	now := base.Add(9*24*time.Hour + 20*time.Minute)
	for range 120 {
		work(create(base, base.Add(8*24*time.Hour)), now)
	}
	check("no summaries", now)
	rollUp(now)
	check("summed up", now)

	// 2. Changes to summed-up tickets wait for the job: the reports read
	// their hours from the tickets meanwhile. New tickets after the
	// summaries, and some written with past times.
	later := now.Add(2*24*time.Hour + 5*time.Hour + 7*time.Minute)
	for _, tk := range ids[:40] {
		switch cur := reread(tk); rng.IntN(3) {
		case 0:
			must[*balcao.Ticket](t)(s.ChangeTeam(ctx, tk.ID, teams[rng.IntN(len(teams))].ID, balcao.SystemActor, later))
		case 1:
			if !cur.Status.Terminal() {
				k := kinds[rng.IntN(len(kinds))]
				var teamID int64
				for _, tm := range teams {
					if tm.Code == k.team {
						teamID = tm.ID
					}
				}
				err := s.Update(ctx, func(tx balcao.Tx) error {
					return tx.ChangeRequestType(tk.ID, k.typ, k.service, teamID, cur.Fields, nil, balcao.SystemActor, later)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		case 2:
			if cur.Status == balcao.StatusResolved {
				breach(tk, balcao.SLAResolution)
			}
		}
	}
	for _, tk := range ids[40:100] {
		work(tk, later)
	}
	for range 30 {
		work(create(base, now), later)
	}
	for range 30 {
		work(create(now, later), later)
	}
	check("changes waiting", later)
	rollUp(later)
	check("changes summed up", later)
	rollUp(later.Add(time.Minute)) // nothing new: the same figures
	check("run again", later)

	// 3. Another day: the summaries move on and the new changes join them.
	last := later.Add(24*time.Hour + 3*time.Minute)
	for _, tk := range ids[100:] {
		work(tk, last)
	}
	for _, tk := range ids[:10] {
		must[*balcao.Ticket](t)(s.ChangeTeam(ctx, tk.ID, 0, balcao.SystemActor, last))
	}
	rollUp(last)
	check("a day later", last)

	// 4. Writers and the job at the same time: changes of team, new tickets
	// with past times, resolutions and reopenings while the job runs again
	// and again; then one more run, and the figures must be exact.
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 30 {
			if _, err := s.RollUpReports(ctx, last.Add(time.Duration(i)*5*time.Minute)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var mu sync.Mutex
	var added []*balcao.Ticket
	for w := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for i := range 20 {
				tk := ids[r.IntN(len(ids))]
				var err error
				switch r.IntN(3) {
				case 0:
					_, err = s.ChangeTeam(ctx, tk.ID, teams[r.IntN(len(teams))].ID, balcao.SystemActor, last)
				case 1:
					k := kinds[r.IntN(len(kinds))]
					// Each its own requester: two first tickets of one
					// new requester at once may both try to add them.
					nt := newTicket(fmt.Sprintf("concorrente%d-%d@usf.pt", w, i), base.Add(time.Duration(r.Int64N(int64(last.Sub(base))))))
					nt.RequestType, nt.Service, nt.TeamCode = k.typ, k.service, k.team
					var nk *balcao.Ticket
					if nk, err = s.CreateTicket(ctx, nt); err == nil {
						mu.Lock()
						added = append(added, nk)
						mu.Unlock()
					}
				case 2:
					var cur *balcao.Ticket
					if cur, err = s.TicketByNumber(ctx, tk.Number); err != nil {
						break
					}
					switch {
					case cur.Status.Open():
						_, err = s.ChangeStatus(ctx, tk.ID, balcao.StatusResolved, balcao.SystemActor, "", cur.CreatedAt.Add(time.Duration(r.IntN(48))*time.Hour))
					case cur.Status == balcao.StatusResolved:
						_, err = s.ChangeStatus(ctx, tk.ID, balcao.StatusOpen, balcao.SystemActor, "", last)
					}
				}
				// Two writers may move the same ticket: one of them is refused.
				if err != nil && balcao.ErrorCode(err) != balcao.ECONFLICT && balcao.ErrorCode(err) != balcao.EINVALID {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	ids = append(ids, added...)
	final := last.Add(3 * time.Hour)
	check("writers and the job together, before the last run", final)
	rollUp(final)
	check("writers and the job together", final)
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
