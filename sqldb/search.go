package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// Search runs in two steps in one query: "best" gathers the matching
// tickets with a rank (lower is better), from the ticket index and the
// message index, keeping each ticket's best rank; then the usual ticket
// select joins it and applies the filters, order and keyset.
//
// SQLite: FTS5 MATCH with every word quoted (the last one as a prefix), so
// that nothing the user types is FTS5 syntax; rank is bm25 with the subject
// weighing most. PostgreSQL: plainto_tsquery for the words and to_tsquery on
// a quote_literal'd last word for the prefix; rank is minus ts_rank.

// searchSelect is ticketSelect over "page", the ids of one page of
// results with their rank as a last column. The page is chosen on narrow
// rows (rank, update time, id) before the wide ticket rows are joined: with
// thousands of matches, sorting whole tickets cost most of the time.
var searchSelect = func() string {
	const from = "\nFROM tickets t\n"
	if !strings.Contains(ticketSelect, from) {
		panic("sqldb: ticketSelect changed shape; update searchSelect")
	}
	return strings.Replace(ticketSelect, from, ", p.rank\nFROM page p\nJOIN tickets t ON t.id = p.ticket_id\n", 1)
}()

const (
	// Each index gives its newest 10,000 matches at most (FTS5 walks rowids
	// downwards cheaply), so that a word found almost everywhere still
	// answers quickly. A requester's search has no such cap (LIMIT -1), so
	// that it never hides their own older tickets; the filter applies after
	// the index. CROSS JOIN keeps SQLite from scanning the table and probing
	// the index row by row (a hundred times slower).
	sqliteHits = `WITH hits(ticket_id, r) AS (
	SELECT * FROM (SELECT rowid, bm25(ticket_search, 10.0, 2.0, 1.0, 4.0) FROM ticket_search
		WHERE ticket_search MATCH ? ORDER BY rowid DESC LIMIT %[2]d)
	UNION ALL
	SELECT m.ticket_id, f.r FROM (SELECT rowid AS id, bm25(message_search, 3.0, 1.0) AS r FROM message_search
		WHERE message_search MATCH ? ORDER BY rowid DESC LIMIT %[2]d) f
	CROSS JOIN messages m ON m.id = f.id WHERE TRUE%[1]s
), best AS (SELECT ticket_id, MIN(r) AS rank FROM hits GROUP BY ticket_id)
`
	// searchCap is the most matches taken from each index (see sqliteHits).
	searchCap    = 10000
	pgWordsQuery = `(plainto_tsquery('pt_unaccent', ?) && to_tsquery('pt_unaccent', quote_literal(?) || ':*'))`
	pgIDQuery    = `(plainto_tsquery('pt_unaccent', ?) || phraseto_tsquery('pt_unaccent', ?))`
	// PostgreSQL: the same cap, taken from the primary key downwards.
	pgHits = `WITH hits AS (
	SELECT t2.id AS ticket_id, ts_rank(t2.search_vec, %[1]s) AS r FROM tickets t2
	WHERE t2.id IN (SELECT t.id FROM tickets t WHERE %[2]s ORDER BY t.id DESC LIMIT %[4]s)
	UNION ALL
	SELECT m2.ticket_id, ts_rank(m2.search_vec, %[1]s) FROM messages m2
	WHERE m2.id IN (SELECT m.id FROM messages m WHERE m.search_vec @@ %[1]s%[3]s ORDER BY m.id DESC LIMIT %[4]s)
), best AS (SELECT ticket_id, (-MAX(r))::float8 AS rank FROM hits GROUP BY ticket_id)
`
	// pgHitsAll has no cap, for a requester's search (see sqliteHits).
	pgHitsAll = `WITH hits AS (
	SELECT t.id AS ticket_id, ts_rank(t.search_vec, %[1]s) AS r FROM tickets t WHERE %[2]s
	UNION ALL
	SELECT m.ticket_id, ts_rank(m.search_vec, %[1]s) FROM messages m WHERE m.search_vec @@ %[1]s%[3]s
), best AS (SELECT ticket_id, (-MAX(r))::float8 AS rank FROM hits GROUP BY ticket_id)
`
)

