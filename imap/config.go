package imap

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Defaults applied by MailboxConfig.Validate and the Poller.
const (
	DefaultFolder       = "INBOX"
	DefaultPollInterval = 60 * time.Second
	DefaultBatchSize    = 50
	maxBatchSize        = 1000
)

// MailboxConfig says how to reach one mailbox the desk polls and what to do
// with a message once it is stored. The zero values of Folder, TLS, After,
// PollInterval and BatchSize mean their defaults.
type MailboxConfig struct {
	// Name is a stable identifier used for the cursor, the lock and logs,
	// e.g. "spms". Renaming it makes the poller start over as on a first run.
	Name string
	// Addr is host:port.
	Addr string
	// TLS is "tls" (implicit TLS, port 993; the default), "starttls", or
	// "none", which is refused unless Addr is a loopback address.
	TLS                string
	InsecureSkipVerify bool
	Username           string
	Password           string
	// TokenCommand, when set, is run with /bin/sh -c before each login; it
	// must print a fresh OAuth 2.0 access token, which is sent with SASL
	// XOAUTH2 (Microsoft 365, Gmail). Password is then unused.
	TokenCommand string
	// Folder is the mailbox to read; INBOX by default.
	Folder string
	// Address is the desk address this mailbox receives for; it becomes
	// Envelope.Recipients. When empty, Username is used if it is an address.
	Address string
	// After says what to do with a message once it is stored: "seen" (flag
	// \Seen; the default), "move:<folder>" (flag \Seen, then MOVE, or COPY,
	// \Deleted and UID EXPUNGE where MOVE is missing) or "delete" (flag
	// \Seen and \Deleted, then expunge).
	After string
	// PollInterval is how often to look for mail when the server lacks
	// IDLE, and the longest an IDLE lasts before a safety-net poll; 60s by
	// default.
	PollInterval time.Duration
	// BatchSize is how many messages one FETCH asks for; 50 by default.
	BatchSize int
}

// afterAction is the parsed form of MailboxConfig.After.
type afterAction struct {
	kind   string // "seen", "move", "delete"
	folder string // for "move"
}

func parseAfter(s string) (afterAction, error) {
	switch {
	case s == "" || s == "seen":
		return afterAction{kind: "seen"}, nil
	case s == "delete":
		return afterAction{kind: "delete"}, nil
	case strings.HasPrefix(s, "move:"):
		folder := strings.TrimSpace(strings.TrimPrefix(s, "move:"))
		if folder == "" {
			return afterAction{}, fmt.Errorf("after %q names no folder: write move:<folder>, e.g. move:Processados", s)
		}
		return afterAction{kind: "move", folder: folder}, nil
	}
	return afterAction{}, fmt.Errorf("unknown after %q: write seen, delete or move:<folder> (e.g. move:Processados)", s)
}

