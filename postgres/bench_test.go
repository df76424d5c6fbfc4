package postgres_test

import (
	"database/sql"
	"testing"
	"time"

	"balcao"
	"balcao/storetest"
)

func benchOpen(b *testing.B) balcao.Store { return open(b, freshDatabase(b)) }

// BALCAO_TEST_POSTGRES_URL=… go test -run '^$' -bench . ./postgres/
func BenchmarkCreateTicket(b *testing.B) { storetest.BenchmarkCreateTicket(b, benchOpen) }

func BenchmarkQueue100k(b *testing.B) {
	s := benchOpen(b)
	teams := storetest.SeedQueue(b, s, 100_000)
	b.ResetTimer()
	storetest.BenchmarkQueue(b, s, teams)
}

// After the load the database is vacuumed and analysed, as autovacuum
// soon does: right after a bulk load the GIN indexes' pending lists are
// scanned by every search.
func BenchmarkSearch100k(b *testing.B) {
	u := freshDatabase(b)
	s := open(b, u)
	storetest.SeedSearch(b, s, 100_000)
	db, err := sql.Open("pgx", u)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec("VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	db.Close()
	storetest.BenchmarkSearch(b, s, 100_000)
}

// BALCAO_TEST_POSTGRES_URL=… go test -run '^$' -bench Reports100k -benchtime 200x ./postgres/
func BenchmarkReports100k(b *testing.B) {
	s := benchOpen(b)
	start := time.Now()
	teams := storetest.SeedReports(b, s, 100_000)
	b.Logf("seeded in %v", time.Since(start))
	storetest.BenchmarkReports(b, s, teams)
}
