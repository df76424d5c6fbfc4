package sqldb

import (
	"context"
	"database/sql"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"time"

	"balcao"
)

// The reports read summaries (migration 00011) for the complete hours
// before report_state.rolled_to: report_days for the UTC days wholly summed
// up, report_hours for the other hours; and the tickets themselves for the
// rest of their period: the hours since rolled_to, the hours a change made
// wrong since the last run (report_dirty, filled by triggers on tickets and
// sla_records), and any hour a period or day boundary cuts (a time zone
// that is not a whole number of hours from UTC). Hourly UTC summaries serve
// any whole-hour zone: Lisbon's and São Paulo's days are whole UTC hours,
// 23 or 25 of them when the clocks change.
//
// RollUpReports moves rolled_to to the last complete hour, a day at a time,
// and writes the dirty hours again. On PostgreSQL the triggers take the
// transaction-level advisory lock reportLockKey shared before they read
// rolled_to, and the job takes it exclusively: a write whose trigger read
// the old rolled_to is committed before the job reads the tickets, and a
// later one waits for the job and reads the new rolled_to; report_dirty
// does not change under the job either. (A SHARE lock on tickets did the
// same but could wait forever: the statement cache holds its mutex while
// PostgreSQL parses an UPDATE of tickets, which queued behind the job's
// lock, while a writer the job waited for needed that mutex. Parsing never
// takes the advisory lock.) On SQLite writes are serialised and the job
// runs in the write transaction.

// reportLockKey is the advisory lock of migration 00011's triggers.
const reportLockKey int64 = 4815162342

// rollupStep bounds the hours one transaction of RollUpReports sums up, so
// that catching up with a long history never holds the writers long.
const rollupStep = 24 * time.Hour

// histGamma is the ratio of a histogram bucket's upper bound to its lower
// bound: bucket k ≥ 1 holds the times in [γ^(k-1), γ^k) seconds, bucket 0
// those under a second. A bucket stands for γ^(k-½) seconds, within
// √γ − 1 < 1 % of any time in it (balcao.DurationRelativeError).
const histGamma = 1.02

// histMaxBucket bounds the buckets (γ^3000 seconds is far beyond any
// ticket).
const histMaxBucket = 3000

var logGamma = math.Log(histGamma)

func histBucket(d time.Duration) int {
	s := d.Seconds()
	if s < 1 {
		return 0
	}
	return min(1+int(math.Log(s)/logGamma), histMaxBucket)
}

func histValue(k int) time.Duration {
	if k <= 0 {
		return 0
	}
	return time.Duration(math.Pow(histGamma, float64(k)-0.5) * float64(time.Second))
}

// hist counts elapsed times by bucket.
type hist map[int]int

func (h hist) add(d time.Duration) { h[histBucket(max(d, 0))]++ }

// encode writes the buckets in order as pairs of uvarints: the bucket's
// distance from the previous one, and its count.
func (h hist) encode() []byte {
	keys := make([]int, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 4*len(keys))
	prev := 0
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(k-prev))
		b = binary.AppendUvarint(b, uint64(h[k]))
		prev = k
	}
	return b
}

// merge adds an encoded histogram.
func (h hist) merge(b []byte) error {
	k := 0
	for len(b) > 0 {
		dk, n1 := binary.Uvarint(b)
		if n1 <= 0 {
			return errBadHist
		}
		c, n2 := binary.Uvarint(b[n1:])
		if n2 <= 0 {
			return errBadHist
		}
		k += int(dk)
		h[k] += int(c)
		b = b[n1+n2:]
	}
	return nil
}

var errBadHist = balcao.Errorf(balcao.EINTERNAL, "report summary: histogram unreadable")

// durations sums up the histogram like balcao.Percentile does the sorted
// times, each rank standing for its bucket's value.
func (h hist) durations() balcao.Durations {
	keys := make([]int, 0, len(h))
	n := 0
	for k, c := range h {
		if c > 0 {
			keys = append(keys, k)
			n += c
		}
	}
	if n == 0 {
		return balcao.Durations{}
	}
	slices.Sort(keys)
	at := func(rank int) time.Duration {
		for _, k := range keys {
			if rank < h[k] {
				return histValue(k)
			}
			rank -= h[k]
		}
		return histValue(keys[len(keys)-1])
	}
	pct := func(p float64) time.Duration {
		pos := p * float64(n-1)
		lo := int(pos)
		if lo >= n-1 {
			return at(n - 1)
		}
		a, b := at(lo), at(lo+1)
		return a + time.Duration((pos-float64(lo))*float64(b-a))
	}
	return balcao.Durations{Count: n, Median: pct(0.5), P90: pct(0.9)}
}

