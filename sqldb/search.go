package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// A search by words or identifier first asks each index whether it holds
// more than balcao.SearchManyMatches matches, reading at most that many
// (searchMany). If so, the newest tickets are given (searchNewest): each
// index is walked from its highest id down, one page at a time, with no
// rank computed. Otherwise every match is ranked (searchRanked) in two
// steps in one query: "best" gathers the matching tickets with a rank
// (lower is better), from the ticket index and the message index, keeping
// each ticket's best rank; then the usual ticket select joins it and
// applies the filters, order and keyset, and counts the results.
//
// SQLite: FTS5 MATCH with every word quoted (the last one as a prefix), so
// that nothing the user types is FTS5 syntax; rank is bm25 with the subject
// weighing most. PostgreSQL: plainto_tsquery for the words and to_tsquery on
// a quote_literal'd last word for the prefix; rank is minus ts_rank.

// searchSelect is ticketSelect over "page", the ids of one page of
// results with their rank and the count of all results as last columns.
// The page is chosen on narrow rows (rank, update time, id) before the wide
// ticket rows are joined: with thousands of matches, sorting whole tickets
// cost most of the time.
var searchSelect = func() string {
	const from = "\nFROM tickets t\n"
	if !strings.Contains(ticketSelect, from) {
		panic("sqldb: ticketSelect changed shape; update searchSelect")
	}
	return strings.Replace(ticketSelect, from, ", p.rank, p.n\nFROM page p\nJOIN tickets t ON t.id = p.ticket_id\n", 1)
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
	case balcao.SearchByRelevance, balcao.SearchByUpdate, balcao.SearchByNewest:
	default:
		return nil, balcao.Errorf(balcao.EINVALID, "order: %q is not relevance, updated or newest", q.Order)
	}
	terms, err := balcao.ParseSearch(q.Text, db.opt.NumberPrefix)
	if err != nil {
		return nil, err
	}
	where, args, err := searchFilters(q)
	if err != nil {
		return nil, err
	}
	switch terms.Kind {
	case balcao.SearchNothing:
		return &balcao.TicketPage{Order: q.Order}, nil
	case balcao.SearchNumber:
		// One ticket at most: no order, no next page.
		if q.Cursor != "" {
			return &balcao.TicketPage{Order: q.Order}, nil
		}
		query := ticketSelect + " WHERE " + strings.Join(append([]string{"t.number = ?"}, where...), " AND ")
		args = append([]any{string(terms.Number)}, args...)
		var ts []*balcao.Ticket
		err := db.searchRead(ctx, func(r reader) error {
			var err error
			ts, err = db.searchRows(ctx, r, query, args, nil)
			return err
		})
		if err != nil {
			return nil, err
		}
		return &balcao.TicketPage{Tickets: ts, Order: q.Order, Matches: len(ts)}, nil
	}
	// A cursor keeps the order of the page it came from.
	var newest int64 // the newest-first keyset: tickets below this id
	if q.Cursor != "" {
		if id, ok := decodeNewestCursor(q.Cursor); ok {
			q.Order, newest = balcao.SearchByNewest, id
		} else if _, err := decodeSearchCursor(q.Cursor, q.Order); err != nil {
			return nil, err
		}
	}
	if db.d.SearchQueue {
		if err := db.flushSearch(ctx); err != nil {
			return nil, err
		}
	}
	m := db.searchMatch(terms, q.IncludeNotes)
	var page *balcao.TicketPage
	err = db.searchRead(ctx, func(r reader) error {
		many := false
		var head *searchHead
		// A requester's search is ranked over all its matches (few: their
		// own tickets), an identifier's over its newest 10,000 (an
		// identifier is rare, and its punctuated form, a phrase, costs FTS5
		// as much to count as to rank).
		if q.Cursor == "" && q.RequesterEmail == "" && q.Order != balcao.SearchByNewest && terms.Kind == balcao.SearchWords {
			var err error
			if many, head, err = db.searchMany(ctx, r, m); err != nil {
				return err
			}
		}
		var err error
		if many || q.Order == balcao.SearchByNewest {
			if newest == 0 {
				newest = math.MaxInt64
			}
			if len(where) > 0 || newest != math.MaxInt64 {
				head = nil // the head is of the first page, unfiltered
			}
			page, err = db.searchNewest(ctx, r, m, q, where, args, newest, head)
			if page != nil {
				page.ManyMatches = many
			}
		} else {
			page, err = db.searchRanked(ctx, r, m, q, where, args)
		}
		return err
	})
	return page, err
}

// searchMatch is how one search finds its matches in the store's
// database.
type searchMatch struct {
	notes    string // " AND m.direction <> 'note'" or ""
	ftsQuery string // SQLite: the FTS5 MATCH text
	// PostgreSQL: the tsquery (with its arguments), and the condition on
	// "t" (tickets) that matches a ticket (with its arguments).
	tq           string
	tqArgs       []any
	pgTickets    string
	pgTicketArgs []any
}

