package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// openPair opens a database as Open does: a writer through the WAL VFS and
// a reader through the default one, as the store's two pools.
func openPair(t *testing.T, writerPragmas string) (w, r *sql.DB, path string) {
	t.Helper()
	if err := registerWALVFS(); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), t.Name()+".db")
	w, err := sql.Open("sqlite", "file:"+path+"?vfs="+walVFSName+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_txlock=immediate"+writerPragmas)
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	r, err = sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	if _, err := w.Exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return w, r, path
}

func body(i, size int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, size) }

// insertRows writes n rows of docs in one transaction, the bodies of rows
// first to first+n-1.
func insertRows(t *testing.T, w *sql.DB, first, n, size int) {
	t.Helper()
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := first; i < first+n; i++ {
		if _, err := tx.Exec(`INSERT INTO docs (body) VALUES (?)`, body(i, size)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// readsBack checks that r reads rows rows of docs, each the body written
// for it, and that the database is whole.
func readsBack(t *testing.T, r *sql.DB, rows, size int) {
	t.Helper()
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
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if n != rows {
		t.Fatalf("the reader found %d rows, want %d", n, rows)
	}
	integral(t, r)
}

func integral(t *testing.T, r *sql.DB) {
	t.Helper()
	var check string
	if err := r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
}

// A transaction's pages reach the log in one write at its commit (two a
// page before), and a reader sees them as soon as the commit returns.
func TestWALCommitIsOneWrite(t *testing.T) {
	w, r, path := openPair(t, "")
	name := filepath.Base(path)
	for round := range 3 {
		writes0, flushes0 := writeCounts(name + "-wal")
		// Twenty rows of 3 KB: one page each, about 80 KB in the log.
		insertRows(t, w, 20*round, 20, 3000)
		writes, flushes := writeCounts(name + "-wal")
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
	w, r, path := openPair(t, "&_pragma=cache_size(20)")
	name := filepath.Base(path)
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
	if _, flushes := writeCounts(name + "-wal"); flushes < 6_000_000/flushPiece {
		t.Errorf("the log was written %d times for 6 MB, want at least %d (pieces under 128 KiB)", flushes, 6_000_000/flushPiece)
	}
	readsBack(t, r, rows, size)
}

// A checkpoint's pages reach the database file in runs, one write each,
// and a reader that then reads the database file, not the log, finds
// every byte.
func TestCheckpointWritesRuns(t *testing.T) {
	w, r, path := openPair(t, "")
	name := filepath.Base(path)
	const rows, size = 200, 3000
	insertRows(t, w, 0, rows, size)
	writes0, flushes0 := writeCounts(name)
	var busy, logged, copied int
	if err := w.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &copied); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy %d, %v", busy, err)
	}
	writes, flushes := writeCounts(name)
	if writes-writes0 < rows || flushes-flushes0 > (writes-writes0)/10 {
		t.Errorf("the checkpoint wrote %d pages in %d writes to the database file; want at least %d pages, in at most a tenth as many writes",
			writes-writes0, flushes-flushes0, rows)
	}
	readsBack(t, r, rows, size)
}

// Readers on the plain VFS, reading all the time while a writer commits
// and checkpoints copy the log beside it (both through the gathering
// VFS), always find what was committed.
func TestReadersFollowWritesAndCheckpoints(t *testing.T) {
	w, r, path := openPair(t, "")
	// A second connection through the VFS for the checkpoints, as the
	// store's checkpointer has.
	ck, err := sql.Open("sqlite", "file:"+path+"?vfs="+walVFSName+"&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	const size = 5000
	stop := make(chan struct{})
	errs := make(chan error, 4)
	var last atomic.Int64
	// Each runs step until stop is closed, then reports nil, or its
	// first error at once.
	until := func(step func() error) {
		for {
			select {
			case <-stop:
				errs <- nil
				return
			default:
			}
			if err := step(); err != nil {
				errs <- err
				return
			}
		}
	}
	go until(func() error { // checkpoints
		_, err := ck.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		time.Sleep(time.Millisecond)
		return err
	})
	for range 2 { // readers
		go until(func() error {
			n := last.Load()
			if n == 0 {
				return nil
			}
			var id int64
			var b []byte
			if err := r.QueryRow(`SELECT id, body FROM docs WHERE id = ?`, 1+rand.Int64N(n)).Scan(&id, &b); err != nil {
				return err
			}
			if !bytes.Equal(b, body(int(id-1), size)) {
				return fmt.Errorf("row %d read back differs from what was committed", id)
			}
			return nil
		})
	}
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); {
		tx, err := w.Begin()
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for range 3 {
			res, err := tx.Exec(`INSERT INTO docs (body) VALUES (x'')`)
			if err != nil {
				t.Fatal(err)
			}
			id, _ = res.LastInsertId()
			if _, err := tx.Exec(`UPDATE docs SET body = ? WHERE id = ?`, body(int(id-1), size), id); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		last.Store(id)
	}
	close(stop)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	integral(t, r)
	t.Logf("%d rows written and read back", last.Load())
}
