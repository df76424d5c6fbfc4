package smtp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	gosmtp "github.com/emersion/go-smtp"

	"balcao"
)

// Defaults applied by NewServer to zero fields of ServerConfig.
const (
	// DefaultMaxMessageBytes is the default ServerConfig.MaxMessageBytes,
	// 35 MiB: room for the 25 MB attachments common mail services allow,
	// after base64.
	DefaultMaxMessageBytes int64 = 35 << 20
	// DefaultMaxRecipients is the default ServerConfig.MaxRecipients.
	DefaultMaxRecipients = 50
	// DefaultIOTimeout is the default ReadTimeout and WriteTimeout.
	DefaultIOTimeout = 60 * time.Second
)

const (
	// deliverTimeout bounds one DeliverMail call. It stays well below the
	// 10 minutes RFC 5321 §4.5.3.2.6 gives a client to wait for the reply
	// to the end of DATA, so a stuck store produces a 451 (and a retry)
	// rather than a client-side timeout with an unknown outcome.
	deliverTimeout = 5 * time.Minute
	// drainGrace is how long a connection that finished its DATA during
	// Shutdown may stay open to send QUIT.
	drainGrace = 2 * time.Second
	// maxReplyText caps the human text echoed from a domain error.
	maxReplyText = 400
)

// ErrServerClosed is returned by Serve, ListenAndServe and Shutdown when
// the server has already been shut down.
var ErrServerClosed = errors.New("smtp: server closed")

// ServerConfig configures an inbound SMTP or LMTP listener. Zero fields get
// the documented defaults.
type ServerConfig struct {
	// Addr is the TCP address ListenAndServe listens on, e.g.
	// "127.0.0.1:2525". Serve ignores it.
	Addr string
	// LMTP makes the server speak LMTP (RFC 2033, LHLO and one reply per
	// recipient after DATA) instead of SMTP, for a front MTA such as
	// Postfix's lmtp transport.
	LMTP bool
	// Domain is our host name in the greeting; default os.Hostname().
	Domain string
	// MaxMessageBytes is the largest message accepted; default 35 MiB.
	// It is advertised in EHLO (SIZE) and enforced while reading: the body
	// buffer never grows beyond MaxMessageBytes+1 bytes.
	MaxMessageBytes int64
	// MaxRecipients caps RCPT commands per message; default 50. Further
	// recipients get 452 4.5.3 and the client sends them in a new
	// transaction.
	MaxRecipients int
	// ReadTimeout bounds the wait for each command and each silence
	// within a message body (a slow sender that keeps sending is not cut
	// off); WriteTimeout bounds each reply. Default 60s each.
	ReadTimeout, WriteTimeout time.Duration
	// AcceptRecipient reports whether addr (lowercased) is a desk address.
	// Other recipients are refused at RCPT time with 550 5.1.1 naming the
	// address, so the sending MTA bounces them at once. Nil accepts all.
	AcceptRecipient func(addr string) bool
	// Logger receives delivery failures and protocol errors; default
	// slog.Default().
	Logger *slog.Logger
}

// Server is an SMTP or LMTP listener that passes every message to a
// balcao.MailDeliverer and answers the client according to its result.
// Its methods are safe for concurrent use.
type Server struct {
	cfg   ServerConfig
	d     balcao.MailDeliverer
	log   *slog.Logger
	inner *gosmtp.Server

	// deliverCtx is the parent of every DeliverMail context; it is
	// cancelled only when a Shutdown runs out of time.
	deliverCtx    context.Context
	cancelDeliver context.CancelFunc

	draining atomic.Bool

	mu        sync.Mutex
	listeners []*trackingListener
	conns     map[*trackedConn]struct{}

	sessions, accepted, refused, deferred, rcptRefused atomic.Int64
}

// Stats returns the server's counters.
func (s *Server) Stats() balcao.MailStats {
	return balcao.MailStats{Sessions: s.sessions.Load(), Accepted: s.accepted.Load(), Refused: s.refused.Load(),
		Deferred: s.deferred.Load(), RecipientsRefused: s.rcptRefused.Load()}
}

// Protocol is "smtp" or "lmtp".
func (s *Server) Protocol() string { return source(s.cfg.LMTP) }

