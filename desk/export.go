package desk

import (
	"context"
	"io"
	"iter"
	"net/http"
	"net/url"

	"balcao"
	"balcao/export"
)

// ExportLimit caps the rows of an exported list.
const ExportLimit = 100_000

// exportPage is how many tickets each store query of an export reads.
const exportPage = 200

// exportFilter reads a queue's view, filters and sort from the query, as
// the queue page does, within the viewer's scope. ok is false when a value
// is not valid: an export says so rather than export another list.
func (s *Server) exportFilter(ctx context.Context, r *http.Request, v *viewer) (f balcao.DeskFilter, ok bool, err error) {
	base := balcao.DeskFilter{Scope: v.scope(), UserID: v.User.ID, DueBefore: s.Clock.Now().Add(s.DueSoon), Limit: exportPage}
	qf, err := s.readFilters(ctx, r.URL.Query(), v, base)
	if err != nil || len(qf.Bad) > 0 || (qf.Filter.View == balcao.ViewTeam) != (balcao.DeskView(r.URL.Query().Get("view")) == balcao.ViewTeam) {
		return qf.Filter, false, err
	}
	return qf.Filter, true, nil
}

func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.exportList(w, r, v, "csv", "text/csv; charset=utf-8", export.CSV)
}

func (s *Server) exportXLSX(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.exportList(w, r, v, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.XLSX)
}

// exportList writes a queue's whole list as a file to download, named
// after the view and the day: balcao-all-2026-03-02.csv.
func (s *Server) exportList(w http.ResponseWriter, r *http.Request, v *viewer, ext, contentType string,
	write func(w io.Writer, tickets iter.Seq2[*balcao.Ticket, error], o export.Options) error) {
	if !canReport(v.User) {
		s.renderError(w, r, v, http.StatusForbidden, "reports.forbidden")
		return
	}
	ctx := r.Context()
	f, ok, err := s.exportFilter(ctx, r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !ok {
		s.renderError(w, r, v, http.StatusBadRequest, "export.badfilter")
		return
	}
	lang := pickLanguage(r, v.User.Language)
	o := export.Options{Lang: lang, Location: s.Location}
	if ext == "csv" && lang != "en" {
		o.Comma = ';' // what spreadsheets expect where the decimal separator is a comma
	}
	// The first page is read before any byte is sent, so that a failing
	// query still gets an error page.
	first, err := s.Store.DeskTickets(ctx, f)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	// The list is read page by page while it is written, up to ExportLimit.
	tickets := func(yield func(*balcao.Ticket, error) bool) {
		page, n := first, 0
		for {
			for _, t := range page.Tickets {
				if n == ExportLimit {
					return
				}
				n++
				if !yield(t, nil) {
					return
				}
			}
			if page.Next == "" || len(page.Tickets) == 0 {
				return
			}
			f.Cursor = page.Next
			if page, err = s.Store.DeskTickets(ctx, f); err != nil {
				yield(nil, err)
				return
			}
		}
	}
	name := "balcao-" + string(f.View) + "-" + s.Clock.Now().In(s.Location).Format("2006-01-02") + "." + ext
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := write(w, tickets, o); err != nil {
		// The headers are gone: the download ends short, and the log says why.
		s.Logger.Error("desk: export failed", "path", r.URL.Path, "user_id", v.User.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// ExportURL is the address of this page's list as a file (ext "csv" or
// "xlsx"): the same view, filters and sort, from the first ticket.
func (p page) ExportURL(ext string) string {
	u, err := url.Parse(p.Here)
	if err != nil {
		return "/desk/export." + ext
	}
	q := u.Query()
	q.Del("after")
	q.Del("done")
	if len(q) == 0 {
		return "/desk/export." + ext
	}
	return "/desk/export." + ext + "?" + q.Encode()
}
