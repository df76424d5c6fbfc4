package smtp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"balcao"
)

// fakeDeliverer is a balcao.MailDeliverer that records its calls and
// returns err. With gate set, each call signals entered and waits for gate
// to be closed, so a test can look at the client while delivery runs.
type fakeDeliverer struct {
	err     error
	gate    chan struct{}
	entered chan struct{}

	mu    sync.Mutex
	calls []delivery
}

type delivery struct {
	env      balcao.Envelope
	raw      []byte
	returned time.Time
}

func (f *fakeDeliverer) DeliverMail(ctx context.Context, env balcao.Envelope, raw []byte) error {
	if f.gate != nil {
		f.entered <- struct{}{}
		select {
		case <-f.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, delivery{env: env, raw: slices.Clone(raw), returned: time.Now()})
	return f.err
}

func (f *fakeDeliverer) Calls() []delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startServer serves cfg on 127.0.0.1 with a system-chosen port.
func startServer(t *testing.T, cfg ServerConfig, d balcao.MailDeliverer) (*Server, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(cfg, d)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, ErrServerClosed) {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	// Addr is set once Serve runs in its goroutine.
	for deadline := time.Now().Add(5 * time.Second); srv.Addr() == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Addr() still nil after Serve started")
		}
	}
	if got := srv.Addr().String(); got != ln.Addr().String() {
		t.Fatalf("Addr() = %v, want %v", got, ln.Addr())
	}
	return srv, ln.Addr().String()
}

// utf8Message has 8-bit UTF-8 in headers and body and a line starting with
// a dot, so that dot-stuffing and 8BITMIME are both exercised.
var utf8Message = []byte("From: =?UTF-8?Q?Ana_Sous=C3=A3?= <ana@example.pt>\r\n" +
	"To: desk@example.pt\r\n" +
	"Subject: Retificação de CIT\r\n" +
	"Message-ID: <t1.20260101@example.pt>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: 8bit\r\n" +
	"\r\n" +
	"Olá, não consigo aceder à plataforma — código €42.\r\n" +
	".linha que começa com ponto\r\n" +
	"..e outra com dois\r\n" +
	"Obrigada, Ана 日本\r\n")

// txn is one mail transaction as a client sends it.
type txn struct {
	from string
	to   []string
	data []byte
}

// outcome is what the client heard: the reply code to MAIL, to each RCPT,
// and after the data (one per accepted recipient for LMTP).
type outcome struct {
	mail      int
	rcpt      []int
	final     []int
	finalText []string
}

func (o outcome) String() string {
	return fmt.Sprintf("MAIL %d, RCPT %v, final %v %q", o.mail, o.rcpt, o.final, o.finalText)
}

func replyCode(t *testing.T, err error) (int, string) {
	t.Helper()
	if err == nil {
		return 250, ""
	}
	var tpe *textproto.Error
	if !errors.As(err, &tpe) {
		t.Fatalf("want an SMTP reply, got %v", err)
	}
	return tpe.Code, tpe.Msg
}

// client is one way of talking to the server.
type client struct {
	name string
	lmtp bool
	send func(t *testing.T, addr string, tx txn) outcome
}

// sendNetSMTP uses the standard library's net/smtp.
func sendNetSMTP(t *testing.T, addr string, tx txn) outcome {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	var o outcome
	o.mail, _ = replyCode(t, c.Mail(tx.from))
	if o.mail != 250 {
		return o
	}
	accepted := 0
	for _, r := range tx.to {
		code, _ := replyCode(t, c.Rcpt(r))
		o.rcpt = append(o.rcpt, code)
		if code == 250 {
			accepted++
		}
	}
	if accepted == 0 {
		return o
	}
	w, err := c.Data()
	if err != nil {
		t.Fatalf("DATA: %v", err)
	}
	if _, err := w.Write(tx.data); err != nil {
		t.Fatal(err)
	}
	code, text := replyCode(t, w.Close())
	o.final, o.finalText = []int{code}, []string{text}
	if code == 250 {
		if err := c.Quit(); err != nil {
			t.Errorf("QUIT: %v", err)
		}
	}
	return o
}