// SearchTickets finds tickets by number, identifier or words (see
// balcao.SearchQuery).
func (db *DB) SearchTickets(ctx context.Context, q balcao.SearchQuery) (*balcao.TicketPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Limit > 200 {
		return nil, balcao.Errorf(balcao.EINVALID, "limit: at most 200 tickets per page")
	}
	switch q.Order {
	case "":
		q.Order = balcao.SearchByRelevance
	case balcao.SearchByRelevance, balcao.SearchByUpdate:
	default:
		return nil, balcao.Errorf(balcao.EINVALID, "order: %q is not relevance or updated", q.Order)
	}
	terms, err := balcao.ParseSearch(q.Text, db.opt.NumberPrefix)
	if err != nil {
		return nil, err
	}
	where, args, err := searchFilters(q)
	if err != nil {
		return nil, err
	}
	var query string
	var pre []any // arguments of the WITH clause, before the filters'
	switch terms.Kind {
	case balcao.SearchNothing:
		return &balcao.TicketPage{}, nil
	case balcao.SearchNumber:
		// One ticket at most: no order, no next page.
		if q.Cursor != "" {
			return &balcao.TicketPage{}, nil
		}
		query = ticketSelect + " WHERE " + strings.Join(append([]string{"t.number = ?"}, where...), " AND ")
		args = append([]any{string(terms.Number)}, args...)
		ts, err := db.searchRows(ctx, query, args, nil)
		if err != nil {
			return nil, err
		}
		return &balcao.TicketPage{Tickets: ts}, nil
	}
	if db.d.SearchQueue {
		if err := db.flushSearch(ctx); err != nil {
			return nil, err
		}
	}
	notes := ""
	if !q.IncludeNotes {
		notes = " AND m.direction <> 'note'"
	}
	if db.d.Name == "postgres" {
		// The tsquery appears four times: rank and match, tickets and
		// messages; its arguments are repeated for each.
		var tq, tickets string
		var tqArgs []any
		if terms.Kind == balcao.SearchIdentifier {
			tq = pgIDQuery
			tqArgs = []any{terms.Identifier, strings.Join(terms.Groups, " ")}
			tickets = "t.search_ids @> ARRAY[?]::text[] OR t.search_vec @@ " + tq
			pre = append(pre, tqArgs...)
			pre = append(pre, terms.Identifier)
			pre = append(pre, tqArgs...)
		} else {
			n := len(terms.Words)
			tq = pgWordsQuery
			tqArgs = []any{strings.Join(terms.Words[:n-1], " "), terms.Words[n-1]}
			tickets = "t.search_vec @@ " + tq
			pre = append(pre, tqArgs...)
			pre = append(pre, tqArgs...)
		}
		pre = append(pre, tqArgs...)
		pre = append(pre, tqArgs...)
		if q.RequesterEmail != "" {
			query = fmt.Sprintf(pgHitsAll, tq, tickets, notes)
		} else {
			query = fmt.Sprintf(pgHits, tq, tickets, notes, strconv.Itoa(searchCap))
		}
	} else {
		m := ftsMatch(terms)
		limit := searchCap
		if q.RequesterEmail != "" {
			limit = -1
		}
		query = fmt.Sprintf(sqliteHits, notes, limit)
		pre = []any{m, m}
	}
	join := "JOIN"
	if db.d.Name != "postgres" {
		join = "CROSS JOIN" // SQLite: keep this join order (see sqliteHits)
	}
	query += ",\npage AS (SELECT b.ticket_id, b.rank FROM best b " + join + " tickets t ON t.id = b.ticket_id"
	if q.Cursor != "" {
		c, err := decodeSearchCursor(q.Cursor, q.Order)
		if err != nil {
			return nil, err
		}
		if q.Order == balcao.SearchByRelevance {
			where = append(where, "(b.rank > ? OR (b.rank = ? AND (t.updated_at < ? OR (t.updated_at = ? AND t.id < ?))))")
			args = append(args, c.rank, c.rank, db.d.t(c.updated), db.d.t(c.updated), c.id)
		} else {
			where = append(where, "(t.updated_at < ? OR (t.updated_at = ? AND t.id < ?))")
			args = append(args, db.d.t(c.updated), db.d.t(c.updated), c.id)
		}
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	order := " ORDER BY t.updated_at DESC, t.id DESC"
	if q.Order == balcao.SearchByRelevance {
		order = " ORDER BY b.rank, t.updated_at DESC, t.id DESC"
	}
	query += order + " LIMIT ?)\n" + searchSelect + strings.Replace(order, "b.rank", "p.rank", 1)
	args = append(append(pre, args...), q.Limit+1)
	var ranks []float64
	ts, err := db.searchRows(ctx, query, args, &ranks)
	if err != nil {
		return nil, err
	}
	page := &balcao.TicketPage{Tickets: ts}
	if len(ts) > q.Limit {
		page.Tickets = ts[:q.Limit]
		last := page.Tickets[q.Limit-1]
		if q.Order == balcao.SearchByRelevance {
			page.Next = encodeSearchCursor(ranks[q.Limit-1], last)
		} else {
			page.Next = encodeCursor(last)
		}
	}
	return page, nil
}

// searchFilters returns the WHERE terms and arguments of q's filters.
func searchFilters(q balcao.SearchQuery) ([]string, []any, error) {
	var where []string
	var args []any
	if len(q.Statuses) > 0 {
		ph := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			if !s.Valid() {
				return nil, nil, balcao.Errorf(balcao.EINVALID, "status: %q is not a status", s)
			}
			ph[i] = "?"
			args = append(args, string(s))
		}
		where = append(where, "t.status IN ("+strings.Join(ph, ", ")+")")
	}
	if q.RequesterEmail != "" {
		where = append(where, "t.requester_id = (SELECT id FROM users WHERE email = ?)")
		args = append(args, strings.ToLower(strings.TrimSpace(q.RequesterEmail)))
	}
	if q.RequestType != "" {
		where = append(where, "t.request_type = ?")
		args = append(args, q.RequestType)
	}
	if q.TeamID != 0 {
		where = append(where, "t.team_id = ?")
		args = append(args, q.TeamID)
	}
	return where, args, nil
}

