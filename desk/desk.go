// Package desk is the agent console: server-rendered pages (html/template)
// where agents, supervisors and admins sign in and work the tickets. Pages
// work without JavaScript; htmx, served from the binary like every other
// asset, only makes them quicker. Every form is protected against
// cross-site requests by http.CrossOriginProtection, and every page is
// served with a strict Content-Security-Policy.
package desk

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"
	_ "time/tzdata" // the console shows times in Lisbon's zone on any machine

	"balcao"
	"balcao/catalog"
	"balcao/intake"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Paths are the URL paths (ServeMux patterns) the console answers; the
// program mounts the console's handler on each of them.
var Paths = []string{"/login", "/logout", "/lang", "/desk/"}

// Server holds what the console's handlers need. Set its fields, then call
// Handler once.
type Server struct {
	Store   balcao.Store
	Catalog *catalog.Catalog
	Clock   balcao.Clock
	Logger  *slog.Logger
	// SecureCookies marks cookies Secure (and names the session cookie
	// with the __Host- prefix); set it when the console is served over
	// HTTPS. Requests that arrive over TLS get Secure cookies regardless.
	SecureCookies bool
	// SessionTTL is how long a session lasts after sign-in (default 12 h).
	SessionTTL time.Duration
	// DueSoon is how close to its due time an open ticket counts as "SLA
	// em risco" (default 4 h); tickets already late count too.
	DueSoon time.Duration
	// ReportCacheTTL is how long the reports page reuses its figures
	// (default a minute; negative computes them at every request).
	ReportCacheTTL time.Duration
	reportCache    reportCache
	// Location is the time zone of the times shown (default Europe/Lisbon).
	Location *time.Location
	// Replier sends agents' answers by email (intake.Intake); without one
	// the console offers no reply.
	Replier Replier
	// BaseURL is the public URL of the service (BALCAO_BASE_URL). Forms
	// posted from its origin are accepted even when a reverse proxy hands
	// the console another Host and the browser sends no Sec-Fetch-Site.
	BaseURL string

	pages  *pageSet
	static map[string]staticFile
}

// Replier composes an answer to a ticket's requester, stores it and queues
// it for sending, inside the caller's transaction.
type Replier interface {
	Reply(tx balcao.Tx, t *balcao.Ticket, r intake.AgentReply) (*balcao.Message, error)
}

type staticFile struct {
	data        []byte
	contentType string
	version     string
}

// Handler returns the console's handler, for the paths in Paths.
func (s *Server) Handler() http.Handler {
	if s.Clock == nil {
		s.Clock = balcao.SystemClock{}
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.SessionTTL == 0 {
		s.SessionTTL = 12 * time.Hour
	}
	if s.DueSoon == 0 {
		s.DueSoon = 4 * time.Hour
	}
	if s.Location == nil {
		loc, err := time.LoadLocation("Europe/Lisbon")
		if err != nil {
			loc = time.UTC
		}
		s.Location = loc
	}
	s.loadStatic()
	s.pages = mustParsePages(s)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("POST /lang", s.setLanguage)
	mux.HandleFunc("GET /desk/static/{file}", s.serveStatic)
	mux.HandleFunc("GET /desk/{$}", s.staff(s.queue))
	mux.HandleFunc("GET /desk/password", s.staff(s.passwordForm))
	mux.HandleFunc("POST /desk/password", s.staff(s.changePassword))
	mux.HandleFunc("GET /desk/tickets/{number}", s.staff(s.ticket))
	mux.HandleFunc("GET /desk/tickets/{number}/attachments/{id}", s.staff(s.attachment))
	mux.HandleFunc("GET /desk/tickets/{number}/messages/{id}/html", s.staff(s.messageHTML))
	mux.HandleFunc("POST /desk/tickets/{number}/assign", s.staff(s.assign))
	mux.HandleFunc("POST /desk/tickets/{number}/status", s.staff(s.changeStatus))
	mux.HandleFunc("POST /desk/tickets/{number}/note", s.staff(s.addNote))
	mux.HandleFunc("POST /desk/tickets/{number}/reply", s.staff(s.reply))
	mux.HandleFunc("POST /desk/tickets/{number}/reveal", s.staff(s.reveal))
	mux.HandleFunc("POST /desk/tickets/{number}/priority", s.staff(s.changePriority))
	mux.HandleFunc("POST /desk/tickets/{number}/team", s.staff(s.changeTeam))
	s.registerReports(mux)
	s.registerAdmin(mux)
	s.registerActions(mux)
	mux.HandleFunc("/desk/", s.notFound)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	if u, err := url.Parse(s.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			s.Logger.Warn("desk: base URL not usable as a trusted origin", "base_url", s.BaseURL, "err", err)
		}
	}
	return s.recoverer(s.headers(cop.Handler(mux)))
}

// csp allows only the console's own scripts, styles and images, and no
// framing by other sites. The frame that shows mail HTML has its own.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/desk/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("desk: panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.renderError(w, r, nil, http.StatusInternalServerError, "error.internal")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) loadStatic() {
	s.static = map[string]staticFile{}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ct := types[path.Ext(p)]
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.static[path.Base(p)] = staticFile{data: data, contentType: ct, version: hex.EncodeToString(sum[:6])}
		return nil
	})
}

// staticURL returns the URL of an embedded asset with its content hash, so
// that browsers may keep it for good.
func (s *Server) staticURL(name string) string {
	f, ok := s.static[name]
	if !ok {
		panic("desk: no static file " + name)
	}
	return "/desk/static/" + name + "?v=" + f.version
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	if r.URL.Query().Get("v") == f.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+f.version+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(f.data)
}

// serverError logs err and shows a generic page: internal detail stays in
// the log.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	switch balcao.ErrorCode(err) {
	case balcao.ENOTFOUND:
		s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
		return
	case balcao.EFORBIDDEN:
		s.renderError(w, r, v, http.StatusForbidden, "error.forbidden")
		return
	}
	if !errors.Is(err, r.Context().Err()) {
		s.Logger.Error("desk: request failed", "path", r.URL.Path, "err", err)
	}
	s.renderError(w, r, v, http.StatusInternalServerError, "error.internal")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, nil, http.StatusNotFound, "error.notfound")
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, nil, http.StatusForbidden, "error.crossorigin")
}
