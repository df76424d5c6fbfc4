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
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur := b.next[year]; cur != nil && cur[0] <= cur[1] {
		seq := cur[0]
		cur[0]++
		return seq, nil
	}
	// The block is committed (and durable) before any of its numbers is
	// handed out, so a restart never draws those numbers again.
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
