package sqldb

import (
	"context"
	"database/sql"
	"sync"

	"balcao"
)

// numberBlock is how many ticket numbers one draw of the counter hands out
// to ReserveTicketNumber. A draw per ticket would cost each ticket a write
// of its own (on SQLite's single writer; on PostgreSQL a transaction of
// four round trips); a block costs one for every numberBlock tickets. The
// numbers of a block not used before the process stops are skipped:
// numbers are unique and increasing, never reused, but not gapless (as with
// a PostgreSQL sequence). Several instances draw blocks from the same
// counter, so theirs never overlap.
const numberBlock = 16

// numberBlocks hands out the numbers of the blocks drawn, per year. The
// next block is drawn in the background once half of the current one is
// handed out: drawing it waits for a commit and its flush, and a caller
// that found the block empty waited that long, with every other caller
// queued behind it (at full intake, one message in sixteen stalled every
// connection that way).
type numberBlocks struct {
	mu    sync.Mutex
	next  map[int]*[2]int64    // year → [next, last] of the current block
	ahead map[int]*blockDrawal // year → the block being drawn or drawn ahead
}

// blockDrawal is one draw of a block; done is closed when it has ended.
type blockDrawal struct {
	done        chan struct{}
	first, last int64
	err         error
}

// failed reports whether the draw has ended with an error.
func (d *blockDrawal) failed() bool {
	select {
	case <-d.done:
		return d.err != nil
	default:
		return false
	}
}

// ReserveTicketNumber draws a ticket number before the ticket's own
// transaction, so that whatever names it (the acknowledgement's subject,
// its Message-ID, its text) is written before the database's writer is
// involved. Pass the sequence as NewTicket.Seq; a number whose ticket is
// never created is skipped, never given to another ticket.
func (db *DB) ReserveTicketNumber(ctx context.Context, year int) (int64, balcao.TicketNumber, error) {
	seq, err := db.blockNumber(ctx, year)
	if err != nil {
		return 0, "", err
	}
	return seq, balcao.FormatTicketNumber(db.opt.NumberPrefix, year, seq), nil
}

// blockNumberSQL advances a counter by a whole block and returns its last
// number. Numbers drawn one by one inside ticket transactions advance the
// same counter, so the two never overlap.
const blockNumberSQL = `INSERT INTO ticket_counters (prefix, year, value) VALUES (?, ?, ?)
	ON CONFLICT (prefix, year) DO UPDATE SET value = ticket_counters.value + excluded.value RETURNING value`

func (db *DB) blockNumber(ctx context.Context, year int) (int64, error) {
	b := &db.numbers
	for {
		b.mu.Lock()
		if cur := b.next[year]; cur != nil && cur[0] <= cur[1] {
			seq := cur[0]
			cur[0]++
			if cur[1]-cur[0] < numberBlock/2 && b.ahead[year] == nil {
				db.drawAhead(year)
			}
			b.mu.Unlock()
			return seq, nil
		}
		d := b.ahead[year]
		if d == nil || d.failed() {
			// A draw made in the background that failed is not this
			// caller's error: it draws again.
			d = db.drawAhead(year)
		}
		b.mu.Unlock()
		select {
		case <-d.done:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		b.mu.Lock()
		if b.ahead[year] == d {
			// The first caller back installs the block (or clears the
			// failed draw, so that the next call draws again).
			delete(b.ahead, year)
			if d.err == nil {
				if b.next == nil {
					b.next = map[int]*[2]int64{}
				}
				b.next[year] = &[2]int64{d.first, d.last}
			}
		}
		b.mu.Unlock()
		if d.err != nil {
			return 0, d.err
		}
	}
}

// drawAhead starts drawing the year's next block; b.mu is held. The block
// is committed (and durable) before any of its numbers is handed out, so
// a restart never draws those numbers again; a block drawn and not used
// before the process stops is skipped.
func (db *DB) drawAhead(year int) *blockDrawal {
	b := &db.numbers
	d := &blockDrawal{done: make(chan struct{})}
	if b.ahead == nil {
		b.ahead = map[int]*blockDrawal{}
	}
	b.ahead[year] = d
	go func() {
		defer close(d.done)
		var last int64
		// Not the caller's context: the block serves whoever comes next.
		ctx := context.Background()
		d.err = db.tx(ctx, func(tx *sql.Tx) error {
			return db.qrow(ctx, tx, blockNumberSQL, db.opt.NumberPrefix, year, numberBlock).Scan(&last)
		})
		d.first, d.last = last-numberBlock+1, last
	}()
	return d
}
