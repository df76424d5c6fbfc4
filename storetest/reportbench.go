package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"balcao"
)

// SeedReports fills a store with n tickets for the reports' benchmarks:
// created over about 90 days from T0, over 10 teams (the first five of
// service "cit", the others of "rnu") and 7 request types; half answered
// (first response 0 to 2 hours after creation), one in twenty waiting on
// the requester, nine in ten of the others resolved within 4 days (about
// 15,000 stay open); one in ten with a resolution breach and one in
// fifteen with a first-response breach. It returns the teams.
func SeedReports(tb testing.TB, s balcao.Store, n int) []*balcao.Team {
	var teams []*balcao.Team
	for i := range 10 {
		t := &balcao.Team{Code: fmt.Sprintf("team%d", i), Name: fmt.Sprintf("Equipa %d", i)}
		if err := s.UpsertTeam(ctx, t); err != nil {
			tb.Fatal(err)
		}
		teams = append(teams, t)
	}
	spacing := 90 * 24 * time.Hour / time.Duration(n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				created := T0.Add(time.Duration(i) * spacing)
				r := rand.New(rand.NewPCG(uint64(i), 11))
				nt := benchTicket(i, created)
				team := r.IntN(10)
				nt.TeamCode = teams[team].Code
				nt.Service = "cit"
				if team >= 5 {
					nt.Service = "rnu"
				}
				nt.RequestType = fmt.Sprintf("%s-%d", nt.Service, r.IntN(7))
				pending, answered, resolved := r.IntN(20) == 0, r.IntN(2) == 0, r.IntN(10) < 9
				resBreach, frBreach := r.IntN(10) == 0, r.IntN(15) == 0
				if pending {
					nt.Status = balcao.StatusPendingRequester
				}
				tk, err := s.CreateTicket(ctx, nt)
				if err != nil {
					tb.Error(err)
					return
				}
				if answered {
					at := created.Add(time.Duration(r.IntN(120)) * time.Minute)
					if _, err := s.SetSLASchedule(ctx, tk.ID, tk.SLACheckAt, balcao.SLASchedule{FirstResponseAt: at}); err != nil {
						tb.Error(err)
						return
					}
				}
				if resolved && !pending {
					if _, err := s.ChangeStatus(ctx, tk.ID, balcao.StatusResolved, balcao.SystemActor, "", created.Add(time.Duration(r.IntN(96))*time.Hour)); err != nil {
						tb.Error(err)
						return
					}
				}
				if resBreach || frBreach {
					err := s.Update(ctx, func(tx balcao.Tx) error {
						for _, clock := range []string{balcao.SLAResolution, balcao.SLAFirstResponse} {
							if clock == balcao.SLAResolution && !resBreach || clock == balcao.SLAFirstResponse && !frBreach {
								continue
							}
							if _, err := tx.RecordSLA(&balcao.SLARecord{TicketID: tk.ID, Clock: clock, Kind: balcao.SLABreach,
								DueAt: created.Add(time.Hour), RecordedAt: created.Add(time.Hour), TeamID: tk.TeamID, Service: tk.Service, Priority: tk.Priority}); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						tb.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return teams
}

// BenchmarkReports measures each report of a supervisor's dashboard on a
// store seeded by SeedReports: one team (or the whole desk) over the 30
// days in the middle of the seeded period, days in Lisbon, reporting the
// median and 99th percentile latency, once the reports job has summed up
// the complete hours (its own time is measured first).
func BenchmarkReports(b *testing.B, s balcao.Store, teams []*balcao.Team) {
	lisbon, err := time.LoadLocation("Europe/Lisbon")
	if err != nil {
		b.Fatal(err)
	}
	from := T0.Add(30 * 24 * time.Hour)
	month := balcao.ReportFilter{From: from, To: from.Add(30 * 24 * time.Hour)}
	now := T0.Add(91 * 24 * time.Hour)
	// The reports job's first run sums up the 90 days (a day per
	// transaction); each later run finds nothing new (the steady state
	// between two hours, apart from the changes of the minute).
	b.Run("RollUp", func(b *testing.B) {
		var lat []time.Duration
		for b.Loop() {
			start := time.Now()
			if _, err := s.RollUpReports(ctx, now); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		b.ReportMetric(float64(lat[0].Microseconds())/1000, "ms-first")
		if len(lat) > 1 {
			rest := lat[1:]
			slices.Sort(rest)
			b.ReportMetric(float64(rest[len(rest)/2].Microseconds())/1000, "ms-median-next")
		}
	})
	cases := []struct {
		name string
		run  func(f balcao.ReportFilter) (int, error)
		all  bool
	}{
		{"ReceivedByDay/team", func(f balcao.ReportFilter) (int, error) {
			r, err := s.ReceivedByDay(ctx, f, lisbon)
			return r.Total, err
		}, false},
		{"ReceivedByDay/desk", func(f balcao.ReportFilter) (int, error) {
			r, err := s.ReceivedByDay(ctx, f, lisbon)
			return r.Total, err
		}, true},
		{"Backlog/team", func(f balcao.ReportFilter) (int, error) {
			r, err := s.Backlog(ctx, f, now)
			return r.Total, err
		}, false},
		{"Backlog/desk", func(f balcao.ReportFilter) (int, error) {
			r, err := s.Backlog(ctx, f, now)
			return r.Total, err
		}, true},
		{"SLACompliance/team", func(f balcao.ReportFilter) (int, error) {
			r, err := s.SLACompliance(ctx, f)
			return r.Resolved, err
		}, false},
		{"SLACompliance/desk", func(f balcao.ReportFilter) (int, error) {
			r, err := s.SLACompliance(ctx, f)
			return r.Resolved, err
		}, true},
		{"ResponseTimes/team", func(f balcao.ReportFilter) (int, error) {
			r, err := s.ResponseTimes(ctx, f)
			return r.FirstResponse.Count, err
		}, false},
		{"ResponseTimes/desk", func(f balcao.ReportFilter) (int, error) {
			r, err := s.ResponseTimes(ctx, f)
			return r.FirstResponse.Count, err
		}, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			rows := 0
			for b.Loop() {
				f := month
				if !c.all {
					f.TeamID = teams[i%len(teams)].ID
				}
				start := time.Now()
				n, err := c.run(f)
				lat = append(lat, time.Since(start))
				if err != nil || n == 0 {
					b.Fatalf("%s: %d, %v", c.name, n, err)
				}
				rows = n
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
			b.ReportMetric(float64(rows), "tickets")
		})
	}
}
