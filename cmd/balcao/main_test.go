package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"balcao"
	"balcao/sqldb"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "balcao-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "balcao")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build failed: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env returns a clean environment for the binary: no BALCAO_ variables
// of the caller's, plus the given ones.
func env(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BALCAO_") {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

type result struct {
	code           int
	stdout, stderr string
}

func balcaoCmd(t *testing.T, environ []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = environ
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// server is a running `balcao serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

func (s *server) logs() string { s.mu.Lock(); defer s.mu.Unlock(); return s.log.String() }

var addrRe = regexp.MustCompile(`msg="balcao listening" addr=(\S+)`)

func startServer(t *testing.T, environ []string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(binary, "serve", "--http-addr", "127.0.0.1:0"), done: make(chan struct{})}
	s.cmd.Env = environ
	pr, pw := io.Pipe()
	s.cmd.Stderr = pw
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := addrRe.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() { s.err = s.cmd.Wait(); pw.Close(); close(s.done) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
	})
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.done:
		t.Fatalf("serve exited: %v\n%s", s.err, s.logs())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", s.logs())
	}
	return s
}

func get(t *testing.T, url, token string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"user", "--help"},
		{"user", "create", "--help"}, {"token", "--help"}, {"token", "create", "--help"}, {"token", "list", "--help"},
		{"token", "revoke", "--help"}, {"version", "--help"}, {"help", "env"}} {
		r := balcaoCmd(t, env(), "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "balcao") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := balcaoCmd(t, env(), "", "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %+v", r)
	}
	if r := balcaoCmd(t, env(), "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "balcao ") {
		t.Errorf("version: %+v", r)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ env, want string }{
		{"BALCAO_HTTP_PORT=80", "unknown variable BALCAO_HTTP_PORT"},
		{"BALCAO_LOG_FORMAT=xml", "BALCAO_LOG_FORMAT"},
		{"BALCAO_LOG_LEVEL=verbose", "BALCAO_LOG_LEVEL"},
		{"BALCAO_HTTP_ADDR=8080", "BALCAO_HTTP_ADDR"},
		{"BALCAO_DATABASE_URL=mysql://x", "BALCAO_DATABASE_URL"},
		{"BALCAO_BASE_URL=balcao.pt", "BALCAO_BASE_URL"},
		{"BALCAO_NUMBER_PREFIX=sd", "BALCAO_NUMBER_PREFIX"},
		{"BALCAO_MAX_ATTACHMENT_BYTES=lots", "BALCAO_MAX_ATTACHMENT_BYTES"},
	} {
		r := balcaoCmd(t, env("BALCAO_DATA_DIR="+dir, c.env), "", "migrate")
		if r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 naming %s", c.env, r.code, r.stderr, c.want)
		}
	}
}

func TestOperationsDocListsEveryVariable(t *testing.T) {
	doc, err := os.ReadFile("../../docs/OPERATIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range envVars {
		if !strings.Contains(string(doc), "`"+v.name+"`") {
			t.Errorf("docs/OPERATIONS.md does not document %s", v.name)
		}
	}
}

