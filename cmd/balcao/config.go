package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"balcao"
)

// Config is everything the program reads from its environment. It is built
// once in main and passed to constructors; no package reads it globally.
type Config struct {
	DataDir            string
	HTTPAddr           string
	DatabaseURL        string
	BaseURL            string
	LogFormat          string
	LogLevel           slog.Level
	NumberPrefix       string
	MaxAttachmentBytes int64
	AdminEmail         string
	SMTPAddr           string
	LMTPAddr           string
	MailRelay          string
	MailHost           string
	IMAPMailboxes      []Mailbox
	AutoMailPerDay     int
	DebugAddr          string

	baseURLDerived bool // BaseURL comes from HTTPAddr, not from BALCAO_BASE_URL
}

// envVar documents and parses one BALCAO_ variable. docs/OPERATIONS.md
// lists the same variables; a test keeps the two in step.
type envVar struct {
	name, def, doc string
	set            func(c *Config, v string) error
}

var envVars = []envVar{
	{"BALCAO_DATA_DIR", "./data", "Directory for the SQLite database and operator catalogue files. Created if missing.",
		func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"BALCAO_HTTP_ADDR", "127.0.0.1:8080", "Address the HTTP server listens on (host:port).",
		func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("use host:port, e.g. 127.0.0.1:8080 or :8080")
			}
			c.HTTPAddr = v
			return nil
		}},
	{"BALCAO_DATABASE_URL", "(SQLite file balcao.db in the data directory)", "Database to use: a postgres:// (or postgresql://) URL selects PostgreSQL; a sqlite: path or file: URL selects another SQLite file.",
		func(c *Config, v string) error {
			switch {
			case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
				if _, err := url.Parse(v); err != nil {
					return fmt.Errorf("not a valid URL: %v", err)
				}
			case strings.HasPrefix(v, "sqlite:"), strings.HasPrefix(v, "file:"):
			default:
				return fmt.Errorf("use a postgres://user@host:port/db URL or sqlite:/path/to/file.db")
			}
			c.DatabaseURL = v
			return nil
		}},
	{"BALCAO_BASE_URL", "http://<BALCAO_HTTP_ADDR>", "Public URL of the service, used in links (API pagination, emails).",
		func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("use an absolute http(s) URL such as https://balcao.example.pt")
			}
			c.BaseURL = strings.TrimRight(v, "/")
			return nil
		}},
	{"BALCAO_LOG_FORMAT", "text", "Log format: text or json.",
		func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("use text or json")
			}
			c.LogFormat = v
			return nil
		}},
	{"BALCAO_LOG_LEVEL", "info", "Log level: debug, info, warn or error.",
		func(c *Config, v string) error {
			if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("use debug, info, warn or error")
			}
			return nil
		}},
	{"BALCAO_NUMBER_PREFIX", "SD", "Prefix of ticket numbers (SD-2026-000123): 1 to 8 uppercase letters or digits, starting with a letter. Changing it does not renumber existing tickets.",
		func(c *Config, v string) error {
			if !balcao.ValidNumberPrefix(v) {
				return fmt.Errorf("use 1 to 8 uppercase letters or digits starting with a letter, e.g. SD")
			}
			c.NumberPrefix = v
			return nil
		}},
	{"BALCAO_MAX_ATTACHMENT_BYTES", "26214400", "Largest attachment accepted, in bytes (default 25 MiB).",
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 || n > 1<<30 {
				return fmt.Errorf("use a number of bytes between 1024 and 1073741824")
			}
			c.MaxAttachmentBytes = n
			return nil
		}},
	{"BALCAO_SMTP_ADDR", "(off)", "Address of the inbound SMTP listener (host:port, e.g. 127.0.0.1:2525). The recipient address picks the service.",
		func(c *Config, v string) error { return setAddr(&c.SMTPAddr, v) }},
	{"BALCAO_LMTP_ADDR", "(off)", "Address of the inbound LMTP listener for a front MTA such as Postfix (host:port).",
		func(c *Config, v string) error { return setAddr(&c.LMTPAddr, v) }},
	{"BALCAO_MAIL_RELAY", "(none: mail waits in the outbox)", "Outbound relay: host:port, or smtp://user:password@host:port?tls=mandatory|opportunistic|none, or smtps://… for implicit TLS. Without it, answers wait in the outbox and go out once a relay is set.",
		func(c *Config, v string) error { c.MailRelay = v; return nil }},
	{"BALCAO_MAIL_HOST", "(host of BALCAO_BASE_URL)", "Right-hand side of the Message-IDs of outgoing mail, and the instance name in the loop header.",
		func(c *Config, v string) error {
			if v == "" || strings.ContainsAny(v, "@<> /") {
				return fmt.Errorf("use a host name such as balcao.example.pt")
			}
			c.MailHost = v
			return nil
		}},
	{"BALCAO_IMAP_MAILBOXES", "(none)", "IMAP mailboxes to poll, separated by spaces: name=imaps://user:password@host:993/INBOX?address=desk@example.pt&after=seen (see docs/OPERATIONS.md).",
		func(c *Config, v string) error {
			for _, item := range strings.Fields(v) {
				name, u, ok := strings.Cut(item, "=")
				if !ok || name == "" || u == "" {
					return fmt.Errorf("%q: write each mailbox as name=imaps://user:password@host:993/INBOX?address=…", item)
				}
				c.IMAPMailboxes = append(c.IMAPMailboxes, Mailbox{Name: name, URL: u})
			}
			return nil
		}},
	{"BALCAO_AUTO_MAIL_PER_DAY", "40", "Most automatic answers sent to one address in 24 hours (loop and flood protection).",
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10000 {
				return fmt.Errorf("use a number between 1 and 10000")
			}
			c.AutoMailPerDay = n
			return nil
		}},
	{"BALCAO_DEBUG_ADDR", "(off)", "Address of a diagnostics listener serving Go's profiler under /debug/pprof/ (host:port). Keep it on loopback: it has no authentication.",
		func(c *Config, v string) error { return setAddr(&c.DebugAddr, v) }},
	{"BALCAO_ADMIN_EMAIL", "admin@localhost", "Email of the first admin account, created by `balcao serve` when no admin exists.",
		func(c *Config, v string) error {
			if !strings.Contains(v, "@") {
				return fmt.Errorf("use an email address")
			}
			c.AdminEmail = strings.ToLower(v)
			return nil
		}},
}

