package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"balcao/sqldb"
	"balcao/sqlite"
)

// Under writes that never pause, the log must still start again from its
// beginning: a checkpoint running beside the writer always ends behind it,
// and the log would grow without end (and each flush would extend a file).
func TestTheLogStartsAgainUnderSteadyWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "balcao.db")
	db, err := sqlite.Open(ctx, path, true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		err := db.BetweenWrites(ctx, func(ctx context.Context, w *sql.DB) error {
			_, err := w.ExecContext(ctx, q, args...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TABLE load (b BLOB)`)
	// A log that starts again gets a new salt in its header (bytes 16 to
	// 24, https://www.sqlite.org/fileformat.html#the_write_ahead_log).
	salt := func() string {
		f, err := os.Open(path + "-wal")
		if err != nil {
			return ""
		}
		defer f.Close()
		var h [32]byte
		if _, err := f.ReadAt(h[:], 0); err != nil {
			return ""
		}
		return string(h[16:24])
	}
	chunk := make([]byte, 4<<10)
	salts := map[string]bool{}
	writes := 0
	// Rounds run every 250 ms: the log must start again at least twice.
	// A busy machine (the other packages' tests run beside this one) gets
	// ten seconds; a log that never starts again takes them all.
	for end := time.Now().Add(10 * time.Second); len(salts) < 3 && time.Now().Before(end); writes++ {
		exec(`INSERT INTO load (b) VALUES (?)`, chunk)
		if s := salt(); s != "" {
			salts[s] = true
		}
	}
	if len(salts) < 3 {
		t.Fatalf("%d writes without a pause in 10 s: the log started %d times, want at least 2", writes, len(salts)-1)
	}
}
