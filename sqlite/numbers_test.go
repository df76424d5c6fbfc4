package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"balcao/sqldb"
	"balcao/sqlite"
)

// Once half of a block of ticket numbers is handed out, the next block is
// drawn in the background, so that no caller waits for a draw's commit at
// the end of a block; numbers stay increasing across blocks.
func TestTheNextNumberBlockIsDrawnAhead(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "balcao.db"), true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counter := func() int64 {
		var v int64
		err := db.BetweenWrites(ctx, func(ctx context.Context, w *sql.DB) error {
			return w.QueryRowContext(ctx, `SELECT COALESCE(MAX(value), 0) FROM ticket_counters WHERE year = 2026`).Scan(&v)
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var last, taken int64
	take := func(n int) {
		t.Helper()
		for range n {
			taken++
			seq, _, err := db.ReserveTicketNumber(ctx, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if seq <= last {
				t.Fatalf("number %d after %d", seq, last)
			}
			last = seq
		}
	}
	take(1)
	block := counter()
	if block < 2 {
		t.Fatalf("the counter is at %d after the first number, want a whole block", block)
	}
	take(int(block) / 2)
	deadline := time.Now().Add(10 * time.Second)
	for counter() < 2*block {
		if time.Now().After(deadline) {
			t.Fatalf("half of the first block handed out, and the counter is still at %d (want %d: the next block drawn)", counter(), 2*block)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The rest of the first block, then into the second without a gap.
	take(int(block) + 2)
	if last != taken {
		t.Fatalf("last number %d after %d taken, want %d (the first block used whole, then the next)", last, taken, taken)
	}
}
