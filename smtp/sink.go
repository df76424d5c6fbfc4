package smtp

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// SinkMessage is one message a Sink accepted.
type SinkMessage struct {
	// From is the envelope sender, "" for the null sender <>.
	From string
	// To holds the envelope recipients as the client sent them.
	To []string
	// Raw is the message exactly as received (dot-unstuffed, CRLF kept).
	Raw []byte
	// User is the SMTP AUTH user name, "" when the client did not log in.
	User string
}

// Sink is an SMTP server that records every message it receives, for
// tests. It offers AUTH PLAIN and accepts any credentials, so a Sender
// configured with a user name works against it too. Its methods are safe
// for concurrent use.
type Sink struct {
	t    testing.TB
	srv  *gosmtp.Server
	ln   net.Listener
	done chan struct{}
	opts sinkOptions

	mu       sync.Mutex
	msgs     []SinkMessage
	changed  chan struct{} // closed and replaced on every accepted message
	failRcpt []*gosmtp.SMTPError
	failData []*gosmtp.SMTPError
}

// sinkOptions are the knobs this package's own tests use (TLS, checked
// credentials); StartSink uses none of them.
type sinkOptions struct {
	startTLS    *tls.Config       // offer STARTTLS with this config
	implicitTLS *tls.Config       // speak TLS from the first byte
	users       map[string]string // when set, AUTH PLAIN must match
}

// StartSink starts a Sink on 127.0.0.1 with a port chosen by the system
// and stops it when the test ends (t.Cleanup).
func StartSink(t testing.TB) *Sink {
	t.Helper()
	return startSink(t, sinkOptions{})
}

func startSink(t testing.TB, opts sinkOptions) *Sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp sink: listen: %v", err)
	}
	if opts.implicitTLS != nil {
		ln = tls.NewListener(ln, opts.implicitTLS)
	}
	s := &Sink{t: t, ln: ln, done: make(chan struct{}), opts: opts, changed: make(chan struct{})}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	srv.Domain = "sink.test"
	srv.MaxMessageBytes = 64 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.AllowInsecureAuth = true // loopback only
	srv.EnableSMTPUTF8 = true
	srv.TLSConfig = opts.startTLS
	// t.Log would panic if a connection error arrived after the test.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	go func() {
		defer close(s.done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		// Close does not see the listener if Serve has not started yet.
		ln.Close()
		<-s.done
	})
	return s
}

// Addr returns the sink's host:port.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Messages returns a copy of the messages accepted so far, in order.
func (s *Sink) Messages() []SinkMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyLocked()
}

func (s *Sink) copyLocked() []SinkMessage {
	out := make([]SinkMessage, len(s.msgs))
	for i, m := range s.msgs {
		m.To = slices.Clone(m.To)
		m.Raw = slices.Clone(m.Raw)
		out[i] = m
	}
	return out
}

// Wait returns the accepted messages once there are at least n of them. If
// timeout passes first it fails the test (t.Fatalf), so call it from the
// test's goroutine; to check that nothing arrived, use Messages.
func (s *Sink) Wait(n int, timeout time.Duration) []SinkMessage {
	s.t.Helper()
	expire := time.NewTimer(timeout)
	defer expire.Stop()
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			out := s.copyLocked()
			s.mu.Unlock()
			return out
		}
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-expire.C:
			s.t.Fatalf("smtp sink %s: %d message(s) after %s, want %d", s.Addr(), got, timeout, n)
			return nil
		}
	}
}

// FailNext makes the next RCPT command fail with this reply code and text
// (e.g. 451 to test a retry, 550 for a permanent failure); code must be
// 4xx or 5xx. Calls queue up: two calls fail the next two RCPT commands.
func (s *Sink) FailNext(code int, msg string) {
	s.t.Helper()
	s.checkCode(code)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRcpt = append(s.failRcpt, &gosmtp.SMTPError{Code: code, Message: msg})
}

// FailNextData is FailNext for the reply to the end of DATA: the message
// is received in full, then refused and not recorded.
func (s *Sink) FailNextData(code int, msg string) {
	s.t.Helper()
	s.checkCode(code)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failData = append(s.failData, &gosmtp.SMTPError{Code: code, Message: msg})
}

func (s *Sink) checkCode(code int) {
	s.t.Helper()
	if code < 400 || code > 599 {
		s.t.Fatalf("smtp sink: failure code %d is not 4xx or 5xx", code)
	}
}

func (s *Sink) popFailure(q *[]*gosmtp.SMTPError) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(*q) == 0 {
		return nil
	}
	e := (*q)[0]
	*q = (*q)[1:]
	return e
}

func (s *Sink) record(m SinkMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

type sinkSession struct {
	sink *Sink
	user string
	from string
	to   []string
}

func (ss *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *sinkSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if users := ss.sink.opts.users; users != nil {
			if want, ok := users[user]; !ok || want != pass {
				return gosmtp.ErrAuthFailed
			}
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if ss.sink.opts.users != nil && ss.user == "" {
		return gosmtp.ErrAuthRequired
	}
	ss.from, ss.to = from, nil
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if err := ss.sink.popFailure(&ss.sink.failRcpt); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.sink.popFailure(&ss.sink.failData); err != nil {
		return err
	}
	ss.sink.record(SinkMessage{From: ss.from, To: slices.Clone(ss.to), Raw: raw, User: ss.user})
	return nil
}

func (ss *sinkSession) Reset() { ss.from, ss.to = "", nil }

func (ss *sinkSession) Logout() error { return nil }
