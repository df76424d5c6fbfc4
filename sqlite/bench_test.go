package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"balcao"
	"balcao/storetest"
)

func benchOpen(b *testing.B) balcao.Store { return open(b, filepath.Join(b.TempDir(), "bench.db")) }

// go test -run '^$' -bench . ./sqlite/
func BenchmarkCreateTicket(b *testing.B) { storetest.BenchmarkCreateTicket(b, benchOpen) }

func BenchmarkQueue100k(b *testing.B) {
	s := benchOpen(b)
	teams := storetest.SeedQueue(b, s, 100_000)
	b.ResetTimer()
	storetest.BenchmarkQueue(b, s, teams)
}

func BenchmarkSearch100k(b *testing.B) {
	s := benchOpen(b)
	storetest.SeedSearch(b, s, 100_000)
	storetest.BenchmarkSearch(b, s, 100_000)
}

// go test -run '^$' -bench Reports100k -benchtime 200x ./sqlite/
func BenchmarkReports100k(b *testing.B) {
	s := benchOpen(b)
	start := time.Now()
	teams := storetest.SeedReports(b, s, 100_000)
	b.Logf("seeded in %v", time.Since(start))
	storetest.BenchmarkReports(b, s, teams)
}
