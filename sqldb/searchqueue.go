package sqldb

import (
	"context"
	"database/sql"
	"time"
)

// The SQLite full-text indexes are written behind. New tickets and messages
// are those above the ids in search_state (ids only grow and rows are never
// deleted); triggers note changes to rows already indexed in search_queue.
// indexSearch moves a batch into ticket_search and message_search in one
// write. FTS5 writes its pending terms out at every savepoint, and group
// commit runs each ticket in one: indexing inside the ticket's own
// transaction wrote an index segment per ticket. In a batch, FTS5 writes
// one segment for thousands of rows, and creating a ticket pays nothing.

// searchBatch bounds the rows of each kind indexed in one write, so that
// the writer is never held long.
const searchBatch = 5000

// searchIndexSQL indexes a batch. The desk's own automatic answers are not
// indexed: they are the same few sentences on every ticket. A message's subject is indexed without
// the ticket's subject in it ("Re: <subject>" adds only "Re"): the ticket
// row holds those words already, and repeating them in every message made a
// search for a subject word match each ticket once per message. Arguments: ?1 and ?2 the tickets already
// indexed and the last of this batch, ?3 and ?4 the same for messages, ?5
// the last queue entry of this batch. Changed rows already indexed are
// removed and written again; changed rows of this batch or later need
// nothing more, as they are read as they are now.
var searchIndexSQL = []string{
	`DELETE FROM ticket_search WHERE rowid IN (SELECT id FROM search_queue WHERE kind = 'T' AND seq <= ?5 AND id <= ?1)`,
	`INSERT INTO ticket_search (rowid, subject, people, fields, ids)
		SELECT id, subject, people, fields, ids FROM ticket_search_source
		WHERE id IN (SELECT id FROM search_queue WHERE kind = 'T' AND seq <= ?5 AND id <= ?1)`,
	`INSERT INTO ticket_search (rowid, subject, people, fields, ids)
		SELECT id, subject, people, fields, ids FROM ticket_search_source WHERE id > ?1 AND id <= ?2 ORDER BY id`,
	`DELETE FROM message_search WHERE rowid IN (SELECT id FROM search_queue WHERE kind = 'M' AND seq <= ?5 AND id <= ?3)`,
	`INSERT INTO message_search (rowid, subject, body)
		SELECT m.id, replace(m.subject, t.subject, ''), m.body_text FROM messages m CROSS JOIN tickets t ON t.id = m.ticket_id
		WHERE m.id IN (SELECT id FROM search_queue WHERE kind = 'M' AND seq <= ?5 AND id <= ?3) AND NOT (m.auto AND m.direction = 'out')`,
	`INSERT INTO message_search (rowid, subject, body)
		SELECT m.id, replace(m.subject, t.subject, ''), m.body_text FROM messages m CROSS JOIN tickets t ON t.id = m.ticket_id
		WHERE m.id > ?3 AND m.id <= ?4 AND NOT (m.auto AND m.direction = 'out') ORDER BY m.id`,
	`DELETE FROM search_queue WHERE seq <= ?5 OR (kind = 'T' AND id > ?1 AND id <= ?2) OR (kind = 'M' AND id > ?3 AND id <= ?4)`,
	`UPDATE search_state SET tickets = ?2, messages = ?4`,
}

// searchPendingSQL tells whether anything waits to be indexed.
const searchPendingSQL = `SELECT (SELECT COALESCE(MAX(id), 0) FROM tickets) > s.tickets
	OR (SELECT COALESCE(MAX(id), 0) FROM messages) > s.messages
	OR EXISTS (SELECT 1 FROM search_queue) FROM search_state s`

// indexSearch indexes one batch and reports whether more may wait.
func (db *DB) indexSearch(ctx context.Context) (more bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var t0, m0 int64
		if err := db.qrow(ctx, tx, `SELECT tickets, messages FROM search_state`).Scan(&t0, &m0); err != nil {
			return err
		}
		var t1, m1, q1 int64
		var nt, nm, nq int
		err := db.qrow(ctx, tx, `SELECT
			(SELECT COALESCE(MAX(id), ?1) FROM (SELECT id FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?3)),
			(SELECT COUNT(*) FROM (SELECT id FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?3)),
			(SELECT COALESCE(MAX(id), ?2) FROM (SELECT id FROM messages WHERE id > ?2 ORDER BY id LIMIT ?3)),
			(SELECT COUNT(*) FROM (SELECT id FROM messages WHERE id > ?2 ORDER BY id LIMIT ?3)),
			(SELECT COALESCE(MAX(seq), 0) FROM (SELECT seq FROM search_queue ORDER BY seq LIMIT ?3)),
			(SELECT COUNT(*) FROM (SELECT seq FROM search_queue ORDER BY seq LIMIT ?3))`,
			t0, m0, searchBatch).Scan(&t1, &nt, &m1, &nm, &q1, &nq)
		if err != nil {
			return err
		}
		if nt == 0 && nm == 0 && nq == 0 {
			return nil
		}
		for _, q := range searchIndexSQL {
			if _, err := db.exec(ctx, tx, q, t0, t1, m0, m1, q1); err != nil {
				return err
			}
		}
		more = nt == searchBatch || nm == searchBatch || nq == searchBatch
		return nil
	})
	return more, err
}

// flushSearch indexes everything waiting, so that a search sees every
// ticket and message written before it.
func (db *DB) flushSearch(ctx context.Context) error {
	var pending bool
	if err := db.rrow(ctx, searchPendingSQL).Scan(&pending); err != nil || !pending {
		return err
	}
	for {
		more, err := db.indexSearch(ctx)
		if err != nil || !more {
			return err
		}
	}
}

// searchLoop indexes what waits every interval until stop is closed.
func (db *DB) searchLoop(interval time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			// Errors surface on the next search, which flushes too.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_ = db.flushSearch(ctx)
			cancel()
		}
	}
}
