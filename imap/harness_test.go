package imap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"balcao"
)

const deskAddress = "servicedesk@spms.min-saude.pt"

// testServer is an IMAP server the tests talk to: Dovecot, or go-imap's
// in-process server.
type testServer struct {
	kind       string
	addr       string
	user, pass string
	dovecot    *dovecot // nil for the in-process server
}

// serverKinds are the servers every shared case runs against.
var serverKinds = []struct {
	name  string
	start func(t *testing.T) *testServer
}{
	// IMAP4rev2 implies MOVE and UIDPLUS.
	{"mem", func(t *testing.T) *testServer {
		return startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}})
	}},
	// IMAP4rev1 alone: no MOVE, no UIDPLUS, so "move" falls back to COPY,
	// STORE \Deleted and EXPUNGE.
	{"mem-rev1", func(t *testing.T) *testServer {
		return startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}})
	}},
	{"dovecot", func(t *testing.T) *testServer {
		d := startDovecot(t, dovecotOptions{})
		return &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
	}},
}

// eachServer runs f as a subtest against every server kind.
func eachServer(t *testing.T, f func(t *testing.T, ts *testServer)) {
	for _, k := range serverKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			f(t, k.start(t))
		})
	}
}

func startMemServer(t *testing.T, caps imap.CapSet) *testServer {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("desk", "segredo-de-teste")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &testServer{kind: "mem", addr: ln.Addr().String(), user: "desk", pass: "segredo-de-teste"}
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// config is a mailbox config for this server, polling fast.
func (ts *testServer) config(name string) MailboxConfig {
	return MailboxConfig{
		Name:         name,
		Addr:         ts.addr,
		TLS:          "none",
		Username:     ts.user,
		Password:     ts.pass,
		Address:      deskAddress,
		PollInterval: 200 * time.Millisecond,
	}
}

// client is a second connection the test uses to append and inspect.
func (ts *testServer) client(t *testing.T) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(ts.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(ts.user, ts.pass).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// testMessage is a small request as a citizen would send it.
func testMessage(id string) []byte {
	return fmt.Appendf(nil, "Return-Path: <ana.silva@example.pt>\r\n"+
		"From: Ana Silva <ana.silva@example.pt>\r\n"+
		"To: %s\r\n"+
		"Subject: Pedido de acesso %s\r\n"+
		"Message-ID: <%s>\r\n"+
		"Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n"+
		"MIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"\r\n"+
		"Bom dia, peço acesso à aplicação. Obrigada.\r\n", deskAddress, id, id)
}

// appendMsg APPENDs a test message with the given flags.
func appendMsg(t *testing.T, c *imapclient.Client, folder, id string, flags ...imap.Flag) {
	t.Helper()
	raw := testMessage(id)
	cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: flags})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append %s to %s: %v", id, folder, err)
	}
}

// folderState is what a folder holds: Message-ID → flags, and the
// Message-IDs in UID order.
type folderState struct {
	order []string
	flags map[string][]imap.Flag
	uid   map[string]imap.UID
}

func (f folderState) seen(id string) bool {
	return slices.Contains(f.flags[id], imap.FlagSeen)
}

func inspect(t *testing.T, c *imapclient.Client, folder string) folderState {
	t.Helper()
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("examine %s: %v", folder, err)
	}
	defer func() { c.Unselect().Wait() }()
	st := folderState{flags: map[string][]imap.Flag{}, uid: map[string]imap.UID{}}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true, Envelope: true}).Collect()
	if err != nil {
		// An empty folder answers "1:*" with an error on some servers.
		return st
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	for _, m := range msgs {
		id := m.Envelope.MessageID
		st.order = append(st.order, id)
		st.flags[id] = m.Flags
		st.uid[id] = m.UID
	}
	return st
}

// folderCount returns how many messages a folder holds.
func folderCount(t *testing.T, c *imapclient.Client, folder string) int {
	t.Helper()
	data, err := c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		t.Fatalf("status %s: %v", folder, err)
	}
	return int(*data.NumMessages)
}

