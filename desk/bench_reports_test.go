package desk_test

import (
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"slices"
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
	session := func(email string, role balcao.Role, team *balcao.Team) string {
		u, err := store.UserByEmail(ctx, email)
		if err != nil {
			u = &balcao.User{Email: email, Name: email, Role: role}
			if err := store.CreateUser(ctx, u); err != nil {
				b.Fatal(err)
			}
			if team != nil {
				if err := store.AddTeamMember(ctx, team.ID, u.ID); err != nil {
					b.Fatal(err)
				}
			}
		}
		token := fmt.Sprintf("bench-%s-%d", email, time.Now().UnixNano())
		if err := store.CreateSession(ctx, &balcao.Session{Hash: sha256.Sum256([]byte(token)), UserID: u.ID,
			CreatedAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		return token
	}
	admin := session("admin@desk.pt", balcao.RoleAdmin, nil)
	sup := session("supervisora@desk.pt", balcao.RoleSupervisor, teams[2])
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
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
			b.ReportMetric(float64(size)/1024, "kB")
		})
	}
}
