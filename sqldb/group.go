package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// txFunc is a unit of write work. It must do all its writing through tx and
// may be run inside a savepoint of a transaction shared with other callers.
type txFunc func(tx *sql.Tx) error

type writeReq struct {
	fn   txFunc
	done chan error
}

// groupCommitter runs write work on one connection and commits several
// callers' work in a single transaction, so one fsync serves them all. Each
// caller's work runs in its own savepoint: a failing caller is rolled back
// alone and gets its own error; the others commit. A caller is told its
// result only after the commit, so "nil" always means durably stored.
type groupCommitter struct {
	db       *sql.DB
	reqs     chan writeReq
	maxBatch int
	stop     chan struct{}
	stopped  chan struct{}
}

func newGroupCommitter(db *sql.DB, maxBatch int) *groupCommitter {
	g := &groupCommitter{db: db, reqs: make(chan writeReq, 4*maxBatch), maxBatch: maxBatch,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go g.loop()
	return g
}

func (g *groupCommitter) do(ctx context.Context, fn txFunc) error {
	r := writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return fmt.Errorf("sqldb: store closed")
	}
	// Once queued the work will run; wait for its outcome even if the
	// caller gives up, so that the answer never contradicts the database.
	return <-r.done
}

func (g *groupCommitter) close() {
	close(g.stop)
	<-g.stopped
}

func (g *groupCommitter) loop() {
	defer close(g.stopped)
	batch := make([]writeReq, 0, g.maxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-g.reqs:
			batch = append(batch, r)
		case <-g.stop:
			// Drain what was queued before the stop.
			for {
				select {
				case r := <-g.reqs:
					g.run([]writeReq{r})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < g.maxBatch {
			select {
			case r := <-g.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		g.run(batch)
	}
}

func (g *groupCommitter) run(batch []writeReq) {
	errs := make([]error, len(batch))
	err := g.runTx(batch, errs)
	for i, r := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		r.done <- errs[i]
	}
}

func (g *groupCommitter) runTx(batch []writeReq, errs []error) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	single := len(batch) == 1
	for i, r := range batch {
		if single {
			// No savepoint needed: the transaction is the caller's alone.
			if errs[i] = safeRun(r.fn, tx); errs[i] != nil {
				return errs[i]
			}
			continue
		}
		if _, err = tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return err
		}
		if errs[i] = safeRun(r.fn, tx); errs[i] != nil {
			if _, err = tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT w"); err != nil {
				return err
			}
		}
		if _, err = tx.ExecContext(ctx, "RELEASE SAVEPOINT w"); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func safeRun(fn txFunc, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqldb: panic in write: %v", p)
		}
	}()
	return fn(tx)
}
