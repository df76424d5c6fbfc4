package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	gomailsmtp "github.com/wneessen/go-mail/smtp"

	"balcao"
)

// writeChunk is how much of a message is written per deadline extension.
const writeChunk = 64 << 10

// Sender delivers composed messages to one SMTP relay, one connection per
// message. It is safe for concurrent use.
type Sender struct {
	cfg    RelayConfig
	host   string
	port   int
	cfgErr error
}

// NewSender returns a Sender for cfg. A bad cfg is not reported here but
// by every Send, as a transient error (the messages keep waiting until the
// operator fixes the configuration).
func NewSender(cfg RelayConfig) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultRelayTimeout
	}
	if cfg.TLSPolicy == "" {
		cfg.TLSPolicy = TLSOpportunistic
	}
	s := &Sender{cfg: cfg}
	if !slices.Contains(tlsPolicies, cfg.TLSPolicy) {
		s.cfgErr = fmt.Errorf("TLS policy %q is not one of mandatory, opportunistic, none, tls", cfg.TLSPolicy)
		return s
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err == nil {
		s.port, err = strconv.Atoi(port)
	}
	if err != nil || host == "" || s.port < 1 || s.port > 65535 {
		s.cfgErr = fmt.Errorf("relay address %q is not host:port", cfg.Addr)
		return s
	}
	s.host = host
	return s
}

// sendError is a failed Send: where it failed, the relay's reply code if
// there was one, and whether retrying the same message can help.
type sendError struct {
	relay     string
	stage     string
	code      int
	permanent bool
	err       error
}

func (e *sendError) Error() string {
	kind := "transient"
	if e.permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("smtp relay %s: %s failed (%s): %v", e.relay, e.stage, kind, e.err)
}

func (e *sendError) Unwrap() error { return e.err }

// IsPermanent reports whether err from Send (or Compose) means the message
// can never be delivered as it is: the relay answered 5xx to MAIL FROM,
// RCPT TO or the end of DATA, or an address or the message was invalid
// (a balcao EINVALID error). Network errors, timeouts, 4xx replies and
// failures while connecting, in STARTTLS or AUTH are transient: they are
// about the relay or our configuration, not this message, and the same
// message goes through once they are fixed. A 530 (authentication
// required) reply is transient for the same reason.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var se *sendError
	if errors.As(err, &se) {
		return se.permanent
	}
	return balcao.ErrorCode(err) == balcao.EINVALID
}