// setFlags changes flags of one message, as a person in a mail client would.
func setFlags(t *testing.T, c *imapclient.Client, folder string, uid imap.UID, op imap.StoreFlagsOp, flags ...imap.Flag) {
	t.Helper()
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	defer func() { c.Unselect().Wait() }()
	if err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close(); err != nil {
		t.Fatal(err)
	}
}

// recorder is a MailDeliverer that stores messages in memory, dropping
// duplicates by Message-ID as the real one does, and can be told to fail.
type recorder struct {
	mu     sync.Mutex
	calls  []string // Message-IDs in call order, failures included
	stored []string // Message-IDs stored, in order, without duplicates
	envs   map[string]balcao.Envelope
	// fail returns the error for a call, or nil; called without mu held.
	fail func(id string) error
	// before runs at the start of each call, e.g. to look at the mailbox.
	before func(id string)
	got    chan string // receives each stored Message-ID (buffered)
}

func newRecorder() *recorder {
	return &recorder{envs: map[string]balcao.Envelope{}, got: make(chan string, 1000)}
}

func (r *recorder) DeliverMail(ctx context.Context, env balcao.Envelope, raw []byte) error {
	id := scanHeader(raw).messageID
	id = id[1 : len(id)-1] // strip <>
	if r.before != nil {
		r.before(id)
	}
	r.mu.Lock()
	r.calls = append(r.calls, id)
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		if err := fail(id); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.envs[id]; dup {
		return nil
	}
	r.envs[id] = env
	r.stored = append(r.stored, id)
	r.got <- id
	return nil
}

func (r *recorder) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func (r *recorder) Stored() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.stored)
}

// waitFor waits until id is stored, or fails after d.
func (r *recorder) waitFor(t *testing.T, id string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	timeout := time.After(d)
	for {
		r.mu.Lock()
		_, ok := r.envs[id]
		r.mu.Unlock()
		if ok {
			return time.Since(start)
		}
		select {
		case <-r.got:
		case <-time.After(10 * time.Millisecond):
		case <-timeout:
			t.Fatalf("%s not delivered within %v; stored: %v", id, d, r.Stored())
		}
	}
}

// memState is an in-memory State.
type memState struct {
	mu sync.Mutex
	m  map[string][2]uint32
}

func newMemState() *memState { return &memState{m: map[string][2]uint32{}} }

func (s *memState) Cursor(ctx context.Context, mailbox string) (uint32, uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.m[mailbox]
	return c[0], c[1], nil
}

func (s *memState) SetCursor(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[mailbox] = [2]uint32{uidValidity, lastUID}
	return nil
}

func (s *memState) get(mailbox string) (uint32, uint32) {
	v, l, _ := s.Cursor(context.Background(), mailbox)
	return v, l
}

// memLocker is an in-process Locker, as the SQLite build would use.
type memLocker struct {
	mu   sync.Mutex
	held map[string]bool
}

func newMemLocker() *memLocker { return &memLocker{held: map[string]bool{}} }

func (l *memLocker) TryLock(ctx context.Context, name string) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[name] {
		return nil, false, nil
	}
	l.held[name] = true
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.held, name)
			l.mu.Unlock()
		})
	}, true, nil
}

// testLogger writes the poller's log to the test log when -v is given.
func testLogger(t *testing.T) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// newTestPoller builds a poller with short backoffs.
func newTestPoller(t *testing.T, cfg MailboxConfig, d balcao.MailDeliverer, st State, lk Locker) *Poller {
	p := NewPoller(cfg, d, st, lk, testLogger(t))
	p.minBackoff, p.maxBackoff = 50*time.Millisecond, 500*time.Millisecond
	return p
}

// runPoller starts Run in the background; stop cancels it and returns how
// long Run took to return.
func runPoller(t *testing.T, p *Poller) (stop func() time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			start := time.Now()
			cancel()
			select {
			case err := <-done:
				took = time.Since(start)
				if err != nil {
					t.Errorf("Run returned %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return within 10s of cancel")
			}
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return stop
}

var errTransient = errors.New("database is locked (test)")