// withDefaults returns cfg with every zero value replaced by its default.
func (cfg MailboxConfig) withDefaults() MailboxConfig {
	if cfg.TLS == "" {
		cfg.TLS = "tls"
	}
	if cfg.Folder == "" {
		cfg.Folder = DefaultFolder
	}
	if cfg.After == "" {
		cfg.After = "seen"
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.Address == "" && strings.Contains(cfg.Username, "@") {
		if a, err := mail.ParseAddress(cfg.Username); err == nil {
			cfg.Address = a.Address
		}
	}
	return cfg
}

// Validate reports the first thing wrong with cfg (after defaults are
// applied), in words that say how to fix it. It never echoes the password.
func (cfg MailboxConfig) Validate() error {
	cfg = cfg.withDefaults()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("imap mailbox %q: %s", cfg.Name, fmt.Sprintf(format, args...))
	}
	if cfg.Name == "" {
		return errors.New("imap mailbox: missing name: give each mailbox a short stable name such as \"spms\"; it keys the stored cursor")
	}
	if strings.IndexFunc(cfg.Name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return bad("the name must not contain spaces or control characters")
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return bad("address %q is not host:port, e.g. outlook.office365.com:993", cfg.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return bad("port %q is not a number from 1 to 65535", port)
	}
	switch cfg.TLS {
	case "tls", "starttls":
	case "none":
		if !isLoopback(host) {
			return bad("tls=none sends the password in clear and is allowed only to a loopback address (127.0.0.1, ::1, localhost), not %q: use imaps:// (port 993) or tls=starttls", host)
		}
	default:
		return bad("unknown TLS mode %q: write tls (implicit TLS, port 993), starttls, or none (loopback only)", cfg.TLS)
	}
	if cfg.Username == "" {
		return bad("missing user name: write imaps://user:password@host:993/INBOX")
	}
	if cfg.TokenCommand == "" && cfg.Password == "" {
		return bad("missing password: write imaps://user:password@host:993/INBOX (percent-encode special characters), or set token_command for OAuth 2.0 (XOAUTH2)")
	}
	if cfg.Folder == "" || strings.ContainsAny(cfg.Folder, "\r\n") {
		return bad("invalid folder %q", cfg.Folder)
	}
	after, err := parseAfter(cfg.After)
	if err != nil {
		return bad("%v", err)
	}
	if after.kind == "move" && after.folder == cfg.Folder {
		return bad("after=move:%s moves messages into the folder being read: choose another folder", after.folder)
	}
	if cfg.Address != "" {
		if _, err := mail.ParseAddress(cfg.Address); err != nil {
			return bad("address %q is not an email address", cfg.Address)
		}
	}
	if cfg.PollInterval < 0 {
		return bad("poll interval %v is negative", cfg.PollInterval)
	}
	if cfg.BatchSize < 0 || cfg.BatchSize > maxBatchSize {
		return bad("batch size %d must be between 1 and %d", cfg.BatchSize, maxBatchSize)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// mailboxURLParams are the query parameters ParseMailbox accepts.
var mailboxURLParams = map[string]string{
	"after":                "seen | delete | move:<folder>",
	"address":              "the desk address this mailbox receives for",
	"tls":                  "tls | starttls | none",
	"token_command":        "shell command printing an OAuth 2.0 access token (XOAUTH2)",
	"poll_interval":        "Go duration, e.g. 60s",
	"batch_size":           "messages per FETCH, e.g. 50",
	"insecure_skip_verify": "true to accept any TLS certificate",
}

const urlExample = "imaps://user:password@host:993/INBOX?after=move:Processados&address=servicedesk@example.pt"

// ParseMailbox reads a mailbox URL such as
//
//	imaps://user:password@outlook.office365.com:993/INBOX?after=move:Processados&address=servicedesk@spms.min-saude.pt
//	imap://user:password@mail.example.pt:143/INBOX?tls=starttls
//	imaps://desk@example.pt@outlook.office365.com/INBOX?token_command=/usr/local/bin/m365-token
//
// imaps:// means implicit TLS (port 993 by default); imap:// means STARTTLS
// (port 143 by default) unless tls=none, which is accepted only for a
// loopback host. The path is the folder (INBOX when empty). The user name
// and password are percent-decoded, so write %40 for "@" in a password,
// %2F for "/", %3F for "?" and %23 for "#". Query parameters: after,
// address, tls, token_command, poll_interval, batch_size,
// insecure_skip_verify; any other is an error, to catch typos. Errors never
// repeat the password.
func ParseMailbox(name, rawURL string) (MailboxConfig, error) {
	cfg := MailboxConfig{Name: name}
	bad := func(format string, args ...any) (MailboxConfig, error) {
		return MailboxConfig{}, fmt.Errorf("imap mailbox %q: %s", name, fmt.Sprintf(format, args...))
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return bad("cannot read the URL (%v): write %s, percent-encoding special characters in the user name and password (%%40 for @, %%2F for /, %%3F for ?, %%23 for #)", err, urlExample)
	}
	defaultPort := ""
	switch strings.ToLower(u.Scheme) {
	case "imaps":
		cfg.TLS, defaultPort = "tls", "993"
	case "imap":
		cfg.TLS, defaultPort = "starttls", "143"
	case "":
		return bad("the URL has no scheme: write %s", urlExample)
	default:
		return bad("unknown scheme %q: write imaps:// (implicit TLS) or imap:// (STARTTLS), e.g. %s", u.Scheme, urlExample)
	}
	if u.Opaque != "" {
		return bad("the URL lacks // after the scheme: write %s", urlExample)
	}
	host := u.Hostname()
	if host == "" {
		return bad("the URL names no host: write %s", urlExample)
	}
	port := u.Port()
	if port == "" {
		port = defaultPort
	}
	cfg.Addr = net.JoinHostPort(host, port)
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	cfg.Folder = strings.TrimPrefix(u.Path, "/")
	if u.Fragment != "" {
		return bad("the URL has a # fragment; a # in the password must be written %%23")
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("cannot read the query string: write ?after=seen&address=desk@example.pt")
	}
	for key, vals := range q {
		if _, ok := mailboxURLParams[key]; !ok {
			return bad("unknown parameter %q: known are %s", key, knownParams())
		}
		if len(vals) > 1 {
			return bad("parameter %q is given %d times", key, len(vals))
		}
	}
	if v := q.Get("tls"); v != "" {
		switch {
		case v == "tls" || v == "starttls" || v == "none":
		default:
			return bad("unknown tls=%q: write tls, starttls or none", v)
		}
		if cfg.TLS == "tls" && v != "tls" {
			return bad("imaps:// already means implicit TLS; for tls=%s write imap://", v)
		}
		cfg.TLS = v
		if v == "tls" && u.Port() == "" {
			cfg.Addr = net.JoinHostPort(host, "993")
		}
	}
	cfg.After = q.Get("after")
	cfg.Address = q.Get("address")
	cfg.TokenCommand = q.Get("token_command")
	if cfg.TokenCommand != "" && cfg.Password != "" {
		return bad("give either a password or token_command, not both")
	}
	if v := q.Get("poll_interval"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return bad("poll_interval=%q is not a positive duration: write e.g. 60s or 5m", v)
		}
		cfg.PollInterval = d
	}
	if v := q.Get("batch_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return bad("batch_size=%q is not a positive number: write e.g. 50", v)
		}
		cfg.BatchSize = n
	}
	if v := q.Get("insecure_skip_verify"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad("insecure_skip_verify=%q: write true or false", v)
		}
		cfg.InsecureSkipVerify = b
	}
	if err := cfg.Validate(); err != nil {
		return MailboxConfig{}, err
	}
	return cfg.withDefaults(), nil
}

func knownParams() string {
	keys := make([]string, 0, len(mailboxURLParams))
	for k := range mailboxURLParams {
		keys = append(keys, k+" ("+mailboxURLParams[k]+")")
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
