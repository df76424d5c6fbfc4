package smtp

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TLS policies for RelayConfig.TLSPolicy.
const (
	// TLSMandatory requires STARTTLS with a verified certificate; a relay
	// that does not offer it is an error.
	TLSMandatory = "mandatory"
	// TLSOpportunistic uses STARTTLS (with a verified certificate) when the
	// relay offers it and plaintext otherwise. It is the default.
	TLSOpportunistic = "opportunistic"
	// TLSNone never uses TLS.
	TLSNone = "none"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
)

var tlsPolicies = []string{TLSMandatory, TLSOpportunistic, TLSNone, TLSImplicit}

// DefaultRelayTimeout bounds each step of a Send when RelayConfig.Timeout
// is zero.
const DefaultRelayTimeout = 30 * time.Second

// RelayConfig says how to reach the SMTP relay that sends Balcão's mail.
type RelayConfig struct {
	// Addr is the relay's host:port.
	Addr string
	// Username and Password, when Username is set, authenticate with SMTP
	// AUTH PLAIN or LOGIN, whichever the relay offers (or, offering
	// neither, a challenge-response mechanism such as SCRAM or CRAM-MD5).
	// PLAIN and LOGIN are only used over TLS or to a loopback relay.
	Username, Password string
	// TLSPolicy is one of TLSMandatory, TLSOpportunistic (default, also
	// for ""), TLSNone or TLSImplicit.
	TLSPolicy string
	// InsecureSkipVerify accepts any certificate. For tests only.
	InsecureSkipVerify bool
	// HELO is the name we give in EHLO; default os.Hostname().
	HELO string
	// Timeout bounds connecting and each SMTP step; default 30s.
	Timeout time.Duration
}

const relayHelp = `write host:port (e.g. 127.0.0.1:25) or smtp://user:password@host:port?tls=mandatory ` +
	`(tls= mandatory, opportunistic, none or tls) or smtps://user:password@host:port for implicit TLS`

// ParseRelay parses a BALCAO_MAIL_RELAY-style value:
//
//	host:port                                      opportunistic STARTTLS, no AUTH
//	smtp://host:port?tls=mandatory                 tls= mandatory|opportunistic|none|tls
//	smtp://user:password@host:587?tls=mandatory    AUTH after STARTTLS
//	smtps://user:password@host[:465]               implicit TLS
//
// Query parameters helo=name and timeout=45s are also accepted. User names
// and passwords are percent-encoded (@ as %40, : as %3A, / as %2F). The
// error names what is wrong and how to write it, and never contains the
// password.
func ParseRelay(s string) (RelayConfig, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return RelayConfig{}, fmt.Errorf("mail relay is empty: %s", relayHelp)
	}
	if !strings.Contains(s, "://") {
		if strings.Contains(s, "@") {
			return RelayConfig{}, errors.New("mail relay with credentials needs the URL form: write " +
				"smtp://user:password@host:port?tls=mandatory (percent-encode @ : / in them)")
		}
		addr, err := hostPort(s, 0)
		if err != nil {
			return RelayConfig{}, err
		}
		return RelayConfig{Addr: addr, TLSPolicy: TLSOpportunistic}, nil
	}

	u, err := url.Parse(s)
	if err != nil {
		// url's error quotes the input, password included.
		return RelayConfig{}, fmt.Errorf("mail relay is not a valid URL (percent-encode @ : / %% in the "+
			"user name and password): %s", relayHelp)
	}
	shown := u.Redacted()
	cfg := RelayConfig{TLSPolicy: TLSOpportunistic}
	defPort := 0
	switch strings.ToLower(u.Scheme) {
	case "smtp":
	case "smtps":
		cfg.TLSPolicy = TLSImplicit
		defPort = 465
	default:
		return RelayConfig{}, fmt.Errorf("mail relay %s: unknown scheme %q; use smtp:// (STARTTLS as tls= says) "+
			"or smtps:// (implicit TLS, port 465)", shown, u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return RelayConfig{}, fmt.Errorf("mail relay %s: unexpected path after host:port; %s", shown, relayHelp)
	}
	if cfg.Addr, err = hostPort(u.Host, defPort); err != nil {
		return RelayConfig{}, fmt.Errorf("mail relay %s: %w", shown, err)
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		if cfg.Username == "" {
			return RelayConfig{}, fmt.Errorf("mail relay %s: empty user name before @; write smtp://user:password@host:port", shown)
		}
		if cfg.Password == "" {
			return RelayConfig{}, fmt.Errorf("mail relay %s: user %q has no password; write smtp://user:password@host:port", shown, cfg.Username)
		}
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return RelayConfig{}, fmt.Errorf("mail relay %s: bad query string: %v", shown, err)
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch strings.ToLower(k) {
		case "tls":
			v = strings.ToLower(v)
			if !slices.Contains(tlsPolicies, v) {
				return RelayConfig{}, fmt.Errorf("mail relay %s: tls=%q is not one of mandatory, opportunistic, none, tls", shown, v)
			}
			if cfg.TLSPolicy == TLSImplicit && v != TLSImplicit {
				return RelayConfig{}, fmt.Errorf("mail relay %s: smtps:// always uses implicit TLS; drop tls=%s or use smtp://", shown, v)
			}
			cfg.TLSPolicy = v
		case "helo":
			if v == "" || strings.ContainsAny(v, " \t\r\n") {
				return RelayConfig{}, fmt.Errorf("mail relay %s: helo=%q must be a host name", shown, v)
			}
			cfg.HELO = v
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return RelayConfig{}, fmt.Errorf("mail relay %s: timeout=%q must be a positive duration such as 30s", shown, v)
			}
			cfg.Timeout = d
		default:
			return RelayConfig{}, fmt.Errorf("mail relay %s: unknown parameter %q; known: tls, helo, timeout", shown, k)
		}
	}
	if cfg.Username != "" && cfg.TLSPolicy == TLSNone && !isLoopbackHost(cfg.Addr) {
		return RelayConfig{}, fmt.Errorf("mail relay %s: tls=none would send the password in clear; use tls=mandatory or smtps://", shown)
	}
	return cfg, nil
}

// hostPort checks host:port; defPort > 0 is used when the port is missing.
func hostPort(s string, defPort int) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		h := s
		if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
			h = h[1 : len(h)-1]
		} else if strings.Contains(h, ":") {
			defPort = 0 // a colon that SplitHostPort rejects: malformed, not portless
		}
		if defPort == 0 {
			return "", fmt.Errorf("%q is not host:port (the port is required, e.g. 25 for a local MTA, "+
				"587 for submission; IPv6 as [::1]:25)", s)
		}
		host, port = h, strconv.Itoa(defPort)
	}
	if host == "" {
		return "", fmt.Errorf("%q has no host name; write host:port, e.g. smtp.example.com:587", s)
	}
	if strings.ContainsAny(host, " /?#@") {
		return "", fmt.Errorf("host %q is not a host name or IP address; write host:port, e.g. smtp.example.com:587", host)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q in %q is not a number from 1 to 65535; write host:port, e.g. smtp.example.com:587", port, s)
	}
	return net.JoinHostPort(host, port), nil
}

func isLoopbackHost(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
