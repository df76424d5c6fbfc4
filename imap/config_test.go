package imap

import (
	"strings"
	"testing"
	"time"
)

func TestParseMailbox(t *testing.T) {
	tests := []struct {
		url  string
		want MailboxConfig
	}{
		{
			"imaps://desk:s3gr3do@outlook.office365.com:993/INBOX?after=move:Processados&address=servicedesk@spms.min-saude.pt",
			MailboxConfig{Addr: "outlook.office365.com:993", TLS: "tls", Username: "desk", Password: "s3gr3do", Folder: "INBOX",
				After: "move:Processados", Address: "servicedesk@spms.min-saude.pt"},
		},
		{ // defaults: port 993, INBOX, seen; the user name is an address
			"imaps://servicedesk%40spms.pt:pw@mail.spms.pt",
			MailboxConfig{Addr: "mail.spms.pt:993", TLS: "tls", Username: "servicedesk@spms.pt", Password: "pw", Folder: "INBOX",
				After: "seen", Address: "servicedesk@spms.pt"},
		},
		{ // an unencoded @ in the user name works too (the last @ ends it)
			"imaps://servicedesk@spms.pt:pw@mail.spms.pt/Pedidos",
			MailboxConfig{Addr: "mail.spms.pt:993", TLS: "tls", Username: "servicedesk@spms.pt", Password: "pw", Folder: "Pedidos",
				After: "seen", Address: "servicedesk@spms.pt"},
		},
		{ // imap:// means STARTTLS on 143
			"imap://desk:pw@mail.example.pt/INBOX?tls=starttls",
			MailboxConfig{Addr: "mail.example.pt:143", TLS: "starttls", Username: "desk", Password: "pw", Folder: "INBOX", After: "seen"},
		},
		{
			"imap://desk:pw@mail.example.pt",
			MailboxConfig{Addr: "mail.example.pt:143", TLS: "starttls", Username: "desk", Password: "pw", Folder: "INBOX", After: "seen"},
		},
		{ // percent-encoded password with reserved characters; nested folder with a space
			"imaps://desk:p%40ss%2Fw%3Fo%23rd@imap.example.pt:1993/INBOX/Pedidos%20novos?after=delete&poll_interval=30s&batch_size=100&insecure_skip_verify=true",
			MailboxConfig{Addr: "imap.example.pt:1993", TLS: "tls", Username: "desk", Password: "p@ss/w?o#rd", Folder: "INBOX/Pedidos novos",
				After: "delete", PollInterval: 30 * time.Second, BatchSize: 100, InsecureSkipVerify: true},
		},
		{ // loopback without TLS, for tests
			"imap://desk:pw@127.0.0.1:1143/INBOX?tls=none",
			MailboxConfig{Addr: "127.0.0.1:1143", TLS: "none", Username: "desk", Password: "pw", Folder: "INBOX", After: "seen"},
		},
		{
			"imap://desk:pw@[::1]:1143/?tls=none",
			MailboxConfig{Addr: "[::1]:1143", TLS: "none", Username: "desk", Password: "pw", Folder: "INBOX", After: "seen"},
		},
		{ // Microsoft 365 with OAuth 2.0
			"imaps://servicedesk@spms.min-saude.pt@outlook.office365.com/INBOX?token_command=/usr/local/bin/m365-token%20--tenant%20spms",
			MailboxConfig{Addr: "outlook.office365.com:993", TLS: "tls", Username: "servicedesk@spms.min-saude.pt", Folder: "INBOX",
				After: "seen", Address: "servicedesk@spms.min-saude.pt", TokenCommand: "/usr/local/bin/m365-token --tenant spms"},
		},
	}
	for _, tt := range tests {
		got, err := ParseMailbox("spms", tt.url)
		if err != nil {
			t.Errorf("ParseMailbox(%q): %v", tt.url, err)
			continue
		}
		tt.want.Name = "spms"
		if tt.want.PollInterval == 0 {
			tt.want.PollInterval = DefaultPollInterval
		}
		if tt.want.BatchSize == 0 {
			tt.want.BatchSize = DefaultBatchSize
		}
		if got != tt.want {
			t.Errorf("ParseMailbox(%q)\n got %+v\nwant %+v", tt.url, got, tt.want)
		}
	}
}

