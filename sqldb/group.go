package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"balcao"
)

// txFunc is a unit of write work. It must do all its writing through tx and
// may be run inside a savepoint of a transaction shared with other callers.
type txFunc func(tx *sql.Tx) error

type writeReq struct {
	fn   txFunc
	done chan error
}

// betweenReq is work that runs on the committer's goroutine between two
// batches, outside any transaction (see DB.BetweenWrites).
type betweenReq struct {
	fn   func(ctx context.Context, db *sql.DB) error
	done chan error
}

// groupCommitter runs write work on one connection and commits several
// callers' work in a single transaction, so one fsync serves them all. Each
// caller's work runs in its own savepoint: a failing caller is rolled back
// alone and gets its own error; the others commit. A caller is told its
// result only after the commit is on disk, so "nil" always means durably
// stored.
//
// With a sync function (SQLite: the WAL is written at commit and synced by
// sync), the disk flush is not part of the commit: committed batches go to
// a second goroutine that syncs once for all the batches waiting and then
// answers their callers, while the committer already runs the next batch.
// Readers of the database can see a commit before it is synced (for as
// long as one flush lasts); whatever tells the outside world about stored
// data (a mail sent, an HTTP answer) first waits for durability (waitDurable).
type groupCommitter struct {
	db       *sql.DB
	reqs     chan writeReq
	between  chan betweenReq // unbuffered: a request sent is run
	maxBatch int
	stop     chan struct{}
	stopped  chan struct{}

	sync     func() error
	idle     chan struct{} // holds a token while the flusher waits for work
	toSync   chan syncItem
	syncDone chan struct{}
	// committed counts batches whose commit has begun; durable, the
	// batches synced since. A batch takes its number before its commit
	// makes it visible, so a reader that loads committed after reading
	// covers everything it saw.
	committed atomic.Int64
	mu        sync.Mutex
	durable   int64
	synced    chan struct{} // closed and replaced at each sync
	syncErr   error         // a failed flush: nothing written after it is trusted

	// What the committer has done, for WriteStats.
	batches, requests, flushes, flushNanos atomic.Int64
}

// syncItem is a committed batch waiting for the flush that makes it durable.
type syncItem struct {
	batch []writeReq
	errs  []error
	seq   int64
}

func newGroupCommitter(db *sql.DB, maxBatch int, sync func() error) *groupCommitter {
	g := &groupCommitter{db: db, reqs: make(chan writeReq, 4*maxBatch), between: make(chan betweenReq), maxBatch: maxBatch,
		stop: make(chan struct{}), stopped: make(chan struct{}), sync: sync, synced: make(chan struct{})}
	if sync != nil {
		g.toSync = make(chan syncItem, maxBatch)
		g.idle = make(chan struct{}, 1)
		g.syncDone = make(chan struct{})
		go g.syncLoop()
	}
	go g.loop()
	return g
}

func (g *groupCommitter) do(ctx context.Context, fn txFunc) error {
	r := writeReq{fn: fn, done: make(chan error, 1)}
	if err := submit(ctx, g, g.reqs, r); err != nil {
		return err
	}
	// Once queued the work will run; wait for its outcome even if the
	// caller gives up, so that the answer never contradicts the database.
	return <-r.done
}

// betweenWrites runs fn on the committer's goroutine after one batch has
// committed and before the next begins: no transaction of this committer
// is open while fn runs.
func (g *groupCommitter) betweenWrites(ctx context.Context, fn func(ctx context.Context, db *sql.DB) error) error {
	r := betweenReq{fn: fn, done: make(chan error, 1)}
	if err := submit(ctx, g, g.between, r); err != nil {
		return err
	}
	return <-r.done
}

// submit hands r to the committer's goroutine on ch, unless the caller
// gives up first or the committer has stopped.
func submit[R any](ctx context.Context, g *groupCommitter, ch chan<- R, r R) error {
	select {
	case ch <- r:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return fmt.Errorf("sqldb: store closed")
	}
}