// searchRows runs a dynamic ticket query on the read pool; with ranks set,
// each row carries its rank as a last column.
func (db *DB) searchRows(ctx context.Context, query string, args []any, ranks *[]float64) ([]*balcao.Ticket, error) {
	if db.d.Numbered {
		query = renumber(query)
	}
	var rows *sql.Rows
	if db.d.Name == "postgres" {
		// The planner takes a search for a big one and starts parallel
		// workers, which cost 10 ms or more before the first row; a
		// selective search answers in under one ms without them.
		tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
			return nil, err
		}
		rows, err = tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
	} else {
		var err error
		if rows, err = db.read.QueryContext(ctx, query, args...); err != nil {
			return nil, err
		}
	}
	defer rows.Close()
	var out []*balcao.Ticket
	for rows.Next() {
		var row scanner = rows
		var rank float64
		if ranks != nil {
			row = rankScanner{rows, &rank}
		}
		t, err := scanTicket(row)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if ranks != nil {
			*ranks = append(*ranks, rank)
		}
	}
	return out, rows.Err()
}

// rankScanner scans a ticket row followed by its rank.
type rankScanner struct {
	rows *sql.Rows
	rank *float64
}

func (r rankScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.rank)...) }

// ftsMatch builds the FTS5 query of a search. Every word is a quoted
// string (with any '"' doubled, although words hold only letters, digits
// and marks), so no input is read as FTS5 syntax.
func ftsMatch(terms balcao.SearchTerms) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	if terms.Kind == balcao.SearchIdentifier {
		m := quote(terms.Identifier)
		if len(terms.Groups) > 1 {
			m += " OR " + quote(strings.Join(terms.Groups, " "))
		}
		return m
	}
	parts := make([]string, len(terms.Words))
	for i, w := range terms.Words {
		parts[i] = quote(w)
	}
	parts[len(parts)-1] += "*"
	return strings.Join(parts, " ")
}

// searchCursor is the keyset position of the last ticket of a search page.
type searchCursor struct {
	rank    float64
	updated time.Time
	id      int64
}

// encodeSearchCursor encodes a relevance position; the rank is kept to the
// bit, since the next page compares it for equality.
func encodeSearchCursor(rank float64, t *balcao.Ticket) string {
	return base64.RawURLEncoding.EncodeToString([]byte("r" + strconv.FormatUint(math.Float64bits(rank), 16) + "." +
		strconv.FormatInt(t.UpdatedAt.UnixMicro(), 10) + "." + strconv.FormatInt(t.ID, 10)))
}

func decodeSearchCursor(s string, order balcao.SearchOrder) (searchCursor, error) {
	if order == balcao.SearchByUpdate {
		c, err := decodeCursor(s)
		return searchCursor{updated: c.updated, id: c.id}, err
	}
	bad := balcao.Errorf(balcao.EINVALID, "cursor: %q is not a cursor returned by this search; start again without it", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'r' {
		return searchCursor{}, bad
	}
	parts := strings.Split(string(b[1:]), ".")
	if len(parts) != 3 {
		return searchCursor{}, bad
	}
	bits, err1 := strconv.ParseUint(parts[0], 16, 64)
	u, err2 := strconv.ParseInt(parts[1], 10, 64)
	id, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return searchCursor{}, bad
	}
	return searchCursor{math.Float64frombits(bits), time.UnixMicro(u).UTC(), id}, nil
}
