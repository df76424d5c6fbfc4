package desk

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"balcao"
	"balcao/secret"
)

// Lockout: after lockAfter failed sign-ins for one email, each further
// attempt waits lockBase, doubled for every failure beyond, up to lockMax.
// The count is kept per email typed, whether an account has it or not, so
// the answer never tells which emails exist.
const (
	lockAfter = 5
	lockBase  = time.Minute
	lockMax   = time.Hour
)

// lockWait returns how long sign-in stays closed after n failures.
func lockWait(n int) time.Duration {
	if n < lockAfter {
		return 0
	}
	d := lockBase
	for i := lockAfter; i < n && d < lockMax; i++ {
		d *= 2
	}
	return min(d, lockMax)
}

// minutesLeft rounds a wait up to whole minutes.
func minutesLeft(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }

// viewer is the signed-in user of a request.
type viewer struct {
	User    *balcao.User
	Session [32]byte
	Teams   []*balcao.Team
}

func (v *viewer) actor() balcao.Actor {
	name := v.User.Name
	if name == "" {
		name = v.User.Email
	}
	return balcao.Actor{ID: v.User.ID, Name: name}
}

func (v *viewer) scope() balcao.DeskScope {
	if v.User.Role == balcao.RoleAdmin {
		return balcao.DeskScope{All: true, UserID: v.User.ID}
	}
	sc := balcao.DeskScope{UserID: v.User.ID}
	for _, t := range v.Teams {
		sc.TeamIDs = append(sc.TeamIDs, t.ID)
	}
	return sc
}

// canSee reports whether a ticket is within the viewer's scope.
func (v *viewer) canSee(t *balcao.Ticket) bool {
	sc := v.scope()
	if sc.All || t.TeamID == 0 || t.AssigneeID == v.User.ID {
		return true
	}
	for _, id := range sc.TeamIDs {
		if id == t.TeamID {
			return true
		}
	}
	return false
}

func (s *Server) secure(r *http.Request) bool { return s.SecureCookies || r.TLS != nil }

func (s *Server) sessionCookieName(r *http.Request) string {
	if s.secure(r) {
		return "__Host-balcao_session"
	}
	return "balcao_session"
}

// currentViewer returns the signed-in user, or nil.
func (s *Server) currentViewer(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil || c.Value == "" {
		return nil, nil
	}
	hash := sha256.Sum256([]byte(c.Value))
	sess, u, err := s.Store.SessionByHash(r.Context(), hash, s.Clock.Now())
	if balcao.ErrorCode(err) == balcao.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &viewer{User: u, Session: sess.Hash}, nil
}

// staff wraps a handler that only agents, supervisors and admins reach:
// others are sent to sign in, and requesters are refused.
func (s *Server) staff(h func(http.ResponseWriter, *http.Request, *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.currentViewer(r)
		if err != nil {
			s.serverError(w, r, nil, err)
			return
		}
		if v == nil {
			target := "/login"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if !v.User.Role.IsStaff() {
			s.renderError(w, r, v, http.StatusForbidden, "error.forbidden")
			return
		}
		if v.Teams, err = s.Store.UserTeams(r.Context(), v.User.ID); err != nil {
			s.serverError(w, r, v, err)
			return
		}
		h(w, r, v)
	}
}

// safeNext keeps a redirect after sign-in inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/desk/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/desk/"
}