func (db *DB) searchMatch(terms balcao.SearchTerms, notes bool) searchMatch {
	var m searchMatch
	if !notes {
		m.notes = " AND m.direction <> 'note'"
	}
	if db.d.Name != "postgres" {
		m.ftsQuery = ftsMatch(terms)
		return m
	}
	if terms.Kind == balcao.SearchIdentifier {
		m.tq = pgIDQuery
		m.tqArgs = []any{terms.Identifier, strings.Join(terms.Groups, " ")}
		m.pgTickets = "(t.search_ids @> ARRAY[?]::text[] OR t.search_vec @@ " + m.tq + ")"
		m.pgTicketArgs = append([]any{terms.Identifier}, m.tqArgs...)
	} else {
		n := len(terms.Words)
		m.tq = pgWordsQuery
		m.tqArgs = []any{strings.Join(terms.Words[:n-1], " "), terms.Words[n-1]}
		m.pgTickets = "t.search_vec @@ " + m.tq
		m.pgTicketArgs = m.tqArgs
	}
	return m
}

// searchHead is the newest matches of each index, as many as searchMany
// reads: ticket ids, and messages with their ticket and whether they are
// notes, newest first.
type searchHead struct {
	tickets  []int64
	messages []messageHit
}

type messageHit struct {
	id, ticketID int64
	note         bool
}

// searchMany tells whether the words match more than
// balcao.SearchManyMatches tickets or messages, reading no more than that
// many of each from the indexes. On SQLite it reads the newest matches
// themselves and returns them, since searchNewest starts from them: a
// prefix (the last word of a search) costs FTS5 its whole match list each
// time it is asked, however few rows are wanted.
func (db *DB) searchMany(ctx context.Context, r reader, m searchMatch) (bool, *searchHead, error) {
	if db.d.Name == "postgres" {
		// Counting reads a heap row per match (25 ms for a thousand on
		// the benchmark's machine); the planner's estimate costs a plan.
		// An estimate far above the bound is taken as it is.
		et, err := pgEstimate(ctx, r, `SELECT 1 FROM tickets t WHERE `+m.pgTickets, m.pgTicketArgs)
		if err != nil {
			return false, nil, err
		}
		em, err := pgEstimate(ctx, r, `SELECT 1 FROM messages m WHERE m.search_vec @@ `+m.tq, m.tqArgs)
		if err != nil {
			return false, nil, err
		}
		if max(et, em) > pgSureMany*balcao.SearchManyMatches {
			return true, nil, nil
		}
		query := `SELECT (SELECT count(*) FROM (SELECT 1 FROM tickets t WHERE ` + m.pgTickets + ` LIMIT ?) a),
			(SELECT count(*) FROM (SELECT 1 FROM messages m WHERE m.search_vec @@ ` + m.tq + ` LIMIT ?) b)`
		args := append(append(append(append([]any{}, m.pgTicketArgs...), balcao.SearchManyMatches+1), m.tqArgs...), balcao.SearchManyMatches+1)
		var nt, nm int
		if err := r.QueryRowContext(ctx, renumber(query), args...).Scan(&nt, &nm); err != nil {
			return false, nil, err
		}
		return nt > balcao.SearchManyMatches || nm > balcao.SearchManyMatches, nil, nil
	}
	head := &searchHead{}
	rows, err := r.QueryContext(ctx, `SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? ORDER BY rowid DESC LIMIT ?`,
		m.ftsQuery, balcao.SearchManyMatches+1)
	if err != nil {
		return false, nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, nil, err
		}
		head.tickets = append(head.tickets, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, nil, err
	}
	rows, err = r.QueryContext(ctx, `SELECT message_search.rowid, m.ticket_id, m.direction = 'note' FROM message_search
		CROSS JOIN messages m ON m.id = message_search.rowid
		WHERE message_search MATCH ? ORDER BY message_search.rowid DESC LIMIT ?`, m.ftsQuery, balcao.SearchManyMatches+1)
	if err != nil {
		return false, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h messageHit
		if err := rows.Scan(&h.id, &h.ticketID, &h.note); err != nil {
			return false, nil, err
		}
		head.messages = append(head.messages, h)
	}
	if err := rows.Err(); err != nil {
		return false, nil, err
	}
	return len(head.tickets) > balcao.SearchManyMatches || len(head.messages) > balcao.SearchManyMatches, head, nil
}

// pgSureMany: a PostgreSQL estimate this many times
// balcao.SearchManyMatches is not checked by counting. The planner's
// estimates of a word's matches come from the column's statistics (its
// most common words and their frequencies); for the benchmark's common
// words they were within 4 % of the truth.
const pgSureMany = 4

