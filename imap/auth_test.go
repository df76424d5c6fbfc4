package imap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestXOAUTH2InitialResponse(t *testing.T) {
	mech, ir, err := (&xoauth2{user: "desk@example.pt", token: "ya29.tok"}).Start()
	if err != nil || mech != "XOAUTH2" || string(ir) != "user=desk@example.pt\x01auth=Bearer ya29.tok\x01\x01" {
		t.Fatalf("Start() = %q, %q, %v", mech, ir, err)
	}
	_, err = (&xoauth2{}).Next([]byte(`{"status":"401","schemes":"Bearer","scope":"https://outlook.office.com/IMAP.AccessAsUser.All"}`))
	if err == nil || !strings.Contains(err.Error(), `"status":"401"`) {
		t.Fatalf("Next on an error challenge: %v", err)
	}
}

func TestFetchToken(t *testing.T) {
	ctx := context.Background()
	if tok, err := fetchToken(ctx, "printf 'abc.def\\n'"); err != nil || tok != "abc.def" {
		t.Fatalf("got %q, %v", tok, err)
	}
	if _, err := fetchToken(ctx, "echo 'token expired' >&2; exit 3"); err == nil || !strings.Contains(err.Error(), "token expired") {
		t.Fatalf("a failing command must report its stderr: %v", err)
	}
	if _, err := fetchToken(ctx, "true"); err == nil || !strings.Contains(err.Error(), "no access token") {
		t.Fatalf("empty output: %v", err)
	}
	if _, err := fetchToken(ctx, "echo a b"); err == nil {
		t.Fatal("two words accepted as a token")
	}
}

// TestXOAUTH2AgainstDovecot logs in to Dovecot's oauth2 passdb, which asks
// an introspection endpoint (here an httptest server) whether the token is
// valid, as Microsoft 365 would.
func TestXOAUTH2AgainstDovecot(t *testing.T) {
	t.Parallel()
	const token = "eyJ0eXAiOiJKV1QiLCJub25jZSI6InRlc3QifQ.desk"
	var mu sync.Mutex
	var seen []string
	introspect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got := r.Form.Get("token")
		if got == "" { // some versions send it as a bearer header
			got = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		mu.Lock()
		seen = append(seen, got)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"active": got == token, "username": "desk"})
	}))
	t.Cleanup(introspect.Close)

	dir := t.TempDir()
	oauthConf := filepath.Join(dir, "oauth2.conf")
	os.WriteFile(oauthConf, []byte(fmt.Sprintf(`introspection_mode = post
introspection_url = %s/introspect
username_attribute = username
active_attribute = active
active_value = true
`, introspect.URL)), 0o644)
	os.Chmod(dir, 0o755)
	d := startDovecot(t, dovecotOptions{
		mechanisms: "plain login xoauth2",
		extra: fmt.Sprintf(`passdb {
  driver = oauth2
  mechanisms = xoauth2
  args = %s
}
`, oauthConf),
	})
	ts := &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
	appendMsg(t, ts.client(t), "INBOX", "a@test")

	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
	cfg := ts.config("m365")
	cfg.Password = ""
	cfg.TokenCommand = "cat " + tokenFile
	rec := newRecorder()
	p := newTestPoller(t, cfg, rec, newMemState(), newMemLocker())
	if n, err := p.PollOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("PollOnce with XOAUTH2: %d, %v\nlog:\n%s", n, err, d.log())
	}
	mu.Lock()
	if !slices.Contains(seen, token) {
		t.Errorf("the introspection endpoint never saw the token: %q", seen)
	}
	mu.Unlock()

	// A token the server refuses: a clear error, and the token is not in it.
	os.WriteFile(tokenFile, []byte("revoked-token\n"), 0o600)
	start := time.Now()
	_, err := p.PollOnce(context.Background())
	if err == nil || !strings.Contains(err.Error(), "XOAUTH2") || strings.Contains(err.Error(), "revoked-token") {
		t.Fatalf("refused token: %v", err)
	}
	t.Logf("refused after %v: %v", time.Since(start), err)
}
