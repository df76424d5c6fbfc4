package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// openStatusSQL must be written exactly as in the partial queue index of
// both schemas, so that the planner can use that index.
const openStatusSQL = `status IN ('new', 'open', 'pending_requester', 'pending_approval')`

const ticketSelect = `SELECT t.id, t.number, t.subject, t.request_type, t.service, t.status, t.impact, t.urgency, t.priority,
	t.channel, t.language, t.requester_id, u.email, u.name, t.organisation_id, COALESCE(o.code, ''), COALESCE(o.name, ''),
	t.team_id, COALESCE(tm.code, ''), COALESCE(tm.name, ''), t.assignee_id, COALESCE(a.email, ''), COALESCE(a.name, ''),
	t.fields, t.missing, t.reopen_count, t.merged_into,
	t.created_at, t.updated_at, t.first_response_at, t.due_at, t.resolved_at, t.closed_at,
	t.first_response_due, t.sla_check_at
FROM tickets t
JOIN users u ON u.id = t.requester_id
LEFT JOIN organisations o ON o.id = t.organisation_id
LEFT JOIN teams tm ON tm.id = t.team_id
LEFT JOIN users a ON a.id = t.assignee_id`

func scanTicket(row interface{ Scan(...any) error }) (*balcao.Ticket, error) {
	t := &balcao.Ticket{}
	var fields, missing string
	err := row.Scan(&t.ID, &t.Number, &t.Subject, &t.RequestType, &t.Service, &t.Status, &t.Impact, &t.Urgency, &t.Priority,
		&t.Channel, &t.Language, &t.RequesterID, &t.RequesterEmail, &t.RequesterName,
		idScan{&t.OrganisationID}, &t.OrganisationCode, &t.OrganisationName,
		idScan{&t.TeamID}, &t.TeamCode, &t.TeamName, idScan{&t.AssigneeID}, &t.AssigneeEmail, &t.AssigneeName,
		&fields, &missing, &t.ReopenCount, idScan{&t.MergedInto},
		dbTime{&t.CreatedAt}, dbTime{&t.UpdatedAt}, dbTime{&t.FirstResponseAt}, dbTime{&t.DueAt}, dbTime{&t.ResolvedAt}, dbTime{&t.ClosedAt},
		dbTime{&t.FirstResponseDue}, dbTime{&t.SLACheckAt})
	if err != nil {
		return nil, err
	}
	t.Fields = map[string]string{}
	if err := json.Unmarshal([]byte(fields), &t.Fields); err != nil {
		return nil, errf("ticket %s: fields: %v", t.Number, err)
	}
	if err := json.Unmarshal([]byte(missing), &t.Missing); err != nil {
		return nil, errf("ticket %s: missing: %v", t.Number, err)
	}
	return t, nil
}

