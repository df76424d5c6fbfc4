package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// openPair opens a database as Open does: a writer through the WAL VFS and
// a reader through the default one, as the store's two pools.
func openPair(t *testing.T, writerPragmas string) (w, r *sql.DB, name string) {
	t.Helper()
	if err := registerWALVFS(); err != nil {
		t.Fatal(err)
	}
	name = t.Name() + ".db"
	path := filepath.Join(t.TempDir(), name)
	w, err := sql.Open("sqlite", "file:"+path+"?vfs="+walVFSName+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"+writerPragmas)
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	r, err = sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	if _, err := w.Exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return w, r, name
}

func body(i, size int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, size) }

// A transaction's pages reach the log in one write at its commit (two a
// page before), and a reader sees them as soon as the commit returns.
func TestWALCommitIsOneWrite(t *testing.T) {
	w, r, name := openPair(t, "")
	ctx := context.Background()
	for round := range 3 {
		writes0, flushes0 := walWriteCounts(name + "-wal")
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Twenty rows of 3 KB: one page each, about 80 KB in the log.
		for i := range 20 {
			if _, err := tx.Exec(`INSERT INTO docs (body) VALUES (?)`, body(i, 3000)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		writes, flushes := walWriteCounts(name + "-wal")
		if writes-writes0 < 40 || flushes-flushes0 != 1 {
			t.Errorf("round %d: SQLite wrote %d times and the file was written %d times; want at least 40 and exactly 1",
				round, writes-writes0, flushes-flushes0)
		}
		var n int
		if err := r.QueryRow(`SELECT COUNT(*) FROM docs`).Scan(&n); err != nil || n != 20*(round+1) {
			t.Fatalf("round %d: the reader counts %d rows (%v), want %d", round, n, err, 20*(round+1))
		}
	}
}

// A transaction larger than what the log gathers, on a writer whose page
// cache is small enough to spill pages into the log before the commit and
// read them back, stores every byte; the unix VFS's limit of 128 KiB a
// write is respected.
func TestWALLargeTransactionSpills(t *testing.T) {
	w, r, name := openPair(t, "&_pragma=cache_size(20)")
	ctx := context.Background()
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const rows, size = 120, 50_000 // 6 MB, more than maxGathered
	for i := range rows {
		if _, err := tx.Exec(`INSERT INTO docs (body) VALUES (?)`, body(i, size)); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			// Read back rows that left the cache for the log.
			var b []byte
			if err := tx.QueryRow(`SELECT body FROM docs WHERE id = ?`, i-8).Scan(&b); err != nil || !bytes.Equal(b, body(i-9, size)) {
				t.Fatalf("row %d read back inside the transaction: %d bytes, %v", i-8, len(b), err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, flushes := walWriteCounts(name + "-wal"); flushes < 6_000_000/flushPiece {
		t.Errorf("the log was written %d times for 6 MB, want at least %d (pieces under 128 KiB)", flushes, 6_000_000/flushPiece)
	}
	rs, err := r.Query(`SELECT id, body FROM docs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		var id int
		var b []byte
		if err := rs.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, body(id-1, size)) {
			t.Fatalf("row %d: %d bytes differ from what was written", id, len(b))
		}
		n++
	}
	if n != rows {
		t.Fatalf("the reader found %d rows, want %d", n, rows)
	}
	var check string
	if err := r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
}