type loginPage struct {
	page
	Email  string
	Next   string
	Notice string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.currentViewer(r)
	if err != nil {
		s.serverError(w, r, nil, err)
		return
	}
	next := safeNext(r.URL.Query().Get("next"))
	if v != nil && v.User.Role.IsStaff() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p := &loginPage{page: s.newPage(r, nil, "login.title"), Next: next}
	if r.URL.Query().Has("signedout") {
		p.Notice = p.L.T("login.signedout")
	} else if r.URL.Query().Has("next") {
		p.Notice = p.L.T("login.expired")
	}
	s.render(w, http.StatusOK, "login", p)
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// burnPasswordCheck spends the time of a real password check, so that an
// unknown email answers as slowly as a known one.
func burnPasswordCheck(password string) {
	dummyOnce.Do(func() { dummyHash, _ = secret.HashPassword("not-a-real-password-at-all") })
	secret.CheckPassword(dummyHash, password)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, nil, http.StatusBadRequest, "error.internal")
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	p := &loginPage{page: s.newPage(r, nil, "login.title"), Email: email, Next: safeNext(r.PostFormValue("next"))}
	if email == "" {
		p.addError("email", p.L.T("login.email.missing"))
	}
	if password == "" {
		p.addError("password", p.L.T("login.password.missing"))
	}
	if len(p.Errors) > 0 {
		s.render(w, http.StatusUnprocessableEntity, "login", p)
		return
	}
	ctx := r.Context()
	now := s.Clock.Now()
	n, last, err := s.Store.LoginFailures(ctx, email)
	if err != nil {
		s.serverError(w, r, nil, err)
		return
	}
	if wait := lockWait(n); wait > 0 && now.Before(last.Add(wait)) {
		p.addError("email", p.L.T("login.locked", minutesLeft(last.Add(wait).Sub(now))))
		s.render(w, http.StatusTooManyRequests, "login", p)
		return
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if err != nil && balcao.ErrorCode(err) != balcao.ENOTFOUND {
		s.serverError(w, r, nil, err)
		return
	}
	ok := false
	if u != nil && u.PasswordHash != "" && !u.Disabled {
		ok = secret.CheckPassword(u.PasswordHash, password)
	} else {
		burnPasswordCheck(password)
	}
	if !ok {
		if _, err := s.Store.RecordLoginFailure(ctx, email, now); err != nil {
			s.serverError(w, r, nil, err)
			return
		}
		s.Logger.Info("desk: sign-in failed", "failures", n+1)
		p.addError("email", p.L.T("login.failed"))
		s.render(w, http.StatusUnauthorized, "login", p)
		return
	}
	if n > 0 {
		if err := s.Store.ClearLoginFailures(ctx, email); err != nil {
			s.serverError(w, r, nil, err)
			return
		}
	}
	// A fresh token at every sign-in: a token planted before cannot be
	// carried into the session.
	if c, err := r.Cookie(s.sessionCookieName(r)); err == nil && c.Value != "" {
		s.Store.DeleteSession(ctx, sha256.Sum256([]byte(c.Value)))
	}
	token := make([]byte, 32)
	rand.Read(token)
	value := base64.RawURLEncoding.EncodeToString(token)
	sess := &balcao.Session{Hash: sha256.Sum256([]byte(value)), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.SessionTTL)}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		s.serverError(w, r, nil, err)
		return
	}
	if _, err := s.Store.DeleteExpiredSessions(ctx, now); err != nil {
		s.Logger.Warn("desk: removing expired sessions", "err", err)
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(r), Value: value, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(s.SessionTTL.Seconds()), Secure: s.secure(r), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	s.Logger.Info("desk: signed in", "user_id", u.ID, "role", u.Role)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.sessionCookieName(r)); err == nil && c.Value != "" {
		if err := s.Store.DeleteSession(r.Context(), sha256.Sum256([]byte(c.Value))); err != nil {
			s.serverError(w, r, nil, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(r), Value: "", Path: "/", MaxAge: -1,
		Secure: s.secure(r), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login?signedout=1", http.StatusSeeOther)
}

// setLanguage remembers the language chosen with the switch for a year,
// then returns to the page the switch was on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := supported(r.PostFormValue("lang"))
	if lang == "" {
		lang = languages[0]
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: s.secure(r), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	next := r.PostFormValue("next")
	if next != "/login" && !strings.HasPrefix(next, "/login?") {
		next = safeNext(next)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type passwordPage struct {
	page
	Done bool
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &passwordPage{page: s.newPage(r, v, "password.title"), Done: r.URL.Query().Has("done")}
	s.render(w, http.StatusOK, "password", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	p := &passwordPage{page: s.newPage(r, v, "password.title")}
	now := s.Clock.Now()
	if n, last, err := s.Store.LoginFailures(r.Context(), v.User.Email); err != nil {
		s.serverError(w, r, v, err)
		return
	} else if wait := lockWait(n); wait > 0 && now.Before(last.Add(wait)) {
		p.addError("current", p.L.T("login.locked", minutesLeft(last.Add(wait).Sub(now))))
		s.render(w, http.StatusTooManyRequests, "password", p)
		return
	}
	if !secret.CheckPassword(v.User.PasswordHash, current) {
		if _, err := s.Store.RecordLoginFailure(r.Context(), v.User.Email, now); err != nil {
			s.serverError(w, r, v, err)
			return
		}
		p.addError("current", p.L.T("password.current.wrong"))
	}
	switch {
	case len([]rune(next)) < 12:
		p.addError("new", p.L.T("password.new.short"))
	case next == current:
		p.addError("new", p.L.T("password.new.same"))
	case confirm != next:
		p.addError("confirm", p.L.T("password.confirm.mismatch"))
	}
	if len(p.Errors) > 0 {
		s.render(w, http.StatusUnprocessableEntity, "password", p)
		return
	}
	hash, err := secret.HashPassword(next)
	if err != nil {
		p.addError("new", p.L.T("password.new.short"))
		s.render(w, http.StatusUnprocessableEntity, "password", p)
		return
	}
	ctx := r.Context()
	if err := s.Store.SetPasswordHash(ctx, v.User.ID, hash); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if err := s.Store.DeleteUserSessions(ctx, v.User.ID, v.Session); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	s.Store.ClearLoginFailures(ctx, v.User.Email)
	s.Logger.Info("desk: password changed", "user_id", v.User.ID)
	http.Redirect(w, r, "/desk/password?done=1", http.StatusSeeOther)
}
