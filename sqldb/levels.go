package sqldb

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// SLADue returns the tickets whose service levels are due to be measured.
func (db *DB) SLADue(ctx context.Context, now time.Time, limit int) ([]*balcao.Ticket, error) {
	return db.queryTickets(ctx, ticketSelect+` WHERE t.sla_check_at IS NOT NULL AND t.sla_check_at <= ?
		ORDER BY t.sla_check_at, t.id LIMIT ?`, db.d.t(now), limit)
}

// SetSLASchedule stores what the service-level job measured, unless the
// ticket was marked for another measure since it was read.
func (db *DB) SetSLASchedule(ctx context.Context, ticketID int64, checkedAt time.Time, s balcao.SLASchedule) (bool, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cond, args := "sla_check_at IS NULL", []any{db.d.due(s.ResolutionDue), db.d.t(s.FirstResponseDue), db.d.t(s.NextCheck),
			db.d.t(s.FirstResponseAt), ticketID}
		if !checkedAt.IsZero() {
			cond = "sla_check_at = ?"
			args = append(args, db.d.t(checkedAt))
		}
		res, err := db.exec(ctx, tx, `UPDATE tickets SET due_at = ?, first_response_due = ?, sla_check_at = ?, first_response_at = ? WHERE id = ? AND `+cond, args...)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n == 1, err
}

// reportWhere returns the conditions of a report filter on a table whose
// time column is col, joined to tickets as t.
func (db *DB) reportWhere(f balcao.ReportFilter, col string) (string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds, args = append(conds, col+" >= ?"), append(args, db.d.t(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, col+" < ?"), append(args, db.d.t(f.To))
	}
	if f.Service != "" {
		conds, args = append(conds, "t.service = ?"), append(args, f.Service)
	}
	if f.TeamID != 0 {
		conds, args = append(conds, "t.team_id = ?"), append(args, f.TeamID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// SLASummary counts the warnings and breaches recorded in a period.
func (db *DB) SLASummary(ctx context.Context, f balcao.ReportFilter) (*balcao.SLASummary, error) {
	where, args := db.reportWhere(f, "r.recorded_at")
	rows, err := db.rquery(ctx, `SELECT r.clock, r.kind, COUNT(*) FROM sla_records r JOIN tickets t ON t.id = r.ticket_id`+where+
		` GROUP BY r.clock, r.kind`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &balcao.SLASummary{}
	for rows.Next() {
		var clock, kind string
		var n int
		if err := rows.Scan(&clock, &kind, &n); err != nil {
			return nil, err
		}
		switch clock + "/" + kind {
		case balcao.SLAFirstResponse + "/" + balcao.SLAWarning:
			s.FirstResponseWarnings = n
		case balcao.SLAFirstResponse + "/" + balcao.SLABreach:
			s.FirstResponseBreaches = n
		case balcao.SLAResolution + "/" + balcao.SLAWarning:
			s.ResolutionWarnings = n
		case balcao.SLAResolution + "/" + balcao.SLABreach:
			s.ResolutionBreaches = n
		}
	}
	return s, rows.Err()
}

// Notifications lists a user's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID int64, unreadOnly bool, limit int) ([]*balcao.Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := `SELECT n.id, n.user_id, n.ticket_id, COALESCE(t.number, ''), n.kind, n.body, n.created_at, n.read_at
		FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id WHERE n.user_id = ?`
	if unreadOnly {
		q += ` AND n.read_at IS NULL`
	}
	rows, err := db.rquery(ctx, q+` ORDER BY n.id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Notification
	for rows.Next() {
		n := &balcao.Notification{}
		if err := rows.Scan(&n.ID, &n.UserID, idScan{&n.TicketID}, &n.TicketNumber, &n.Kind, &n.Body,
			dbTime{&n.CreatedAt}, dbTime{&n.ReadAt}); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationsRead marks a user's notifications read up to an ID.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID, upToID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND id <= ? AND read_at IS NULL`,
			db.d.t(now), userID, upToID)
		return err
	})
}

// RatingsToRequest returns resolved tickets without a satisfaction link.
func (db *DB) RatingsToRequest(ctx context.Context, now time.Time, limit int) ([]*balcao.Ticket, error) {
	return db.queryTickets(ctx, ticketSelect+` WHERE t.status = 'resolved' AND t.resolved_at <= ?
		AND NOT EXISTS (SELECT 1 FROM rating_links l WHERE l.ticket_id = t.id)
		ORDER BY t.resolved_at, t.id LIMIT ?`, db.d.t(now), limit)
}

// TicketByRatingHash returns the ticket of a satisfaction link.
func (db *DB) TicketByRatingHash(ctx context.Context, hash [32]byte) (*balcao.Ticket, error) {
	t, err := scanTicket(db.rrow(ctx, ticketSelect+` JOIN rating_links l ON l.ticket_id = t.id WHERE l.hash = ?`, hash[:]))
	if err != nil {
		return nil, notFound(err, "no ticket for this link")
	}
	return t, nil
}

// Rating returns a ticket's rating.
func (db *DB) Rating(ctx context.Context, ticketID int64) (*balcao.Rating, error) {
	r := &balcao.Rating{TicketID: ticketID}
	err := db.rrow(ctx, `SELECT score, comment, created_at, updated_at FROM ratings WHERE ticket_id = ?`, ticketID).
		Scan(&r.Score, &r.Comment, dbTime{&r.CreatedAt}, dbTime{&r.UpdatedAt})
	if err != nil {
		return nil, notFound(err, "the ticket has no rating")
	}
	return r, nil
}

// SetRating records or replaces a ticket's rating and records the event.
// Whether the ticket may still be rated is the caller's rule.
func (db *DB) SetRating(ctx context.Context, r *balcao.Rating, actor balcao.Actor, now time.Time) error {
	if r.Score < 1 || r.Score > 5 {
		return balcao.Errorf(balcao.EINVALID, "score: give a whole number from 1 (very dissatisfied) to 5 (very satisfied)")
	}
	r.Comment = strings.TrimSpace(r.Comment)
	if len([]rune(r.Comment)) > balcao.MaxRatingComment {
		return balcao.Errorf(balcao.EINVALID, "comment: at most %d characters", balcao.MaxRatingComment)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old sql.NullInt64
		err := db.qrow(ctx, tx, `SELECT score FROM ratings WHERE ticket_id = ?`, r.TicketID).Scan(&old)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if _, err := db.exec(ctx, tx, `INSERT INTO ratings (ticket_id, score, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (ticket_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, updated_at = excluded.updated_at`,
			r.TicketID, r.Score, r.Comment, db.d.t(now), db.d.t(now)); err != nil {
			return err
		}
		from := ""
		if old.Valid {
			from = strconv.FormatInt(old.Int64, 10)
		}
		return db.insertEvent(ctx, tx, &balcao.Event{TicketID: r.TicketID, ActorID: actor.ID, ActorName: actorName(actor),
			Kind: balcao.EventRating, Field: "score", From: from, To: strconv.Itoa(r.Score), Reason: r.Comment, CreatedAt: now})
	})
}