// count records a message's outcome from the reply it got.
func (s *Server) count(err error) {
	var se *gosmtp.SMTPError
	switch {
	case err == nil:
		s.accepted.Add(1)
	case errors.As(err, &se) && se.Code >= 500:
		s.refused.Add(1)
	default:
		s.deferred.Add(1)
	}
}

// NewServer returns a server for cfg that delivers to d. It does not
// listen yet; call Serve or ListenAndServe. It panics if d is nil.
func NewServer(cfg ServerConfig, d balcao.MailDeliverer) *Server {
	if d == nil {
		panic("smtp: NewServer needs a MailDeliverer")
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = DefaultMaxRecipients
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultIOTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultIOTimeout
	}
	if cfg.Domain == "" {
		cfg.Domain, _ = os.Hostname()
		if cfg.Domain == "" {
			cfg.Domain = "localhost"
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{
		cfg:   cfg,
		d:     d,
		log:   cfg.Logger.With("component", source(cfg.LMTP)),
		conns: make(map[*trackedConn]struct{}),
	}
	s.deliverCtx, s.cancelDeliver = context.WithCancel(context.Background())

	in := gosmtp.NewServer(gosmtp.BackendFunc(s.newSession))
	in.LMTP = cfg.LMTP
	in.Domain = cfg.Domain
	// go-smtp's body reader refuses a message of exactly its limit (it
	// reports "too large" before it sees the final dot), so it gets one
	// byte of slack and the real limit is enforced in readBody.
	in.MaxMessageBytes = cfg.MaxMessageBytes + 1
	in.MaxRecipients = cfg.MaxRecipients
	in.ReadTimeout = cfg.ReadTimeout
	in.WriteTimeout = cfg.WriteTimeout
	// Addresses are passed through as strings, so UTF-8 ones cost nothing
	// and spare the front MTA a bounce for internationalised senders.
	in.EnableSMTPUTF8 = true
	in.ErrorLog = slogPrintf{s.log}
	s.inner = in
	return s
}

func source(lmtp bool) string {
	if lmtp {
		return "lmtp"
	}
	return "smtp"
}

// Serve accepts connections on ln until Shutdown. It returns nil after a
// Shutdown and ErrServerClosed if Shutdown came first.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.draining.Load() {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	tl := &trackingListener{Listener: ln, s: s}
	s.listeners = append(s.listeners, tl)
	s.mu.Unlock()
	err := s.inner.Serve(tl)
	if s.draining.Load() {
		// Shutdown closed the listener, possibly before go-smtp knew of it.
		return nil
	}
	return err
}

// ListenAndServe listens on cfg.Addr over TCP and calls Serve. To listen
// on a Unix socket, pass your own listener to Serve.
func (s *Server) ListenAndServe() error {
	if s.cfg.Addr == "" {
		return errors.New("smtp: ServerConfig.Addr is empty; set it to host:port, e.g. 127.0.0.1:2525")
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Addr returns the address of the first listener, or nil until Serve (or
// ListenAndServe) has started. With port 0 it tells which port the system
// chose; to know it without waiting, make the listener yourself and pass
// it to Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.listeners) == 0 {
		return nil
	}
	return s.listeners[0].Addr()
}

// Shutdown stops accepting connections and lets messages already in DATA
// finish: their DeliverMail runs to its end and the client hears the
// result. Idle connections are told 421 4.3.2 and closed; a client that
// finished its DATA may still QUIT but cannot start another message. If ctx
// ends first, in-flight deliveries are cancelled, every connection is
// closed, and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.draining.Swap(true) {
		s.mu.Unlock()
		return ErrServerClosed
	}
	conns := make([]*trackedConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	listeners := slices.Clone(s.listeners)
	s.mu.Unlock()

	// Connections accepted from now on are closed at once (see Accept).
	for _, c := range conns {
		c.closeIfIdle(s.cfg.WriteTimeout)
	}
	// go-smtp closes the listeners it knows, but one whose Serve has not
	// reached go-smtp yet would keep accepting: close them all here.
	for _, ln := range listeners {
		ln.Close()
	}

	// go-smtp's Shutdown closes the listeners and waits for every
	// connection goroutine to end.
	err := s.inner.Shutdown(ctx)
	if err == nil || errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	s.cancelDeliver()
	s.mu.Lock()
	for c := range s.conns {
		c.Conn.Close()
	}
	s.mu.Unlock()
	return err
}

// trackingListener registers every accepted connection so Shutdown can
// tell idle connections from those in DATA; go-smtp's own Shutdown would
// wait for idle clients until their read timeout.
type trackingListener struct {
	net.Listener
	s *Server

	closeOnce sync.Once
	closeErr  error
}

// Close closes the listener once; Shutdown and go-smtp both call it.
func (l *trackingListener) Close() error {
	l.closeOnce.Do(func() { l.closeErr = l.Listener.Close() })
	return l.closeErr
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, s: l.s, bodyTimeout: l.s.cfg.ReadTimeout}
	if sc, ok := c.(syscall.Conn); ok && canPeek {
		tc.raw, _ = sc.SyscallConn()
	}
	l.s.mu.Lock()
	l.s.conns[tc] = struct{}{}
	draining := l.s.draining.Load()
	l.s.mu.Unlock()
	if draining {
		// Accepted in the instant before the listener closed.
		tc.Close()
	}
	return tc, nil
}