// sendLMTP speaks LMTP by hand: net/smtp cannot say LHLO.
func sendLMTP(t *testing.T, addr string, tx txn) outcome {
	t.Helper()
	conn, err := textproto.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	expect := func(want int) (int, string) {
		t.Helper()
		code, msg, err := conn.ReadResponse(want)
		var tpe *textproto.Error
		if err != nil && !errors.As(err, &tpe) {
			t.Fatal(err)
		}
		return code, msg
	}
	cmd := func(want int, format string, args ...any) (int, string) {
		t.Helper()
		if _, err := conn.Cmd(format, args...); err != nil {
			t.Fatal(err)
		}
		return expect(want)
	}
	expect(220)
	cmd(250, "LHLO client.test")
	var o outcome
	if o.mail, _ = cmd(250, "MAIL FROM:<%s>", tx.from); o.mail != 250 {
		return o
	}
	accepted := 0
	for _, r := range tx.to {
		code, _ := cmd(250, "RCPT TO:<%s>", r)
		o.rcpt = append(o.rcpt, code)
		if code == 250 {
			accepted++
		}
	}
	if accepted == 0 {
		return o
	}
	cmd(354, "DATA")
	w := conn.DotWriter()
	w.Write(tx.data)
	w.Close()
	for range accepted {
		code, text := expect(250)
		o.final = append(o.final, code)
		o.finalText = append(o.finalText, text)
	}
	cmd(221, "QUIT")
	return o
}

// swaksPath finds the swaks binary; CI must have it.
func swaksPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed: .ci/run must install it (apt-get install -y swaks)")
		}
		t.Skip("swaks is not installed (apt-get install -y swaks); skipping the real-client run")
	}
	return p
}

// sendSwaks runs the real swaks client and reads its transcript.
func sendSwaks(lmtp bool) func(t *testing.T, addr string, tx txn) outcome {
	return func(t *testing.T, addr string, tx txn) outcome {
		t.Helper()
		bin := swaksPath(t)
		file := filepath.Join(t.TempDir(), "message.eml")
		// swaks always sends CRLF "." CRLF after the data, so the data's own
		// final line break is left to it; the bytes on the wire are then
		// the same as net/smtp's.
		if err := os.WriteFile(file, bytes.TrimSuffix(tx.data, []byte("\r\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		from := tx.from
		if from == "" {
			from = "<>"
		}
		proto := "ESMTP"
		if lmtp {
			proto = "LMTP"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin,
			"--server", addr, "--protocol", proto, "--helo", "client.test",
			"--from", from, "--to", strings.Join(tx.to, ","),
			"--data", "@"+file, "--timeout", "20s").CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("swaks: %v\n%s", err, out)
		}
		o := parseSwaks(out)
		t.Logf("swaks: %s", o)
		return o
	}
}

// parseSwaks pairs each command in a swaks transcript with the code of the
// reply that follows it. Client lines start with "->", server lines with
// "<-" (accepted) or "<**" (refused); multi-line replies end at "NNN ".
func parseSwaks(out []byte) outcome {
	var o outcome
	cmd := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "->"):
			c := strings.TrimSpace(strings.TrimPrefix(line, "->"))
			switch {
			case strings.HasPrefix(c, "MAIL FROM"):
				cmd = "MAIL"
			case strings.HasPrefix(c, "RCPT TO"):
				cmd = "RCPT"
			case c == "DATA":
				cmd = "DATA"
			case c == ".":
				cmd = "END"
			case c == "QUIT":
				cmd = "QUIT"
			}
		case strings.HasPrefix(line, "<-") || strings.HasPrefix(line, "<**"):
			r := strings.TrimSpace(strings.TrimLeft(line, "<-*"))
			if len(r) < 4 || r[3] != ' ' {
				continue // a continuation line of a multi-line reply
			}
			code, err := strconv.Atoi(r[:3])
			if err != nil {
				continue
			}
			switch cmd {
			case "MAIL":
				o.mail = code
			case "RCPT":
				o.rcpt = append(o.rcpt, code)
			case "END":
				o.final = append(o.final, code)
				o.finalText = append(o.finalText, r[4:])
			}
		}
	}
	return o
}

var (
	smtpClients = []client{{"net-smtp", false, sendNetSMTP}, {"swaks", false, sendSwaks(false)}}
	lmtpClients = []client{{"lmtp-textproto", true, sendLMTP}, {"swaks", true, sendSwaks(true)}}
)