// Mailbox is one IMAP mailbox to poll: a name and its URL.
type Mailbox struct{ Name, URL string }

// ignoredPrefixes are BALCAO_ variables that belong to the test suite, not
// to the program.
var ignoredPrefixes = []string{"BALCAO_TEST_"}

// LoadConfig reads the BALCAO_ variables of environ. An unknown BALCAO_
// variable or a malformed value is an error that names the variable.
func LoadConfig(environ []string) (Config, error) {
	c := Config{DataDir: "./data", HTTPAddr: "127.0.0.1:8080", LogFormat: "text", LogLevel: slog.LevelInfo,
		NumberPrefix: balcao.DefaultNumberPrefix, MaxAttachmentBytes: 25 << 20, AdminEmail: "admin@localhost", AutoMailPerDay: 40}
	known := map[string]envVar{}
	for _, v := range envVars {
		known[v.name] = v
	}
	var unknown []string
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "BALCAO_") || hasAnyPrefix(name, ignoredPrefixes) {
			continue
		}
		v, ok := known[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		if err := v.set(&c, strings.TrimSpace(value)); err != nil {
			return c, fmt.Errorf("%s=%q: %v", name, value, err)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return c, fmt.Errorf("unknown variable %s; the known ones are listed in docs/OPERATIONS.md and by `balcao help env`", strings.Join(unknown, ", "))
	}
	return c, nil
}

func setAddr(dst *string, v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("use host:port, e.g. 127.0.0.1:2525")
	}
	*dst = v
	return nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// finish fills values that depend on others, after flags were applied.
func (c *Config) finish() {
	if c.BaseURL == "" {
		c.baseURLDerived = true
		c.deriveBaseURL(c.HTTPAddr)
	}
	if c.MailHost == "" {
		if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
			c.MailHost = u.Hostname()
		}
	}
}

// deriveBaseURL sets the base URL from a listen address, for when no
// BALCAO_BASE_URL was given.
func (c *Config) deriveBaseURL(addr string) {
	{
		host, port, _ := net.SplitHostPort(addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
}

// sqlitePath returns the SQLite file to use, or "" for PostgreSQL.
func (c *Config) sqlitePath() string {
	switch {
	case c.DatabaseURL == "":
		return filepath.Join(c.DataDir, "balcao.db")
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		return strings.TrimPrefix(strings.TrimPrefix(c.DatabaseURL, "sqlite:"), "//")
	case strings.HasPrefix(c.DatabaseURL, "file:"):
		u, err := url.Parse(c.DatabaseURL)
		if err == nil && u.Path != "" {
			return u.Path
		}
		return strings.TrimPrefix(c.DatabaseURL, "file:")
	}
	return ""
}

func (c *Config) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func envHelp() string {
	var b strings.Builder
	b.WriteString("Environment variables (flags of the same meaning override them):\n\n")
	for _, v := range envVars {
		fmt.Fprintf(&b, "  %s (default %s)\n      %s\n", v.name, v.def, v.doc)
	}
	return b.String()
}