// times collects elapsed times exactly while no summary has been added, so
// that a period read wholly from the tickets gives exact percentiles; once
// a summary is added, every time is counted in a dense histogram.
type times struct {
	exact []time.Duration
	dense []int // per bucket; nil until a summary is added
}

func (t *times) add(d time.Duration) {
	d = max(d, 0)
	if t.dense != nil {
		t.dense[histBucket(d)]++
		return
	}
	t.exact = append(t.exact, d)
}

func (t *times) merge(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if t.dense == nil {
		t.dense = make([]int, histMaxBucket+1)
		for _, d := range t.exact {
			t.dense[histBucket(d)]++
		}
		t.exact = nil
	}
	k := 0
	for len(b) > 0 {
		dk, n1 := binary.Uvarint(b)
		if n1 <= 0 {
			return errBadHist
		}
		c, n2 := binary.Uvarint(b[n1:])
		if n2 <= 0 || k+int(dk) > histMaxBucket {
			return errBadHist
		}
		k += int(dk)
		t.dense[k] += int(c)
		b = b[n1+n2:]
	}
	return nil
}

func (t *times) durations() balcao.Durations {
	if t.dense != nil {
		h := hist{}
		for k, c := range t.dense {
			if c > 0 {
				h[k] = c
			}
		}
		return h.durations()
	}
	slices.Sort(t.exact)
	return balcao.Durations{Count: len(t.exact), Median: balcao.Percentile(t.exact, 0.5), P90: balcao.Percentile(t.exact, 0.9)}
}

func floorHour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

func ceilHour(t time.Time) time.Time {
	f := floorHour(t)
	if f.Before(t) {
		f = f.Add(time.Hour)
	}
	return f
}

// span is a period [from, to).
type span struct{ from, to time.Time }

// addSpan appends s to sorted, merging it with the last span when they
// touch; spans must come in order.
func addSpan(spans []span, s span) []span {
	if !s.to.After(s.from) {
		return spans
	}
	if n := len(spans); n > 0 && !s.from.After(spans[n-1].to) {
		if s.to.After(spans[n-1].to) {
			spans[n-1].to = s.to
		}
		return spans
	}
	return append(spans, s)
}

// reportPlan says where each part of a period is read: the hours in
// [rollFrom, rollTo) from the summaries, except those in skip; the spans in
// direct from the tickets.
type reportPlan struct {
	rollFrom, rollTo time.Time
	skip             map[int64]bool // hours (Unix microseconds) read directly
	// days are the UTC days of [rollFrom, rollTo) with no skipped hour:
	// read from report_days, whose rows sum up a whole day.
	days   []time.Time
	direct []span
}

// usableDay returns the day of days that holds at, if any.
func (p *reportPlan) usableDay(at time.Time) (time.Time, bool) {
	d := floorDay(at)
	_, ok := slices.BinarySearchFunc(p.days, d, func(a, b time.Time) int { return a.Compare(b) })
	return d, ok
}

// hourSpans returns the summed hours outside days, as spans.
func (p *reportPlan) hourSpans() []span {
	var out []span
	cur := p.rollFrom
	for _, d := range p.days {
		out = addSpan(out, span{cur, d})
		cur = d.Add(24 * time.Hour)
	}
	return addSpan(out, span{cur, p.rollTo})
}

// daySpans returns days as spans.
func (p *reportPlan) daySpans() []span {
	var out []span
	for _, d := range p.days {
		out = addSpan(out, span{d, d.Add(24 * time.Hour)})
	}
	return out
}

func floorDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

func (p *reportPlan) summed(hour time.Time) bool {
	return !hour.Before(p.rollFrom) && hour.Before(p.rollTo) && !p.skip[hour.UnixMicro()]
}

