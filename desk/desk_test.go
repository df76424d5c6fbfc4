package desk_test

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/desk"
	"balcao/secret"
	"balcao/sqldb"
	"balcao/sqlite"
	"balcao/storetest"
)

var ctx = context.Background()

// T0 is the tests' clock start: a Monday morning in Lisbon.
var T0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const password = "palavra-passe-segura"

type env struct {
	t      *testing.T
	store  *sqldb.DB
	clock  *balcao.ManualClock
	srv    *httptest.Server
	desk   *desk.Server
	cit    *balcao.Team
	other  *balcao.Team
	agent  *balcao.User
	hashes map[string]string
}

func newEnv(t *testing.T, configure ...func(*desk.Server)) *env {
	t.Helper()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"), true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newEnvOn(t, store, configure...)
}

// onBothDatabases runs a test on SQLite and, where BALCAO_TEST_POSTGRES_URL
// names a server (always in CI), on PostgreSQL.
func onBothDatabases(t *testing.T, test func(t *testing.T, e *env), configure ...func(*desk.Server)) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) { test(t, newEnvOn(t, open(t), configure...)) })
	}
}

func newEnvOn(t *testing.T, store *sqldb.DB, configure ...func(*desk.Server)) *env {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: store, clock: balcao.NewManualClock(T0), hashes: map[string]string{}}
	e.desk = &desk.Server{Store: store, Catalog: cat, Clock: e.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, c := range configure {
		c(e.desk)
	}
	e.srv = httptest.NewServer(e.desk.Handler())
	t.Cleanup(e.srv.Close)
	e.cit = &balcao.Team{Code: "spms-cit", Name: "SPMS – CIT"}
	e.other = &balcao.Team{Code: "spms-rnu", Name: "SPMS – RNU"}
	for _, tm := range []*balcao.Team{e.cit, e.other} {
		if err := store.UpsertTeam(ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	e.agent = e.user("agente@desk.pt", balcao.RoleAgent)
	if err := store.AddTeamMember(ctx, e.cit.ID, e.agent.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// user creates a user whose password is the constant password.
func (e *env) user(email string, role balcao.Role) *balcao.User {
	e.t.Helper()
	h, ok := e.hashes[""]
	if !ok {
		var err error
		if h, err = secret.HashPassword(password); err != nil {
			e.t.Fatal(err)
		}
		e.hashes[""] = h
	}
	u := &balcao.User{Email: email, Name: strings.Split(email, "@")[0], Role: role, PasswordHash: h, CreatedAt: T0}
	if err := e.store.CreateUser(ctx, u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a browser without JavaScript: it keeps cookies and does not
// follow redirects, so the tests see them.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type resp struct {
	code int
	body string
	h    http.Header
	res  *http.Response
}

func (e *env) do(c *http.Client, method, path string, form url.Values, headers ...string) resp {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header, res}
}

func (e *env) get(c *http.Client, path string, headers ...string) resp {
	return e.do(c, http.MethodGet, path, nil, headers...)
}

func (e *env) post(c *http.Client, path string, form url.Values, headers ...string) resp {
	return e.do(c, http.MethodPost, path, form, headers...)
}

func (e *env) login(c *http.Client, email, pw string) resp {
	return e.post(c, "/login", url.Values{"email": {email}, "password": {pw}})
}

// signedIn returns a client signed in as email.
func (e *env) signedIn(email string) *http.Client {
	e.t.Helper()
	c := e.client()
	if r := e.login(c, email, password); r.code != http.StatusSeeOther {
		e.t.Fatalf("sign-in as %s: %d %s", email, r.code, r.body)
	}
	return c
}

func wantStatus(t *testing.T, r resp, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d; body:\n%s", r.code, code, r.body)
	}
}

func wantBody(t *testing.T, r resp, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Fatalf("body lacks %q:\n%s", p, r.body)
		}
	}
}

func wantNotBody(t *testing.T, r resp, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			t.Fatalf("body has %q:\n%s", p, r.body)
		}
	}
}

func TestSignInAndOut(t *testing.T) { onBothDatabases(t, testSignInAndOut) }

