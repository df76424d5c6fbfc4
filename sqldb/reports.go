package sqldb

import (
	"context"
	"slices"
	"strings"
	"time"

	"balcao"
)

// maxReportDays bounds the days of a ReceivedByDay report.
const maxReportDays = 3700

// ReceivedByDay counts the tickets created in the period by day in loc and
// by request type. The rows are read in creation order over an index and
// bucketed here, because the two databases disagree on how to turn a
// stored time into a local calendar day.
func (db *DB) ReceivedByDay(ctx context.Context, f balcao.ReportFilter, loc *time.Location) (*balcao.DailyReceived, error) {
	if loc == nil {
		loc = time.UTC
	}
	where, args := db.reportWhere(f, "t.created_at")
	rows, err := db.rquery(ctx, `SELECT t.created_at, t.request_type FROM tickets t`+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ day, typ string }
	counts := map[key]int{}
	types := map[string]bool{}
	var first, last time.Time
	total := 0
	for rows.Next() {
		var at time.Time
		var typ string
		if err := rows.Scan(dbTime{&at}, &typ); err != nil {
			return nil, err
		}
		local := at.In(loc)
		counts[key{local.Format(time.DateOnly), typ}]++
		types[typ] = true
		if first.IsZero() || at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
		total++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	from, to := f.From, f.To.Add(-time.Nanosecond)
	if f.From.IsZero() {
		from = first
	}
	if f.To.IsZero() {
		to = last
	}
	r := &balcao.DailyReceived{Total: total}
	for typ := range types {
		r.Types = append(r.Types, typ)
	}
	slices.Sort(r.Types)
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return r, nil
	}
	fy, fm, fd := from.In(loc).Date()
	lastDay := to.In(loc).Format(time.DateOnly)
	for i := 0; ; i++ {
		day := time.Date(fy, fm, fd+i, 12, 0, 0, 0, loc).Format(time.DateOnly)
		if i >= maxReportDays {
			return nil, balcao.Errorf(balcao.EINVALID, "period: at most %d days", maxReportDays)
		}
		row := make([]int, len(r.Types))
		for k, typ := range r.Types {
			row[k] = counts[key{day, typ}]
		}
		r.Days = append(r.Days, day)
		r.Counts = append(r.Counts, row)
		if day >= lastDay {
			break
		}
	}
	return r, nil
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
	b.WriteString(`SELECT t.status, CASE`)
	for i, age := range balcao.BacklogAges {
		b.WriteString(` WHEN t.created_at > ? THEN ` + string(rune('0'+i)))
		qargs = append(qargs, db.d.t(at.Add(-age)))
	}
	b.WriteString(` ELSE ` + string(rune('0'+len(balcao.BacklogAges))) + ` END AS bucket, COUNT(*) FROM tickets t
		WHERE t.status IN ('new', 'open', 'pending_requester', 'pending_approval') AND t.created_at <= ?`)
	qargs = append(qargs, db.d.t(at))
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
	err := db.rrow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM sla_records s WHERE s.ticket_id = t.id AND s.clock = 'resolution' AND s.kind = 'breach') THEN 0 ELSE 1 END), 0),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM sla_records s WHERE s.ticket_id = t.id AND s.clock = 'first_response' AND s.kind = 'breach') THEN 0 ELSE 1 END), 0)
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
