package desk

import (
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"time"

	"balcao"
	"balcao/charts"
)

// registerReports adds the supervisors' pages: the reports dashboard and
// the export of a queue's list.
func (s *Server) registerReports(mux *http.ServeMux) {
	funcs := template.FuncMap{"static": s.staticURL}
	s.pages.m["reports"] = template.Must(template.New("reports").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/reports.html"))
	mux.HandleFunc("GET /desk/reports", s.staff(s.reports))
	mux.HandleFunc("GET /desk/export.csv", s.staff(s.exportCSV))
	mux.HandleFunc("GET /desk/export.xlsx", s.staff(s.exportXLSX))
}

// canReport reports whether a user sees the reports: supervisors (for
// their teams) and admins (for every team).
func canReport(u *balcao.User) bool {
	return u != nil && (u.Role == balcao.RoleSupervisor || u.Role == balcao.RoleAdmin)
}

// reportPeriods are the periods the form offers, in days.
var reportPeriods = []int{7, 30, 90}

// maxReportDays bounds a period given by dates.
const maxReportDays = 366

// reportSection is one report: a chart, its data as a table and, for some,
// a sentence that sums it up.
type reportSection struct {
	ID      string
	Title   string
	Summary string
	SVG     template.HTML
	Table   charts.Table
	// Extra is a second table without a chart (the SLA records).
	Extra *charts.Table
}

type reportsPage struct {
	page
	Periods  []option
	From, To string
	Teams    []option
	AllTeams bool // the team selector offers "all teams"
	Services []option
	NoTeams  bool
	Scope    string // the period and selection shown, in words
	AsOf     string // when the figures were computed
	Rollup   string // how far the hourly summaries reach
	Sections []reportSection
}

// reportData is what the report queries return.
type reportData struct {
	at       time.Time // when the figures were computed
	received *balcao.DailyReceived
	backlog  *balcao.BacklogReport
	sla      *balcao.SLACompliance
	times    *balcao.ResponseTimes
	ratings  *balcao.RatingSummary
	records  *balcao.SLASummary
	rollup   balcao.ReportRollup
}

func (s *Server) reports(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !canReport(v.User) {
		s.renderError(w, r, v, http.StatusForbidden, "reports.forbidden")
		return
	}
	q := r.URL.Query()
	p := &reportsPage{page: s.newPage(r, v, "reports.title")}
	l := p.L
	bad := func(field, key string) { p.addError(field, l.T("queue.badfilter", l.T(key))) }

	// The period: the last n days up to today, or from/to dates (both
	// days included), in the console's time zone.
	now := s.Clock.Now()
	today := startOfDay(now, s.Location)
	days := 30
	if x := q.Get("period"); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil || !validPeriod(n) {
			bad("period", "reports.period")
		} else {
			days = n
		}
	}
	from, to := today.AddDate(0, 0, -(days-1)), today.AddDate(0, 0, 1)
	fromText, toText := q.Get("from"), q.Get("to")
	if fromText != "" || toText != "" {
		f, errF := time.ParseInLocation(time.DateOnly, fromText, s.Location)
		t, errT := time.ParseInLocation(time.DateOnly, toText, s.Location)
		switch {
		case errF != nil:
			p.addError("from", l.T("reports.baddate", l.T("reports.from")))
		case errT != nil:
			p.addError("to", l.T("reports.baddate", l.T("reports.to")))
		case t.Before(f):
			p.addError("to", l.T("reports.badorder"))
		case t.Sub(f) > maxReportDays*24*time.Hour:
			p.addError("to", l.T("reports.toolong", maxReportDays))
		default:
			from, to = f, t.AddDate(0, 0, 1)
		}
	}
	if fromText == "" && toText == "" {
		for _, n := range reportPeriods {
			p.Periods = append(p.Periods, option{strconv.Itoa(n), l.T("reports.lastdays", n), n == days})
		}
	} else {
		for _, n := range reportPeriods {
			p.Periods = append(p.Periods, option{strconv.Itoa(n), l.T("reports.lastdays", n), false})
		}
	}
	p.From, p.To = fromText, toText

	// The team: an admin may see every team at once; a supervisor sees one
	// of their teams at a time.
	teams := v.Teams
	if v.User.Role == balcao.RoleAdmin {
		all, err := s.Store.ListTeams(r.Context())
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		teams = all
		p.AllTeams = true
	}
	f := balcao.ReportFilter{From: from, To: to}
	var team *balcao.Team
	code := q.Get("team")
	for _, t := range teams {
		if t.Code == code {
			team = t
		}
	}
	if code != "" && team == nil {
		bad("team", "reports.team")
	}
	if team == nil && !p.AllTeams && len(teams) > 0 {
		team = teams[0]
	}
	if team != nil {
		f.TeamID = team.ID
	}
	for _, t := range teams {
		p.Teams = append(p.Teams, option{t.Code, t.Name, team != nil && t.ID == team.ID})
	}
	if sv := q.Get("service"); sv != "" {
		if s.Catalog != nil && s.Catalog.Service(sv) == nil {
			bad("service", "filter.service")
		} else {
			f.Service = sv
		}
	}
	if s.Catalog != nil {
		for _, sv := range s.Catalog.Services {
			p.Services = append(p.Services, option{sv.Code, sv.Name.Get(l.Lang), sv.Code == f.Service})
		}
	}
	if !p.AllTeams && len(teams) == 0 {
		p.NoTeams = true
		s.render(w, http.StatusOK, "reports", p)
		return
	}

	d, err := s.reportData(r, f, now)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	teamName := l.T("reports.allteams")
	if team != nil {
		teamName = team.Name
	}
	serviceName := l.T("reports.allservices")
	if f.Service != "" && s.Catalog != nil {
		serviceName = s.Catalog.Service(f.Service).Name.Get(l.Lang)
	}
	p.Scope = l.T("reports.scope", teamName, serviceName, from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly))
	p.AsOf = l.T("reports.asof", d.at.In(s.Location).Format("15:04"))
	if ru := d.rollup; ru.RolledTo.IsZero() {
		p.Rollup = l.T("reports.rollup.none")
	} else {
		to := ru.RolledTo.In(s.Location)
		p.Rollup = l.T("reports.rollup", to.Format("15:04"), to.Format(time.DateOnly), ru.ComputedAt.In(s.Location).Format("15:04"))
	}
	p.Sections = s.reportSections(l, d)
	s.render(w, http.StatusOK, "reports", p)
}