var (
	reportEpoch   = time.Unix(0, 0).UTC()
	reportForever = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

// planReport plans the reading of [from, to) (zero: unbounded); cuts are
// instants inside the period (days' bounds) that a summed hour must not
// straddle.
func (db *DB) planReport(ctx context.Context, from, to time.Time, cuts []time.Time) (*reportPlan, error) {
	if from.IsZero() || from.Before(reportEpoch) {
		from = reportEpoch
	}
	if to.IsZero() || to.After(reportForever) {
		to = reportForever
	}
	st, err := db.ReportRollup(ctx)
	if err != nil {
		return nil, err
	}
	p := &reportPlan{rollFrom: ceilHour(from), skip: map[int64]bool{}}
	p.rollTo = floorHour(to)
	if st.RolledTo.Before(p.rollTo) {
		p.rollTo = st.RolledTo
	}
	if !p.rollTo.After(p.rollFrom) {
		p.rollFrom, p.rollTo = time.Time{}, time.Time{}
		p.direct = addSpan(nil, span{from, to})
		return p, nil
	}
	rows, err := db.rquery(ctx, `SELECT hour FROM report_dirty WHERE hour >= ? AND hour < ?`, db.d.t(p.rollFrom), db.d.t(p.rollTo))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h time.Time
		if err := rows.Scan(dbTime{&h}); err != nil {
			return nil, err
		}
		p.skip[h.UnixMicro()] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range cuts {
		if c.After(p.rollFrom) && c.Before(p.rollTo) && !floorHour(c).Equal(c) {
			p.skip[floorHour(c).UnixMicro()] = true
		}
	}
	skipped := make([]int64, 0, len(p.skip))
	for h := range p.skip {
		skipped = append(skipped, h)
	}
	slices.Sort(skipped)
	for d := floorDay(p.rollFrom); !d.Add(24 * time.Hour).After(p.rollTo); d = d.Add(24 * time.Hour) {
		if d.Before(p.rollFrom) {
			continue
		}
		i, _ := slices.BinarySearch(skipped, d.UnixMicro())
		if i < len(skipped) && skipped[i] < d.Add(24*time.Hour).UnixMicro() {
			continue
		}
		p.days = append(p.days, d)
	}
	p.direct = addSpan(p.direct, span{from, p.rollFrom})
	for _, h := range skipped {
		t := time.UnixMicro(h).UTC()
		p.direct = addSpan(p.direct, span{t, t.Add(time.Hour)})
	}
	p.direct = addSpan(p.direct, span{p.rollTo, to})
	return p, nil
}

// sumRows reads the rows of a summary table (report_hours by hour or
// report_days by day) in spans, for the filter's team and service: up to
// 50 spans a query, each an index range.
func (db *DB) sumRows(ctx context.Context, table, col string, spans []span, f balcao.ReportFilter, cols string, each func(*sql.Rows) error) error {
	for len(spans) > 0 {
		chunk := spans[:min(50, len(spans))]
		spans = spans[len(chunk):]
		var b strings.Builder
		var args []any
		b.WriteString(`SELECT r.` + col + `, ` + cols + ` FROM ` + table + ` r WHERE (`)
		for i, s := range chunk {
			if i > 0 {
				b.WriteString(` OR `)
			}
			b.WriteString(`(r.` + col + ` >= ? AND r.` + col + ` < ?)`)
			args = append(args, db.d.t(s.from), db.d.t(s.to))
		}
		b.WriteString(`)`)
		if f.TeamID != 0 {
			b.WriteString(` AND r.team_id = ?`)
			args = append(args, f.TeamID)
		}
		if f.Service != "" {
			b.WriteString(` AND r.service = ?`)
			args = append(args, f.Service)
		}
		var rows *sql.Rows
		var err error
		if len(chunk) == 1 {
			rows, err = db.rquery(ctx, b.String(), args...)
		} else {
			rows, err = db.rqueryOnce(ctx, b.String(), args...)
		}
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := each(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// rqueryOnce runs a query on the read pool without keeping it prepared:
// for query texts that vary with their arguments (a list of spans).
func (db *DB) rqueryOnce(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.d.Numbered {
		query = renumber(query)
	}
	return db.read.QueryContext(ctx, query, args...)
}

// ReportRollup returns how far the hourly summaries reach.
func (db *DB) ReportRollup(ctx context.Context) (balcao.ReportRollup, error) {
	var r balcao.ReportRollup
	if err := db.rrow(ctx, `SELECT rolled_to, computed_at FROM report_state`).Scan(dbTime{&r.RolledTo}, dbTime{&r.ComputedAt}); err != nil {
		return r, err
	}
	if !r.RolledTo.After(reportEpoch) {
		return balcao.ReportRollup{}, nil
	}
	return r, nil
}

// rollKey is one row of report_hours.
type rollKey struct {
	hour          int64 // Unix microseconds
	team          int64
	service, kind string
}

type rollRow struct {
	received                  int
	firstResponse             hist
	resolved, resInTime, frIn int
	resolution                hist
}

// RollUpReports writes the summaries of the complete hours up to now and of
// the hours changed since the last run, a day at a time.
func (db *DB) RollUpReports(ctx context.Context, now time.Time) (balcao.ReportRollup, error) {
	target := floorHour(now)
	for {
		var done bool
		err := db.tx(ctx, func(tx *sql.Tx) error {
			var err error
			done, err = db.rollUpStep(ctx, tx, target, now)
			return err
		})
		if err != nil {
			return balcao.ReportRollup{}, err
		}
		if done {
			return db.ReportRollup(ctx)
		}
	}
}

// rollUpStep writes the dirty hours and at most rollupStep more, and
// reports whether rolled_to reached target.
func (db *DB) rollUpStep(ctx context.Context, tx *sql.Tx, target, now time.Time) (bool, error) {
	if db.d.Numbered {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, reportLockKey); err != nil {
			return false, err
		}
	}
	var rolled time.Time
	if err := db.qrow(ctx, tx, `SELECT rolled_to FROM report_state`).Scan(dbTime{&rolled}); err != nil {
		return false, err
	}
	if !rolled.After(reportEpoch) {
		// The first run starts at the first ticket's hour: no summary is
		// needed before it.
		var first, firstResolved time.Time
		if err := db.qrow(ctx, tx, `SELECT (SELECT MIN(created_at) FROM tickets), (SELECT MIN(resolved_at) FROM tickets WHERE resolved_at IS NOT NULL)`).
			Scan(dbTime{&first}, dbTime{&firstResolved}); err != nil {
			return false, err
		}
		if !firstResolved.IsZero() && (first.IsZero() || firstResolved.Before(first)) {
			first = firstResolved
		}
		rolled = target
		if !first.IsZero() && first.Before(target) {
			rolled = floorHour(first)
		}
	}
	next := rolled
	if target.After(rolled) {
		next = rolled.Add(rollupStep)
		if next.After(target) {
			next = target
		}
	}
	var spans []span
	rows, err := db.tquery(ctx, tx, `SELECT hour FROM report_dirty WHERE hour < ? ORDER BY hour`, db.d.t(rolled))
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var h time.Time
		if err := rows.Scan(dbTime{&h}); err != nil {
			rows.Close()
			return false, err
		}
		spans = addSpan(spans, span{h, h.Add(time.Hour)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	spans = addSpan(spans, span{rolled, next})
	for _, s := range spans {
		if err := db.sumUp(ctx, tx, s); err != nil {
			return false, err
		}
	}
	days := map[time.Time]bool{}
	for _, s := range spans {
		for d := floorDay(s.from); d.Before(s.to); d = d.Add(24 * time.Hour) {
			days[d] = true
		}
	}
	for d := range days {
		if err := db.sumDay(ctx, tx, d, next); err != nil {
			return false, err
		}
	}
	if _, err := db.exec(ctx, tx, `DELETE FROM report_dirty WHERE hour < ?`, db.d.t(next)); err != nil {
		return false, err
	}
	if _, err := db.exec(ctx, tx, `UPDATE report_state SET rolled_to = ?, computed_at = ?`, db.d.t(next), db.d.t(now)); err != nil {
		return false, err
	}
	return !next.Before(target), nil
}

// sumUp writes again the summaries of the hours in s.
func (db *DB) sumUp(ctx context.Context, tx *sql.Tx, s span) error {
	sums := map[rollKey]*rollRow{}
	row := func(at time.Time, team int64, service, kind string) *rollRow {
		k := rollKey{floorHour(at).UnixMicro(), team, service, kind}
		r := sums[k]
		if r == nil {
			r = &rollRow{firstResponse: hist{}, resolution: hist{}}
			sums[k] = r
		}
		return r
	}
	rows, err := db.tquery(ctx, tx, `SELECT t.created_at, COALESCE(t.team_id, 0), t.service, t.request_type, t.first_response_at
		FROM tickets t WHERE t.created_at >= ? AND t.created_at < ?`, db.d.t(s.from), db.d.t(s.to))
	if err != nil {
		return err
	}
	for rows.Next() {
		var created, first time.Time
		var team int64
		var service, kind string
		if err := rows.Scan(dbTime{&created}, &team, &service, &kind, dbTime{&first}); err != nil {
			rows.Close()
			return err
		}
		r := row(created, team, service, kind)
		r.received++
		if !first.IsZero() {
			r.firstResponse.add(first.Sub(created))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.tquery(ctx, tx, `SELECT t.resolved_at, COALESCE(t.team_id, 0), t.service, t.request_type, t.created_at,
		CASE WHEN EXISTS (SELECT 1 FROM sla_records s WHERE s.ticket_id = t.id AND s.clock = 'resolution' AND s.kind = 'breach') THEN 1 ELSE 0 END,
		CASE WHEN EXISTS (SELECT 1 FROM sla_records s WHERE s.ticket_id = t.id AND s.clock = 'first_response' AND s.kind = 'breach') THEN 1 ELSE 0 END
		FROM tickets t WHERE t.resolved_at >= ? AND t.resolved_at < ?`, db.d.t(s.from), db.d.t(s.to))
	if err != nil {
		return err
	}
	for rows.Next() {
		var resolved, created time.Time
		var team int64
		var service, kind string
		var resBreach, frBreach int
		if err := rows.Scan(dbTime{&resolved}, &team, &service, &kind, dbTime{&created}, &resBreach, &frBreach); err != nil {
			rows.Close()
			return err
		}
		r := row(resolved, team, service, kind)
		r.resolved++
		if resBreach == 0 {
			r.resInTime++
		}
		if frBreach == 0 {
			r.frIn++
		}
		r.resolution.add(resolved.Sub(created))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := db.exec(ctx, tx, `DELETE FROM report_hours WHERE hour >= ? AND hour < ?`, db.d.t(s.from), db.d.t(s.to)); err != nil {
		return err
	}
	for k, r := range sums {
		if _, err := db.exec(ctx, tx, `INSERT INTO report_hours (hour, team_id, service, request_type, received, first_response,
			resolved, resolved_in_time, first_response_in_time, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			db.d.t(time.UnixMicro(k.hour)), k.team, k.service, k.kind, r.received, r.firstResponse.encode(),
			r.resolved, r.resInTime, r.frIn, r.resolution.encode()); err != nil {
			return err
		}
	}
	return nil
}

// sumDay writes again the summaries of UTC day d from its hours', or
// removes them while the day is not wholly summed up (before next).
func (db *DB) sumDay(ctx context.Context, tx *sql.Tx, d, next time.Time) error {
	end := d.Add(24 * time.Hour)
	if _, err := db.exec(ctx, tx, `DELETE FROM report_days WHERE day = ?`, db.d.t(d)); err != nil || end.After(next) {
		return err
	}
	sums := map[rollKey]*rollRow{}
	rows, err := db.tquery(ctx, tx, `SELECT team_id, service, request_type, received, first_response, resolved, resolved_in_time,
		first_response_in_time, resolution FROM report_hours WHERE hour >= ? AND hour < ?`, db.d.t(d), db.d.t(end))
	if err != nil {
		return err
	}
	for rows.Next() {
		var k rollKey
		var c rollRow
		var fr, res []byte
		if err := rows.Scan(&k.team, &k.service, &k.kind, &c.received, &fr, &c.resolved, &c.resInTime, &c.frIn, &res); err != nil {
			rows.Close()
			return err
		}
		r := sums[k]
		if r == nil {
			r = &rollRow{firstResponse: hist{}, resolution: hist{}}
			sums[k] = r
		}
		r.received += c.received
		r.resolved += c.resolved
		r.resInTime += c.resInTime
		r.frIn += c.frIn
		if err := r.firstResponse.merge(fr); err != nil {
			rows.Close()
			return err
		}
		if err := r.resolution.merge(res); err != nil {
			rows.Close()
			return err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k, r := range sums {
		if _, err := db.exec(ctx, tx, `INSERT INTO report_days (day, team_id, service, request_type, received, first_response,
			resolved, resolved_in_time, first_response_in_time, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			db.d.t(d), k.team, k.service, k.kind, r.received, r.firstResponse.encode(),
			r.resolved, r.resInTime, r.frIn, r.resolution.encode()); err != nil {
			return err
		}
	}
	return nil
}

// tquery runs a query in a write transaction.
func (db *DB) tquery(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, db.write, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}