func TestInbound(t *testing.T) {
	desk := func(addr string) bool { return addr == "desk@example.pt" || addr == "cit@example.pt" }
	big := bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n"), 32) // 2048 bytes
	exact := append([]byte("Subject: exactly 1024 bytes\r\n\r\n"), bytes.Repeat([]byte("x"), 1024-31-2)...)
	exact = append(exact, "\r\n"...)

	cases := []struct {
		name  string
		cfg   ServerConfig
		err   error // what the deliverer returns
		tx    txn
		check func(t *testing.T, o outcome, calls []delivery)
	}{{
		name: "accepted, 8-bit UTF-8 bytes kept exactly",
		cfg:  ServerConfig{AcceptRecipient: desk},
		tx:   txn{from: "ana@example.pt", to: []string{"Desk@Example.PT"}, data: utf8Message},
		check: func(t *testing.T, o outcome, calls []delivery) {
			wantFinal(t, o, 250)
			c := onlyCall(t, calls)
			if !bytes.Equal(c.raw, utf8Message) {
				t.Errorf("raw bytes differ:\n got %q\nwant %q", c.raw, utf8Message)
			}
			e := c.env
			if e.Source != "smtp" || e.MailFrom != "ana@example.pt" ||
				!slices.Equal(e.Recipients, []string{"desk@example.pt"}) {
				t.Errorf("envelope = %+v", e)
			}
			if host, _, _ := net.SplitHostPort(e.RemoteAddr); host != "127.0.0.1" {
				t.Errorf("RemoteAddr = %q", e.RemoteAddr)
			}
			if time.Since(e.ReceivedAt) > time.Minute || e.ReceivedAt.After(time.Now()) {
				t.Errorf("ReceivedAt = %v", e.ReceivedAt)
			}
		},
	}, {
		name: "transient failure is 451 4.3.0",
		err:  errors.New("database is locked"),
		tx:   txn{from: "ana@example.pt", to: []string{"desk@example.pt"}, data: utf8Message},
		check: func(t *testing.T, o outcome, calls []delivery) {
			wantFinal(t, o, 451)
			if !strings.Contains(o.finalText[0], "4.3.0") || strings.Contains(o.finalText[0], "database") {
				t.Errorf("reply %q: want 4.3.0 and no internal detail", o.finalText[0])
			}
			onlyCall(t, calls)
		},
	}, {
		name: "EINVALID is 554 5.6.0 with the message",
		err:  balcao.Errorf(balcao.EINVALID, "mensagem sem remetente válido"),
		tx:   txn{from: "ana@example.pt", to: []string{"desk@example.pt"}, data: utf8Message},
		check: func(t *testing.T, o outcome, calls []delivery) {
			wantFinal(t, o, 554)
			if !strings.Contains(o.finalText[0], "5.6.0") || !strings.Contains(o.finalText[0], "mensagem sem remetente válido") {
				t.Errorf("reply %q", o.finalText[0])
			}
		},
	}, {
		name: "unknown recipient is 550 5.1.1 at RCPT",
		cfg:  ServerConfig{AcceptRecipient: desk},
		tx:   txn{from: "ana@example.pt", to: []string{"nobody@example.pt", "cit@example.pt"}, data: utf8Message},
		check: func(t *testing.T, o outcome, calls []delivery) {
			if !slices.Equal(o.rcpt, []int{550, 250}) {
				t.Fatalf("RCPT replies %v, want [550 250]", o.rcpt)
			}
			wantFinal(t, o, 250)
			if r := onlyCall(t, calls).env.Recipients; !slices.Equal(r, []string{"cit@example.pt"}) {
				t.Errorf("Recipients = %v", r)
			}
		},
	}, {
		name: "over the size limit is 552 5.3.4 naming it",
		cfg:  ServerConfig{MaxMessageBytes: 1024},
		tx:   txn{from: "ana@example.pt", to: []string{"desk@example.pt"}, data: big},
		check: func(t *testing.T, o outcome, calls []delivery) {
			wantFinal(t, o, 552)
			if !strings.Contains(o.finalText[0], "5.3.4") || !strings.Contains(o.finalText[0], "1024") {
				t.Errorf("reply %q: want 5.3.4 and the limit", o.finalText[0])
			}
			if len(calls) != 0 {
				t.Errorf("deliverer called for an oversized message")
			}
		},
	}, {
		name: "exactly at the size limit is accepted",
		cfg:  ServerConfig{MaxMessageBytes: 1024},
		tx:   txn{from: "ana@example.pt", to: []string{"desk@example.pt"}, data: exact},
		check: func(t *testing.T, o outcome, calls []delivery) {
			wantFinal(t, o, 250)
			if n := len(onlyCall(t, calls).raw); n != 1024 {
				t.Errorf("delivered %d bytes, want 1024", n)
			}
		},
	}, {
		name: "too many recipients is 452 4.5.3",
		cfg:  ServerConfig{MaxRecipients: 2},
		tx:   txn{from: "ana@example.pt", to: []string{"a@example.pt", "b@example.pt", "c@example.pt"}, data: utf8Message},
		check: func(t *testing.T, o outcome, calls []delivery) {
			if !slices.Equal(o.rcpt, []int{250, 250, 452}) {
				t.Fatalf("RCPT replies %v, want [250 250 452]", o.rcpt)
			}
			wantFinal(t, o, 250)
			if r := onlyCall(t, calls).env.Recipients; len(r) != 2 {
				t.Errorf("Recipients = %v", r)
			}
		},
	}, {
		name: "null sender accepted as empty MailFrom",
		tx:   txn{from: "", to: []string{"desk@example.pt"}, data: utf8Message},
		check: func(t *testing.T, o outcome, calls []delivery) {
			wantFinal(t, o, 250)
			if f := onlyCall(t, calls).env.MailFrom; f != "" {
				t.Errorf("MailFrom = %q, want empty", f)
			}
		},
	}}

	for _, tc := range cases {
		for _, cl := range smtpClients {
			t.Run(tc.name+"/"+cl.name, func(t *testing.T) {
				d := &fakeDeliverer{err: tc.err}
				_, addr := startServer(t, tc.cfg, d)
				o := cl.send(t, addr, tc.tx)
				if o.mail != 250 {
					t.Fatalf("MAIL refused: %s", o)
				}
				tc.check(t, o, d.Calls())
			})
		}
	}
}