func (db *DB) validateNewTicket(nt *balcao.NewTicket) error {
	if nt.Status == "" {
		nt.Status = balcao.StatusNew
	}
	if nt.Status != balcao.StatusNew && nt.Status != balcao.StatusPendingRequester && nt.Status != balcao.StatusPendingApproval {
		return balcao.Errorf(balcao.EINVALID, "status: a new ticket starts as new, pending_requester or pending_approval, not %s", nt.Status)
	}
	nt.RequesterEmail = strings.ToLower(strings.TrimSpace(nt.RequesterEmail))
	if nt.RequesterEmail == "" || !strings.Contains(nt.RequesterEmail, "@") {
		return balcao.Errorf(balcao.EINVALID, "requester: %q is not an email address", nt.RequesterEmail)
	}
	if !nt.Channel.Valid() {
		return balcao.Errorf(balcao.EINVALID, "channel: %q is not one of email, portal, phone, api", nt.Channel)
	}
	if nt.Impact == 0 {
		nt.Impact = 2
	}
	if nt.Urgency == 0 {
		nt.Urgency = 2
	}
	if nt.Impact < 1 || nt.Impact > 3 || nt.Urgency < 1 || nt.Urgency > 3 {
		return balcao.Errorf(balcao.EINVALID, "impact and urgency go from 1 (high) to 3 (low)")
	}
	if nt.Language == "" {
		nt.Language = "pt-PT"
	}
	if nt.Now.IsZero() {
		nt.Now = time.Now().UTC()
	}
	if nt.Message != nil {
		if err := db.checkMessage(nt.Message); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) checkMessage(m *balcao.Message) error {
	if m.Direction == "" {
		m.Direction = balcao.DirectionIn
	}
	if !m.Direction.Valid() {
		return balcao.Errorf(balcao.EINVALID, "direction: %q is not one of in, out, note", m.Direction)
	}
	if !m.Channel.Valid() {
		return balcao.Errorf(balcao.EINVALID, "channel: %q is not one of email, portal, phone, api", m.Channel)
	}
	for _, a := range m.Attachments {
		if int64(len(a.Data)) > db.opt.MaxAttachmentBytes {
			return balcao.Errorf(balcao.EINVALID, "attachment %q is %d bytes; the limit is %d bytes", a.Filename, len(a.Data), db.opt.MaxAttachmentBytes)
		}
		if !m.Sealed() || a.SHA256 == "" {
			sum := sha256.Sum256(a.Data)
			a.SHA256 = hex.EncodeToString(sum[:])
			a.Size = int64(len(a.Data))
		}
		if a.MediaType == "" {
			a.MediaType = "application/octet-stream"
		}
	}
	return nil
}

// CreateTicket opens a ticket: requester found or created, number drawn,
// ticket, first message, attachments and events written in one transaction.
func (db *DB) CreateTicket(ctx context.Context, nt *balcao.NewTicket) (*balcao.Ticket, error) {
	reserved := nt.Seq
	if reserved == 0 && db.d.ReserveNumbers {
		// Draw the number before the transaction (see reserveNumber).
		if err := db.validateNewTicket(nt); err != nil {
			return nil, err
		}
		var err error
		if reserved, err = db.reserveNumber(ctx, nt.Now.Year()); err != nil {
			return nil, err
		}
	}
	var t *balcao.Ticket
	err := db.tx(ctx, func(tx *sql.Tx) (err error) {
		t, err = db.createTicketTx(ctx, tx, nt, reserved)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// createTicketTx is CreateTicket inside a transaction. reserved is a number
// drawn beforehand, or 0 to draw one here.
func (db *DB) createTicketTx(ctx context.Context, tx *sql.Tx, nt *balcao.NewTicket, reserved int64) (*balcao.Ticket, error) {
	if err := db.validateNewTicket(nt); err != nil {
		return nil, err
	}
	fields, err := json.Marshal(nonNilMap(nt.Fields))
	if err != nil {
		return nil, err
	}
	missing, err := json.Marshal(nonNilSlice(nt.Missing))
	if err != nil {
		return nil, err
	}
	// The ticket is assembled here rather than read back after the commit:
	// that read was a four-join query on every creation.
	t := &balcao.Ticket{Subject: nt.Subject, RequestType: nt.RequestType, Service: nt.Service, Status: nt.Status,
		Impact: nt.Impact, Urgency: nt.Urgency, Priority: balcao.PriorityFor(nt.Impact, nt.Urgency), Channel: nt.Channel,
		Language: nt.Language, RequesterEmail: nt.RequesterEmail, Fields: nonNilMap(nt.Fields), Missing: nt.Missing,
		CreatedAt: nt.Now.UTC().Truncate(time.Microsecond), DueAt: nt.DueAt.UTC().Truncate(time.Microsecond),
		FirstResponseDue: nt.FirstResponseDue.UTC().Truncate(time.Microsecond)}
	t.SLACheckAt = t.CreatedAt
	if !nt.SLACheckAt.IsZero() {
		t.SLACheckAt = nt.SLACheckAt.UTC().Truncate(time.Microsecond)
	}
	t.UpdatedAt = t.CreatedAt
	year := nt.Now.Year()
	var number balcao.TicketNumber
	var id int64
	err = func() error {
		var requesterID, orgID int64
		var name, orgCode, orgName string
		// Look up first: most tickets come from known requesters, and an
		// upsert would rewrite their row (and a page of the WAL) every time.
		scanRequester := func() error {
			return db.qrow(ctx, tx, requesterByEmailSQL, nt.RequesterEmail).Scan(&requesterID, idScan{&orgID}, &name, &orgCode, &orgName)
		}
		err := scanRequester()
		switch {
		case err == sql.ErrNoRows:
			name = nt.RequesterName
			// Two first requests of one person may arrive together (on
			// PostgreSQL, in transactions running side by side): the
			// second finds the first's row instead of failing.
			err = db.qrow(ctx, tx, `INSERT INTO users (email, name, role, language, password_hash, disabled, created_at)
				VALUES (?, ?, 'requester', ?, '', FALSE, ?) ON CONFLICT (email) DO NOTHING RETURNING id`,
				nt.RequesterEmail, nt.RequesterName, nt.Language, db.d.t(nt.Now)).Scan(&requesterID)
			if err == sql.ErrNoRows {
				err = scanRequester()
			}
		case err == nil && name == "" && nt.RequesterName != "":
			name = nt.RequesterName
			_, err = db.exec(ctx, tx, `UPDATE users SET name = ? WHERE id = ?`, nt.RequesterName, requesterID)
		}
		if err != nil {
			return err
		}
		if nt.OrganisationCode != "" {
			err := db.qrow(ctx, tx, `SELECT id, code, name FROM organisations WHERE code = ?`, nt.OrganisationCode).Scan(&orgID, &orgCode, &orgName)
			if err != nil {
				return notFoundAs(err, balcao.EINVALID, "organisation: no organisation with code %q", nt.OrganisationCode)
			}
		}
		var teamID int64
		var teamCode, teamName string
		if nt.TeamCode != "" {
			var err error
			if teamID, teamCode, teamName, err = db.teamForTicket(ctx, tx, nt.TeamCode); err != nil {
				return notFoundAs(err, balcao.EINVALID, "team: no team with code %q", nt.TeamCode)
			}
		}
		t.RequesterID, t.RequesterName = requesterID, name
		t.OrganisationID, t.OrganisationCode, t.OrganisationName = orgID, orgCode, orgName
		t.TeamID, t.TeamCode, t.TeamName = teamID, teamCode, teamName
		seq := reserved
		if seq == 0 {
			if err := db.qrow(ctx, tx, nextNumberSQL, db.opt.NumberPrefix, year).Scan(&seq); err != nil {
				return err
			}
		}
		number = balcao.FormatTicketNumber(db.opt.NumberPrefix, year, seq)
		now := db.d.t(nt.Now)
		id, err = db.insert(ctx, tx, `INSERT INTO tickets (number, subject, request_type, service, status, impact, urgency, priority,
			channel, language, requester_id, organisation_id, team_id, fields, missing, created_at, updated_at, due_at,
			status_changed_at, requester_replied_at, first_response_due, sla_check_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			string(number), nt.Subject, nt.RequestType, nt.Service, string(nt.Status), nt.Impact, nt.Urgency,
			balcao.PriorityFor(nt.Impact, nt.Urgency), string(nt.Channel), nt.Language, requesterID, nullID(orgID), nullID(teamID),
			string(fields), string(missing), now, now, db.d.due(nt.DueAt), now, now, db.d.t(nt.FirstResponseDue), db.d.t(t.SLACheckAt))
		if err != nil {
			return err
		}
		if err := db.insertEvent(ctx, tx, &balcao.Event{TicketID: id, ActorID: nt.Actor.ID, ActorName: actorName(nt.Actor),
			Kind: balcao.EventCreated, To: string(nt.Status), CreatedAt: nt.Now}); err != nil {
			return err
		}
		if nt.Message != nil {
			nt.Message.TicketID = id
			if nt.Message.CreatedAt.IsZero() {
				nt.Message.CreatedAt = nt.Now
			}
			if err := db.insertMessage(ctx, tx, nt.Message); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		if nt.Message != nil && nt.Message.MessageID != "" {
			err = db.messageConflict(err, nt.Message.MessageID)
		}
		return nil, err
	}
	if len(nt.Participants) > 0 {
		if err := db.addParticipants(ctx, tx, id, nt.Participants); err != nil {
			return nil, err
		}
	}
	t.ID, t.Number = id, number
	return t, nil
}

// requesterByEmailSQL reads a requester and their organisation.
const requesterByEmailSQL = `SELECT u.id, u.organisation_id, u.name, COALESCE(o.code, ''), COALESCE(o.name, '')
	FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`

const nextNumberSQL = `INSERT INTO ticket_counters (prefix, year, value) VALUES (?, ?, 1)
	ON CONFLICT (prefix, year) DO UPDATE SET value = ticket_counters.value + 1 RETURNING value`

// reserveNumber draws a number in a transaction of its own, so that the
// counter row is locked for one statement instead of a whole ticket
// transaction (which serialised every creation on PostgreSQL). That commit
// need not wait for its own flush: the ticket's commit, later in the same
// WAL, flushes it too, and a number whose ticket never commits is skipped,
// never given twice.
func (db *DB) reserveNumber(ctx context.Context, year int) (int64, error) {
	return db.reserveNumberOn(ctx, db.write, year)
}

func (db *DB) reserveNumberOn(ctx context.Context, pool *sql.DB, year int) (int64, error) {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
		return 0, err
	}
	var seq int64
	// Not through the statement cache: that belongs to the writer pool.
	if err := tx.QueryRowContext(ctx, db.d.q(nextNumberSQL), db.opt.NumberPrefix, year).Scan(&seq); err != nil {
		return 0, err
	}
	return seq, tx.Commit()
}

func notFoundAs(err error, code, format string, args ...any) error {
	if err == sql.ErrNoRows {
		return balcao.Errorf(code, format, args...)
	}
	return err
}

func actorName(a balcao.Actor) string {
	if a.Name == "" {
		return balcao.SystemActor.Name
	}
	return a.Name
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []balcao.FieldProblem) []balcao.FieldProblem {
	if s == nil {
		return []balcao.FieldProblem{}
	}
	return s
}

func (db *DB) insertEvent(ctx context.Context, q *sql.Tx, e *balcao.Event) error {
	var err error
	e.ID, err = db.insert(ctx, q, `INSERT INTO events (ticket_id, actor_id, actor_name, kind, field, from_value, to_value, reason, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.TicketID, nullID(e.ActorID), e.ActorName, string(e.Kind), e.Field, e.From, e.To, e.Reason, db.d.t(e.CreatedAt))
	return err
}

func (db *DB) insertMessage(ctx context.Context, q *sql.Tx, m *balcao.Message) error {
	// The original and the attachments go into blobs in one statement,
	// before the rows that refer to them.
	blobs := make([]blobRow, 0, 1+len(m.Attachments))
	if len(m.Raw) > 0 {
		if !m.Sealed() || m.RawSHA256 == "" {
			sum := sha256.Sum256(m.Raw)
			m.RawSHA256 = hex.EncodeToString(sum[:])
		}
		spans := m.RawSpans
		if !m.Sealed() {
			spans = balcao.FindRawSpans(m.Raw, m.Attachments)
		}
		b, err := rawBlob(m.RawSHA256, m.Raw, spans)
		if err != nil {
			return err
		}
		blobs = append(blobs, b)
	}
	for _, a := range m.Attachments {
		blobs = append(blobs, blobRow{sum: a.SHA256, size: len(a.Data), data: a.Data})
	}
	if err := db.putBlobs(ctx, q, m.CreatedAt, blobs...); err != nil {
		return err
	}
	to, _ := json.Marshal(nonNilStrings(m.To))
	cc, _ := json.Marshal(nonNilStrings(m.Cc))
	var err error
	m.ID, err = db.insert(ctx, q, `INSERT INTO messages (ticket_id, direction, channel, from_addr, from_name, author_id, subject,
		body_text, body_html, message_id, auto, created_at, to_addrs, cc_addrs, raw_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.TicketID, string(m.Direction), string(m.Channel), m.FromAddr, m.FromName, nullID(m.AuthorID), m.Subject,
		m.Text, m.HTML, m.MessageID, m.Auto, db.d.t(m.CreatedAt), string(to), string(cc), m.RawSHA256)
	if err != nil {
		return err
	}
	for _, a := range m.Attachments {
		a.MessageID = m.ID
		if a.ID, err = db.insert(ctx, q, `INSERT INTO attachments (message_id, filename, media_type, size, sha256, content_id)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, m.ID, a.Filename, a.MediaType, a.Size, a.SHA256, a.ContentID); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) putBlob(ctx context.Context, tx *sql.Tx, sum string, data []byte, now time.Time) error {
	return db.putBlobs(ctx, tx, now, blobRow{sum: sum, size: len(data), data: data})
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (db *DB) ticketBy(ctx context.Context, where string, arg any) (*balcao.Ticket, error) {
	t, err := scanTicket(db.rrow(ctx, ticketSelect+" WHERE "+where, arg))
	if err != nil {
		return nil, notFound(err, "no ticket %v", arg)
	}
	return t, nil
}

// TicketByNumber finds a ticket by its number.
func (db *DB) TicketByNumber(ctx context.Context, n balcao.TicketNumber) (*balcao.Ticket, error) {
	t, err := scanTicket(db.rrow(ctx, (ticketSelect + " WHERE t.number = ?"), string(n)))
	if err != nil {
		return nil, notFound(err, "no ticket %s", n)
	}
	return t, nil
}

// cursor is the keyset position of the last ticket of a page.
type cursor struct {
	updated time.Time
	id      int64
}

func encodeCursor(t *balcao.Ticket) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UpdatedAt.UnixMicro(), 10) + "." + strconv.FormatInt(t.ID, 10)))
}

func decodeCursor(s string) (cursor, error) {
	bad := balcao.Errorf(balcao.EINVALID, "cursor: %q is not a cursor returned by this list; start again without it", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	us, ids, ok := strings.Cut(string(b), ".")
	if !ok {
		return cursor{}, bad
	}
	u, err1 := strconv.ParseInt(us, 10, 64)
	id, err2 := strconv.ParseInt(ids, 10, 64)
	if err1 != nil || err2 != nil {
		return cursor{}, bad
	}
	return cursor{time.UnixMicro(u).UTC(), id}, nil
}

// ListTickets lists tickets newest update first, with keyset pagination.
func (db *DB) ListTickets(ctx context.Context, f balcao.TicketFilter) (*balcao.TicketPage, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return nil, balcao.Errorf(balcao.EINVALID, "limit: at most 200 tickets per page")
	}
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			if !s.Valid() {
				return nil, balcao.Errorf(balcao.EINVALID, "status: %q is not a status", s)
			}
			ph[i] = "?"
			args = append(args, string(s))
		}
		where = append(where, "t.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.RequesterEmail != "" {
		where = append(where, "u.email = ?")
		args = append(args, strings.ToLower(strings.TrimSpace(f.RequesterEmail)))
	}
	if f.RequestType != "" {
		where = append(where, "t.request_type = ?")
		args = append(args, f.RequestType)
	}
	if f.TeamID != 0 {
		where = append(where, "t.team_id = ?")
		args = append(args, f.TeamID)
	}
	if !f.UpdatedSince.IsZero() {
		where = append(where, "t.updated_at >= ?")
		args = append(args, db.d.t(f.UpdatedSince))
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		where = append(where, "(t.updated_at < ? OR (t.updated_at = ? AND t.id < ?))")
		args = append(args, db.d.t(c.updated), db.d.t(c.updated), c.id)
	}
	query := ticketSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY t.updated_at DESC, t.id DESC LIMIT ?"
	args = append(args, f.Limit+1)
	// Dynamic query text: rewrite placeholders without caching.
	if db.d.Numbered {
		query = renumber(query)
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := &balcao.TicketPage{}
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		page.Tickets = append(page.Tickets, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Tickets) > f.Limit {
		page.Tickets = page.Tickets[:f.Limit]
		page.Next = encodeCursor(page.Tickets[f.Limit-1])
	}
	return page, nil
}

func renumber(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Queue returns a team's open tickets, soonest due first.
func (db *DB) Queue(ctx context.Context, f balcao.QueueFilter) ([]*balcao.Ticket, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return db.queryTickets(ctx, ticketSelect+` WHERE t.team_id = ? AND t.`+openStatusSQL+`
		ORDER BY t.due_at, t.id LIMIT ?`, f.TeamID, f.Limit)
}

// queryTickets runs a cached ticket query on the read pool.
func (db *DB) queryTickets(ctx context.Context, query string, args ...any) ([]*balcao.Ticket, error) {
	rows, err := db.rquery(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Messages returns a ticket's thread, oldest first, with attachment metadata.
func (db *DB) Messages(ctx context.Context, ticketID int64) ([]*balcao.Message, error) {
	rows, err := db.rquery(ctx, (`SELECT id, ticket_id, direction, channel, from_addr, from_name, author_id, subject,
		body_text, body_html, message_id, auto, created_at, to_addrs, cc_addrs, raw_sha256 FROM messages WHERE ticket_id = ? ORDER BY id`), ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Message
	byID := map[int64]*balcao.Message{}
	for rows.Next() {
		m := &balcao.Message{}
		var to, cc string
		if err := rows.Scan(&m.ID, &m.TicketID, &m.Direction, &m.Channel, &m.FromAddr, &m.FromName, idScan{&m.AuthorID}, &m.Subject,
			&m.Text, &m.HTML, &m.MessageID, &m.Auto, dbTime{&m.CreatedAt}, &to, &cc, &m.RawSHA256); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(to), &m.To)
		json.Unmarshal([]byte(cc), &m.Cc)
		out = append(out, m)
		byID[m.ID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	arows, err := db.rquery(ctx, (`SELECT a.id, a.message_id, a.filename, a.media_type, a.size, a.sha256, a.content_id
		FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = ? ORDER BY a.id`), ticketID)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		a := &balcao.Attachment{}
		if err := arows.Scan(&a.ID, &a.MessageID, &a.Filename, &a.MediaType, &a.Size, &a.SHA256, &a.ContentID); err != nil {
			return nil, err
		}
		if m := byID[a.MessageID]; m != nil {
			m.Attachments = append(m.Attachments, a)
		}
	}
	return out, arows.Err()
}

// Events returns a ticket's history, oldest first.
func (db *DB) Events(ctx context.Context, ticketID int64) ([]*balcao.Event, error) {
	rows, err := db.rquery(ctx, (`SELECT id, ticket_id, actor_id, actor_name, kind, field, from_value, to_value, reason, created_at
		FROM events WHERE ticket_id = ? ORDER BY id`), ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Event
	for rows.Next() {
		e := &balcao.Event{}
		if err := rows.Scan(&e.ID, &e.TicketID, idScan{&e.ActorID}, &e.ActorName, &e.Kind, &e.Field, &e.From, &e.To, &e.Reason, dbTime{&e.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChangeStatus moves a ticket to another state when the lifecycle allows it.
func (db *DB) ChangeStatus(ctx context.Context, ticketID int64, to balcao.Status, actor balcao.Actor, reason string, now time.Time) (*balcao.Ticket, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error { return db.changeStatusTx(ctx, tx, ticketID, to, actor, reason, now) })
	if err != nil {
		return nil, err
	}
	return db.ticketBy(ctx, "t.id = ?", ticketID)
}

func (db *DB) changeStatusTx(ctx context.Context, tx *sql.Tx, ticketID int64, to balcao.Status, actor balcao.Actor, reason string, now time.Time) error {
	var from balcao.Status
	// The conditional UPDATE below makes the check and the write atomic
	// even on PostgreSQL under READ COMMITTED.
	if err := db.qrow(ctx, tx, `SELECT status FROM tickets WHERE id = ?`, ticketID).Scan(&from); err != nil {
		return notFound(err, "no ticket with id %d", ticketID)
	}
	if err := balcao.CheckTransition(from, to); err != nil {
		return err
	}
	// The service levels are measured again: a wait on the requester
	// pauses the resolution clock, a resolution stops it.
	set := "status = ?, updated_at = ?, status_changed_at = ?, sla_check_at = ?"
	args := []any{string(to), db.d.t(now), db.d.t(now), db.d.t(now)}
	switch to {
	case balcao.StatusResolved:
		set += ", resolved_at = ?"
		args = append(args, db.d.t(now))
	case balcao.StatusClosed, balcao.StatusCancelled, balcao.StatusMerged:
		set += ", closed_at = ?"
		args = append(args, db.d.t(now))
	case balcao.StatusOpen:
		if from == balcao.StatusResolved {
			set += ", reopen_count = reopen_count + 1, resolved_at = NULL"
		}
	}
	args = append(args, ticketID, string(from))
	res, err := db.exec(ctx, tx, `UPDATE tickets SET `+set+` WHERE id = ? AND status = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return balcao.Errorf(balcao.ECONFLICT, "the ticket changed meanwhile; reload it and try again")
	}
	return db.insertEvent(ctx, tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
		Kind: balcao.EventStatus, Field: "status", From: string(from), To: string(to), Reason: reason, CreatedAt: now})
}

// ChangePriority sets impact and urgency, recomputes the priority and
// records each change with its reason.
func (db *DB) ChangePriority(ctx context.Context, ticketID int64, impact, urgency int, actor balcao.Actor, reason string, now time.Time) (*balcao.Ticket, error) {
	if impact < 1 || impact > 3 || urgency < 1 || urgency > 3 {
		return nil, balcao.Errorf(balcao.EINVALID, "impact and urgency go from 1 (high) to 3 (low)")
	}
	if strings.TrimSpace(reason) == "" {
		return nil, balcao.Errorf(balcao.EINVALID, "reason: say why the priority changes (e.g. an urgent request by phone)")
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var oi, ou, op int
		if err := db.qrow(ctx, tx, `SELECT impact, urgency, priority FROM tickets WHERE id = ?`, ticketID).Scan(&oi, &ou, &op); err != nil {
			return notFound(err, "no ticket with id %d", ticketID)
		}
		p := balcao.PriorityFor(impact, urgency)
		if _, err := db.exec(ctx, tx, `UPDATE tickets SET impact = ?, urgency = ?, priority = ?, updated_at = ?, sla_check_at = ? WHERE id = ?`,
			impact, urgency, p, db.d.t(now), db.d.t(now), ticketID); err != nil {
			return err
		}
		for _, c := range []struct {
			field    string
			from, to int
		}{{"impact", oi, impact}, {"urgency", ou, urgency}, {"priority", op, p}} {
			if c.from == c.to {
				continue
			}
			if err := db.insertEvent(ctx, tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
				Kind: balcao.EventPriority, Field: c.field, From: strconv.Itoa(c.from), To: strconv.Itoa(c.to), Reason: reason, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.ticketBy(ctx, "t.id = ?", ticketID)
}

// AddMessage appends a message to a ticket and records it in the history.
func (db *DB) AddMessage(ctx context.Context, ticketID int64, m *balcao.Message, actor balcao.Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.addMessageTx(ctx, tx, ticketID, m, actor, true) })
}

// addMessageTx adds a message. touch moves the ticket's clocks and checks
// it exists; without it the caller knows both are already right (see
// txView.created).
func (db *DB) addMessageTx(ctx context.Context, tx *sql.Tx, ticketID int64, m *balcao.Message, actor balcao.Actor, touch bool) error {
	if err := db.checkMessage(m); err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	m.TicketID = ticketID
	at := db.d.t(m.CreatedAt)
	// Otherwise the ticket only moves its update time forward: an answer
	// written in the transaction that created the ticket (the intake's
	// acknowledgement) changes nothing, and rewriting the row would rewrite
	// its entry in every index on the update time.
	q, args := `UPDATE tickets SET updated_at = ? WHERE id = ? AND updated_at < ?`, []any{at, ticketID, at}
	switch {
	case m.Direction == balcao.DirectionIn && !m.Auto:
		// A person wrote in: the clocks that wait on the requester restart.
		q, args = `UPDATE tickets SET updated_at = ?, requester_replied_at = ? WHERE id = ?`, []any{at, at, ticketID}
	case m.Direction == balcao.DirectionOut && !m.Auto:
		// A person answered: the first-response clock may have stopped.
		q, args = `UPDATE tickets SET updated_at = ?, sla_check_at = ? WHERE id = ?`, []any{at, at, ticketID}
	}
	if touch {
		res, err := db.exec(ctx, tx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			var one int
			if err := db.qrow(ctx, tx, `SELECT 1 FROM tickets WHERE id = ?`, ticketID).Scan(&one); err != nil {
				return notFound(err, "no ticket with id %d", ticketID)
			}
		}
	}
	if err := db.insertMessage(ctx, tx, m); err != nil {
		if m.MessageID != "" {
			err = db.messageConflict(err, m.MessageID)
		}
		return err
	}
	return db.insertEvent(ctx, tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
		Kind: balcao.EventMessage, Field: string(m.Direction), To: strconv.FormatInt(m.ID, 10), CreatedAt: m.CreatedAt})
}

// StaleTickets returns tickets in a state since before a time, oldest
// first: for pending_requester counted from the later of the state change
// and the requester's last message (the 30-day rule); for other states from
// the state change (the 10-day window after resolution).
func (db *DB) StaleTickets(ctx context.Context, f balcao.StaleFilter) ([]*balcao.Ticket, error) {
	q := ticketSelect + ` WHERE t.status = ? AND t.status_changed_at < ?
		AND (t.status <> 'pending_requester' OR t.requester_replied_at IS NULL OR t.requester_replied_at < ?)`
	args := []any{string(f.Status), db.d.t(f.Before), db.d.t(f.Before)}
	in := func(list []string) string {
		marks := make([]string, len(list))
		for i, v := range list {
			marks[i] = "?"
			args = append(args, v)
		}
		return "(" + strings.Join(marks, ", ") + ")"
	}
	if f.Services != nil {
		if len(f.Services) == 0 {
			return nil, nil
		}
		q += " AND t.service IN " + in(f.Services)
	}
	if len(f.ExceptServices) > 0 {
		q += " AND t.service NOT IN " + in(f.ExceptServices)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	return db.queryTickets(ctx, q+` ORDER BY t.status_changed_at, t.id LIMIT ?`, args...)
}