func testSignInAndOut(t *testing.T, e *env) {
	c := e.client()
	r := e.get(c, "/desk/?view=all")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.h.Get("Location"); loc != "/login?next="+url.QueryEscape("/desk/?view=all") {
		t.Fatalf("redirect to %q", loc)
	}
	r = e.get(c, "/login?next=/desk/%3Fview%3Dall")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<html lang="pt-PT">`, `<label for="email">Email`, `<label for="password">Palavra-passe`, `name="next" value="/desk/?view=all"`)

	// Missing fields are named, with the fix.
	r = e.post(c, "/login", url.Values{"email": {""}, "password": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `href="#email"`, "Email: escreva o seu endereço de email", `aria-invalid="true" aria-describedby="password-error"`)

	r = e.login(c, "agente@desk.pt", "errada-errada-errada")
	wantStatus(t, r, http.StatusUnauthorized)
	wantBody(t, r, "O email ou a palavra-passe não estão corretos", `value="agente@desk.pt"`)

	r = e.post(c, "/login", url.Values{"email": {" Agente@Desk.pt "}, "password": {password}, "next": {"/desk/?view=all"}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.h.Get("Location"); loc != "/desk/?view=all" {
		t.Fatalf("after sign-in to %q", loc)
	}
	var session *http.Cookie
	for _, ck := range r.res.Cookies() {
		if ck.Name == "balcao_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" || len(session.Value) < 43 {
		t.Fatalf("session cookie %+v", session)
	}
	// Only the token's SHA-256 is stored.
	if _, u, err := e.store.SessionByHash(ctx, sha256.Sum256([]byte(session.Value)), T0); err != nil || u.ID != e.agent.ID {
		t.Fatalf("stored session: %v %v", u, err)
	}
	r = e.get(c, "/desk/")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Fila de pedidos", "Sessão iniciada como agente@desk.pt")

	// A redirect after sign-in never leaves the console.
	c2 := e.client()
	r = e.post(c2, "/login", url.Values{"email": {"agente@desk.pt"}, "password": {password}, "next": {"//evil.example/desk/"}})
	if loc := r.h.Get("Location"); loc != "/desk/" {
		t.Fatalf("open redirect to %q", loc)
	}

	r = e.post(c, "/logout", url.Values{})
	wantStatus(t, r, http.StatusSeeOther)
	if _, _, err := e.store.SessionByHash(ctx, sha256.Sum256([]byte(session.Value)), T0); balcao.ErrorCode(err) != balcao.ENOTFOUND {
		t.Fatalf("session kept after sign-out: %v", err)
	}
	wantStatus(t, e.get(c, "/desk/"), http.StatusSeeOther)
	r = e.get(c, "/login?signedout=1")
	wantBody(t, r, "Sessão terminada.")

	// Sessions expire.
	c3 := e.signedIn("agente@desk.pt")
	e.clock.Advance(12*time.Hour + time.Second)
	wantStatus(t, e.get(c3, "/desk/"), http.StatusSeeOther)
}

func TestSecureCookie(t *testing.T) {
	e := newEnv(t, func(s *desk.Server) { s.SecureCookies = true })
	r := e.login(e.client(), "agente@desk.pt", password)
	wantStatus(t, r, http.StatusSeeOther)
	cookies := r.res.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-balcao_session" || !cookies[0].Secure || !cookies[0].HttpOnly {
		t.Fatalf("cookies %+v", cookies)
	}
}

func TestLockout(t *testing.T) { onBothDatabases(t, testLockout) }

func testLockout(t *testing.T, e *env) {
	c := e.client()
	for i := range 5 {
		r := e.login(c, "agente@desk.pt", "errada-errada-errada")
		wantStatus(t, r, http.StatusUnauthorized)
		_ = i
	}
	// Locked: even the right password waits, and says how long.
	r := e.login(c, "agente@desk.pt", password)
	wantStatus(t, r, http.StatusTooManyRequests)
	wantBody(t, r, "Demasiadas tentativas falhadas com este email. Espere 1 minuto(s)")

	// An unknown email is answered the same way: no hint that it does not exist.
	for range 5 {
		u := e.login(c, "ninguem@desk.pt", "errada-errada-errada")
		wantStatus(t, u, http.StatusUnauthorized)
		wantBody(t, u, "O email ou a palavra-passe não estão corretos")
	}
	u := e.login(c, "ninguem@desk.pt", password)
	wantStatus(t, u, http.StatusTooManyRequests)
	if strings.ReplaceAll(u.body, "ninguem@desk.pt", "X") != strings.ReplaceAll(r.body, "agente@desk.pt", "X") {
		t.Fatalf("locked answers differ between a known and an unknown email")
	}

	// The wait doubles with each failure after it ends.
	e.clock.Advance(61 * time.Second)
	wantStatus(t, e.login(c, "agente@desk.pt", "errada-errada-errada"), http.StatusUnauthorized)
	r = e.login(c, "agente@desk.pt", password)
	wantStatus(t, r, http.StatusTooManyRequests)
	wantBody(t, r, "Espere 2 minuto(s)")
	e.clock.Advance(2*time.Minute + time.Second)
	wantStatus(t, e.login(c, "agente@desk.pt", password), http.StatusSeeOther)
	// Success forgets the failures.
	if n, _, _ := e.store.LoginFailures(ctx, "agente@desk.pt"); n != 0 {
		t.Fatalf("failures after success: %d", n)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	r := e.post(c, "/desk/tickets/"+string(tk.Number)+"/note", url.Values{"text": {"nota"}}, "Origin", "https://evil.example")
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, "O formulário foi recusado porque não veio desta aplicação")
	r = e.post(c, "/desk/tickets/"+string(tk.Number)+"/note", url.Values{"text": {"nota"}}, "Sec-Fetch-Site", "cross-site")
	wantStatus(t, r, http.StatusForbidden)
	r = e.post(e.client(), "/login", url.Values{"email": {"agente@desk.pt"}, "password": {password}}, "Sec-Fetch-Site", "cross-site")
	wantStatus(t, r, http.StatusForbidden)
	if msgs, _ := e.store.Messages(ctx, tk.ID); len(msgs) != 1 {
		t.Fatalf("a refused form wrote: %d messages", len(msgs))
	}
	// A form from the public origin goes through even when the Host seen
	// here is another (a reverse proxy), as does one from the page itself.
	pc := newEnv(t, func(s *desk.Server) { s.BaseURL = "https://balcao.example.pt/" })
	pr := pc.post(pc.client(), "/login", url.Values{"email": {"agente@desk.pt"}, "password": {password}}, "Origin", "https://balcao.example.pt")
	wantStatus(t, pr, http.StatusSeeOther)
	pr = pc.post(pc.client(), "/login", url.Values{"email": {"agente@desk.pt"}, "password": {password}}, "Origin", "https://other.example.pt")
	wantStatus(t, pr, http.StatusForbidden)
	// The same form from the console's own page goes through.
	r = e.post(c, "/desk/tickets/"+string(tk.Number)+"/note", url.Values{"text": {"nota"}}, "Sec-Fetch-Site", "same-origin")
	wantStatus(t, r, http.StatusSeeOther)
}

func TestRequestersNeverReachTheDesk(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(nil)
	for _, role := range []balcao.Role{balcao.RoleRequester, balcao.RoleOrgManager} {
		e.user(string(role)+"@usf.pt", role)
		c := e.signedIn(string(role) + "@usf.pt")
		for _, path := range []string{"/desk/", "/desk/tickets/" + string(tk.Number), "/desk/password"} {
			r := e.get(c, path)
			wantStatus(t, r, http.StatusForbidden)
			wantBody(t, r, "Esta área é reservada à equipa do balcão", "Terminar sessão")
			wantNotBody(t, r, tk.Subject, `href="/desk/"`)
		}
		wantStatus(t, e.post(c, "/desk/tickets/"+string(tk.Number)+"/assign", url.Values{}), http.StatusForbidden)
	}
	for _, role := range []balcao.Role{balcao.RoleSupervisor, balcao.RoleAdmin} {
		e.user(string(role)+"@desk.pt", role)
		wantStatus(t, e.get(e.signedIn(string(role)+"@desk.pt"), "/desk/"), http.StatusOK)
	}
	// A disabled account cannot sign in.
	d := &balcao.User{Email: "saiu@desk.pt", Role: balcao.RoleAgent, PasswordHash: e.hashes[""], Disabled: true}
	e.store.CreateUser(ctx, d)
	wantStatus(t, e.login(e.client(), "saiu@desk.pt", password), http.StatusUnauthorized)
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.get(e.client(), "/login")
	csp := r.h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
	if r.h.Get("X-Content-Type-Options") != "nosniff" || r.h.Get("X-Frame-Options") != "DENY" || r.h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", r.h)
	}
	// Assets come from the binary, versioned by content.
	for _, name := range []string{"desk.css", "htmx.min.js"} {
		i := strings.Index(r.body, "/desk/static/"+name+"?v=")
		if i < 0 {
			t.Fatalf("page does not link %s", name)
		}
		link := r.body[i:]
		link = link[:strings.IndexByte(link, '"')]
		a := e.get(e.client(), link)
		wantStatus(t, a, http.StatusOK)
		if !strings.Contains(a.h.Get("Cache-Control"), "immutable") || len(a.body) < 1000 {
			t.Errorf("%s: %v, %d bytes", name, a.h, len(a.body))
		}
	}
	wantStatus(t, e.get(e.client(), "/desk/static/htmx.LICENSE.txt"), http.StatusOK)
}

func TestLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	wantBody(t, e.get(c, "/login", "Accept-Language", "es-ES,es;q=0.9,en;q=0.5"), `<html lang="es">`, "Iniciar sesión", "Contraseña")
	wantBody(t, e.get(c, "/login", "Accept-Language", "fr, en;q=0.8"), `<html lang="en">`, "Sign in")
	wantBody(t, e.get(c, "/login", "Accept-Language", "de"), `<html lang="pt-PT">`, "Iniciar sessão")
	r := e.post(c, "/lang", url.Values{"lang": {"pt-BR"}, "next": {"/login"}})
	wantStatus(t, r, http.StatusSeeOther)
	if r.h.Get("Location") != "/login" {
		t.Fatalf("back to %q", r.h.Get("Location"))
	}
	wantBody(t, e.get(c, "/login", "Accept-Language", "en"), `<html lang="pt-BR">`, "Senha")

	// A user's own language comes before the browser's.
	u := &balcao.User{Email: "english@desk.pt", Role: balcao.RoleAgent, Language: "en", PasswordHash: e.hashes[""]}
	if err := e.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	bc := e.signedIn("english@desk.pt")
	wantBody(t, e.get(bc, "/desk/", "Accept-Language", "es"), `<html lang="en">`, "Ticket queue")
}

func TestPasswordChange(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("agente@desk.pt")
	other := e.signedIn("agente@desk.pt")
	wantBody(t, e.get(c, "/desk/password"), `<label for="current">Palavra-passe atual`)
	r := e.post(c, "/desk/password", url.Values{"current": {"errada"}, "new": {"curta"}, "confirm": {"curta"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Palavra-passe atual: não está correta", "Nova palavra-passe: use pelo menos 12 caracteres", `href="#current"`, `href="#new"`)
	r = e.post(c, "/desk/password", url.Values{"current": {password}, "new": {"uma frase bem longa"}, "confirm": {"uma frase longa"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Repita a nova palavra-passe: não coincide")
	r = e.post(c, "/desk/password", url.Values{"current": {password}, "new": {"uma frase bem longa"}, "confirm": {"uma frase bem longa"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, "/desk/password?done=1"), "Palavra-passe alterada")
	// The other session ended; the old password no longer works; the new one does.
	wantStatus(t, e.get(other, "/desk/"), http.StatusSeeOther)
	wantStatus(t, e.login(e.client(), "agente@desk.pt", password), http.StatusUnauthorized)
	wantStatus(t, e.login(e.client(), "agente@desk.pt", "uma frase bem longa"), http.StatusSeeOther)
}
