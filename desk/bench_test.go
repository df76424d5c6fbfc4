package desk_test

import (
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/desk"
	"balcao/sqldb"
	"balcao/sqlite"
	"balcao/storetest"
)

// BenchmarkConsole100k measures the server time of console pages (store
// queries and template rendering, no network) on a SQLite database of
// 100,000 tickets over 10 teams, a third resolved, a fifth waiting on the
// requester. Figures: docs/PERFORMANCE.md ("Console").
//
//	go test -run '^$' -bench Console100k -benchtime 200x ./desk/
func BenchmarkConsole100k(b *testing.B) {
	store, agent, teams, firstTicket := benchDB(b)
	defer store.Close()
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	clock := balcao.NewManualClock(benchNow)
	token := benchSession(b, store, clock, agent)
	adminToken := benchSession(b, store, clock, benchUser(b, store, "admin@desk.pt", balcao.RoleAdmin, nil))
	h := (&desk.Server{Store: store, Catalog: cat, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	ticket := "/desk/tickets/" + string(firstTicket)

	pages := []struct{ name, path string }{
		{"queue-admin-unassigned", "/desk/?view=unassigned"},
		{"queue-mine", "/desk/"},
		{"queue-unassigned", "/desk/?view=unassigned"},
		{"queue-team", "/desk/?view=team&team=" + teams[1].Code},
		{"queue-pending-requester", "/desk/?view=pending_requester"},
		{"queue-due-soon", "/desk/?view=due_soon"},
		{"queue-all-by-update", "/desk/?view=all&sort=updated"},
		{"queue-all-filtered", "/desk/?view=all&status=resolved&priority=3&channel=email&type=cit-d1"},
		{"queue-second-page", ""},
		{"ticket", ticket},
	}
	// The second page follows the first page's next link.
	first := get(b, h, token, "/desk/?view=unassigned")
	i := strings.Index(first, `" rel="next"`)
	j := strings.LastIndex(first[:i], `href="`)
	pages[8].path = strings.ReplaceAll(first[j+6:i], "&amp;", "&")

	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			tok := token
			if strings.HasPrefix(p.name, "queue-admin") {
				tok = adminToken // every team in scope, ten team counts
			}
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				get(b, h, tok, p.path)
				lat = append(lat, time.Since(t0))
			}
			reportLatency(b, lat)
		})
	}
}

// benchUser finds a user of the benchmark database, or creates them (in
// team, when given).
func benchUser(b *testing.B, store balcao.Store, email string, role balcao.Role, team *balcao.Team) *balcao.User {
	u, err := store.UserByEmail(ctx, email)
	if err == nil {
		return u
	}
	u = &balcao.User{Email: email, Name: email, Role: role}
	if err := store.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if team != nil {
		if err := store.AddTeamMember(ctx, team.ID, u.ID); err != nil {
			b.Fatal(err)
		}
	}
	return u
}

// benchSession signs a user in for an hour of the clock and returns the
// session cookie's value.
func benchSession(b *testing.B, store balcao.Store, clock balcao.Clock, u *balcao.User) string {
	token := fmt.Sprintf("bench-%d-%d", u.ID, time.Now().UnixNano())
	if err := store.CreateSession(ctx, &balcao.Session{Hash: sha256.Sum256([]byte(token)), UserID: u.ID,
		CreatedAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	return token
}

// reportLatency reports the median and p99 of the times of one page.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
}

func get(b *testing.B, h http.Handler, token, path string) string {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.AddCookie(&http.Cookie{Name: "balcao_session", Value: token})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

// benchNow is half-way through the seeded due times, so that "SLA em
// risco" holds many tickets.
var benchNow = storetest.T0.Add(15 * 24 * time.Hour)

// benchDB returns a database of 100,000 tickets with an agent in three of
// its ten teams who holds 150 tickets. BALCAO_TEST_BENCH_DB names a file to
// keep it in between runs (it is seeded when missing); otherwise it lives
// in a temporary directory.
func benchDB(b *testing.B) (*sqldb.DB, *balcao.User, []*balcao.Team, balcao.TicketNumber) {
	path := os.Getenv("BALCAO_TEST_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, statErr := os.Stat(path)
	store, err := sqlite.Open(ctx, path, true, sqldb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if statErr == nil {
		agent, err := store.UserByEmail(ctx, "agente@desk.pt")
		if err != nil {
			b.Fatal(err)
		}
		teams, _ := store.ListTeams(ctx)
		page, err := store.DeskTickets(ctx, balcao.DeskFilter{Scope: balcao.DeskScope{All: true}, View: balcao.ViewMine, UserID: agent.ID, Limit: 1})
		if err != nil || len(page.Tickets) == 0 {
			b.Fatalf("reused database %s: %v", path, err)
		}
		return store, agent, teams, page.Tickets[0].Number
	}
	start := time.Now()
	teams := storetest.SeedQueue(b, store, 100_000)
	b.Logf("seeded 100,000 tickets in %v", time.Since(start).Round(time.Second))
	agent := &balcao.User{Email: "agente@desk.pt", Name: "Agente", Role: balcao.RoleAgent}
	if err := store.CreateUser(ctx, agent); err != nil {
		b.Fatal(err)
	}
	for _, tm := range teams[:3] {
		if err := store.AddTeamMember(ctx, tm.ID, agent.ID); err != nil {
			b.Fatal(err)
		}
	}
	page, err := store.DeskTickets(ctx, balcao.DeskFilter{Scope: balcao.DeskScope{All: true}, View: balcao.ViewTeam, TeamID: teams[0].ID, Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	for _, tk := range page.Tickets[:150] {
		if _, err := store.AssignTicket(ctx, tk.ID, agent.ID, balcao.SystemActor, benchNow); err != nil {
			b.Fatal(err)
		}
	}
	return store, agent, teams, page.Tickets[0].Number
}