// databases returns the configurations the end-to-end tests run on: the
// default SQLite file, and PostgreSQL when a server is given.
func databases(t *testing.T) map[string]func(t *testing.T) (environ []string, open func() *sqldb.DB) {
	dbs := map[string]func(t *testing.T) ([]string, func() *sqldb.DB){
		"sqlite": func(t *testing.T) ([]string, func() *sqldb.DB) {
			dir := t.TempDir()
			cfg := Config{DataDir: dir}
			return env("BALCAO_DATA_DIR=" + dir), func() *sqldb.DB {
				s, err := openStore(context.Background(), cfg, false)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		},
	}
	admin := os.Getenv("BALCAO_TEST_POSTGRES_URL")
	if admin == "" && os.Getenv("CI") != "" {
		t.Fatal("BALCAO_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
	}
	if admin != "" {
		dbs["postgres"] = func(t *testing.T) ([]string, func() *sqldb.DB) {
			db, err := sql.Open("pgx", admin)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			name := fmt.Sprintf("balcao_cmd_%d", time.Now().UnixNano())
			if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if db, err := sql.Open("pgx", admin); err == nil {
					db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
					db.Close()
				}
			})
			u, _ := url.Parse(admin)
			u.Path = "/" + name
			cfg := Config{DatabaseURL: u.String()}
			return env("BALCAO_DATA_DIR="+t.TempDir(), "BALCAO_DATABASE_URL="+u.String()), func() *sqldb.DB {
				s, err := openStore(context.Background(), cfg, false)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		}
	}
	return dbs
}

// TestEndToEnd boots the real binary on an empty database: it migrates,
// creates the first admin, answers /readyz; the CLI makes users and tokens
// that the API accepts; a requester sees only their own tickets.
func TestEndToEnd(t *testing.T) {
	for name, setup := range databases(t) {
		t.Run(name, func(t *testing.T) {
			environ, open := setup(t)
			srv := startServer(t, environ)
			if !regexp.MustCompile(`created the first admin account.*email=admin@localhost password=\S{20}`).MatchString(srv.logs()) {
				t.Fatalf("no admin password in the log:\n%s", srv.logs())
			}
			if code, _, body := get(t, srv.base+"/readyz", ""); code != 200 || string(body) != "ready\n" {
				t.Fatalf("readyz %d %q", code, body)
			}
			if code, _, _ := get(t, srv.base+"/healthz", ""); code != 200 {
				t.Fatalf("healthz %d", code)
			}

			// The CLI, against the same database while the server runs.
			r := balcaoCmd(t, environ, "", "user", "create", "--email", "Rui.Agente@spms.min-saude.pt", "--role", "agent", "--name", "Rui Agente")
			if r.code != 0 || len(strings.TrimSpace(r.stdout)) != 20 {
				t.Fatalf("user create: %+v", r)
			}
			r = balcaoCmd(t, environ, "uma palavra-passe longa\n", "user", "create", "--email", "ana@usf.min-saude.pt", "--role", "requester", "--password-stdin")
			if r.code != 0 || r.stdout != "" {
				t.Fatalf("user create --password-stdin: %+v", r)
			}
			if r := balcaoCmd(t, environ, "", "user", "create", "--email", "x@y.pt", "--role", "chefe"); r.code != 1 || !strings.Contains(r.stderr, "--role") {
				t.Fatalf("bad role: %+v", r)
			}
			if r := balcaoCmd(t, environ, "", "user", "create", "--email", "rui.agente@spms.min-saude.pt", "--role", "agent"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
				t.Fatalf("duplicate user: %+v", r)
			}
			r = balcaoCmd(t, environ, "", "token", "create", "--email", "rui.agente@spms.min-saude.pt", "--name", "integração")
			agentToken := strings.TrimSpace(r.stdout)
			if r.code != 0 || !strings.HasPrefix(agentToken, "blc_") || strings.Count(r.stdout, "\n") != 1 {
				t.Fatalf("token create: %+v", r)
			}
			r = balcaoCmd(t, environ, "", "token", "create", "--email", "ana@usf.min-saude.pt", "--name", "portal")
			requesterToken := strings.TrimSpace(r.stdout)
			if r := balcaoCmd(t, environ, "", "token", "create", "--email", "nobody@x.pt", "--name", "n"); r.code != 1 || !strings.Contains(r.stderr, "user create") {
				t.Fatalf("token for unknown user: %+v", r)
			}

			// Tickets written by another handle on the same database.
			store := open()
			defer store.Close()
			ctx := context.Background()
			if err := store.UpsertTeam(ctx, &balcao.Team{Code: "cit", Name: "Equipa CIT"}); err != nil {
				t.Fatal(err)
			}
			mk := func(email, subject string, msg *balcao.Message) *balcao.Ticket {
				tk, err := store.CreateTicket(ctx, &balcao.NewTicket{Subject: subject, RequestType: "cit-d1", Channel: balcao.ChannelEmail,
					RequesterEmail: email, RequesterName: "Ana", TeamCode: "cit", Status: balcao.StatusPendingRequester,
					Fields:  map[string]string{"utente.nnu": "111156119"},
					Missing: []balcao.FieldProblem{{Key: "utente.niss", Label: "NISS ou nº de beneficiário", Problem: "em falta"}},
					Message: msg, Now: time.Now().UTC()})
				if err != nil {
					t.Fatal(err)
				}
				return tk
			}
			mine := mk("ana@usf.min-saude.pt", "CIT – Problema/Erro aplicação local (SAM-CS)", &balcao.Message{Channel: balcao.ChannelEmail,
				FromAddr: "ana@usf.min-saude.pt", Text: "Erro ao emitir", Attachments: []*balcao.Attachment{{Filename: "ecrã.png", MediaType: "image/png", Data: []byte("png!")}}})
			if err := store.AddMessage(ctx, mine.ID, &balcao.Message{Direction: balcao.DirectionNote, Channel: balcao.ChannelPortal, Text: "nota interna"}, balcao.Actor{Name: "Rui"}); err != nil {
				t.Fatal(err)
			}
			theirs := mk("outra@usf.min-saude.pt", "CIT – Dúvidas aplicação central", nil)

			// Authentication.
			for _, tok := range []string{"", "blc_wrong"} {
				code, h, body := get(t, srv.base+"/api/v1/tickets", tok)
				if code != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "Bearer") || !strings.Contains(string(body), "token") {
					t.Fatalf("token %q: %d %s", tok, code, body)
				}
			}

			// An agent sees everything.
			code, _, body := get(t, srv.base+"/api/v1/tickets?status=pending_requester", agentToken)
			var list struct {
				Tickets []map[string]any `json:"tickets"`
			}
			if code != 200 || json.Unmarshal(body, &list) != nil || len(list.Tickets) != 2 || list.Tickets[0]["number"] != string(theirs.Number) {
				t.Fatalf("agent list: %d %s", code, body)
			}
			code, _, body = get(t, srv.base+"/api/v1/tickets/"+string(mine.Number), agentToken)
			var d struct {
				Number      string            `json:"number"`
				Status      string            `json:"status"`
				StatusLabel string            `json:"status_label"`
				RequestType map[string]string `json:"request_type"`
				Requester   map[string]string `json:"requester"`
				Fields      map[string]string `json:"fields"`
				Missing     []map[string]any  `json:"missing_fields"`
				Messages    []struct {
					Direction   string `json:"direction"`
					From        string `json:"from"`
					Text        string `json:"text"`
					Attachments []struct {
						URL string `json:"url"`
					} `json:"attachments"`
				} `json:"messages"`
				Events []map[string]any `json:"events"`
			}
			if code != 200 || json.Unmarshal(body, &d) != nil {
				t.Fatalf("detail: %d %s", code, body)
			}
			if d.Status != "pending_requester" || d.StatusLabel != "Pendente – aguarda requerente" || d.RequestType["code"] != "cit-d1" ||
				d.Requester["email"] != "ana@usf.min-saude.pt" || d.Fields["utente.nnu"] != "111156119" || len(d.Missing) != 1 ||
				d.Missing[0]["key"] != "utente.niss" || len(d.Messages) != 2 || len(d.Events) != 2 || d.Messages[0].From != "ana@usf.min-saude.pt" {
				t.Fatalf("detail: %s", body)
			}
			code, h, blob := get(t, d.Messages[0].Attachments[0].URL, agentToken)
			if code != 200 || string(blob) != "png!" || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
				t.Fatalf("attachment: %d %q %v", code, blob, h)
			}

			// A requester sees only their own tickets and never internal notes.
			code, _, body = get(t, srv.base+"/api/v1/tickets", requesterToken)
			if code != 200 || json.Unmarshal(body, &list) != nil || len(list.Tickets) != 1 || list.Tickets[0]["number"] != string(mine.Number) {
				t.Fatalf("requester list: %d %s", code, body)
			}
			if code, _, _ := get(t, srv.base+"/api/v1/tickets/"+string(theirs.Number), requesterToken); code != 404 {
				t.Fatalf("requester reading another's ticket: %d", code)
			}
			_, _, body = get(t, srv.base+"/api/v1/tickets/"+string(mine.Number), requesterToken)
			if strings.Contains(string(body), "nota interna") {
				t.Fatal("internal note shown to the requester")
			}

			// Bad filters name the parameter.
			if code, _, body := get(t, srv.base+"/api/v1/tickets?status=aberto", agentToken); code != 422 || !strings.Contains(string(body), "status") {
				t.Fatalf("bad status: %d %s", code, body)
			}
			if code, _, body := get(t, srv.base+"/api/v1/tickets?updated_since=ontem", agentToken); code != 422 || !strings.Contains(string(body), "updated_since") {
				t.Fatalf("bad updated_since: %d %s", code, body)
			}

			// The OpenAPI document describes the API.
			code, _, body = get(t, srv.base+"/api/openapi.json", "")
			var doc struct {
				OpenAPI string                    `json:"openapi"`
				Paths   map[string]map[string]any `json:"paths"`
			}
			if code != 200 || json.Unmarshal(body, &doc) != nil || doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/tickets/{number}"]["get"] == nil {
				t.Fatalf("openapi: %d %.300s", code, body)
			}
			_, _, metrics := get(t, srv.base+"/metrics", "")
			if !strings.Contains(string(metrics), `balcao_http_requests_total{code="401",method="GET",route="GET /api/v1/tickets"}`) {
				t.Fatalf("metrics lack the request counter:\n%.2000s", metrics)
			}
			// SQLite's single writer has committed the tickets created
			// above and flushed its log; PostgreSQL has no such writer.
			for _, metric := range []string{"balcao_store_write_batches_total", "balcao_store_write_requests_total", "balcao_store_log_flushes_total"} {
				m := regexp.MustCompile(`(?m)^` + metric + ` (\d+)$`).FindSubmatch(metrics)
				if name == "postgres" {
					if m != nil {
						t.Fatalf("metrics: %s on PostgreSQL", metric)
					}
				} else if m == nil || string(m[1]) == "0" {
					t.Fatalf("metrics: %s missing or zero:\n%.3000s", metric, metrics)
				}
			}

			// Revoked tokens stop working.
			r = balcaoCmd(t, environ, "", "token", "list")
			if r.code != 0 || !strings.Contains(r.stdout, "integração") || strings.Contains(r.stdout, agentToken) {
				t.Fatalf("token list: %+v", r)
			}
			if r := balcaoCmd(t, environ, "", "token", "revoke", "1"); r.code != 0 {
				t.Fatalf("revoke: %+v", r)
			}
			if code, _, _ := get(t, srv.base+"/api/v1/tickets", agentToken); code != 401 {
				t.Fatalf("revoked token: %d", code)
			}
		})
	}
}