func validPeriod(n int) bool {
	for _, x := range reportPeriods {
		if x == n {
			return true
		}
	}
	return false
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// reportData runs the report queries at the same time: each reads its own
// slice of the tickets (or of the hourly summaries), and the page waits for
// the slowest.
func (s *Server) reportData(r *http.Request, f balcao.ReportFilter, now time.Time) (*reportData, error) {
	ttl := s.ReportCacheTTL
	if ttl == 0 {
		ttl = time.Minute
	}
	if d := s.reportCache.get(f, now, ttl); d != nil {
		return d, nil
	}
	ctx := r.Context()
	d := &reportData{at: now}
	var wg sync.WaitGroup
	errs := make([]error, 7)
	wg.Go(func() { d.received, errs[0] = s.Store.ReceivedByDay(ctx, f, s.Location) })
	wg.Go(func() { d.backlog, errs[1] = s.Store.Backlog(ctx, f, now) })
	wg.Go(func() { d.sla, errs[2] = s.Store.SLACompliance(ctx, f) })
	wg.Go(func() { d.times, errs[3] = s.Store.ResponseTimes(ctx, f) })
	wg.Go(func() { d.ratings, errs[4] = s.Store.RatingSummary(ctx, f) })
	wg.Go(func() { d.records, errs[5] = s.Store.SLASummary(ctx, f) })
	wg.Go(func() { d.rollup, errs[6] = s.Store.ReportRollup(ctx) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if ttl > 0 {
		s.reportCache.put(f, d, now, ttl)
	}
	return d, nil
}

// backlogAgeKeys name the backlog's age buckets (balcao.BacklogAges).
var backlogAgeKeys = [balcao.BacklogBuckets]string{"reports.age.0", "reports.age.1", "reports.age.2", "reports.age.3", "reports.age.4"}

func (s *Server) reportSections(l Localizer, d *reportData) []reportSection {
	num := func(v float64, dec int) string { return charts.FormatNumber(v, dec, l.Lang) }
	count := func(n int) string { return num(float64(n), 0) }
	pct := func(part, whole int) string {
		if whole == 0 {
			return "–"
		}
		return num(100*float64(part)/float64(whole), 1) + " %"
	}
	hours := func(dur time.Duration) string { return num(dur.Hours(), 1) }
	var out []reportSection
	add := func(c *charts.Chart, summary string) *reportSection {
		c.Lang = l.Lang
		out = append(out, reportSection{ID: c.ID, Title: c.Title, Summary: summary, SVG: c.SVG(), Table: c.Table()})
		return &out[len(out)-1]
	}

	// Received per day, by request type.
	rc := d.received
	c := &charts.Chart{ID: "received", Title: l.T("reports.received"), CategoryLabel: l.T("reports.day"),
		ValueLabel: l.T("reports.tickets"), TotalLabel: l.T("reports.total"), Categories: rc.Days}
	for k, code := range rc.Types {
		sr := charts.Series{Name: s.requestTypeTitle(code, l), Values: make([]float64, len(rc.Days))}
		for i := range rc.Days {
			sr.Values[i] = float64(rc.Counts[i][k])
		}
		c.Series = append(c.Series, sr)
	}
	if len(c.Series) == 0 {
		c.Series = []charts.Series{{Name: l.T("reports.tickets"), Values: make([]float64, len(rc.Days))}}
	}
	c.Desc = l.T("reports.received.desc", count(rc.Total), count(len(rc.Days)))
	add(c, c.Desc)

	// Backlog by age and state.
	bl := d.backlog
	c = &charts.Chart{ID: "backlog", Title: l.T("reports.backlog"), Horizontal: true, CategoryLabel: l.T("reports.age"),
		ValueLabel: l.T("reports.tickets"), TotalLabel: l.T("reports.total")}
	for _, k := range backlogAgeKeys {
		c.Categories = append(c.Categories, l.T(k))
	}
	for _, st := range balcao.OpenStatuses {
		cells := bl.Cells[st]
		sr := charts.Series{Name: st.Label(l.Lang), Values: make([]float64, balcao.BacklogBuckets)}
		for b := range cells {
			sr.Values[b] = float64(cells[b])
		}
		c.Series = append(c.Series, sr)
	}
	c.Desc = l.T("reports.backlog.desc", count(bl.Total))
	add(c, c.Desc)

	// SLA compliance of the tickets resolved in the period.
	sla := d.sla
	c = &charts.Chart{ID: "sla", Title: l.T("reports.sla"), Horizontal: true, CategoryLabel: l.T("reports.clock"),
		ValueLabel: l.T("reports.tickets"), TotalLabel: l.T("reports.total"),
		Categories: []string{l.T("reports.firstresponse"), l.T("reports.resolution")},
		Series: []charts.Series{
			{Name: l.T("reports.intime"), Values: []float64{float64(sla.FirstResponseInTime), float64(sla.ResolvedInTime)}},
			{Name: l.T("reports.late"), Values: []float64{float64(sla.Resolved - sla.FirstResponseInTime), float64(sla.Resolved - sla.ResolvedInTime)}},
		}}
	c.Desc = l.T("reports.sla.desc", count(sla.Resolved), pct(sla.FirstResponseInTime, sla.Resolved), pct(sla.ResolvedInTime, sla.Resolved))
	sec := add(c, c.Desc)
	rec := d.records
	sec.Extra = &charts.Table{Caption: l.T("reports.records"),
		Headers: []string{l.T("reports.clock"), l.T("reports.warnings"), l.T("reports.breaches")},
		Rows: []charts.Row{
			{Header: l.T("reports.firstresponse"), Cells: []string{count(rec.FirstResponseWarnings), count(rec.FirstResponseBreaches)}},
			{Header: l.T("reports.resolution"), Cells: []string{count(rec.ResolutionWarnings), count(rec.ResolutionBreaches)}},
		}}

	// Median (and 90th percentile) times, in hours.
	tm := d.times
	c = &charts.Chart{ID: "times", Title: l.T("reports.times"), Horizontal: true, Decimals: 1, CategoryLabel: l.T("reports.clock"),
		ValueLabel: l.T("reports.hours"),
		Categories: []string{l.T("reports.firstresponse"), l.T("reports.resolution")},
		Series:     []charts.Series{{Name: l.T("reports.median"), Values: []float64{tm.FirstResponse.Median.Hours(), tm.Resolution.Median.Hours()}}}}
	c.Desc = l.T("reports.times.desc", hours(tm.FirstResponse.Median), hours(tm.Resolution.Median))
	sec = add(c, c.Desc)
	sec.Table = charts.Table{Caption: c.Title,
		Headers: []string{l.T("reports.clock"), l.T("reports.tickets"), l.T("reports.median"), l.T("reports.p90")},
		Rows: []charts.Row{
			{Header: l.T("reports.firstresponse"), Cells: []string{count(tm.FirstResponse.Count), hours(tm.FirstResponse.Median), hours(tm.FirstResponse.P90)}},
			{Header: l.T("reports.resolution"), Cells: []string{count(tm.Resolution.Count), hours(tm.Resolution.Median), hours(tm.Resolution.P90)}},
		}}

	// Satisfaction: the average and how many of each score.
	rt := d.ratings
	c = &charts.Chart{ID: "ratings", Title: l.T("reports.ratings"), CategoryLabel: l.T("reports.score"),
		ValueLabel: l.T("reports.answers"), Categories: []string{"1", "2", "3", "4", "5"},
		Series: []charts.Series{{Name: l.T("reports.answers"), Values: make([]float64, 5)}}}
	for i, n := range rt.ByScore {
		c.Series[0].Values[i] = float64(n)
	}
	if rt.Count == 0 {
		c.Desc = l.T("reports.ratings.none")
	} else {
		c.Desc = l.T("reports.ratings.desc", num(rt.Average, 2), count(rt.Count))
	}
	add(c, c.Desc)
	return out
}

// CanReport reports whether the page's user sees the reports and the
// export links.
func (p page) CanReport() bool { return canReport(p.User) }
