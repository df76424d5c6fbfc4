package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"balcao"
)

// Update runs fn in one write transaction (on SQLite, inside the group
// commit: fn must not block on anything but the database).
func (db *DB) Update(ctx context.Context, fn func(tx balcao.Tx) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return fn(&txView{db: db, tx: tx, ctx: ctx}) })
}

// txView is balcao.Tx over one database transaction.
type txView struct {
	db  *DB
	tx  *sql.Tx
	ctx context.Context

	// created holds the tickets created through this view and their
	// update time: an automatic answer added to one of them at that time
	// (the intake's acknowledgement) changes nothing on the ticket, and
	// the ticket is known to exist.
	created map[int64]time.Time
}

func (v *txView) ticket(where string, arg any) (*balcao.Ticket, error) {
	t, err := scanTicket(v.db.qrow(v.ctx, v.tx, ticketSelect+" WHERE "+where, arg))
	if err != nil {
		return nil, notFound(err, "no ticket %v", arg)
	}
	return t, nil
}

func (v *txView) TicketByID(id int64) (*balcao.Ticket, error) { return v.ticket("t.id = ?", id) }

func (v *txView) TicketByNumber(n balcao.TicketNumber) (*balcao.Ticket, error) {
	return v.ticket("t.number = ?", string(n))
}

// TicketByMessageIDs prefers a message the desk sent (our own Message-ID),
// then any message of a ticket.
func (v *txView) TicketByMessageIDs(ids []string) (*balcao.Ticket, error) {
	// "message_id <> ''" repeats the condition of the partial unique
	// index, without which neither database may use it (a bound value
	// could be ''), and each lookup would scan the whole table.
	for _, q := range []string{
		`SELECT ticket_id FROM messages WHERE message_id = ? AND message_id <> '' AND direction = 'out'`,
		`SELECT ticket_id FROM messages WHERE message_id = ? AND message_id <> ''`,
	} {
		for _, id := range ids {
			if id == "" {
				continue
			}
			var tid int64
			err := v.db.qrow(v.ctx, v.tx, q, id).Scan(&tid)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return nil, err
			}
			return v.TicketByID(tid)
		}
	}
	return nil, balcao.Errorf(balcao.ENOTFOUND, "no ticket holds any of these messages")
}

