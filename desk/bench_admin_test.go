package desk_test

import (
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/desk"
)

// BenchmarkConsoleAdmin100k measures the server time of the search,
// notification and administration pages on the database of
// BenchmarkConsole100k. The word searched is in every ticket: too common
// to rank, the store gives the newest tickets first, and the agent's scope
// keeps three teams of ten.
//
//	go test -run '^$' -bench ConsoleAdmin100k -benchtime 100x ./desk/
func BenchmarkConsoleAdmin100k(b *testing.B) {
	store, agent, _, _ := benchDB(b)
	defer store.Close()
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	clock := balcao.NewManualClock(benchNow)
	tokens := map[string]string{
		"agent": benchSession(b, store, clock, agent),
		"admin": benchSession(b, store, clock, benchUser(b, store, "admin@desk.pt", balcao.RoleAdmin, nil)),
	}
	h := (&desk.Server{Store: store, Catalog: cat, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()

	pages := []struct{ name, role, path string }{
		{"search-words-agent", "agent", "/desk/search?q=erro"},
		{"search-words-admin", "admin", "/desk/search?q=erro"},
		{"search-identifier-agent", "agent", "/desk/search?q=" + url.QueryEscape("12345678")},
		{"notifications", "agent", "/desk/notifications"},
		{"admin-users", "admin", "/desk/admin/users"},
		{"admin-teams", "admin", "/desk/admin/teams"},
		{"admin-organisations", "admin", "/desk/admin/organisations"},
		{"admin-tokens", "admin", "/desk/admin/tokens"},
		{"admin-mail", "admin", "/desk/admin/mail"},
		{"admin-catalogue", "admin", "/desk/admin/catalogue"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				get(b, h, tokens[p.role], p.path)
				lat = append(lat, time.Since(t0))
			}
			reportLatency(b, lat)
		})
	}
}
