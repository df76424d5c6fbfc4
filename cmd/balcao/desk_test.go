package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestConsoleServed: `balcao serve` serves the console next to the API; an
// agent created and put in a team from the command line signs in and sees
// the queue.
func TestConsoleServed(t *testing.T) {
	environ, _ := databases(t)["sqlite"](t)
	if r := balcaoCmd(t, environ, "uma palavra-passe longa\n", "user", "create", "--email", "rui@spms.pt", "--role", "agent",
		"--password-stdin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	if r := balcaoCmd(t, environ, "", "team", "add-member", "--email", "rui@spms.pt", "--team", "spms-cit"); r.code != 0 {
		t.Fatalf("team add-member: %+v", r)
	}
	if r := balcaoCmd(t, environ, "", "team", "add-member", "--email", "rui@spms.pt", "--team", "nada"); r.code != 1 || !strings.Contains(r.stderr, "team list") {
		t.Fatalf("unknown team: %+v", r)
	}
	if r := balcaoCmd(t, environ, "", "team", "list"); r.code != 0 || !strings.Contains(r.stdout, "spms-cit") {
		t.Fatalf("team list: %+v", r)
	}
	srv := startServer(t, environ)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(srv.base+"/login", url.Values{"email": {"rui@spms.pt"}, "password": {"uma palavra-passe longa"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Fila de pedidos") || !strings.Contains(string(body), "SPMS") {
		t.Fatalf("after sign-in: %d\n%s", res.StatusCode, body)
	}
	if res.Request.URL.Path != "/desk/" || res.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("landed on %s, headers %v", res.Request.URL, res.Header)
	}
	// The API is still served beside it.
	if res, err := http.Get(srv.base + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	// The console's requests are counted by route pattern with the API's.
	code, _, metrics := get(t, srv.base+"/metrics", "")
	if code != 200 || !strings.Contains(string(metrics), `balcao_http_requests_total{code="303",method="POST",route="POST /login"} 1`) ||
		!strings.Contains(string(metrics), `route="GET /desk/{$}"`) {
		t.Fatalf("metrics:\n%s", metrics)
	}
}
