package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// deskWhere builds the conditions shared by a view's list and the counts:
// the viewer's scope and the filters.
func (db *DB) deskWhere(f *balcao.DeskFilter) (where []string, args []any, err error) {
	if !f.Scope.All {
		c := "t.team_id IS NULL OR t.assignee_id = ?"
		args = append(args, f.Scope.UserID)
		if len(f.Scope.TeamIDs) > 0 {
			c += " OR t.team_id IN (" + placeholders(len(f.Scope.TeamIDs)) + ")"
			for _, id := range f.Scope.TeamIDs {
				args = append(args, id)
			}
		}
		where = append(where, "("+c+")")
	}
	if f.Service != "" {
		where = append(where, "t.service = ?")
		args = append(args, f.Service)
	}
	if f.RequestType != "" {
		where = append(where, "t.request_type = ?")
		args = append(args, f.RequestType)
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, nil, balcao.Errorf(balcao.EINVALID, "status: %q is not a status", f.Status)
		}
		where = append(where, "t.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Priority != 0 {
		if f.Priority < 1 || f.Priority > 5 {
			return nil, nil, balcao.Errorf(balcao.EINVALID, "priority: use 1 (critical) to 5 (planning)")
		}
		where = append(where, "t.priority = ?")
		args = append(args, f.Priority)
	}
	if f.OrganisationCode != "" {
		where = append(where, "t.organisation_id = (SELECT id FROM organisations WHERE code = ?)")
		args = append(args, f.OrganisationCode)
	}
	if f.Channel != "" {
		if !f.Channel.Valid() {
			return nil, nil, balcao.Errorf(balcao.EINVALID, "channel: %q is not one of email, portal, phone, api", f.Channel)
		}
		where = append(where, "t.channel = ?")
		args = append(args, string(f.Channel))
	}
	return where, args, nil
}

// notIndexed keeps SQLite from choosing an index for a condition (a unary
// plus is SQLite's way of saying so); PostgreSQL plans from statistics.
// SQLite needs it twice here: the "SLA em risco" list would seek the
// status index once per open state and sort every open ticket due before
// the limit (50 ms at 100,000 tickets, against 1 ms through the due-time
// index), and the counts of unassigned and due tickets would read a table
// row per ticket instead of the tickets_counts index alone.
func (db *DB) notIndexed(cond string) string {
	if db.d.Name == "sqlite" {
		return "+" + cond
	}
	return cond
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// deskCursor is the keyset position of the last ticket of a page: the sort
// key (due or updated time, in microseconds) and the id.
func encodeDeskCursor(sort balcao.DeskSort, t *balcao.Ticket) string {
	var key time.Time
	if sort == balcao.SortUpdated {
		key = t.UpdatedAt
	} else {
		key = t.DueAt
		if key.IsZero() {
			key = farFuture
		}
	}
	return base64.RawURLEncoding.EncodeToString([]byte(string(sort) + "." +
		strconv.FormatInt(key.UnixMicro(), 10) + "." + strconv.FormatInt(t.ID, 10)))
}

func decodeDeskCursor(sort balcao.DeskSort, s string) (time.Time, int64, error) {
	bad := balcao.Errorf(balcao.EINVALID, "cursor: %q is not a cursor of this list; start again from the first page", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != string(sort) {
		return time.Time{}, 0, bad
	}
	us, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, 0, bad
	}
	return time.UnixMicro(us).UTC(), id, nil
}

// DeskTickets returns one page of a queue view.
func (db *DB) DeskTickets(ctx context.Context, f balcao.DeskFilter) (*balcao.TicketPage, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return nil, balcao.Errorf(balcao.EINVALID, "limit: at most 200 tickets per page")
	}
	if f.Sort == "" {
		f.Sort = balcao.SortDue
	}
	if f.Sort != balcao.SortDue && f.Sort != balcao.SortUpdated {
		return nil, balcao.Errorf(balcao.EINVALID, "sort: use due or updated")
	}
	if f.View == "" {
		f.View = balcao.ViewAll
	}
	where, args, err := db.deskWhere(&f)
	if err != nil {
		return nil, err
	}
	switch f.View {
	case balcao.ViewMine:
		where = append(where, "t.assignee_id = ?", "t."+openStatusSQL)
		args = append(args, f.UserID)
	case balcao.ViewUnassigned:
		where = append(where, "t.assignee_id IS NULL", "t."+openStatusSQL)
	case balcao.ViewTeam:
		if f.TeamID == 0 {
			return nil, balcao.Errorf(balcao.EINVALID, "team: choose a team for the team view")
		}
		where = append(where, "t.team_id = ?", "t."+openStatusSQL)
		args = append(args, f.TeamID)
	case balcao.ViewPendingRequester:
		where = append(where, "t.status = 'pending_requester'")
	case balcao.ViewPendingApproval:
		where = append(where, "t.status = 'pending_approval'")
	case balcao.ViewDueSoon:
		if f.DueBefore.IsZero() {
			return nil, balcao.Errorf(balcao.EINVALID, "due_soon: the view needs a time limit")
		}
		where = append(where, db.notIndexed("t."+openStatusSQL), "t.due_at <= ?")
		args = append(args, db.d.t(f.DueBefore))
	case balcao.ViewAll:
	default:
		return nil, balcao.Errorf(balcao.EINVALID, "view: %q is not a view", f.View)
	}
	if f.Cursor != "" {
		key, id, err := decodeDeskCursor(f.Sort, f.Cursor)
		if err != nil {
			return nil, err
		}
		if f.Sort == balcao.SortDue {
			where = append(where, "(t.due_at > ? OR (t.due_at = ? AND t.id > ?))")
		} else {
			where = append(where, "(t.updated_at < ? OR (t.updated_at = ? AND t.id < ?))")
		}
		args = append(args, db.d.TimeValue(key), db.d.TimeValue(key), id)
	}
	query := ticketSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Sort == balcao.SortDue {
		query += " ORDER BY t.due_at, t.id LIMIT ?"
	} else {
		query += " ORDER BY t.updated_at DESC, t.id DESC LIMIT ?"
	}
	args = append(args, f.Limit+1)
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
		page.Next = encodeDeskCursor(f.Sort, page.Tickets[f.Limit-1])
	}
	return page, nil
}