type trackedConn struct {
	net.Conn
	s *Server

	mu     sync.Mutex
	inData bool

	// While a message body comes in, each read of the socket moves the
	// read deadline (go-smtp sets it once, when the body begins), so
	// ReadTimeout bounds a silence rather than the whole transfer. Moving
	// it costs a timer update, so it moves once an eighth of the timeout
	// has passed since the last move: a silence ends the transfer after
	// between 7/8 and all of ReadTimeout. Only the connection's own
	// goroutine reads, so moved needs no lock.
	bodyTimeout time.Duration
	inBody      atomic.Bool
	moved       time.Time

	// Replies to pipelined commands (RFC 2920) leave together: a reply is
	// held while the client's next input is already waiting to be read,
	// and what is held is written before the connection waits for input
	// or closes. A client that sends MAIL, RCPT and BDAT in one write, as
	// Postfix and Exchange do, gets the three replies in one write: one
	// system call and one wake-up of the client instead of three. raw is
	// nil where the socket cannot be peeked at; replies then leave at once.
	raw  syscall.RawConn
	wmu  sync.Mutex
	held []byte
}

// maxHeld bounds the replies held back: a client pipelining more than
// this gets the earlier ones at once.
const maxHeld = 4 << 10

func (c *trackedConn) Write(p []byte) (int, error) {
	if c.raw == nil {
		return c.Conn.Write(p)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.held = append(c.held, p...)
	if len(c.held) > maxHeld {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush writes the held replies.
func (c *trackedConn) flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.flushLocked()
}

func (c *trackedConn) flushLocked() error {
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.held)
	c.held = c.held[:0]
	return err
}

func (c *trackedConn) Read(p []byte) (int, error) {
	if c.inBody.Load() && c.bodyTimeout > 0 {
		if now := time.Now(); now.Sub(c.moved) >= c.bodyTimeout/8 {
			c.Conn.SetReadDeadline(now.Add(c.bodyTimeout))
			c.moved = now
		}
	}
	if c.raw != nil {
		c.wmu.Lock()
		pending := len(c.held) > 0
		c.wmu.Unlock()
		if pending {
			// Input already there: the client pipelined, and the replies
			// can wait for the next ones. Otherwise the client is waiting
			// for them: they leave before the connection waits.
			if n := peekRead(c.raw, p); n > 0 {
				return n, nil
			}
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return c.Conn.Read(p)
}

func (c *trackedConn) Close() error {
	c.s.mu.Lock()
	delete(c.s.conns, c)
	c.s.mu.Unlock()
	// go-smtp closes after its last reply (221 to QUIT, 421 on a timeout).
	c.flush()
	return c.Conn.Close()
}

func (c *trackedConn) beginData() {
	c.mu.Lock()
	c.inData = true
	c.mu.Unlock()
	c.moved = time.Time{}
	c.inBody.Store(true)
}

// endData runs after the reply to DATA has been written (go-smtp resets
// the session right after it). During Shutdown the client gets a moment to
// QUIT before the connection is closed.
func (c *trackedConn) endData() {
	c.inBody.Store(false)
	c.mu.Lock()
	was := c.inData
	c.inData = false
	c.mu.Unlock()
	if was && c.s.draining.Load() {
		time.AfterFunc(drainGrace, func() { c.Close() })
	}
}

func (c *trackedConn) closeIfIdle(writeTimeout time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inData {
		return
	}
	// The connection's goroutine is waiting for a command; a 421 tells a
	// client in mid-transaction to retry later rather than guess.
	c.Conn.SetWriteDeadline(time.Now().Add(min(writeTimeout, time.Second)))
	// Through the held replies, so that any reply not yet sent goes first.
	io.WriteString(c, "421 4.3.2 Service shutting down, try again later\r\n")
	c.Close()
}

// session is one client connection's state, driven by go-smtp.
type session struct {
	s      *Server
	tc     *trackedConn // nil only if go-smtp was handed another conn type
	remote string

	from  string
	rcpts []string // as the client sent them, for LMTP statuses
}

func (s *Server) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	s.sessions.Add(1)
	tc, _ := c.Conn().(*trackedConn)
	return &session{s: s, tc: tc, remote: c.Conn().RemoteAddr().String()}, nil
}

var errShuttingDown = &gosmtp.SMTPError{
	Code:         421,
	EnhancedCode: gosmtp.EnhancedCode{4, 3, 2},
	Message:      "Service shutting down, try again later",
}

func (ss *session) Mail(from string, opts *gosmtp.MailOptions) error {
	if ss.s.draining.Load() {
		ss.s.count(errShuttingDown)
		return errShuttingDown
	}
	if limit := ss.s.cfg.MaxMessageBytes; opts != nil && opts.Size > limit {
		err := tooLarge(limit)
		ss.s.count(err)
		return err
	}
	ss.from = from
	ss.rcpts = nil
	return nil
}

func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if acc := ss.s.cfg.AcceptRecipient; acc != nil && !acc(strings.ToLower(to)) {
		ss.s.rcptRefused.Add(1)
		return &gosmtp.SMTPError{
			Code:         550,
			EnhancedCode: gosmtp.EnhancedCode{5, 1, 1},
			Message:      fmt.Sprintf("<%s>: no such mailbox here", to),
		}
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	return ss.data(r, ss.from, slices.Clone(ss.rcpts))
}

// LMTPData implements go-smtp's LMTPSession. balcao.MailDeliverer stores a
// message once for all its recipients, so the message is delivered once
// and every recipient gets that one outcome; delivering per recipient
// would store the same message several times.
func (ss *session) LMTPData(r io.Reader, status gosmtp.StatusCollector) error {
	// With BDAT this runs in its own goroutine while go-smtp reads chunks,
	// so the envelope is copied before anything else can reset it.
	from, rcpts := ss.from, slices.Clone(ss.rcpts)
	err := ss.data(r, from, rcpts)
	for _, rc := range rcpts {
		status.SetStatus(rc, err)
	}
	return err
}

func (ss *session) data(r io.Reader, from string, rcpts []string) (err error) {
	defer func() { ss.s.count(err) }()
	if ss.tc != nil {
		ss.tc.beginData()
	}
	raw, err := ss.readBody(r)
	if err != nil {
		return err
	}
	err = ss.deliver(from, rcpts, raw)
	// Delivery is synchronous and what it stores it copies: the buffer is
	// free again for the next message.
	releaseBody(raw)
	return err
}

// bodies keeps message buffers between messages: reading every message
// into a fresh 64 KiB buffer was a third of the server's allocations.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooledBody is the largest buffer kept for reuse; larger messages are
// rare and their buffers go back to the garbage collector.
const maxPooledBody = 1 << 20

func releaseBody(b []byte) {
	if cap(b) <= maxPooledBody {
		b = b[:0]
		bodies.Put(&b)
	}
}

func (ss *session) Reset() {
	ss.from = ""
	ss.rcpts = nil
	if ss.tc != nil {
		ss.tc.endData()
	}
}

func (ss *session) Logout() error { return nil }

// readBody reads the whole message, holding at most MaxMessageBytes+1
// bytes: one byte over the limit is enough to know it is too large.
func (ss *session) readBody(r io.Reader) ([]byte, error) {
	limit := ss.s.cfg.MaxMessageBytes
	raw, err := readCapped(r, limit+1)
	switch {
	case errors.Is(err, gosmtp.ErrDataTooLarge) || int64(len(raw)) > limit:
		return nil, tooLarge(limit)
	case errors.Is(err, gosmtp.ErrTooLongLine):
		return nil, &gosmtp.SMTPError{
			Code:         554,
			EnhancedCode: gosmtp.EnhancedCode{5, 6, 0},
			Message:      fmt.Sprintf("Message has a line longer than %d bytes", ss.s.inner.MaxLineLength),
		}
	case err != nil:
		ss.s.log.Warn("reading message failed", "remote", ss.remote, "err", err)
		return nil, &gosmtp.SMTPError{
			Code:         451,
			EnhancedCode: gosmtp.EnhancedCode{4, 3, 0},
			Message:      "Error reading the message, try again later",
		}
	}
	return raw, nil
}

// readCapped reads r to EOF or until it has capBytes bytes, whichever
// comes first. Unlike bytes.Buffer, whose doubling can allocate twice what
// it holds, the buffer never grows beyond capBytes.
func readCapped(r io.Reader, capBytes int64) ([]byte, error) {
	buf := (*bodies.Get().(*[]byte))[:0]
	if int64(cap(buf)) > capBytes {
		buf = buf[:0:capBytes]
	}
	for int64(len(buf)) < capBytes {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(capBytes, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

func tooLarge(limit int64) error {
	return &gosmtp.SMTPError{
		Code:         552,
		EnhancedCode: gosmtp.EnhancedCode{5, 3, 4},
		Message:      fmt.Sprintf("Message exceeds the size limit of %d bytes", limit),
	}
}

func (ss *session) deliver(from string, rcpts []string, raw []byte) error {
	env := balcao.Envelope{
		Source:     source(ss.s.cfg.LMTP),
		MailFrom:   from,
		Recipients: lowerUnique(rcpts),
		RemoteAddr: ss.remote,
		ReceivedAt: time.Now(),
	}
	ctx, cancel := context.WithTimeout(ss.s.deliverCtx, deliverTimeout)
	defer cancel()
	err := ss.s.d.DeliverMail(ctx, env, raw)
	switch {
	case err == nil:
		ss.s.log.Debug("message delivered", "remote", ss.remote, "from", env.MailFrom,
			"rcpts", env.Recipients, "bytes", len(raw))
		return nil
	case balcao.ErrorCode(err) == balcao.EINVALID:
		ss.s.log.Info("message refused", "remote", ss.remote, "from", env.MailFrom,
			"rcpts", env.Recipients, "err", err)
		return &gosmtp.SMTPError{
			Code:         554,
			EnhancedCode: gosmtp.EnhancedCode{5, 6, 0},
			Message:      replyText(balcao.ErrorMessage(err)),
		}
	default:
		// Internal detail stays in the log; the client only needs to know
		// it must retry.
		ss.s.log.Error("delivery failed, client told to retry", "remote", ss.remote,
			"from", env.MailFrom, "rcpts", env.Recipients, "err", err)
		return &gosmtp.SMTPError{
			Code:         451,
			EnhancedCode: gosmtp.EnhancedCode{4, 3, 0},
			Message:      "Temporary failure storing the message, try again later",
		}
	}
}

// replyText makes a domain message safe for one SMTP reply line.
func replyText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxReplyText {
		cut := maxReplyText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	if strings.TrimSpace(s) == "" {
		return "Message refused"
	}
	return s
}

func lowerUnique(addrs []string) []string {
	out := make([]string, 0, len(addrs))
	seen := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		a = strings.ToLower(a)
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// slogPrintf adapts go-smtp's Printf-style error log to slog.
type slogPrintf struct{ l *slog.Logger }

func (p slogPrintf) Printf(format string, v ...any) {
	p.l.Warn(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (p slogPrintf) Println(v ...any) {
	p.l.Warn(strings.TrimSpace(fmt.Sprintln(v...)))
}
