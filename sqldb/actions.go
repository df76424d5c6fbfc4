package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// MergeTicket moves the duplicate's messages (with their attachments) into
// the other ticket: the thread reads whole in one place, and the history
// of both tickets names the other. The duplicate's requester becomes a
// participant of the ticket it went into, so their replies thread there.
func (v *txView) MergeTicket(dupID, intoID int64, actor balcao.Actor, now time.Time) error {
	if dupID == intoID {
		return balcao.Errorf(balcao.EINVALID, "into: a ticket cannot be merged into itself")
	}
	dup, err := v.TicketByID(dupID)
	if err != nil {
		return err
	}
	into, err := v.TicketByID(intoID)
	if err != nil {
		return err
	}
	if into.Status.Terminal() {
		return balcao.Errorf(balcao.EINVALID, "into: ticket %s is %s; merge into a ticket still in progress", into.Number, into.Status)
	}
	if err := balcao.CheckTransition(dup.Status, balcao.StatusMerged); err != nil {
		return err
	}
	res, err := v.db.exec(v.ctx, v.tx, `UPDATE messages SET ticket_id = ? WHERE ticket_id = ?`, intoID, dupID)
	if err != nil {
		return err
	}
	moved, _ := res.RowsAffected()
	if err := v.db.changeStatusTx(v.ctx, v.tx, dupID, balcao.StatusMerged, actor, "", now); err != nil {
		return err
	}
	if _, err := v.db.exec(v.ctx, v.tx, `UPDATE tickets SET merged_into = ? WHERE id = ?`, intoID, dupID); err != nil {
		return err
	}
	if _, err := v.db.exec(v.ctx, v.tx, `UPDATE tickets SET updated_at = ? WHERE id = ?`, v.db.d.t(now), intoID); err != nil {
		return err
	}
	if err := v.LinkTickets(dupID, intoID, balcao.LinkMerged, now); err != nil {
		return err
	}
	if err := v.db.addParticipants(v.ctx, v.tx, intoID, []string{dup.RequesterEmail}); err != nil {
		return err
	}
	reason := strconv.FormatInt(moved, 10)
	for _, e := range []*balcao.Event{
		{TicketID: dupID, Field: "merged_into"},
		{TicketID: intoID, Field: "merged_from"},
	} {
		e.ActorID, e.ActorName, e.Kind, e.CreatedAt = actor.ID, actorName(actor), balcao.EventMerge, now
		e.From, e.To, e.Reason = string(dup.Number), string(into.Number), reason
		if err := v.db.insertEvent(v.ctx, v.tx, e); err != nil {
			return err
		}
	}
	return nil
}

func (v *txView) ChangeRequestType(ticketID int64, requestType, service string, teamID int64, fields map[string]string,
	missing []balcao.FieldProblem, actor balcao.Actor, now time.Time) error {
	t, err := v.TicketByID(ticketID)
	if err != nil {
		return err
	}
	if t.Status.Terminal() {
		return balcao.Errorf(balcao.EINVALID, "ticket %s is %s; its request type no longer changes", t.Number, t.Status)
	}
	var teamCode string
	if teamID != 0 {
		if err := v.db.qrow(v.ctx, v.tx, `SELECT code FROM teams WHERE id = ?`, teamID).Scan(&teamCode); err != nil {
			return notFoundAs(err, balcao.EINVALID, "team: no team with id %d", teamID)
		}
	}
	if _, err := v.db.exec(v.ctx, v.tx, `UPDATE tickets SET request_type = ?, service = ?, team_id = ?, updated_at = ?, sla_check_at = ? WHERE id = ?`,
		requestType, service, nullID(teamID), v.db.d.t(now), v.db.d.t(now), ticketID); err != nil {
		return err
	}
	ev := func(kind balcao.EventKind, field, from, to string) error {
		return v.db.insertEvent(v.ctx, v.tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
			Kind: kind, Field: field, From: from, To: to, CreatedAt: now})
	}
	if t.RequestType != requestType {
		if err := ev(balcao.EventRequestType, "request_type", t.RequestType, requestType); err != nil {
			return err
		}
	}
	if t.TeamID != teamID {
		if err := ev(balcao.EventTeam, "team", t.TeamCode, teamCode); err != nil {
			return err
		}
	}
	return v.SetTicketData(ticketID, fields, missing, actor, now)
}