// DeskCounts counts each view with a subquery of its own that stops at the
// cap, so that every count walks an index for at most a bounded number of
// rows (one pass over all the rows of the scope cost 50 to 150 ms at
// 100,000 tickets).
func (db *DB) DeskCounts(ctx context.Context, f balcao.DeskFilter, teamIDs []int64) (*balcao.DeskCounts, error) {
	where, args, err := db.deskWhere(&f)
	if err != nil {
		return nil, err
	}
	limit := f.CountLimit
	if limit <= 0 {
		limit = balcao.DeskCountLimit
	}
	dueBefore := f.DueBefore
	if dueBefore.IsZero() {
		dueBefore = time.Unix(0, 0)
	}
	open := "t." + openStatusSQL
	// One statement of scalar subqueries: one preparation and one step
	// instead of one per view and team.
	var parts []string
	var all []any
	count := func(extra string, extraArgs ...any) {
		conds := append(slices.Clip(where), extra)
		parts = append(parts, "(SELECT COUNT(*) FROM (SELECT 1 FROM tickets t WHERE "+strings.Join(conds, " AND ")+
			" LIMIT ?) x"+strconv.Itoa(len(parts))+")")
		all = append(append(append(all, args...), extraArgs...), limit+1)
	}
	views := []balcao.DeskView{balcao.ViewMine, balcao.ViewUnassigned, balcao.ViewPendingRequester, balcao.ViewPendingApproval,
		balcao.ViewDueSoon, balcao.ViewAll}
	count("t.assignee_id = ? AND "+open, f.UserID)
	count(db.notIndexed("t.assignee_id IS NULL") + " AND " + open)
	count("t.status = 'pending_requester'")
	count("t.status = 'pending_approval'")
	count(open+" AND "+db.notIndexed("t.due_at <= ?"), db.d.t(dueBefore))
	count("1 = 1")
	for _, id := range teamIDs {
		count("t.team_id = ? AND "+open, id)
	}
	query := "SELECT " + strings.Join(parts, ", ")
	if db.d.Numbered {
		query = renumber(query)
	}
	n := make([]int, len(parts))
	dest := make([]any, len(parts))
	for i := range n {
		dest[i] = &n[i]
	}
	if err := db.read.QueryRowContext(ctx, query, all...).Scan(dest...); err != nil {
		return nil, err
	}
	c := &balcao.DeskCounts{Views: map[balcao.DeskView]int{}, Teams: map[int64]int{}}
	for i, v := range views {
		c.Views[v] = n[i]
	}
	for i, id := range teamIDs {
		if k := n[len(views)+i]; k > 0 {
			c.Teams[id] = k
		}
	}
	if f.TeamID != 0 {
		c.Views[balcao.ViewTeam] = c.Teams[f.TeamID]
	}
	return c, nil
}