func wantFinal(t *testing.T, o outcome, code int) {
	t.Helper()
	if len(o.final) != 1 || o.final[0] != code {
		t.Fatalf("final reply: %s; want %d", o, code)
	}
}

func onlyCall(t *testing.T, calls []delivery) delivery {
	t.Helper()
	if len(calls) != 1 {
		t.Fatalf("deliverer called %d times, want 1", len(calls))
	}
	return calls[0]
}

func TestInboundRepliesOnlyAfterDelivery(t *testing.T) {
	for _, cl := range smtpClients {
		t.Run(cl.name, func(t *testing.T) {
			if cl.name == "swaks" {
				swaksPath(t)
			}
			d := &fakeDeliverer{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
			_, addr := startServer(t, ServerConfig{}, d)
			type result struct {
				o  outcome
				at time.Time
			}
			done := make(chan result, 1)
			go func() {
				o := cl.send(t, addr, txn{from: "ana@example.pt", to: []string{"desk@example.pt"}, data: utf8Message})
				done <- result{o, time.Now()}
			}()
			select {
			case <-d.entered:
			case <-time.After(10 * time.Second):
				t.Fatal("deliverer never called")
			}
			select {
			case r := <-done:
				t.Fatalf("client finished while the deliverer was still running: %s", r.o)
			case <-time.After(300 * time.Millisecond):
			}
			close(d.gate)
			var r result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("client never finished")
			}
			wantFinal(t, r.o, 250)
			if c := onlyCall(t, d.Calls()); r.at.Before(c.returned) {
				t.Errorf("client heard 250 at %v, before the deliverer returned at %v", r.at, c.returned)
			}
		})
	}
}

func TestInboundSizeAnnouncedAtMail(t *testing.T) {
	d := &fakeDeliverer{}
	_, addr := startServer(t, ServerConfig{MaxMessageBytes: 1024}, d)
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, param := c.Extension("SIZE"); !ok || param == "" {
		t.Errorf("SIZE not advertised with a limit: %v %q", ok, param)
	}
	id, err := c.Text.Cmd("MAIL FROM:<ana@example.pt> SIZE=1025")
	if err != nil {
		t.Fatal(err)
	}
	c.Text.StartResponse(id)
	code, msg, _ := c.Text.ReadResponse(250)
	c.Text.EndResponse(id)
	if code != 552 || !strings.Contains(msg, "1024") {
		t.Errorf("MAIL SIZE=1025: %d %q, want 552 naming 1024", code, msg)
	}
}

func TestInboundLMTP(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"delivered", nil, 250},
		{"transient", errors.New("disk full"), 451},
	}
	for _, tc := range cases {
		for _, cl := range lmtpClients {
			t.Run(tc.name+"/"+cl.name, func(t *testing.T) {
				d := &fakeDeliverer{err: tc.err}
				_, addr := startServer(t, ServerConfig{LMTP: true}, d)
				rcpts := []string{"desk@example.pt", "CIT@example.pt"}
				o := cl.send(t, addr, txn{from: "ana@example.pt", to: rcpts, data: utf8Message})
				if !slices.Equal(o.final, []int{tc.want, tc.want}) {
					t.Fatalf("%s; want %d for each recipient", o, tc.want)
				}
				for i, text := range o.finalText {
					if !strings.Contains(text, "<"+rcpts[i]+">") {
						t.Errorf("reply %q does not name <%s>", text, rcpts[i])
					}
				}
				c := onlyCall(t, d.Calls())
				if c.env.Source != "lmtp" || !slices.Equal(c.env.Recipients, []string{"desk@example.pt", "cit@example.pt"}) {
					t.Errorf("envelope = %+v", c.env)
				}
				if !bytes.Equal(c.raw, utf8Message) {
					t.Errorf("raw bytes differ")
				}
			})
		}
	}
}

