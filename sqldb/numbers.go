package sqldb

import (
	"context"
	"database/sql"
	"sync"

	"balcao"
)

// numberBlock is how many ticket numbers one draw of the SQLite counter
// hands out. Drawing one number per ticket before its transaction would
// cost a write of its own for each ticket on SQLite's single writer; a
// block costs one for every numberBlock tickets. The numbers of a block
// not used before the process stops are skipped: numbers are unique and
// increasing, never reused, but not gapless (as with a PostgreSQL
// sequence).
const numberBlock = 16

// numberBlocks hands out the numbers of the blocks drawn, per year.
type numberBlocks struct {
	mu   sync.Mutex
	next map[int]*[2]int64 // year → [next, last] of the current block
}

// ReserveTicketNumber draws a ticket number before the ticket's own
// transaction, so that whatever names it (the acknowledgement's subject,
// its Message-ID, its text) is written before the database's writer is
// involved. Pass the sequence as NewTicket.Seq; a number whose ticket is
// never created is skipped, never given to another ticket.
func (db *DB) ReserveTicketNumber(ctx context.Context, year int) (int64, balcao.TicketNumber, error) {
	var seq int64
	var err error
	switch {
	case db.d.ReserveNumbers && db.opt.NumberPool != nil:
		seq, err = db.reserveNumberOn(ctx, db.opt.NumberPool, year)
	case db.d.ReserveNumbers:
		seq, err = db.reserveNumber(ctx, year)
	default:
		seq, err = db.blockNumber(ctx, year)
	}
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
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur := b.next[year]; cur != nil && cur[0] <= cur[1] {
		seq := cur[0]
		cur[0]++
		return seq, nil
	}
	// The block's commit precedes in the log the commit of any ticket
	// that uses one of its numbers, so a ticket on disk implies its block
	// is too, and a restart never draws those numbers again.
	var last int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return db.qrow(ctx, tx, blockNumberSQL, db.opt.NumberPrefix, year, numberBlock).Scan(&last)
	})
	if err != nil {
		return 0, err
	}
	if b.next == nil {
		b.next = map[int]*[2]int64{}
	}
	b.next[year] = &[2]int64{last - numberBlock + 2, last}
	return last - numberBlock + 1, nil
}