// RatingSummary sums up the ratings last given in a period.
func (db *DB) RatingSummary(ctx context.Context, f balcao.ReportFilter) (*balcao.RatingSummary, error) {
	where, args := db.reportWhere(f, "r.updated_at")
	rows, err := db.rquery(ctx, `SELECT r.score, COUNT(*) FROM ratings r JOIN tickets t ON t.id = r.ticket_id`+where+
		` GROUP BY r.score`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &balcao.RatingSummary{}
	sum := 0
	for rows.Next() {
		var score, n int
		if err := rows.Scan(&score, &n); err != nil {
			return nil, err
		}
		if score >= 1 && score <= 5 {
			s.ByScore[score-1] = n
			s.Count += n
			sum += score * n
		}
	}
	if s.Count > 0 {
		s.Average = float64(sum) / float64(s.Count)
	}
	return s, rows.Err()
}

func (v *txView) RecordSLA(r *balcao.SLARecord) (bool, error) {
	res, err := v.db.exec(v.ctx, v.tx, `INSERT INTO sla_records (ticket_id, clock, kind, due_at, recorded_at, team_id, service, priority)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, clock, kind) DO NOTHING`,
		r.TicketID, r.Clock, r.Kind, v.db.d.t(r.DueAt), v.db.d.t(r.RecordedAt), nullID(r.TeamID), r.Service, r.Priority)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (v *txView) AddEvent(e *balcao.Event) error { return v.db.insertEvent(v.ctx, v.tx, e) }

func (v *txView) Notify(n *balcao.Notification) error {
	return v.db.qrow(v.ctx, v.tx, `INSERT INTO notifications (user_id, ticket_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		n.UserID, nullID(n.TicketID), n.Kind, n.Body, v.db.d.t(n.CreatedAt)).Scan(&n.ID)
}

func (v *txView) CreateRatingLink(ticketID int64, hash [32]byte, now time.Time) error {
	_, err := v.db.exec(v.ctx, v.tx, `INSERT INTO rating_links (ticket_id, hash, created_at) VALUES (?, ?, ?)`,
		ticketID, hash[:], v.db.d.t(now))
	return v.db.conflict(err, "ticket %d already has a satisfaction link", ticketID)
}