// pgEstimate is the planner's estimate of the rows of a query.
func pgEstimate(ctx context.Context, r reader, query string, args []any) (float64, error) {
	var plan []byte
	if err := r.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+renumber(query), args...).Scan(&plan); err != nil {
		return 0, err
	}
	var p []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal(plan, &p); err != nil || len(p) == 0 {
		return 0, fmt.Errorf("sqldb: reading a plan: %v", err)
	}
	return p[0].Plan.Rows, nil
}

// searchNewest gives the newest matching tickets below the id "below",
// reading the matches of each index from the newest down and stopping
// after one page. Tickets come straight from the ticket index in id order.
// Messages come in message id order, which is not their tickets' order (an
// old ticket can get a new message), so the walk over messages is checked:
// the page is right when no ticket newer than its last one has a message
// older than the oldest message read; otherwise more messages are read.
// A head, when given (a first page without filters), holds the first
// matches of each index already read.
func (db *DB) searchNewest(ctx context.Context, r reader, m searchMatch, q balcao.SearchQuery, where []string, args []any, below int64, head *searchHead) (*balcao.TicketPage, error) {
	filters := ""
	if len(where) > 0 {
		filters = " AND " + strings.Join(where, " AND ")
	}
	want := q.Limit + 1
	var ticketQ, messageQ string
	var ticketArgs, messageArgs []any
	if db.d.Name == "postgres" {
		ticketQ = `SELECT t.id FROM tickets t WHERE ` + m.pgTickets + ` AND t.id < ?` + filters + ` ORDER BY t.id DESC LIMIT ?`
		ticketArgs = append(append(append(append([]any{}, m.pgTicketArgs...), below), args...), want)
		messageQ = `SELECT m.id, m.ticket_id FROM messages m JOIN tickets t ON t.id = m.ticket_id
			WHERE m.search_vec @@ ` + m.tq + ` AND m.ticket_id < ?` + m.notes + filters + ` ORDER BY m.id DESC LIMIT ?`
		messageArgs = append(append(append([]any{}, m.tqArgs...), below), args...)
	} else {
		// CROSS JOIN: the index first, walked down its rowids (see sqliteHits).
		ticketQ = `SELECT ticket_search.rowid FROM ticket_search CROSS JOIN tickets t ON t.id = ticket_search.rowid
			WHERE ticket_search MATCH ? AND ticket_search.rowid < ?` + filters + ` ORDER BY ticket_search.rowid DESC LIMIT ?`
		ticketArgs = append(append([]any{m.ftsQuery, below}, args...), want)
		messageQ = `SELECT message_search.rowid, m.ticket_id FROM message_search
			CROSS JOIN messages m ON m.id = message_search.rowid CROSS JOIN tickets t ON t.id = m.ticket_id
			WHERE message_search MATCH ? AND m.ticket_id < ?` + m.notes + filters + ` ORDER BY message_search.rowid DESC LIMIT ?`
		messageArgs = append([]any{m.ftsQuery, below}, args...)
	}
	if db.d.Numbered {
		ticketQ, messageQ = renumber(ticketQ), renumber(messageQ)
	}
	found := map[int64]bool{}
	if head != nil {
		for _, id := range head.tickets[:min(want, len(head.tickets))] {
			found[id] = true
		}
	} else {
		rows, err := r.QueryContext(ctx, ticketQ, ticketArgs...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			found[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var ids []int64
	limit := 4 * want
	if head != nil {
		limit = balcao.SearchManyMatches + 1
	}
	for ; ; limit *= 8 {
		fromMessages := map[int64]bool{}
		read, oldest := 0, int64(0)
		if head != nil {
			for _, h := range head.messages {
				if !h.note || q.IncludeNotes {
					fromMessages[h.ticketID] = true
				}
				read, oldest = read+1, h.id
			}
			head = nil
		} else {
			rows, err := r.QueryContext(ctx, messageQ, append(messageArgs, limit)...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var mid, tid int64
				if err := rows.Scan(&mid, &tid); err != nil {
					rows.Close()
					return nil, err
				}
				fromMessages[tid] = true
				read, oldest = read+1, mid
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		ids = ids[:0]
		for id := range found {
			ids = append(ids, id)
		}
		for id := range fromMessages {
			if !found[id] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		slices.Reverse(ids)
		if len(ids) > want {
			ids = ids[:want]
		}
		if read < limit {
			break // every matching message was read
		}
		if len(ids) == want {
			// Messages not read are older than "oldest": none may belong
			// to a ticket newer than the page's last.
			var first int64
			query := `SELECT COALESCE(MIN(id), ?) FROM messages WHERE ticket_id > ? AND ticket_id < ?`
			if db.d.Numbered {
				query = renumber(query)
			}
			if err := r.QueryRowContext(ctx, query, oldest, ids[want-1], below).Scan(&first); err != nil {
				return nil, err
			}
			if first >= oldest {
				break
			}
		}
	}
	page := &balcao.TicketPage{Order: balcao.SearchByNewest}
	if len(ids) == 0 {
		return page, nil
	}
	ph := make([]string, len(ids))
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		ph[i], idArgs[i] = "?", id
	}
	ts, err := db.searchRows(ctx, r, ticketSelect+" WHERE t.id IN ("+strings.Join(ph, ", ")+") ORDER BY t.id DESC", idArgs, nil)
	if err != nil {
		return nil, err
	}
	page.Tickets = ts
	if len(ts) > q.Limit {
		page.Tickets = ts[:q.Limit]
		page.Next = encodeNewestCursor(page.Tickets[q.Limit-1].ID)
	}
	return page, nil
}

// searchRanked orders every match by rank or by update time (see
// sqliteHits and pgHits), and counts the tickets found on a first page.
func (db *DB) searchRanked(ctx context.Context, r reader, m searchMatch, q balcao.SearchQuery, where []string, args []any) (*balcao.TicketPage, error) {
	var query string
	var pre []any // arguments of the WITH clause, before the filters'
	if db.d.Name == "postgres" {
		// The tsquery appears four times: rank and match, tickets and
		// messages; its arguments are repeated for each.
		pre = append(pre, m.tqArgs...)
		pre = append(pre, m.pgTicketArgs...)
		pre = append(pre, m.tqArgs...)
		pre = append(pre, m.tqArgs...)
		if q.RequesterEmail != "" {
			query = fmt.Sprintf(pgHitsAll, m.tq, m.pgTickets, m.notes)
		} else {
			query = fmt.Sprintf(pgHits, m.tq, m.pgTickets, m.notes, strconv.Itoa(searchCap))
		}
	} else {
		limit := searchCap
		if q.RequesterEmail != "" {
			limit = -1
		}
		query = fmt.Sprintf(sqliteHits, m.notes, limit)
		pre = []any{m.ftsQuery, m.ftsQuery}
	}
	join := "JOIN"
	if db.d.Name != "postgres" {
		join = "CROSS JOIN" // SQLite: keep this join order (see sqliteHits)
	}
	query += ",\npage AS (SELECT b.ticket_id, b.rank, count(*) OVER () AS n FROM best b " + join + " tickets t ON t.id = b.ticket_id"
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
	var n int
	ts, err := db.searchRows(ctx, r, query, args, &rankCount{&ranks, &n})
	if err != nil {
		return nil, err
	}
	page := &balcao.TicketPage{Tickets: ts, Order: q.Order}
	if q.Cursor == "" {
		page.Matches = n
	}
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

// reader runs queries: the read pool, or a read transaction.
type reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// searchRead runs the queries of one search: on PostgreSQL in a read-only
// transaction, to turn parallel workers off; on SQLite on the read pool
// (what is written meanwhile has higher ids, which searchNewest allows for).
func (db *DB) searchRead(ctx context.Context, fn func(r reader) error) error {
	if db.d.Name != "postgres" {
		return fn(db.read)
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The planner takes a search for a big one and starts parallel
	// workers, which cost 10 ms or more before the first row; a selective
	// search answers in under one ms without them.
	if _, err := tx.ExecContext(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// searchRows runs a dynamic ticket query; with extra set, each row
// carries a page's rank and count as last columns.
func (db *DB) searchRows(ctx context.Context, r reader, query string, args []any, extra *rankCount) ([]*balcao.Ticket, error) {
	if db.d.Numbered {
		query = renumber(query)
	}
	rows, err := r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Ticket
	for rows.Next() {
		var row scanner = rows
		var rank float64
		if extra != nil {
			row = rankScanner{rows, &rank, extra.count}
		}
		t, err := scanTicket(row)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if extra != nil {
			*extra.ranks = append(*extra.ranks, rank)
		}
	}
	return out, rows.Err()
}

// rankCount receives the ranks of a page's rows and the count of results.
type rankCount struct {
	ranks *[]float64
	count *int
}

// rankScanner scans a ticket row followed by its rank and the count.
type rankScanner struct {
	rows  *sql.Rows
	rank  *float64
	count *int
}

func (r rankScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.rank, r.count)...) }

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

// encodeNewestCursor encodes a newest-first position: the last ticket's id.
func encodeNewestCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n" + strconv.FormatInt(id, 10)))
}

// decodeNewestCursor reads a cursor of encodeNewestCursor.
func decodeNewestCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'n' {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b[1:]), 10, 64)
	return id, err == nil && id > 0
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
