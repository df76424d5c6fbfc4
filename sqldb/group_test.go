package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// gatedSync is a log flush that the test lets through one at a time.
type gatedSync struct {
	calls   atomic.Int64
	started chan struct{}
	release chan error
}

func newGatedSync() *gatedSync {
	return &gatedSync{started: make(chan struct{}, 16), release: make(chan error)}
}

func (s *gatedSync) sync() error {
	s.calls.Add(1)
	s.started <- struct{}{}
	return <-s.release
}

func openWAL(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "g.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func openReader(t *testing.T, w *sql.DB) *sql.DB {
	t.Helper()
	var path string
	if err := w.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func insert(g *groupCommitter, x int) chan error {
	return insertNoting(g, x, nil)
}

// insertNoting inserts x and, when ran is set, says so once the insert has
// run inside the committer's transaction.
func insertNoting(g *groupCommitter, x int, ran chan<- int) chan error {
	done := make(chan error, 1)
	go func() {
		done <- g.do(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO t (x) VALUES (?)`, x)
			if ran != nil {
				ran <- x
			}
			return err
		})
	}()
	return done
}

func count(t *testing.T, r *sql.DB) int {
	t.Helper()
	var n int
	if err := r.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func TestGroupCommitAnswersOnlyAfterTheLogIsSynced(t *testing.T) {
	w := openWAL(t)
	r := openReader(t, w)
	s := newGatedSync()
	g := newGroupCommitter(w, 8, s.sync)
	defer func() {
		go func() {
			for range s.started {
			}
		}()
		close(s.release) // let any last flush through
		g.close()
	}()

	first := insert(g, 1)
	wait(t, s.started, "the first flush")
	select {
	case err := <-first:
		t.Fatalf("the write was answered (%v) before its flush finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	if n := count(t, r); n != 1 {
		t.Fatalf("committed rows seen by a reader = %d, want 1 (committed, flush pending)", n)
	}
	durable := make(chan error, 1)
	go func() { durable <- g.waitDurable(context.Background()) }()

	// The writer is not held by the flush: three more writes run now, in
	// one transaction that commits once the flusher is free.
	ran := make(chan int, 3)
	later := []chan error{insertNoting(g, 2, ran), insertNoting(g, 3, ran), insertNoting(g, 4, ran)}
	for range 3 {
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			t.Fatal("a write did not run while the first flush was pending")
		}
	}
	if n := count(t, r); n != 1 {
		t.Fatalf("rows seen = %d, want 1: the next batch commits only when the flusher is free", n)
	}
	select {
	case err := <-durable:
		t.Fatalf("WaitDurable returned (%v) before the flush", err)
	default:
	}

	s.release <- nil
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-durable; err != nil {
		t.Fatal(err)
	}
	wait(t, s.started, "the second flush")
	if n := count(t, r); n != 4 {
		t.Fatalf("rows seen = %d, want 4 once the second batch committed", n)
	}
	for _, ch := range later {
		select {
		case err := <-ch:
			t.Fatalf("a write was answered (%v) before its flush", err)
		default:
		}
	}
	s.release <- nil
	for _, ch := range later {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if n := s.calls.Load(); n != 2 {
		t.Fatalf("flushes = %d, want 2: one for the first write, one for the three that came during it", n)
	}
	if err := g.waitDurable(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The counters published as metrics say the same: two commits carrying
	// four writes, two flushes, the first held for at least 50 ms.
	st := g.stats()
	if st.Batches != 2 || st.Requests != 4 || st.Flushes != 2 || st.FlushTime < 50*time.Millisecond {
		t.Fatalf("stats = %+v, want 2 batches, 4 requests, 2 flushes taking 50 ms or more", st)
	}
}

func TestGroupCommitFailedFlushFailsEveryLaterWrite(t *testing.T) {
	w := openWAL(t)
	s := newGatedSync()
	g := newGroupCommitter(w, 8, s.sync)
	defer g.close()

	first := insert(g, 1)
	wait(t, s.started, "the flush")
	s.release <- errors.New("EIO")
	err := <-first
	if err == nil || !strings.Contains(err.Error(), "flushing the database log") {
		t.Fatalf("write after a failed flush: err = %v, want the flush error", err)
	}
	if err := g.waitDurable(context.Background()); err == nil {
		t.Fatal("WaitDurable after a failed flush returned nil")
	}
	// No second flush is tried: nothing written after a failure is trusted.
	if err := <-insert(g, 2); err == nil {
		t.Fatal("a later write was called durable after a failed flush")
	}
	if n := s.calls.Load(); n != 1 {
		t.Fatalf("flushes = %d, want 1", n)
	}
	if g.flushError() == nil {
		t.Fatal("the failed flush is not reported (the readiness probe reads it)")
	}
}

func TestGroupCommitWithoutSyncIsDurableAtCommit(t *testing.T) {
	w := openWAL(t)
	g := newGroupCommitter(w, 8, nil)
	defer g.close()
	if err := <-insert(g, 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := g.waitDurable(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestBetweenWritesRunsWhenNoBatchIsOpen(t *testing.T) {
	db := openWAL(t)
	g := newGroupCommitter(db, 8, nil)
	var closeOnce sync.Once
	closeG := func() { closeOnce.Do(g.close) }
	defer closeG()
	// A write that holds its batch open until the test lets it go.
	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- g.do(context.Background(), func(tx *sql.Tx) error {
			close(held)
			<-hold
			_, err := tx.Exec(`INSERT INTO t (x) VALUES (1)`)
			return err
		})
	}()
	<-held
	inside, leave := make(chan int, 1), make(chan struct{})
	between := make(chan error, 1)
	go func() {
		between <- g.betweenWrites(context.Background(), func(ctx context.Context, w *sql.DB) error {
			// The pool has one connection: this would wait for ever if a
			// batch's transaction held it.
			var n int
			err := w.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n)
			inside <- n
			<-leave
			return err
		})
	}()
	select {
	case <-inside:
		t.Fatal("ran while a batch was open")
	case <-time.After(50 * time.Millisecond):
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if n := <-inside; n != 1 {
		t.Fatalf("saw %d rows, want the committed batch's 1", n)
	}
	// A write that comes meanwhile waits for it to end.
	later := insert(g, 2)
	select {
	case err := <-later:
		t.Fatalf("a write ran beside it (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(leave)
	if err := <-between; err != nil {
		t.Fatal(err)
	}
	if err := <-later; err != nil {
		t.Fatal(err)
	}
	// After the committer stops, nothing runs and the caller hears why.
	closeG()
	err := g.betweenWrites(context.Background(), func(context.Context, *sql.DB) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("after close: %v", err)
	}
}