// AssignTicket sets or clears a ticket's assignee and records the change.
func (db *DB) AssignTicket(ctx context.Context, ticketID, assigneeID int64, actor balcao.Actor, now time.Time) (*balcao.Ticket, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var from int64
		var fromEmail string
		err := db.qrow(ctx, tx, `SELECT t.assignee_id, COALESCE(a.email, '') FROM tickets t LEFT JOIN users a ON a.id = t.assignee_id WHERE t.id = ?`, ticketID).
			Scan(idScan{&from}, &fromEmail)
		if err != nil {
			return notFound(err, "no ticket with id %d", ticketID)
		}
		if from == assigneeID {
			return nil
		}
		var toEmail string
		if assigneeID != 0 {
			var role balcao.Role
			var disabled bool
			err := db.qrow(ctx, tx, `SELECT email, role, disabled FROM users WHERE id = ?`, assigneeID).Scan(&toEmail, &role, &disabled)
			if err != nil {
				return notFoundAs(err, balcao.EINVALID, "assignee: no user with id %d", assigneeID)
			}
			if !role.IsStaff() || disabled {
				return balcao.Errorf(balcao.EINVALID, "assignee: %s is not an active member of staff", toEmail)
			}
		}
		// An assignment is a first response: the SLA clocks are measured again.
		if _, err := db.exec(ctx, tx, `UPDATE tickets SET assignee_id = ?, updated_at = ?, sla_check_at = ? WHERE id = ?`,
			nullID(assigneeID), db.d.t(now), db.d.t(now), ticketID); err != nil {
			return err
		}
		return db.insertEvent(ctx, tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
			Kind: balcao.EventAssign, Field: "assignee", From: fromEmail, To: toEmail, CreatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	return db.ticketBy(ctx, "t.id = ?", ticketID)
}

// RecordEvent appends an event to a ticket's history.
func (db *DB) RecordEvent(ctx context.Context, e *balcao.Event) error {
	if e.Kind == "" || e.TicketID == 0 {
		return balcao.Errorf(balcao.EINVALID, "an event needs a ticket and a kind")
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now().UTC()
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if e.ActorName == "" {
			e.ActorName = balcao.SystemActor.Name
		}
		return db.insertEvent(ctx, tx, e)
	})
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "foreign") {
		return balcao.Errorf(balcao.ENOTFOUND, "no ticket with id %d", e.TicketID)
	}
	return err
}

// ChangeTeam moves a ticket to another team and records the change.
func (db *DB) ChangeTeam(ctx context.Context, ticketID, teamID int64, actor balcao.Actor, now time.Time) (*balcao.Ticket, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var from int64
		var fromCode string
		err := db.qrow(ctx, tx, `SELECT t.team_id, COALESCE(tm.code, '') FROM tickets t LEFT JOIN teams tm ON tm.id = t.team_id WHERE t.id = ?`, ticketID).
			Scan(idScan{&from}, &fromCode)
		if err != nil {
			return notFound(err, "no ticket with id %d", ticketID)
		}
		if from == teamID {
			return nil
		}
		var toCode string
		if teamID != 0 {
			if err := db.qrow(ctx, tx, `SELECT code FROM teams WHERE id = ?`, teamID).Scan(&toCode); err != nil {
				return notFoundAs(err, balcao.EINVALID, "team: no team with id %d", teamID)
			}
		}
		if _, err := db.exec(ctx, tx, `UPDATE tickets SET team_id = ?, updated_at = ? WHERE id = ?`, nullID(teamID), db.d.t(now), ticketID); err != nil {
			return err
		}
		return db.insertEvent(ctx, tx, &balcao.Event{TicketID: ticketID, ActorID: actor.ID, ActorName: actorName(actor),
			Kind: balcao.EventTeam, Field: "team", From: fromCode, To: toCode, CreatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	return db.ticketBy(ctx, "t.id = ?", ticketID)
}
