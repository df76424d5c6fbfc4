package desk_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/desk"
)

// BenchmarkReports100k measures the server time of the reports page and of
// an export on the database of BenchmarkConsole100k (100,000 tickets, all
// created within the last 30 days of its clock), once the reports job has
// written its hourly summaries. Figures:
// docs/PERFORMANCE.md ("Console").
//
//	go test -run '^$' -bench Reports100k -benchtime 50x ./desk/
func BenchmarkReports100k(b *testing.B) {
	store, _, teams, _ := benchDB(b)
	defer store.Close()
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	clock := balcao.NewManualClock(benchNow)
	admin := benchSession(b, store, clock, benchUser(b, store, "admin@desk.pt", balcao.RoleAdmin, nil))
	sup := benchSession(b, store, clock, benchUser(b, store, "supervisora@desk.pt", balcao.RoleSupervisor, teams[2]))
	// The reports job has summed up every complete hour (as `balcao serve`
	// does at start and every minute); the first run over the 100,000
	// tickets is timed.
	t0 := time.Now()
	if _, err := store.RollUpReports(ctx, clock.Now()); err != nil {
		b.Fatal(err)
	}
	b.Logf("report summaries written in %v", time.Since(t0).Round(time.Millisecond))
	// The figures are computed at every request (no minute's reuse): the
	// benchmark measures the first view of a page, not the cache.
	h := (&desk.Server{Store: store, Catalog: cat, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		ReportCacheTTL: -1}).Handler()

	pages := []struct{ name, token, path string }{
		{"reports-admin-all-teams-30d", admin, "/desk/reports"},
		{"reports-admin-all-teams-90d", admin, "/desk/reports?period=90"},
		{"reports-supervisor-team-30d", sup, "/desk/reports"},
		{"reports-supervisor-team-service-7d", sup, "/desk/reports?period=7&service=cit"},
		{"export-csv-team-open", sup, "/desk/export.csv?view=team&team=" + teams[2].Code},
		{"export-xlsx-team-open", sup, "/desk/export.xlsx?view=team&team=" + teams[2].Code},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var lat []time.Duration
			size := 0
			for b.Loop() {
				t0 := time.Now()
				size = len(get(b, h, p.token, p.path))
				lat = append(lat, time.Since(t0))
			}
			reportLatency(b, lat)
			b.ReportMetric(float64(size)/1024, "kB")
		})
	}
}
