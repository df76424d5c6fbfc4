package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"time"

	"balcao"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

const outboxCols = `id, ticket_id, message_id, mail_from, recipients, raw, auto, status, attempts, next_attempt_at, last_error, created_at, sent_at`

func scanOutbox(rows *sql.Rows) ([]*balcao.OutboxItem, error) {
	defer rows.Close()
	var out []*balcao.OutboxItem
	for rows.Next() {
		it := &balcao.OutboxItem{}
		var rcpts string
		if err := rows.Scan(&it.ID, idScan{&it.TicketID}, &it.MessageID, &it.MailFrom, &rcpts, &it.Raw, &it.Auto, &it.Status,
			&it.Attempts, dbTime{&it.NextAttemptAt}, &it.LastError, dbTime{&it.CreatedAt}, dbTime{&it.SentAt}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(rcpts), &it.Recipients); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// DueOutbox returns pending mail whose next attempt is due, oldest first.
func (db *DB) DueOutbox(ctx context.Context, now time.Time, limit int) ([]*balcao.OutboxItem, error) {
	rows, err := db.rquery(ctx, `SELECT `+outboxCols+` FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
		db.d.t(now), limit)
	if err != nil {
		return nil, err
	}
	return scanOutbox(rows)
}

// ListOutbox lists outgoing mail in a state, newest first.
func (db *DB) ListOutbox(ctx context.Context, status balcao.OutboxStatus, limit int) ([]*balcao.OutboxItem, error) {
	rows, err := db.rquery(ctx, `SELECT `+outboxCols+` FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?`, string(status), limit)
	if err != nil {
		return nil, err
	}
	return scanOutbox(rows)
}

// MarkOutbox records a delivery attempt: sent, failed for good, or pending
// again until next. A permanent failure is also written on the ticket's
// history.
func (db *DB) MarkOutbox(ctx context.Context, id int64, status balcao.OutboxStatus, lastError string, next, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var ticketID int64
		var rcpts string
		if err := db.qrow(ctx, tx, `SELECT ticket_id, recipients FROM outbox WHERE id = ?`, id).Scan(idScan{&ticketID}, &rcpts); err != nil {
			return notFound(err, "no outgoing mail %d", id)
		}
		var sent any
		if status == balcao.OutboxSent {
			sent = db.d.t(now)
		}
		if _, err := db.exec(ctx, tx, `UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, sent_at = ? WHERE id = ?`,
			string(status), lastError, db.d.t(next), sent, id); err != nil {
			return err
		}
		if status == balcao.OutboxFailed && ticketID != 0 {
			return db.insertEvent(ctx, tx, &balcao.Event{TicketID: ticketID, ActorName: balcao.SystemActor.Name, Kind: "mail_failed",
				Field: rcpts, Reason: lastError, CreatedAt: now})
		}
		return nil
	})
}

// ListQuarantine lists quarantined messages, newest first.
func (db *DB) ListQuarantine(ctx context.Context, limit int) ([]*balcao.Quarantined, error) {
	rows, err := db.rquery(ctx, `SELECT q.id, q.received_at, q.source, q.mail_from, q.recipients, q.message_id, q.reason, b.data
		FROM quarantine q JOIN blobs b ON b.sha256 = q.raw_sha256 ORDER BY q.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Quarantined
	for rows.Next() {
		q := &balcao.Quarantined{}
		var rcpts string
		if err := rows.Scan(&q.ID, dbTime{&q.ReceivedAt}, &q.Envelope.Source, &q.Envelope.MailFrom, &rcpts, &q.MessageID, &q.Reason, &q.Raw); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(rcpts), &q.Envelope.Recipients)
		q.Envelope.ReceivedAt = q.ReceivedAt
		out = append(out, q)
	}
	return out, rows.Err()
}

// MailboxCursor returns an IMAP poller's position (0, 0 when unknown).
func (db *DB) MailboxCursor(ctx context.Context, mailbox string) (uint32, uint32, error) {
	var v, u int64
	err := db.rrow(ctx, `SELECT uid_validity, last_uid FROM mailbox_cursors WHERE mailbox = ?`, mailbox).Scan(&v, &u)
	if err == sql.ErrNoRows {
		return 0, 0, nil
	}
	return uint32(v), uint32(u), err
}

// SetMailboxCursor stores an IMAP poller's position.
func (db *DB) SetMailboxCursor(ctx context.Context, mailbox string, uidValidity, lastUID uint32, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
			mailbox, int64(uidValidity), int64(lastUID), db.d.t(now))
		return err
	})
}