// Send delivers raw to rcpts through the relay, with envelopeFrom as the
// return path ("" sends the null sender <>, as RFC 3834 asks of automatic
// replies). It returns nil once the relay accepted the message (250 after
// DATA). All recipients must be accepted: if the relay refuses one, the
// transaction is abandoned before DATA, so a retry never duplicates mail to
// the others; the error names the refused address. Use IsPermanent to tell
// whether a retry can succeed. ctx cancels the whole exchange.
func (s *Sender) Send(ctx context.Context, envelopeFrom string, rcpts []string, raw []byte) error {
	fail := func(stage string, err error) error {
		return classify(s.cfg.Addr, stage, err)
	}
	if s.cfgErr != nil {
		return &sendError{relay: s.cfg.Addr, stage: "configuration", err: s.cfgErr}
	}
	if err := checkEnvelope(envelopeFrom, rcpts, raw); err != nil {
		return &sendError{relay: s.cfg.Addr, stage: "envelope", permanent: true, err: err}
	}

	g := &connGuard{ctx: ctx, timeout: s.cfg.Timeout}
	defer g.close()
	tlsConf := &tls.Config{
		ServerName:         s.host,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify,
		MinVersion:         tls.VersionTLS12,
	}
	implicit := s.cfg.TLSPolicy == TLSImplicit
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		g.set(c)
		if implicit {
			tc := tls.Client(c, tlsConf)
			if err := tc.HandshakeContext(ctx); err != nil {
				return nil, fmt.Errorf("TLS handshake: %w", err)
			}
			return tc, nil
		}
		return c, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(tlsConf),
		// Our own dialer, so that ctx can interrupt the exchange at any
		// step by expiring the connection's deadline.
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLSPolicy {
	case TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default: // none, or implicit TLS done by dial
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return &sendError{relay: s.cfg.Addr, stage: "configuration", err: err}
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return &sendError{relay: s.cfg.Addr, stage: "connect", err: ctxErr(ctx, err)}
	}
	// Ask for SMTPUTF8 only when the envelope needs it; some relays treat
	// the parameter with suspicion.
	sc.SkipSMTPUTF8(isASCII(envelopeFrom) && !slices.ContainsFunc(rcpts, func(r string) bool { return !isASCII(r) }))

	if err := g.extend(); err != nil {
		return fail("MAIL FROM", err)
	}
	if err := sc.Mail("<" + envelopeFrom + ">"); err != nil {
		return fail("MAIL FROM", ctxErr(ctx, err))
	}
	for _, r := range rcpts {
		if err := g.extend(); err != nil {
			return fail("RCPT TO", err)
		}
		if err := sc.Rcpt("<" + r + ">"); err != nil {
			quit(sc)
			return fail("RCPT TO <"+r+">", ctxErr(ctx, err))
		}
	}
	if err := g.extend(); err != nil {
		return fail("DATA", err)
	}
	w, err := sc.Data()
	if err != nil {
		quit(sc)
		return fail("DATA", ctxErr(ctx, err))
	}
	for rest := raw; len(rest) > 0; {
		n := min(len(rest), writeChunk)
		if err := g.extend(); err != nil {
			return fail("DATA", err)
		}
		if _, err := w.Write(rest[:n]); err != nil {
			return fail("DATA", ctxErr(ctx, err))
		}
		rest = rest[n:]
	}
	if err := g.extend(); err != nil {
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return fail("end of DATA", ctxErr(ctx, err))
	}
	// The relay has the message; a failed QUIT changes nothing.
	quit(sc)
	return nil
}

func quit(sc *gomailsmtp.Client) {
	_ = sc.Quit()
}

// classify turns an error at one SMTP step into a sendError.
func classify(relay, stage string, err error) error {
	se := &sendError{relay: relay, stage: stage, err: err}
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		se.code = tpe.Code
		se.permanent = tpe.Code >= 500 && tpe.Code < 600 && tpe.Code != 530
	}
	return se
}

// ctxErr prefers the context's error: when ctx ended, the I/O error is
// only its consequence.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

func checkEnvelope(from string, rcpts []string, raw []byte) error {
	if from != "" {
		if err := checkAddr("envelope sender", from); err != nil {
			return err
		}
	}
	if len(rcpts) == 0 {
		return balcao.Errorf(balcao.EINVALID, "no recipients")
	}
	for _, r := range rcpts {
		if err := checkAddr("recipient", r); err != nil {
			return err
		}
	}
	if len(raw) == 0 {
		return balcao.Errorf(balcao.EINVALID, "empty message")
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// connGuard owns the relay connection's deadline: each step gets Timeout,
// and ctx ending moves the deadline to the past, which fails the pending
// read or write at once.
type connGuard struct {
	ctx     context.Context
	timeout time.Duration

	mu   sync.Mutex
	conn net.Conn
	stop func() bool
}

// set adopts the freshly dialled connection and starts watching ctx, so
// that even the wait for the greeting can be interrupted.
func (g *connGuard) set(c net.Conn) {
	g.mu.Lock()
	g.conn = c
	g.mu.Unlock()
	g.stop = context.AfterFunc(g.ctx, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.conn != nil {
			g.conn.SetDeadline(time.Unix(1, 0))
		}
	})
}

func (g *connGuard) extend() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ctx.Err(); err != nil {
		return err
	}
	if g.conn == nil {
		return errors.New("no connection")
	}
	return g.conn.SetDeadline(time.Now().Add(g.timeout))
}

func (g *connGuard) close() {
	if g.stop != nil {
		g.stop()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conn != nil {
		g.conn.Close()
	}
}
