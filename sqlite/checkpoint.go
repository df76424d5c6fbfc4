package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// checkpointInterval is how often the log is copied into the database file.
const checkpointInterval = 250 * time.Millisecond

// checkpointer copies the write-ahead log into the database file, and does
// it so that SQLite can start the log again from its beginning.
//
// A checkpoint that runs beside the writer (PASSIVE) copies only the log
// up to where it stood when the checkpoint began; under steady intake the
// writer has always added to it since, the log is never wholly copied, and
// SQLite appends to it without end. Appending costs every commit more than
// its data: the flush of a file that grew must also write the file's new
// size through the filesystem's journal, which measured twice the time of
// the flush of a file written over in place (fdatasync, ext4). So each
// round copies the bulk of the log beside the writer, repeating while a
// pass still takes long (writes went on during it), and then copies the
// short rest on the writer's goroutine between two batches (BetweenWrites):
// with no write under way that pass reaches the end of the log, and the
// next commit writes the log over from its start. A reader in the middle of
// a transaction can keep that from happening; the next round tries again.
type checkpointer struct {
	write   *sql.DB
	done    chan struct{}
	stopped chan struct{}
}

// A bulk pass shorter than this left a rest short enough for the writer.
const quickPass = 5 * time.Millisecond

func (c *checkpointer) start(between func(context.Context, func(context.Context, *sql.DB) error) error, interval time.Duration) {
	c.done, c.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(c.stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		lastLog := int64(-1)
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
			}
			lastLog = c.round(between, lastLog)
		}
	}()
}

// round runs one round of checkpoints and returns the length of the log
// the last pass found. A round that finds the log already copied and as
// long as the last round left it does nothing more: nothing was written.
func (c *checkpointer) round(between func(context.Context, func(context.Context, *sql.DB) error) error, lastLog int64) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range 5 {
		began := time.Now()
		log, copied, err := checkpoint(ctx, c.write)
		if err != nil {
			return -1
		}
		if log == lastLog && copied == log {
			return log
		}
		if time.Since(began) < quickPass {
			break
		}
	}
	log := int64(-1)
	_ = between(ctx, func(ctx context.Context, w *sql.DB) error {
		var err error
		log, _, err = checkpoint(ctx, w)
		return err
	})
	return log
}

// checkpoint runs a PASSIVE checkpoint: it copies what it can without
// waiting for anyone, and returns the log's length in pages and how many
// of them are in the database file now.
func checkpoint(ctx context.Context, db *sql.DB) (log, copied int64, err error) {
	var busy int64
	err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied)
	return log, copied, err
}

// stop ends the rounds and copies the whole log into the database file,
// leaving it empty (TRUNCATE).
func (c *checkpointer) stop() {
	if c.done == nil {
		return
	}
	close(c.done)
	<-c.stopped
	c.done = nil
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
}