func (v *txView) Attachments(ticketID int64) ([]*balcao.Attachment, error) {
	st, err := v.db.prepared(v.ctx, v.db.write, `SELECT a.id, a.message_id, a.filename, a.media_type, a.size, a.sha256, a.content_id
		FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = ? AND m.direction = 'in' ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	rows, err := v.tx.StmtContext(v.ctx, st).QueryContext(v.ctx, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Attachment
	for rows.Next() {
		a := &balcao.Attachment{}
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Filename, &a.MediaType, &a.Size, &a.SHA256, &a.ContentID); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (v *txView) MessageStored(messageID string) (bool, error) {
	var n int
	err := v.db.qrow(v.ctx, v.tx, `SELECT COUNT(*) FROM messages WHERE message_id = ? AND message_id <> ''`, messageID).Scan(&n)
	return n > 0, err
}

func (v *txView) CreateTicket(nt *balcao.NewTicket) (*balcao.Ticket, error) {
	reserved := nt.Seq
	if reserved == 0 && v.db.d.ReserveNumbers && v.db.opt.NumberPool != nil {
		// Reserve on a separate pool so this transaction does not hold the
		// counter row for its whole length.
		if err := v.db.validateNewTicket(nt); err != nil {
			return nil, err
		}
		var err error
		if reserved, err = v.db.reserveNumberOn(v.ctx, v.db.opt.NumberPool, nt.Now.Year()); err != nil {
			return nil, err
		}
	}
	t, err := v.db.createTicketTx(v.ctx, v.tx, nt, reserved)
	if err != nil {
		return nil, err
	}
	if v.created == nil {
		v.created = map[int64]time.Time{}
	}
	v.created[t.ID] = t.UpdatedAt
	return t, nil
}

func (v *txView) AddMessage(ticketID int64, m *balcao.Message, actor balcao.Actor) error {
	at, fresh := v.created[ticketID]
	touch := !(fresh && m.Auto && m.Direction == balcao.DirectionOut && !m.CreatedAt.IsZero() &&
		!m.CreatedAt.Truncate(time.Microsecond).After(at))
	return v.db.addMessageTx(v.ctx, v.tx, ticketID, m, actor, touch)
}

func (v *txView) ChangeStatus(ticketID int64, to balcao.Status, actor balcao.Actor, reason string, now time.Time) (*balcao.Ticket, error) {
	if err := v.db.changeStatusTx(v.ctx, v.tx, ticketID, to, actor, reason, now); err != nil {
		return nil, err
	}
	return v.TicketByID(ticketID)
}

func (v *txView) SetTicketData(ticketID int64, fields map[string]string, missing []balcao.FieldProblem, actor balcao.Actor, now time.Time) error {
	t, err := v.TicketByID(ticketID)
	if err != nil {
		return err
	}
	fj, err := json.Marshal(nonNilMap(fields))
	if err != nil {
		return err
	}
	mj, err := json.Marshal(nonNilSlice(missing))
	if err != nil {
		return err
	}
	if _, err := v.db.exec(v.ctx, v.tx, `UPDATE tickets SET fields = ?, missing = ?, updated_at = ? WHERE id = ?`,
		string(fj), string(mj), v.db.d.t(now), ticketID); err != nil {
		return err
	}
	keys := map[string]bool{}
	for k := range t.Fields {
		keys[k] = true
	}
	for k := range fields {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if t.Fields[k] == fields[k] {
			continue
		}
		if err := v.db.insertEvent(v.ctx, v.tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
			Kind: balcao.EventField, Field: k, From: t.Fields[k], To: fields[k], CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) addParticipants(ctx context.Context, tx *sql.Tx, ticketID int64, emails []string) error {
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if _, err := db.exec(ctx, tx, `INSERT INTO ticket_participants (ticket_id, email) VALUES (?, ?) ON CONFLICT DO NOTHING`, ticketID, e); err != nil {
			return err
		}
	}
	return nil
}

func (v *txView) AddParticipants(ticketID int64, emails []string) error {
	return v.db.addParticipants(v.ctx, v.tx, ticketID, emails)
}

func (v *txView) IsParticipant(ticketID int64, email string) (bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var n int
	err := v.db.qrow(v.ctx, v.tx, `SELECT (SELECT COUNT(*) FROM tickets t JOIN users u ON u.id = t.requester_id WHERE t.id = ? AND u.email = ?)
		+ (SELECT COUNT(*) FROM ticket_participants WHERE ticket_id = ? AND email = ?)`, ticketID, email, ticketID, email).Scan(&n)
	return n > 0, err
}

func (v *txView) LinkTickets(ticketID, otherID int64, kind string, now time.Time) error {
	_, err := v.db.exec(v.ctx, v.tx, `INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		ticketID, otherID, kind, v.db.d.t(now))
	return err
}

func (v *txView) Enqueue(it *balcao.OutboxItem) error {
	if len(it.Recipients) == 0 || len(it.Raw) == 0 {
		return balcao.Errorf(balcao.EINVALID, "an outgoing email needs recipients and content")
	}
	if it.Status == "" {
		it.Status = balcao.OutboxPending
	}
	if it.NextAttemptAt.IsZero() {
		it.NextAttemptAt = it.CreatedAt
	}
	rcpts, _ := json.Marshal(it.Recipients)
	var err error
	it.ID, err = v.db.insert(v.ctx, v.tx, `INSERT INTO outbox (ticket_id, message_id, mail_from, recipients, first_recipient, raw, auto, status,
		attempts, next_attempt_at, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', ?) RETURNING id`,
		nullID(it.TicketID), it.MessageID, it.MailFrom, string(rcpts), strings.ToLower(it.Recipients[0]), it.Raw, it.Auto, string(it.Status),
		v.db.d.t(it.NextAttemptAt), v.db.d.t(it.CreatedAt))
	return err
}

func (v *txView) AutoMailCount(recipient string, since time.Time) (int, error) {
	var n int
	err := v.db.qrow(v.ctx, v.tx, `SELECT COUNT(*) FROM outbox WHERE first_recipient = ? AND auto = TRUE AND created_at >= ?`,
		strings.ToLower(recipient), v.db.d.t(since)).Scan(&n)
	return n, err
}

func (v *txView) Quarantine(q *balcao.Quarantined) error {
	sum := sha256Hex(q.Raw)
	if err := v.db.putBlob(v.ctx, v.tx, sum, q.Raw, q.ReceivedAt); err != nil {
		return err
	}
	rcpts, _ := json.Marshal(nonNilStrings(q.Envelope.Recipients))
	return v.db.qrow(v.ctx, v.tx, `INSERT INTO quarantine (received_at, source, mail_from, recipients, message_id, reason, raw_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, v.db.d.t(q.ReceivedAt), q.Envelope.Source, q.Envelope.MailFrom, string(rcpts),
		q.MessageID, q.Reason, sum).Scan(&q.ID)
}