// TestGracefulShutdown sends SIGTERM while a handler is still writing a
// large response to a client that has not read it yet: the server stops
// accepting connections, lets that response finish, then exits with 0.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	environ := env("BALCAO_DATA_DIR=" + dir)
	srv := startServer(t, environ)
	r := balcaoCmd(t, environ, "", "user", "create", "--email", "a@spms.pt", "--role", "agent")
	r = balcaoCmd(t, environ, "", "token", "create", "--email", "a@spms.pt", "--name", "t")
	token := strings.TrimSpace(r.stdout)
	store, err := openStore(context.Background(), Config{DataDir: dir}, false)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16) // 20 MiB, more than the socket buffers hold
	tk, err := store.CreateTicket(context.Background(), &balcao.NewTicket{Channel: balcao.ChannelEmail, RequesterEmail: "r@x.pt",
		Message: &balcao.Message{Channel: balcao.ChannelEmail, Attachments: []*balcao.Attachment{{Filename: "big.bin", Data: big}}}})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/v1/tickets/%s/attachments/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", tk.Number, token)
	time.Sleep(300 * time.Millisecond) // the handler is now blocked writing
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(srv.logs(), "shutting down") {
		if time.Now().After(deadline) {
			t.Fatalf("no shutdown:\n%s", srv.logs())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The listener closes as the shutdown begins (the log line comes just
	// before): new connections are refused within moments.
	for refused := false; !refused; {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.base, "http://"), time.Second)
		if refused = err != nil; !refused {
			c.Close()
			if time.Now().After(deadline) {
				t.Fatal("still accepting connections after SIGTERM")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	select {
	case <-srv.done:
		t.Fatal("exited before the in-flight response was delivered")
	default:
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v\n%s", err, srv.logs())
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, big) {
		t.Fatalf("in-flight response: %d, %d bytes, %v", resp.StatusCode, len(body), err)
	}
	select {
	case <-srv.done:
		if srv.err != nil {
			t.Fatalf("exit: %v\n%s", srv.err, srv.logs())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not exit")
	}
}
