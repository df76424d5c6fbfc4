package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"balcao"
)

// maxReportDays bounds the days of a ReceivedByDay report.
const maxReportDays = 3700

// ReceivedByDay counts the tickets created in the period by day in loc and
// by request type. The days' bounds are worked out here (the two
// databases disagree on turning a stored time into a local calendar day,
// and days are 23 or 25 hours long when the clocks change) and handed to
// the query as a VALUES list, so the counting happens in the database with
// one index range per day.
func (db *DB) ReceivedByDay(ctx context.Context, f balcao.ReportFilter, loc *time.Location) (*balcao.DailyReceived, error) {
	if loc == nil {
		loc = time.UTC
	}
	from, to := f.From, f.To
	if from.IsZero() || to.IsZero() {
		where, args := db.reportWhere(f, "t.created_at")
		var first, last time.Time
		if err := db.rrow(ctx, `SELECT MIN(t.created_at), MAX(t.created_at) FROM tickets t`+where, args...).
			Scan(dbTime{&first}, dbTime{&last}); err != nil {
			return nil, err
		}
		if first.IsZero() {
			return &balcao.DailyReceived{}, nil
		}
		if from.IsZero() {
			from = first
		}
		if to.IsZero() {
			to = last.Add(time.Microsecond)
		}
	}
	r := &balcao.DailyReceived{}
	if !to.After(from) {
		return r, nil
	}
	// bounds[d] and bounds[d+1] enclose day d; the first and last are the
	// period's own ends.
	bounds := []time.Time{from}
	fy, fm, fd := from.In(loc).Date()
	for i := 1; ; i++ {
		next := time.Date(fy, fm, fd+i, 0, 0, 0, 0, loc)
		r.Days = append(r.Days, time.Date(fy, fm, fd+i-1, 12, 0, 0, 0, loc).Format(time.DateOnly))
		if !next.Before(to) {
			bounds = append(bounds, to)
			break
		}
		bounds = append(bounds, next)
		if i >= maxReportDays {
			return nil, balcao.Errorf(balcao.EINVALID, "period: at most %d days", maxReportDays)
		}
	}
	ts := "TIMESTAMPTZ"
	if !db.d.Numbered {
		ts = "INTEGER"
	}
	var q strings.Builder
	var args []any
	q.WriteString(`SELECT d.column1, t.request_type, COUNT(*) FROM (VALUES `)
	for i := range r.Days {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(`(CAST(? AS INTEGER), CAST(? AS ` + ts + `), CAST(? AS ` + ts + `))`)
		args = append(args, i, db.d.t(bounds[i]), db.d.t(bounds[i+1]))
	}
	q.WriteString(`) AS d JOIN tickets t ON t.created_at >= d.column2 AND t.created_at < d.column3`)
	if db.d.Numbered {
		// PostgreSQL is given the period's own bounds too, or it reads a
		// team's every ticket once per day; with them it reads the
		// period's range once (measured: 126 ms down to 9.5 ms for a team's
		// month). SQLite reads one index range per day without them and
		// loops over the days for every ticket with them (3 ms against
		// 14 ms).
		q.WriteString(` AND t.created_at >= ? AND t.created_at < ?`)
		args = append(args, db.d.t(bounds[0]), db.d.t(bounds[len(bounds)-1]))
	}
	f.From, f.To = time.Time{}, time.Time{}
	if where, fargs := db.reportWhere(f, ""); where != "" {
		q.WriteString(" AND " + strings.TrimPrefix(where, " WHERE "))
		args = append(args, fargs...)
	}
	q.WriteString(` GROUP BY d.column1, t.request_type`)
	rows, err := db.rqueryOnce(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type cell struct {
		day int
		typ string
		n   int
	}
	var cells []cell
	types := map[string]int{}
	for rows.Next() {
		var c cell
		if err := rows.Scan(&c.day, &c.typ, &c.n); err != nil {
			return nil, err
		}
		if c.day < 0 || c.day >= len(r.Days) {
			continue
		}
		cells = append(cells, c)
		types[c.typ] = 0
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for typ := range types {
		r.Types = append(r.Types, typ)
	}
	slices.Sort(r.Types)
	for k, typ := range r.Types {
		types[typ] = k
	}
	r.Counts = make([][]int, len(r.Days))
	for d := range r.Counts {
		r.Counts[d] = make([]int, len(r.Types))
	}
	for _, c := range cells {
		r.Counts[c.day][types[c.typ]] += c.n
		r.Total += c.n
	}
	return r, nil
}

// rqueryOnce runs a query on the read pool without keeping it prepared:
// for query texts that vary with their arguments (a VALUES list of days).
func (db *DB) rqueryOnce(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.d.Numbered {
		query = renumber(query)
	}
	return db.read.QueryContext(ctx, query, args...)
}

// Backlog counts the open tickets at an instant by age and state. The age
// buckets are computed in SQL from bounds worked out here, so no date
// arithmetic of either database is needed.
func (db *DB) Backlog(ctx context.Context, f balcao.ReportFilter, at time.Time) (*balcao.BacklogReport, error) {
	f.From, f.To = time.Time{}, time.Time{}
	where, args := db.reportWhere(f, "")
	cond := strings.TrimPrefix(where, " WHERE ")
	var b strings.Builder
	var qargs []any
	// Tickets created after the instant are counted apart (bucket -1) and
	// left out, rather than excluded in WHERE: a range on created_at would
	// draw SQLite's planner to a non-covering index.
	b.WriteString(`SELECT t.status, CASE WHEN t.created_at > ? THEN -1`)
	qargs = append(qargs, db.d.t(at))
	for i, age := range balcao.BacklogAges {
		b.WriteString(` WHEN t.created_at > ? THEN ` + string(rune('0'+i)))
		qargs = append(qargs, db.d.t(at.Add(-age)))
	}
	b.WriteString(` ELSE ` + string(rune('0'+len(balcao.BacklogAges))) + ` END AS bucket, COUNT(*) FROM tickets t
		WHERE t.status IN ('new', 'open', 'pending_requester', 'pending_approval')`)
	if cond != "" {
		b.WriteString(" AND " + cond)
		qargs = append(qargs, args...)
	}
	b.WriteString(` GROUP BY t.status, bucket`)
	rows, err := db.rquery(ctx, b.String(), qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r := &balcao.BacklogReport{At: at, ByStatus: map[balcao.Status]int{}, Cells: map[balcao.Status][balcao.BacklogBuckets]int{}}
	for _, s := range balcao.OpenStatuses {
		r.ByStatus[s] = 0
		r.Cells[s] = [balcao.BacklogBuckets]int{}
	}
	for rows.Next() {
		var st balcao.Status
		var bucket, n int
		if err := rows.Scan(&st, &bucket, &n); err != nil {
			return nil, err
		}
		if bucket < 0 || bucket >= balcao.BacklogBuckets {
			continue
		}
		r.ByAge[bucket] += n
		r.ByStatus[st] += n
		c := r.Cells[st]
		c[bucket] += n
		r.Cells[st] = c
		r.Total += n
	}
	return r, rows.Err()
}

// SLACompliance counts the tickets resolved in the period and those with
// no breach recorded, per clock.
func (db *DB) SLACompliance(ctx context.Context, f balcao.ReportFilter) (*balcao.SLACompliance, error) {
	where, args := db.reportWhere(f, "t.resolved_at")
	if where == "" {
		where = " WHERE t.resolved_at IS NOT NULL"
	} else {
		where += " AND t.resolved_at IS NOT NULL"
	}
	r := &balcao.SLACompliance{}
	// The breached tickets are looked up in a set each database builds
	// once (an uncorrelated IN), not by a subquery per resolved ticket.
	err := db.rrow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN t.id IN (SELECT s.ticket_id FROM sla_records s WHERE s.clock = 'resolution' AND s.kind = 'breach') THEN 0 ELSE 1 END), 0),
		COALESCE(SUM(CASE WHEN t.id IN (SELECT s.ticket_id FROM sla_records s WHERE s.clock = 'first_response' AND s.kind = 'breach') THEN 0 ELSE 1 END), 0)
		FROM tickets t`+where, args...).Scan(&r.Resolved, &r.ResolvedInTime, &r.FirstResponseInTime)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ResponseTimes reads the elapsed times of the period's tickets and sums
// them up here (medians and percentiles are not written the same way in
// the two databases).
func (db *DB) ResponseTimes(ctx context.Context, f balcao.ReportFilter) (*balcao.ResponseTimes, error) {
	first, err := db.elapsed(ctx, f, "t.created_at", "t.first_response_at")
	if err != nil {
		return nil, err
	}
	res, err := db.elapsed(ctx, f, "t.resolved_at", "t.resolved_at")
	if err != nil {
		return nil, err
	}
	return &balcao.ResponseTimes{FirstResponse: first, Resolution: res}, nil
}

// elapsed sums up end − created_at over the tickets whose periodCol is in
// the period and whose end is set.
func (db *DB) elapsed(ctx context.Context, f balcao.ReportFilter, periodCol, end string) (balcao.Durations, error) {
	where, args := db.reportWhere(f, periodCol)
	if where == "" {
		where = " WHERE " + end + " IS NOT NULL"
	} else {
		where += " AND " + end + " IS NOT NULL"
	}
	rows, err := db.rquery(ctx, `SELECT t.created_at, `+end+` FROM tickets t`+where, args...)
	if err != nil {
		return balcao.Durations{}, err
	}
	defer rows.Close()
	var ds []time.Duration
	for rows.Next() {
		var c, e time.Time
		if err := rows.Scan(dbTime{&c}, dbTime{&e}); err != nil {
			return balcao.Durations{}, err
		}
		ds = append(ds, max(e.Sub(c), 0))
	}
	if err := rows.Err(); err != nil {
		return balcao.Durations{}, err
	}
	slices.Sort(ds)
	return balcao.Durations{Count: len(ds), Median: balcao.Percentile(ds, 0.5), P90: balcao.Percentile(ds, 0.9)}, nil
}