// waitDurable returns once every batch committed before the call is on
// disk, or with the error of a failed flush.
func (g *groupCommitter) waitDurable(ctx context.Context) error {
	if g.sync == nil {
		return nil
	}
	target := g.committed.Load()
	for {
		g.mu.Lock()
		done, err, ch := g.durable >= target, g.syncErr, g.synced
		g.mu.Unlock()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// flushError is the error of a failed flush, if one failed.
func (g *groupCommitter) flushError() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.syncErr
}

// syncLoop flushes committed batches and answers their callers: one flush
// for every batch that is waiting when it starts.
func (g *groupCommitter) syncLoop() {
	defer close(g.syncDone)
	var items []syncItem
	for {
		// Tell the committer it may commit: a flush would start at once.
		select {
		case g.idle <- struct{}{}:
		default:
		}
		it, ok := <-g.toSync
		if !ok {
			return
		}
		items = append(items[:0], it)
	more:
		for {
			select {
			case it, ok := <-g.toSync:
				if !ok {
					break more
				}
				items = append(items, it)
			default:
				break more
			}
		}
		g.mu.Lock()
		err := g.syncErr
		g.mu.Unlock()
		if err == nil {
			start := time.Now()
			err = g.sync()
			g.flushes.Add(1)
			g.flushNanos.Add(int64(time.Since(start)))
			if err != nil {
				// After a failed flush the kernel may have dropped the
				// pages: no later write can be called durable.
				err = fmt.Errorf("sqldb: flushing the database log to disk: %w", err)
			}
		}
		g.mu.Lock()
		if err != nil {
			g.syncErr = err
		} else {
			g.durable = max(g.durable, items[len(items)-1].seq)
		}
		close(g.synced)
		g.synced = make(chan struct{})
		g.mu.Unlock()
		for _, it := range items {
			g.answer(it.batch, it.errs, err)
		}
	}
}

func (g *groupCommitter) close() {
	close(g.stop)
	<-g.stopped
	if g.toSync != nil {
		close(g.toSync)
		<-g.syncDone
	}
}

func (g *groupCommitter) loop() {
	defer close(g.stopped)
	for {
		select {
		case r := <-g.reqs:
			g.runBatch(r)
		case r := <-g.between:
			r.done <- safeBetween(r.fn, g.db)
		case <-g.stop:
			// Run what was queued before the stop.
			for {
				select {
				case r := <-g.reqs:
					g.runBatch(r)
				default:
					return
				}
			}
		}
	}
}

// runBatch runs first and the requests that join it in one transaction,
// and commits. Without a flush of its own, the batch is what is queued
// now. With one, requests keep joining the open transaction while the
// flusher is busy with earlier batches, and the batch commits as soon as
// the flusher is free: the statements of the next batch run during the
// flush of the previous one, and one commit (and its pages of the log)
// serves every request that came in meanwhile.
func (g *groupCommitter) runBatch(first writeReq) {
	// No deadline and no cancellation: a request once queued runs to its
	// end (see do), and with modernc's driver a context that can end costs
	// every statement a watcher goroutine, and database/sql one more for
	// every query's rows.
	ctx := context.Background()
	batch, errs := []writeReq{first}, []error{nil}
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		g.answer(batch, errs, err)
		return
	}
	// The first request needs no savepoint: if it fails, the transaction
	// holds nothing else.
	if errs[0] = safeRun(first.fn, tx); errs[0] != nil {
		_ = tx.Rollback()
		g.answer(batch, errs, nil)
		return
	}
	join := func(r writeReq) error {
		batch, errs = append(batch, r), append(errs, nil)
		i := len(batch) - 1
		if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return err
		}
		if errs[i] = safeRun(r.fn, tx); errs[i] != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT w")
		return err
	}
collect:
	for len(batch) < g.maxBatch && err == nil {
		if g.sync == nil {
			select {
			case r := <-g.reqs:
				err = join(r)
			default:
				break collect
			}
			continue
		}
		// Requests already waiting join before the commit: a select with
		// both ready would pick the flusher's signal half the time and
		// commit a smaller batch, and each commit costs its pages of the
		// log and a flush.
		select {
		case r := <-g.reqs:
			err = join(r)
			continue
		default:
		}
		select {
		case r := <-g.reqs:
			err = join(r)
		case <-g.idle:
			break collect
		case <-g.stop:
			break collect
		}
	}
	if err != nil {
		// A savepoint failed: the transaction cannot go on.
		_ = tx.Rollback()
		g.answer(batch, errs, err)
		return
	}
	// The batch takes its number before the commit makes it visible.
	seq := g.committed.Add(1)
	err = tx.Commit()
	if err == nil {
		g.batches.Add(1)
		g.requests.Add(int64(len(batch)))
	}
	if g.sync == nil {
		g.answer(batch, errs, err)
		return
	}
	if err != nil {
		// Nothing of the batch is stored. It still passes through the
		// flusher so that batches are answered in order.
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	select {
	case <-g.idle: // the flusher has work now
	default:
	}
	g.toSync <- syncItem{batch: batch, errs: errs, seq: seq}
	// The flusher, woken by that send, would wait on this goroutine's
	// processor until the committer next blocks, which under steady intake
	// is after the next batch (0.7 ms a batch in an execution trace). It
	// runs now instead: it only starts the flush, a system call, and
	// leaves the processor to the committer again.
	runtime.Gosched()
}

// answer tells each caller of a batch its outcome: its own error, or the
// batch's.
func (g *groupCommitter) answer(batch []writeReq, errs []error, err error) {
	for i, r := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		r.done <- errs[i]
	}
}

func safeBetween(fn func(ctx context.Context, db *sql.DB) error, db *sql.DB) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqldb: panic between writes: %v", p)
		}
	}()
	return fn(context.Background(), db)
}

func safeRun(fn txFunc, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqldb: panic in write: %v", p)
		}
	}()
	return fn(tx)
}

// stats reads the committer's counters.
func (g *groupCommitter) stats() balcao.WriteStats {
	return balcao.WriteStats{Batches: g.batches.Load(), Requests: g.requests.Load(), Flushes: g.flushes.Load(),
		FlushTime: time.Duration(g.flushNanos.Load())}
}
