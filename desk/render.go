package desk

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"balcao"
)

// pageNames are the templates of the console; each is parsed with the
// layout into a set of its own.
var pageNames = []string{"login", "password", "queue", "ticket", "error", "phone", "canned", "bulk"}

// pageParts are further templates a page includes.
var pageParts = map[string][]string{"ticket": {"templates/ticket_actions.html"}, "queue": {"templates/queue_bulk.html"}}

type pageSet struct{ m map[string]*template.Template }

func mustParsePages(s *Server) *pageSet {
	funcs := template.FuncMap{
		"when":     s.formatTime,
		"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"dueLeft":  s.dueLeft,
		"late":     func(t time.Time) bool { return !t.IsZero() && t.Before(s.Clock.Now()) },
		"status":   func(l Localizer, st balcao.Status) string { return st.Label(l.Lang) },
		"priority": func(l Localizer, p int) string { return l.T("priority." + strconv.Itoa(p)) },
		"channel":  func(l Localizer, c balcao.Channel) string { return l.T("channel." + string(c)) },
		"size":     humanSize,
		"static":   s.staticURL,
	}
	ps := &pageSet{m: map[string]*template.Template{}}
	for _, name := range pageNames {
		files := append([]string{"templates/layout.html", "templates/" + name + ".html"}, pageParts[name]...)
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, files...))
		ps.m[name] = t
	}
	return ps
}

// fieldError is a problem with one form field: the message names the
// field and says how to fix it; Field is the input's id, for the link from
// the error summary.
type fieldError struct{ Field, Message string }

type langOption struct {
	Tag, Name string
	Current   bool
}

// page is what every template gets.
type page struct {
	L      Localizer
	Title  string
	User   *balcao.User
	Here   string // this page's URL, for the language switch to return to
	Langs  []langOption
	Errors []fieldError
	Status string // what the last action did, announced to screen readers
	Unread string // unread notifications of a member of staff ("" for none)
}

func (p *page) addError(field, msg string) { p.Errors = append(p.Errors, fieldError{field, msg}) }

// ErrorFor returns the message of a field's error, or "".
func (p *page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func (s *Server) newPage(r *http.Request, v *viewer, titleKey string, args ...any) page {
	userLang := ""
	var u *balcao.User
	if v != nil {
		u = v.User
		userLang = u.Language
	}
	l := Localizer{Lang: pickLanguage(r, userLang)}
	p := page{L: l, Title: l.T(titleKey, args...), User: u, Here: r.URL.RequestURI()}
	if u != nil && u.Role.IsStaff() {
		p.Unread = s.unreadCount(r, u)
	}
	for _, tag := range languages {
		p.Langs = append(p.Langs, langOption{Tag: tag, Name: languageNames[tag], Current: tag == l.Lang})
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.m[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Logger.Error("desk: template", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

type errorPage struct {
	page
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, v *viewer, code int, key string) {
	p := &errorPage{page: s.newPage(r, v, "error.title")}
	p.Message = p.L.T(key)
	s.render(w, code, "error", p)
}

func (s *Server) formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.Location).Format("2006-01-02 15:04")
}

// dueLeft says how long is left until a due time, or how late it is.
func (s *Server) dueLeft(l Localizer, due time.Time) string {
	if due.IsZero() {
		return l.T("due.none")
	}
	d := due.Sub(s.Clock.Now())
	if d < 0 {
		return l.T("due.late", span(-d))
	}
	return l.T("due.left", span(d))
}

// span writes a duration the way a queue shows it: days and hours, hours
// and minutes, or minutes.
func span(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	switch {
	case m >= 24*60:
		return fmt.Sprintf("%d d %d h", m/(24*60), m%(24*60)/60)
	case m >= 60:
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	}
	return fmt.Sprintf("%d min", m)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
