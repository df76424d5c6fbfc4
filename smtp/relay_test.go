package smtp

import (
	"strings"
	"testing"
	"time"
)

func TestParseRelay(t *testing.T) {
	good := []struct {
		in   string
		want RelayConfig
	}{
		{"127.0.0.1:25", RelayConfig{Addr: "127.0.0.1:25", TLSPolicy: TLSOpportunistic}},
		{"  smtp.example.com:587 ", RelayConfig{Addr: "smtp.example.com:587", TLSPolicy: TLSOpportunistic}},
		{"[::1]:2525", RelayConfig{Addr: "[::1]:2525", TLSPolicy: TLSOpportunistic}},
		{"smtp://relay.example:587?tls=mandatory", RelayConfig{Addr: "relay.example:587", TLSPolicy: TLSMandatory}},
		{"smtp://relay.example:25?tls=none", RelayConfig{Addr: "relay.example:25", TLSPolicy: TLSNone}},
		{"smtp://relay.example:465?tls=tls", RelayConfig{Addr: "relay.example:465", TLSPolicy: TLSImplicit}},
		{"smtp://relay.example:25", RelayConfig{Addr: "relay.example:25", TLSPolicy: TLSOpportunistic}},
		{
			"smtp://desk%40spms.example:p%40ss%3Aw%2F0rd@relay.example:587?tls=mandatory",
			RelayConfig{Addr: "relay.example:587", Username: "desk@spms.example", Password: "p@ss:w/0rd", TLSPolicy: TLSMandatory},
		},
		{"smtps://u:p@relay.example", RelayConfig{Addr: "relay.example:465", Username: "u", Password: "p", TLSPolicy: TLSImplicit}},
		{"smtps://u:p@[2001:db8::1]", RelayConfig{Addr: "[2001:db8::1]:465", Username: "u", Password: "p", TLSPolicy: TLSImplicit}},
		{"smtps://u:p@relay.example:2465?tls=tls", RelayConfig{Addr: "relay.example:2465", Username: "u", Password: "p", TLSPolicy: TLSImplicit}},
		{
			"SMTP://relay.example:25?helo=desk.example&timeout=45s&TLS=Mandatory",
			RelayConfig{Addr: "relay.example:25", TLSPolicy: TLSMandatory, HELO: "desk.example", Timeout: 45 * time.Second},
		},
		{"smtp://u:p@127.0.0.1:25?tls=none", RelayConfig{Addr: "127.0.0.1:25", Username: "u", Password: "p", TLSPolicy: TLSNone}},
		{"smtp://u:p@localhost:25?tls=none", RelayConfig{Addr: "localhost:25", Username: "u", Password: "p", TLSPolicy: TLSNone}},
	}
	for _, tc := range good {
		got, err := ParseRelay(tc.in)
		if err != nil {
			t.Errorf("ParseRelay(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseRelay(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}

	bad := []struct {
		in, hint string
	}{
		{"", "empty"},
		{"relay.example", "port is required"},
		{"smtp://relay.example", "port is required"},
		{"relay.example:0", "1 to 65535"},
		{"relay.example:smtp", "1 to 65535"},
		{"relay.example:25:26", "host:port"},
		{"u:secretpw@relay.example:25", "URL form"},
		{"http://relay.example:25", "unknown scheme"},
		{"smtp://relay.example:25?tls=always", "mandatory, opportunistic"},
		{"smtps://u:secretpw@relay.example?tls=mandatory", "implicit TLS"},
		{"smtp://relay.example:25?port=26", "unknown parameter"},
		{"smtp://u@relay.example:25", "no password"},
		{"smtp://:secretpw@relay.example:25", "empty user name"},
		{"smtp://u:secretpw@relay.example:25?tls=none", "in clear"},
		{"smtp://u:secretpw@relay.example:25/inbox", "path"},
		{"smtp://u:secret%zzpw@relay.example:25", "percent-encode"},
		{"smtp://relay.example:25?timeout=soon", "positive duration"},
		{"smtp://relay.example:25?helo=", "host name"},
		{"smtp://:25", "no host"},
	}
	for _, tc := range bad {
		_, err := ParseRelay(tc.in)
		if err == nil {
			t.Errorf("ParseRelay(%q) succeeded, want an error about %q", tc.in, tc.hint)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.hint) {
			t.Errorf("ParseRelay(%q) = %q, want it to mention %q", tc.in, msg, tc.hint)
		}
		if strings.Contains(msg, "secret") {
			t.Errorf("ParseRelay(%q) error shows the password: %q", tc.in, msg)
		}
		if !strings.Contains(msg, "e.g.") && !strings.Contains(msg, "write") && !strings.Contains(msg, "use ") &&
			!strings.Contains(msg, "one of") && !strings.Contains(msg, "known:") && !strings.Contains(msg, "such as") &&
			!strings.Contains(msg, "must") {
			t.Errorf("ParseRelay(%q) = %q: says what is wrong but not how to write it", tc.in, msg)
		}
	}
}