func TestShutdownLetsDataFinish(t *testing.T) {
	d := &fakeDeliverer{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	srv := NewServer(ServerConfig{Logger: quietLogger()}, d)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// An idle client: greeted, said EHLO, sends nothing more.
	idle, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if err := idle.Hello("idle.test"); err != nil {
		t.Fatal(err)
	}

	sent := make(chan error, 1)
	go func() {
		sent <- smtp.SendMail(addr, nil, "ana@example.pt", []string{"desk@example.pt"}, utf8Message)
	}()
	select {
	case <-d.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("deliverer never called")
	}

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()

	// New connections are refused once the listener is closed.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still accepting after Shutdown")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The idle client is told and dropped.
	if err := idle.Noop(); err == nil {
		t.Error("idle connection still usable after Shutdown")
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a message was in DATA", err)
	case <-time.After(200 * time.Millisecond):
	}

	close(d.gate)
	if err := <-sent; err != nil {
		t.Fatalf("in-flight message: %v", err)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	onlyCall(t, d.Calls())
	if err := srv.Shutdown(context.Background()); !errors.Is(err, ErrServerClosed) {
		t.Errorf("second Shutdown = %v, want ErrServerClosed", err)
	}
}

func TestShutdownDeadlineCancelsDelivery(t *testing.T) {
	d := &fakeDeliverer{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	defer close(d.gate)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(ServerConfig{Logger: quietLogger()}, d)
	go srv.Serve(ln)
	sent := make(chan error, 1)
	go func() {
		sent <- smtp.SendMail(ln.Addr().String(), nil, "ana@example.pt", []string{"desk@example.pt"}, utf8Message)
	}()
	<-d.entered
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want deadline exceeded", err)
	}
	if err := <-sent; err == nil {
		t.Fatal("client was told the message was accepted though delivery was cancelled")
	}
}

func TestReadCappedNeverAllocatesBeyondTheCap(t *testing.T) {
	for _, tc := range []struct{ size, cap int }{
		{0, 10}, {5, 10}, {10, 10}, {11, 10}, {3 << 20, 1<<20 + 1}, {1 << 20, 1<<20 + 1}, {200 << 10, 35 << 20},
	} {
		got, err := readCapped(bytes.NewReader(bytes.Repeat([]byte("a"), tc.size)), int64(tc.cap))
		if err != nil {
			t.Fatal(err)
		}
		if want := min(tc.size, tc.cap); len(got) != want || cap(got) > tc.cap {
			t.Errorf("size %d cap %d: read %d bytes into a buffer of %d", tc.size, tc.cap, len(got), cap(got))
		}
	}
}

// ReadTimeout bounds a silence in the middle of a message, not the whole
// transfer: a slow sender that keeps sending gets its message in, one that
// stops for longer than the timeout is cut off and nothing is delivered.
func TestReadTimeoutBoundsSilenceNotTheTransfer(t *testing.T) {
	d := &fakeDeliverer{}
	_, addr := startServer(t, ServerConfig{ReadTimeout: 400 * time.Millisecond}, d)
	send := func(pause time.Duration, pieces int) error {
		c, err := smtp.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Mail("ana@example.pt"); err != nil {
			t.Fatal(err)
		}
		if err := c.Rcpt("desk@example.pt"); err != nil {
			t.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		for i := range pieces {
			if i > 0 {
				time.Sleep(pause)
			}
			if _, err := fmt.Fprintf(w, "X-Linha-%d: de um envio lento\r\n", i); err != nil {
				return err
			}
			// The client buffers; each piece must reach the server now.
			if err := c.Text.W.Flush(); err != nil {
				return err
			}
		}
		return w.Close()
	}
	// Nine pieces 100 ms apart: 800 ms in all, twice the timeout.
	if err := send(100*time.Millisecond, 9); err != nil {
		t.Fatalf("a sender that never pauses long was cut off: %v", err)
	}
	if n := len(d.Calls()); n != 1 {
		t.Fatalf("%d deliveries after the slow message, want 1", n)
	}
	if err := send(900*time.Millisecond, 2); err == nil {
		t.Fatal("a sender silent for twice the timeout got its message in")
	}
	if n := len(d.Calls()); n != 1 {
		t.Fatalf("the cut-off message was delivered (%d deliveries)", n)
	}
}
