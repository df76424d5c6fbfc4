package sqldb

import (
	"context"
	"database/sql"
	"fmt"
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
// and days are 23 or 25 hours long when the clocks change); the hourly
// summaries give the counts of the hours they hold (rollup.go), and the
// tickets of the other hours are read and counted here.
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
	p, err := db.planReport(ctx, from, to, bounds[1:len(bounds)-1])
	if err != nil {
		return nil, err
	}
	// day finds the day an instant of the period falls in.
	day := func(at time.Time) int {
		i, found := slices.BinarySearchFunc(bounds, at, func(b, at time.Time) int { return b.Compare(at) })
		if !found {
			i--
		}
		return i
	}
	types := map[string]int{}
	counts := make([]map[string]int, len(r.Days)) // per day
	countDay := func(d int, typ string, n int) {
		if d < 0 || d >= len(r.Days) {
			return
		}
		if counts[d] == nil {
			counts[d] = map[string]int{}
		}
		counts[d][typ] += n
		types[typ] = 0
	}
	count := func(at time.Time, typ string, n int) { countDay(day(at), typ, n) }
	// A whole UTC day's row counts for the local day holding its noon; its
	// hours of another local day are then moved there from their hourly
	// rows (one hour a day in Lisbon's summer, three in São Paulo).
	assigned := func(d time.Time) int { return day(d.Add(12 * time.Hour)) }
	if len(p.days) > 0 {
		err := db.sumRows(ctx, "report_days", "day", p.daySpans(), f, "r.request_type, r.received", func(rows *sql.Rows) error {
			var d time.Time
			var typ string
			var n int
			if err := rows.Scan(dbTime{&d}, &typ, &n); err != nil {
				return err
			}
			if _, ok := p.usableDay(d); ok && n > 0 {
				countDay(assigned(d), typ, n)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	hours := p.hourSpans()
	for _, d := range p.days {
		a := assigned(d)
		for h := d; h.Before(d.Add(24 * time.Hour)); h = h.Add(time.Hour) {
			if day(h) != a {
				hours = append(hours, span{h, h.Add(time.Hour)})
			}
		}
	}
	slices.SortFunc(hours, func(x, y span) int { return x.from.Compare(y.from) })
	var merged []span
	for _, h := range hours {
		merged = addSpan(merged, h)
	}
	if len(merged) > 0 {
		err := db.sumRows(ctx, "report_hours", "hour", merged, f, "r.request_type, r.received", func(rows *sql.Rows) error {
			var h time.Time
			var typ string
			var n int
			if err := rows.Scan(dbTime{&h}, &typ, &n); err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if d, ok := p.usableDay(h); ok {
				countDay(day(h), typ, n)
				countDay(assigned(d), typ, -n)
			} else if p.summed(h) {
				count(h, typ, n)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, sp := range p.direct {
		g := f
		g.From, g.To = sp.from, sp.to
		where, args := db.reportWhere(g, "t.created_at")
		rows, err := db.rquery(ctx, `SELECT t.created_at, t.request_type FROM tickets t`+where, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var at time.Time
			var typ string
			if err := rows.Scan(dbTime{&at}, &typ); err != nil {
				rows.Close()
				return nil, err
			}
			count(at, typ, 1)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for d := range counts {
		for typ, n := range counts[d] {
			types[typ] += n
		}
	}
	for typ, n := range types {
		if n != 0 {
			r.Types = append(r.Types, typ)
		}
	}
	clear(types)
	slices.Sort(r.Types)
	for k, typ := range r.Types {
		types[typ] = k
	}
	r.Counts = make([][]int, len(r.Days))
	for d := range r.Counts {
		r.Counts[d] = make([]int, len(r.Types))
		for typ, n := range counts[d] {
			if k, ok := types[typ]; ok {
				r.Counts[d][k] += n
				r.Total += n
			}
		}
	}
	return r, nil
}

// Backlog counts the open tickets at an instant by age and state, from
// bounds worked out here (no date arithmetic of either database is needed).
//
// A team's backlog reads that team's entries of tickets_backlog (state,
// team, service, creation) once, counting per state how many are newer than
// each bound. The whole desk's counts each state's tickets between two
// bounds in tickets_open_age (state, creation, service): twenty range
// counts with no expression evaluated per ticket, which for 66,667 open
// tickets cost a quarter of the grouping by a computed bucket (a sort of
// every ticket) that this replaced. See docs/PERFORMANCE.md.
func (db *DB) Backlog(ctx context.Context, f balcao.ReportFilter, at time.Time) (*balcao.BacklogReport, error) {
	r := &balcao.BacklogReport{At: at, ByStatus: map[balcao.Status]int{}, Cells: map[balcao.Status][balcao.BacklogBuckets]int{}}
	for _, s := range balcao.OpenStatuses {
		r.ByStatus[s] = 0
		r.Cells[s] = [balcao.BacklogBuckets]int{}
	}
	// bounds[0] is the instant; bounds[i+1] the oldest creation time of
	// bucket i (a ticket on a bound is in the older bucket).
	bounds := []any{db.d.t(at)}
	for _, age := range balcao.BacklogAges {
		bounds = append(bounds, db.d.t(at.Add(-age)))
	}
	add := func(st balcao.Status, bucket, n int) {
		if bucket < 0 || bucket >= balcao.BacklogBuckets || n == 0 {
			return
		}
		r.ByAge[bucket] += n
		r.ByStatus[st] += n
		c := r.Cells[st]
		c[bucket] += n
		r.Cells[st] = c
		r.Total += n
	}
	if f.TeamID != 0 {
		var b strings.Builder
		var args []any
		// newer[0] counts the tickets created after the instant, newer[i]
		// those created after bound i.
		b.WriteString(`SELECT t.status, COUNT(*)`)
		for _, v := range bounds {
			b.WriteString(`, COALESCE(SUM(CASE WHEN t.created_at > ? THEN 1 ELSE 0 END), 0)`)
			args = append(args, v)
		}
		// SQLite's planner, left to itself, takes tickets_counts (state and
		// team too, but not the creation time) and reads every ticket row:
		// 23 ms instead of under 2 for a team of 6,667 open tickets.
		from := ` FROM tickets t`
		if !db.d.Numbered {
			from += ` INDEXED BY tickets_backlog`
		}
		b.WriteString(from + ` WHERE ` + openStatusSQL + ` AND t.team_id = ?`)
		args = append(args, f.TeamID)
		if f.Service != "" {
			b.WriteString(` AND t.service = ?`)
			args = append(args, f.Service)
		}
		b.WriteString(` GROUP BY t.status`)
		rows, err := db.rquery(ctx, strings.ReplaceAll(b.String(), "status IN", "t.status IN"), args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var st balcao.Status
			var all int
			newer := make([]int, len(bounds))
			dest := []any{&st, &all}
			for i := range newer {
				dest = append(dest, &newer[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			newer = append(newer, all)
			for i := range balcao.BacklogBuckets {
				add(st, i, newer[i+1]-newer[i])
			}
		}
		return r, rows.Err()
	}
	// One range count per state and bucket. The states are written in the
	// text (constants) so that both planners see the partial index's
	// condition implied.
	var b strings.Builder
	var args []any
	service := ""
	if f.Service != "" {
		service = ` AND ` + db.notIndexed(`t.service = ?`)
	}
	for si, st := range balcao.OpenStatuses {
		for i := range balcao.BacklogBuckets {
			if b.Len() > 0 {
				b.WriteString(" UNION ALL ")
			}
			fmt.Fprintf(&b, `SELECT %d, %d, COUNT(*) FROM tickets t WHERE t.%s AND t.status = '%s' AND t.created_at <= ?`, si, i, openStatusSQL, st)
			args = append(args, bounds[i])
			if i+1 < len(bounds) {
				b.WriteString(` AND t.created_at > ?`)
				args = append(args, bounds[i+1])
			}
			if service != "" {
				b.WriteString(service)
				args = append(args, f.Service)
			}
		}
	}
	rows, err := db.rquery(ctx, b.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var si, bucket, n int
		if err := rows.Scan(&si, &bucket, &n); err != nil {
			return nil, err
		}
		if si >= 0 && si < len(balcao.OpenStatuses) {
			add(balcao.OpenStatuses[si], bucket, n)
		}
	}
	return r, rows.Err()
}

// SLACompliance counts the tickets resolved in the period and those
// with no breach recorded, per clock.
func (db *DB) SLACompliance(ctx context.Context, f balcao.ReportFilter) (*balcao.SLACompliance, error) {
	r := &balcao.SLACompliance{}
	_, err := db.resolvedSide(ctx, f, func(c balcao.SLACompliance, _ []byte) {
		r.Resolved += c.Resolved
		r.ResolvedInTime += c.ResolvedInTime
		r.FirstResponseInTime += c.FirstResponseInTime
	}, nil)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// resolvedSide reads the tickets resolved in the period: the summed hours'
// counts and resolution histograms through sum, and each other ticket's
// breaches through sum and its time to resolution through each (when not
// nil).
func (db *DB) resolvedSide(ctx context.Context, f balcao.ReportFilter, sum func(balcao.SLACompliance, []byte), each func(time.Duration)) (*reportPlan, error) {
	p, err := db.planReport(ctx, f.From, f.To, nil)
	if err != nil {
		return nil, err
	}
	cols := "r.resolved, r.resolved_in_time, r.first_response_in_time"
	if each != nil {
		cols += ", r.resolution"
	}
	read := func(in func(time.Time) bool) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var h time.Time
			var c balcao.SLACompliance
			var b []byte
			dest := []any{dbTime{&h}, &c.Resolved, &c.ResolvedInTime, &c.FirstResponseInTime}
			if each != nil {
				dest = append(dest, &b)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if c.Resolved > 0 && in(h) {
				sum(c, b)
			}
			return nil
		}
	}
	if len(p.days) > 0 {
		if err := db.sumRows(ctx, "report_days", "day", p.daySpans(), f, cols, read(func(d time.Time) bool { _, ok := p.usableDay(d); return ok })); err != nil {
			return nil, err
		}
	}
	if hours := p.hourSpans(); len(hours) > 0 {
		if err := db.sumRows(ctx, "report_hours", "hour", hours, f, cols, read(p.summed)); err != nil {
			return nil, err
		}
	}
	for _, sp := range p.direct {
		g := f
		g.From, g.To = sp.from, sp.to
		where, args := db.reportWhere(g, "t.resolved_at")
		rows, err := db.rquery(ctx, `SELECT t.resolved_at, t.created_at,
			CASE WHEN EXISTS (SELECT 1 FROM sla_records s WHERE s.ticket_id = t.id AND s.clock = 'resolution' AND s.kind = 'breach') THEN 0 ELSE 1 END,
			CASE WHEN EXISTS (SELECT 1 FROM sla_records s WHERE s.ticket_id = t.id AND s.clock = 'first_response' AND s.kind = 'breach') THEN 0 ELSE 1 END
			FROM tickets t`+where, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var resolved, created time.Time
			c := balcao.SLACompliance{Resolved: 1}
			if err := rows.Scan(dbTime{&resolved}, dbTime{&created}, &c.ResolvedInTime, &c.FirstResponseInTime); err != nil {
				rows.Close()
				return nil, err
			}
			sum(c, nil)
			if each != nil {
				each(resolved.Sub(created))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ResponseTimes sums up the elapsed times of the period's tickets: from
// the summaries' histograms for the summed hours, with the other tickets'
// times added to them; exactly when the period has no summed hour.
func (db *DB) ResponseTimes(ctx context.Context, f balcao.ReportFilter) (*balcao.ResponseTimes, error) {
	var first, res times
	var herr error
	p, err := db.planReport(ctx, f.From, f.To, nil)
	if err != nil {
		return nil, err
	}
	read := func(in func(time.Time) bool) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var h time.Time
			var b []byte
			if err := rows.Scan(dbTime{&h}, &b); err != nil {
				return err
			}
			if in(h) {
				return first.merge(b)
			}
			return nil
		}
	}
	if len(p.days) > 0 {
		if err := db.sumRows(ctx, "report_days", "day", p.daySpans(), f, "r.first_response", read(func(d time.Time) bool { _, ok := p.usableDay(d); return ok })); err != nil {
			return nil, err
		}
	}
	if hours := p.hourSpans(); len(hours) > 0 {
		if err := db.sumRows(ctx, "report_hours", "hour", hours, f, "r.first_response", read(p.summed)); err != nil {
			return nil, err
		}
	}
	for _, sp := range p.direct {
		g := f
		g.From, g.To = sp.from, sp.to
		where, args := db.reportWhere(g, "t.created_at")
		rows, err := db.rquery(ctx, `SELECT t.created_at, t.first_response_at FROM tickets t`+where+` AND t.first_response_at IS NOT NULL`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c, e time.Time
			if err := rows.Scan(dbTime{&c}, dbTime{&e}); err != nil {
				rows.Close()
				return nil, err
			}
			first.add(e.Sub(c))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if _, err := db.resolvedSide(ctx, f, func(_ balcao.SLACompliance, b []byte) {
		if err := res.merge(b); err != nil {
			herr = err
		}
	}, res.add); err != nil {
		return nil, err
	}
	if herr != nil {
		return nil, herr
	}
	return &balcao.ResponseTimes{FirstResponse: first.durations(), Resolution: res.durations()}, nil
}