func (db *DB) TicketLinks(ctx context.Context, ticketID int64) ([]*balcao.TicketLink, error) {
	rows, err := db.rquery(ctx, `SELECT l.kind, 0, t.id, t.number, t.subject, t.status, t.team_id, t.assignee_id, l.created_at
		FROM ticket_links l JOIN tickets t ON t.id = l.other_id WHERE l.ticket_id = ?
		UNION ALL SELECT l.kind, 1, t.id, t.number, t.subject, t.status, t.team_id, t.assignee_id, l.created_at
		FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id WHERE l.other_id = ?
		ORDER BY 9, 3`, ticketID, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.TicketLink
	for rows.Next() {
		l := &balcao.TicketLink{}
		var in int
		var at time.Time
		if err := rows.Scan(&l.Kind, &in, &l.OtherID, &l.Number, &l.Subject, &l.Status, idScan{&l.TeamID}, idScan{&l.AssigneeID}, dbTime{&at}); err != nil {
			return nil, err
		}
		l.Incoming = in == 1
		out = append(out, l)
	}
	return out, rows.Err()
}

func (db *DB) CannedResponses(ctx context.Context, requestType string, all bool) ([]*balcao.CannedResponse, error) {
	q := `SELECT c.id, c.request_type, c.title, c.updated_by, c.updated_at, x.lang, x.body
		FROM canned_responses c JOIN canned_response_texts x ON x.canned_id = c.id`
	var args []any
	if !all {
		q += ` WHERE c.request_type = ? OR c.request_type = ''`
		args = append(args, requestType)
	}
	rows, err := db.rquery(ctx, q+` ORDER BY c.request_type, c.title, c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.CannedResponse
	for rows.Next() {
		c := &balcao.CannedResponse{}
		var lang, body string
		if err := rows.Scan(&c.ID, &c.RequestType, &c.Title, &c.UpdatedBy, dbTime{&c.UpdatedAt}, &lang, &body); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == c.ID {
			c = out[n-1] // the same response, another language
		} else {
			c.Texts = map[string]string{}
			out = append(out, c)
		}
		c.Texts[lang] = body
	}
	return out, rows.Err()
}

func (db *DB) SaveCannedResponse(ctx context.Context, c *balcao.CannedResponse) error {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		return balcao.Errorf(balcao.EINVALID, "title: name the response")
	}
	texts := map[string]string{}
	for lang, text := range c.Texts {
		if !slices.Contains(balcao.CannedLanguages, lang) {
			return balcao.Errorf(balcao.EINVALID, "texts: %q is not one of %v", lang, balcao.CannedLanguages)
		}
		if text = strings.TrimSpace(text); text != "" {
			texts[lang] = text
		}
	}
	if len(texts) == 0 {
		return balcao.Errorf(balcao.EINVALID, "text: write the response in at least one language")
	}
	c.Texts = texts
	return db.tx(ctx, func(tx *sql.Tx) error {
		if c.ID == 0 {
			if err := db.qrow(ctx, tx, `INSERT INTO canned_responses (request_type, title, updated_by, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
				c.RequestType, c.Title, c.UpdatedBy, db.d.t(c.UpdatedAt)).Scan(&c.ID); err != nil {
				return err
			}
		} else {
			res, err := db.exec(ctx, tx, `UPDATE canned_responses SET request_type = ?, title = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
				c.RequestType, c.Title, c.UpdatedBy, db.d.t(c.UpdatedAt), c.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return balcao.Errorf(balcao.ENOTFOUND, "no canned response %d", c.ID)
			}
			if _, err := db.exec(ctx, tx, `DELETE FROM canned_response_texts WHERE canned_id = ?`, c.ID); err != nil {
				return err
			}
		}
		for _, lang := range balcao.CannedLanguages {
			if text, ok := texts[lang]; ok {
				if _, err := db.exec(ctx, tx, `INSERT INTO canned_response_texts (canned_id, lang, body) VALUES (?, ?, ?)`, c.ID, lang, text); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (db *DB) DeleteCannedResponse(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The texts first, explicitly, rather than through the cascade.
		if _, err := db.exec(ctx, tx, `DELETE FROM canned_response_texts WHERE canned_id = ?`, id); err != nil {
			return err
		}
		res, err := db.exec(ctx, tx, `DELETE FROM canned_responses WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return balcao.Errorf(balcao.ENOTFOUND, "no canned response %d", id)
		}
		return nil
	})
}
