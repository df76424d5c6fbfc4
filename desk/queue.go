package desk

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"balcao"
	"balcao/catalog"
)

type viewLink struct {
	ID      string // keeps keyboard focus on the link when htmx swaps the queue
	Label   string
	Count   string
	URL     string
	Current bool
}

type option struct {
	Value, Label string
	Selected     bool
}

type optGroup struct {
	Label   string
	Options []option
}

// queueRow is one ticket of a queue with its texts ready: a page has 50,
// and calling the template's functions for each cell cost a third of the
// page's time.
type queueRow struct {
	T                                   *balcao.Ticket
	URL, RequestType, Requester         string
	Status, Priority, Due, DueISO, Late string
}

type queuePage struct {
	page
	Views        []viewLink
	Teams        []viewLink
	Caption      string
	Rows         []queueRow
	NextURL      string
	FirstURL     string
	View         string
	Team         string
	Services     []option
	RequestTypes []optGroup
	Statuses     []option
	Priorities   []option
	Channels     []option
	Sorts        []option
	Organisation string
	ClearURL     string
	Notice       string
	B            bulkView // the bulk actions of bulk.go
}

// filterKeys are the query parameters that filter a queue; they carry
// over when the view changes.
var filterKeys = []string{"service", "type", "status", "priority", "org", "channel", "sort"}

func (s *Server) queue(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	now := s.Clock.Now()
	p := &queuePage{page: s.newPage(r, v, "queue.title")}
	if done := q.Get("done"); done != "" {
		if _, ok := messages["done."+done]; ok {
			p.Status = p.L.T("done." + done)
		}
	}
	f := balcao.DeskFilter{Scope: v.scope(), UserID: v.User.ID, DueBefore: now.Add(s.DueSoon), Limit: 50}
	qf, err := s.readFilters(r.Context(), q, v, f)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	// A bad view or team falls back to a list the user has; a bad filter
	// is named and left out.
	f, teams, team, view := qf.Filter, qf.Teams, qf.Team, qf.Filter.View
	for _, key := range qf.Bad {
		if key != "view" && key != "team" {
			p.addError(key, p.L.T("queue.badfilter", p.L.T("filter."+key)))
		}
	}
	f.Cursor = q.Get("after")

	ctx := r.Context()
	list, err := s.Store.DeskTickets(ctx, f)
	if balcao.ErrorCode(err) == balcao.EINVALID && f.Cursor != "" {
		p.Notice = p.L.T("queue.badcursor")
		f.Cursor = ""
		list, err = s.Store.DeskTickets(ctx, f)
	}
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	teamIDs := make([]int64, len(teams))
	for i, t := range teams {
		teamIDs[i] = t.ID
	}
	counts, err := s.Store.DeskCounts(ctx, f, teamIDs)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}

	// Links keep the filters and drop the page position.
	keep := url.Values{}
	for _, k := range filterKeys {
		if x := q.Get(k); x != "" {
			keep.Set(k, x)
		}
	}
	link := func(view balcao.DeskView, team string) string {
		u := url.Values{}
		for k, x := range keep {
			u[k] = x
		}
		u.Set("view", string(view))
		if team != "" {
			u.Set("team", team)
		}
		return "/desk/?" + u.Encode()
	}
	for _, vw := range balcao.DeskViews {
		if vw == balcao.ViewTeam {
			continue
		}
		p.Views = append(p.Views, viewLink{ID: "view-" + string(vw), Label: p.L.T("view." + string(vw)), Count: countText(counts.Views[vw]), URL: link(vw, ""), Current: vw == view})
	}
	for _, t := range teams {
		p.Teams = append(p.Teams, viewLink{ID: "team-" + t.Code, Label: t.Name, Count: countText(counts.Teams[t.ID]), URL: link(balcao.ViewTeam, t.Code),
			Current: view == balcao.ViewTeam && team != nil && team.ID == t.ID})
	}
	p.View = string(view)
	label := p.L.T("view." + string(view))
	count := counts.Views[view]
	if team != nil {
		p.Team = team.Code
		label = team.Name
		count = counts.Teams[team.ID]
	}
	p.Caption = p.L.T("queue.caption", label, countText(count))
	for _, t := range list.Tickets {
		row := queueRow{T: t, URL: "/desk/tickets/" + url.PathEscape(string(t.Number)), RequestType: s.requestTypeTitle(t.RequestType, p.L),
			Requester: t.RequesterName, Status: t.Status.Label(p.L.Lang), Priority: p.L.T("priority." + strconv.Itoa(t.Priority)),
			Due: s.dueLeft(p.L, t.DueAt)}
		if row.Requester == "" {
			row.Requester = t.RequesterEmail
		}
		if !t.DueAt.IsZero() {
			row.DueISO = t.DueAt.UTC().Format(time.RFC3339)
			if t.DueAt.Before(now) {
				row.Late = "late"
			}
		}
		p.Rows = append(p.Rows, row)
	}
	cur := url.Values{}
	for k, x := range q {
		cur[k] = x
	}
	cur.Del("after")
	cur.Del("done")
	p.FirstURL = "/desk/?" + cur.Encode()
	if f.Cursor == "" {
		p.FirstURL = ""
	}
	if list.Next != "" {
		cur.Set("after", list.Next)
		p.NextURL = "/desk/?" + cur.Encode()
	}
	p.ClearURL = "/desk/?view=" + string(view)
	if p.Team != "" {
		p.ClearURL += "&team=" + url.QueryEscape(p.Team)
	}
	p.filterOptions(s.Catalog, f)
	s.fillBulk(p)
	s.render(w, http.StatusOK, "queue", p)
}