func TestParseMailboxErrors(t *testing.T) {
	tests := []struct {
		name, url string
		want      []string // substrings of the error
	}{
		{"spms", "https://desk:pw@host/INBOX", []string{`unknown scheme "https"`, "imaps://"}},
		{"spms", "host:993", []string{"imaps://"}},
		{"spms", "imaps:///INBOX", []string{"no host"}},
		{"spms", "imaps://host/INBOX", []string{"missing user name"}},
		{"spms", "imaps://desk@host/INBOX", []string{"missing password", "token_command"}},
		{"spms", "imaps://desk:pw@host/INBOX?afer=seen", []string{`unknown parameter "afer"`, "after ("}},
		{"spms", "imaps://desk:pw@host/INBOX?after=archive", []string{`unknown after "archive"`, "move:<folder>"}},
		{"spms", "imaps://desk:pw@host/INBOX?after=move:", []string{"names no folder"}},
		{"spms", "imaps://desk:pw@host/INBOX?after=move:INBOX", []string{"into the folder being read"}},
		{"spms", "imaps://desk:pw@host/INBOX?tls=starttls", []string{"for tls=starttls write imap://"}},
		{"spms", "imap://desk:pw@host/INBOX?tls=ssl", []string{`unknown tls="ssl"`}},
		{"spms", "imap://desk:pw@mail.example.pt/INBOX?tls=none", []string{"loopback", "mail.example.pt"}},
		{"spms", "imaps://desk:pw@host:99999/INBOX", []string{"port"}},
		{"spms", "imaps://desk:pw@host/INBOX?poll_interval=often", []string{"poll_interval", "60s"}},
		{"spms", "imaps://desk:pw@host/INBOX?batch_size=-1", []string{"batch_size"}},
		{"spms", "imaps://desk:pw@host/INBOX?batch_size=5000", []string{"batch size 5000"}},
		{"spms", "imaps://desk:pw@host/INBOX?address=not-an-address", []string{`"not-an-address" is not an email address`}},
		{"spms", "imaps://desk:pw@host/INBOX?token_command=get-token", []string{"either a password or token_command"}},
		{"spms", "imaps://desk:pw@host/INBOX?after=seen&after=delete", []string{"given 2 times"}},
		{"spms", "imaps://desk:pw#1@host/INBOX", []string{"%23"}},
		{"", "imaps://desk:pw@host/INBOX", []string{"missing name"}},
		{"my box", "imaps://desk:pw@host/INBOX", []string{"spaces"}},
	}
	for _, tt := range tests {
		_, err := ParseMailbox(tt.name, tt.url)
		if err == nil {
			t.Errorf("ParseMailbox(%q, %q) accepted", tt.name, tt.url)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseMailbox(%q): error %q lacks %q", tt.url, err, w)
			}
		}
	}
}

// A password must never reach an error message (they end up in logs).
func TestParseMailboxErrorsHidePassword(t *testing.T) {
	for _, u := range []string{
		"imaps://desk:Hunter2Secret@host/INBOX?after=nope",
		"imaps://desk:Hunter2Secret@host:port/INBOX",
		"imaps://desk:Hunter2Secret@ho st/INBOX",
		"imaps://desk:Hunter2Secret@host/INBOX?%zz",
		"imap://desk:Hunter2Secret@mail.example.pt/INBOX?tls=none",
	} {
		_, err := ParseMailbox("spms", u)
		if err == nil {
			t.Errorf("%q accepted", u)
		} else if strings.Contains(err.Error(), "Hunter2Secret") {
			t.Errorf("error reveals the password: %v", err)
		}
	}
}

func TestValidateDefaults(t *testing.T) {
	cfg := MailboxConfig{Name: "spms", Addr: "outlook.office365.com:993", Username: "u", Password: "p"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d := cfg.withDefaults()
	if d.TLS != "tls" || d.Folder != "INBOX" || d.After != "seen" || d.PollInterval != time.Minute || d.BatchSize != 50 {
		t.Fatalf("defaults: %+v", d)
	}
	cfg.PollInterval = -time.Second
	if err := cfg.Validate(); err == nil {
		t.Fatal("negative poll interval accepted")
	}
}

func TestScanHeader(t *testing.T) {
	tests := []struct {
		raw, mailFrom, messageID string
	}{
		{"Return-Path: <ana@example.pt>\r\nFrom: Ana <ana@example.pt>\r\nMessage-ID: <x@y>\r\n\r\nbody", "ana@example.pt", "<x@y>"},
		// A bounce: null sender.
		{"Return-Path: <>\r\nFrom: MAILER-DAEMON@example.pt\r\n\r\n", "", ""},
		// No Return-Path (APPENDed): the From address, so it is no bounce.
		{"From: =?utf-8?q?Jo=C3=A3o?= <joao@example.pt>\nMessage-Id:\n <folded@id>\n\nReturn-Path: <body@x>\n", "joao@example.pt", "<folded@id>"},
		// Only the first Return-Path counts (the last MTA prepends its own).
		{"Return-Path: <first@a>\r\nReturn-Path: <second@b>\r\n\r\n", "first@a", ""},
		// Malformed: no crash, best effort.
		{"From: broken <<x@y\r\nGarbage line\r\n\r\n", "broken <<x@y", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		h := scanHeader([]byte(tt.raw))
		if got := h.mailFrom(); got != tt.mailFrom {
			t.Errorf("mailFrom(%q) = %q, want %q", tt.raw, got, tt.mailFrom)
		}
		if h.messageID != tt.messageID {
			t.Errorf("messageID(%q) = %q, want %q", tt.raw, h.messageID, tt.messageID)
		}
	}
}

func FuzzScanHeader(f *testing.F) {
	f.Add([]byte("Return-Path: <a@b>\r\nFrom: x\r\n\r\n"))
	f.Add([]byte("From:\n \n\t\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		scanHeader(raw).mailFrom()
	})
}
