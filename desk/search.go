package desk

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"balcao"
	"balcao/charts"
)

type searchPage struct {
	page
	Query    string
	Searched bool
	Caption  string
	// Found says how many tickets were found (admins only: an agent's
	// page would count tickets out of scope) and Order which come first.
	Found    string
	Order    string
	Rows     []queueRow
	NextURL  string
	FirstURL string
}

// searchPageSize is how many results a page shows for an admin, and the
// fewest a page tries to show for others.
const searchPageSize = 25

// A viewer who may not see every ticket found reads larger store pages,
// searchScopedLimit tickets each, at most searchFetches of them, until
// searchPageSize are visible: every store page of a common word costs
// about the same whatever its size, so one large page beats several small
// ones. Such a page may show more than searchPageSize rows.
const (
	searchScopedLimit = 100
	searchFetches     = 3
)

func (s *Server) search(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	p := &searchPage{page: s.newPage(r, v, "search.title"), Query: text}
	if text == "" {
		if q.Has("q") {
			p.addError("q", p.L.T("search.empty"))
		}
		s.render(w, http.StatusOK, "search", p)
		return
	}
	if n := len([]rune(text)); n > balcao.MaxSearchLen {
		p.addError("q", p.L.T("search.long", n, balcao.MaxSearchLen))
		s.render(w, http.StatusOK, "search", p)
		return
	}
	p.Searched = true
	ctx := r.Context()
	sq := balcao.SearchQuery{Text: text, IncludeNotes: true, Limit: searchPageSize, Cursor: q.Get("after")}
	if !v.scope().All {
		sq.Limit = searchScopedLimit
	}
	var found []*balcao.Ticket
	var first *balcao.TicketPage
	next := ""
	for i := 0; i < searchFetches; i++ {
		res, err := s.Store.SearchTickets(ctx, sq)
		if balcao.ErrorCode(err) == balcao.EINVALID && sq.Cursor != "" && i == 0 {
			sq.Cursor = ""
			res, err = s.Store.SearchTickets(ctx, sq)
		}
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		if first == nil {
			first = res
		}
		for _, t := range res.Tickets {
			if v.canSee(t) {
				found = append(found, t)
			}
		}
		next = res.Next
		if next == "" || len(found) >= searchPageSize {
			break
		}
		sq.Cursor = next
	}
	// A ticket number found alone opens the ticket.
	if len(found) == 1 && q.Get("after") == "" && next == "" {
		t := found[0]
		if terms, err := balcao.ParseSearch(text, numberPrefix(t.Number)); err == nil && terms.Kind == balcao.SearchNumber && terms.Number == t.Number {
			http.Redirect(w, r, "/desk/tickets/"+url.PathEscape(string(t.Number)), http.StatusSeeOther)
			return
		}
	}
	now := s.Clock.Now()
	for _, t := range found {
		p.Rows = append(p.Rows, s.ticketRow(p.L, t, now))
	}
	p.Caption = p.L.T("search.caption", text, strconv.Itoa(len(p.Rows)))
	if len(p.Rows) > 0 {
		switch first.Order {
		case balcao.SearchByNewest:
			p.Order = p.L.T("search.newest")
		case balcao.SearchByRelevance:
			p.Order = p.L.T("search.relevance")
		}
	}
	if v.scope().All && q.Get("after") == "" {
		switch {
		case first.ManyMatches:
			p.Found = p.L.T("search.count.many", charts.FormatNumber(balcao.SearchManyMatches, 0, p.L.Lang))
		case first.Matches > 0:
			p.Found = p.L.T("search.count", charts.FormatNumber(float64(first.Matches), 0, p.L.Lang))
		}
	}
	if q.Get("after") != "" {
		p.FirstURL = "/desk/search?" + url.Values{"q": {text}}.Encode()
	}
	if next != "" {
		p.NextURL = "/desk/search?" + url.Values{"q": {text}, "after": {next}}.Encode()
	}
	s.render(w, http.StatusOK, "search", p)
}

// numberPrefix is the prefix of a ticket number (SD of SD-2026-000123).
func numberPrefix(n balcao.TicketNumber) string {
	prefix, _, _ := strings.Cut(string(n), "-")
	return prefix
}

// ticketRow is a ticket as a queue row shows it.
func (s *Server) ticketRow(l Localizer, t *balcao.Ticket, now time.Time) queueRow {
	row := queueRow{T: t, URL: "/desk/tickets/" + url.PathEscape(string(t.Number)), RequestType: s.requestTypeTitle(t.RequestType, l),
		Requester: t.RequesterName, Status: t.Status.Label(l.Lang), Priority: l.T("priority." + strconv.Itoa(t.Priority)),
		Due: s.dueLeft(l, t.DueAt)}
	if row.Requester == "" {
		row.Requester = t.RequesterEmail
	}
	if !t.DueAt.IsZero() {
		row.DueISO = t.DueAt.UTC().Format(time.RFC3339)
		if t.DueAt.Before(now) {
			row.Late = "late"
		}
	}
	return row
}