// countText shows a capped count: "1000+" past the cap.
// queueFilters is a queue's view, filters and sort as read from a request.
type queueFilters struct {
	Filter balcao.DeskFilter
	Teams  []*balcao.Team // the teams the viewer may choose
	Team   *balcao.Team   // the team of the team view
	Bad    []string       // the keys whose values were not valid, left out
}

// readFilters reads a queue's view, filters and sort from the query into
// base, within the viewer's scope. A value that is not valid is left out
// and its key listed in Bad: "view" (the "mine" view is used instead),
// "team" (the viewer's first team, or "mine" without teams), or a filter.
func (s *Server) readFilters(ctx context.Context, q url.Values, v *viewer, base balcao.DeskFilter) (queueFilters, error) {
	out := queueFilters{Filter: base, Teams: v.Teams}
	f := &out.Filter
	bad := func(key string) { out.Bad = append(out.Bad, key) }
	view := balcao.DeskView(q.Get("view"))
	if view == "" {
		view = balcao.ViewMine
	}
	if !view.Valid() {
		bad("view")
		view = balcao.ViewMine
	}
	if v.User.Role == balcao.RoleAdmin {
		all, err := s.Store.ListTeams(ctx)
		if err != nil {
			return out, err
		}
		out.Teams = all
	}
	if view == balcao.ViewTeam {
		code := q.Get("team")
		for _, t := range out.Teams {
			if t.Code == code {
				out.Team = t
			}
		}
		if out.Team == nil {
			if code != "" {
				bad("team")
			}
			if len(out.Teams) == 0 {
				view = balcao.ViewMine
			} else {
				out.Team = out.Teams[0]
			}
		}
		if out.Team != nil {
			f.TeamID = out.Team.ID
		}
	}
	f.View = view
	f.Service = q.Get("service")
	if f.Service != "" && s.Catalog != nil && s.Catalog.Service(f.Service) == nil {
		bad("service")
		f.Service = ""
	}
	f.RequestType = q.Get("type")
	if f.RequestType != "" && s.Catalog != nil && s.Catalog.RequestType(f.RequestType) == nil {
		bad("request_type")
		f.RequestType = ""
	}
	if st := balcao.Status(q.Get("status")); st != "" {
		if st.Valid() {
			f.Status = st
		} else {
			bad("status")
		}
	}
	if pr := q.Get("priority"); pr != "" {
		if n, err := strconv.Atoi(pr); err == nil && n >= 1 && n <= 5 {
			f.Priority = n
		} else {
			bad("priority")
		}
	}
	f.OrganisationCode = q.Get("org")
	if ch := balcao.Channel(q.Get("channel")); ch != "" {
		if ch.Valid() {
			f.Channel = ch
		} else {
			bad("channel")
		}
	}
	switch srt := balcao.DeskSort(q.Get("sort")); srt {
	case "", balcao.SortDue:
		f.Sort = balcao.SortDue
	case balcao.SortUpdated:
		f.Sort = srt
	default:
		bad("sort")
		f.Sort = balcao.SortDue
	}
	return out, nil
}

func countText(n int) string {
	if n > balcao.DeskCountLimit {
		return strconv.Itoa(balcao.DeskCountLimit) + "+"
	}
	return strconv.Itoa(n)
}

// requestTypeTitle is the request type's title from the catalogue, its
// code when the catalogue no longer has it, "Por classificar" when none.
func (s *Server) requestTypeTitle(code string, l Localizer) string {
	if code == "" {
		return l.T("unclassified")
	}
	if s.Catalog != nil {
		if rt := s.Catalog.RequestType(code); rt != nil {
			return rt.Title.Get(l.Lang)
		}
	}
	return code
}

func (p *queuePage) filterOptions(cat *catalog.Catalog, f balcao.DeskFilter) {
	l := p.L
	p.Organisation = f.OrganisationCode
	if cat != nil {
		for _, sv := range cat.Services {
			p.Services = append(p.Services, option{sv.Code, sv.Name.Get(l.Lang), sv.Code == f.Service})
			g := optGroup{Label: sv.Name.Get(l.Lang)}
			for _, rt := range sv.RequestTypes {
				if !rt.Disabled {
					g.Options = append(g.Options, option{rt.Code, rt.Title.Get(l.Lang), rt.Code == f.RequestType})
				}
			}
			if len(g.Options) > 0 {
				p.RequestTypes = append(p.RequestTypes, g)
			}
		}
	}
	for _, st := range balcao.Statuses {
		p.Statuses = append(p.Statuses, option{string(st), st.Label(l.Lang), st == f.Status})
	}
	for n := 1; n <= 5; n++ {
		p.Priorities = append(p.Priorities, option{strconv.Itoa(n), l.T("priority." + strconv.Itoa(n)), n == f.Priority})
	}
	for _, ch := range balcao.Channels {
		p.Channels = append(p.Channels, option{string(ch), l.T("channel." + string(ch)), ch == f.Channel})
	}
	for _, srt := range []balcao.DeskSort{balcao.SortDue, balcao.SortUpdated} {
		p.Sorts = append(p.Sorts, option{string(srt), l.T("sort." + string(srt)), srt == f.Sort})
	}
}
