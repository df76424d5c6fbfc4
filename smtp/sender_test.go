package smtp

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func composed(t *testing.T) []byte {
	t.Helper()
	o := sampleOutgoing()
	o.HTML = "<p>Olá Ana</p>"
	o.Attachments = []Attachment{{Filename: "relatório.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4\n.\n")}}
	raw, err := Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func send(t *testing.T, cfg RelayConfig, from string, rcpts []string, raw []byte) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return NewSender(cfg).Send(ctx, from, rcpts, raw)
}

func TestSendToSink(t *testing.T) {
	sink := StartSink(t)
	raw := composed(t)
	rcpts := []string{"ana@example.pt", "chefe@example.pt"}
	if err := send(t, RelayConfig{Addr: sink.Addr()}, "servicedesk@spms.example", rcpts, raw); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := sink.Wait(1, 5*time.Second)
	m := msgs[0]
	if !bytes.Equal(m.Raw, raw) {
		t.Errorf("sink received different bytes:\n got %q\nwant %q", m.Raw, raw)
	}
	if m.From != "servicedesk@spms.example" || !slices.Equal(m.To, rcpts) || m.User != "" {
		t.Errorf("envelope = %q %v user %q", m.From, m.To, m.User)
	}

	// Automatic replies go out with the null sender.
	if err := send(t, RelayConfig{Addr: sink.Addr()}, "", rcpts[:1], raw); err != nil {
		t.Fatalf("Send with null sender: %v", err)
	}
	if m := sink.Wait(2, 5*time.Second)[1]; m.From != "" {
		t.Errorf("null sender arrived as %q", m.From)
	}
}

func TestSendFailures(t *testing.T) {
	sink := StartSink(t)
	raw := composed(t)
	cfg := RelayConfig{Addr: sink.Addr()}
	cases := []struct {
		name      string
		arm       func()
		permanent bool
		mention   string
	}{
		{"550 at RCPT", func() { sink.FailNext(550, "5.1.1 no such user") }, true, "550"},
		{"451 at RCPT", func() { sink.FailNext(451, "4.3.0 try later") }, false, "451"},
		{"554 after DATA", func() { sink.FailNextData(554, "5.7.1 rejected as spam") }, true, "554"},
		{"452 after DATA", func() { sink.FailNextData(452, "4.3.1 mailbox full") }, false, "452"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.arm()
			err := send(t, cfg, "servicedesk@spms.example", []string{"ana@example.pt"}, raw)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, IsPermanent(err), tc.permanent)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %s", err, tc.mention)
			}
		})
	}
	if n := len(sink.Messages()); n != 0 {
		t.Errorf("sink recorded %d refused messages", n)
	}
	// The queue is empty again: the next message goes through.
	if err := send(t, cfg, "servicedesk@spms.example", []string{"ana@example.pt"}, raw); err != nil {
		t.Fatalf("Send after failures: %v", err)
	}
}

// TestSendAllOrNothing uses Balcão's own listener as the relay: it knows
// one recipient and refuses the other.
func TestSendAllOrNothing(t *testing.T) {
	d := &fakeDeliverer{}
	_, addr := startServer(t, ServerConfig{AcceptRecipient: func(a string) bool { return a == "ana@example.pt" }}, d)
	err := send(t, RelayConfig{Addr: addr}, "servicedesk@spms.example", []string{"ana@example.pt", "ghost@example.pt"}, composed(t))
	if !IsPermanent(err) || !strings.Contains(err.Error(), "ghost@example.pt") || !strings.Contains(err.Error(), "550") {
		t.Errorf("err = %v, want a permanent 550 naming ghost@example.pt", err)
	}
	if len(d.Calls()) != 0 {
		t.Error("message delivered to the accepted recipient although another was refused")
	}
	raw := composed(t)
	if err := send(t, RelayConfig{Addr: addr}, "", []string{"Ana@Example.PT"}, raw); err != nil {
		t.Fatalf("Send to our own listener: %v", err)
	}
	if c := onlyCall(t, d.Calls()); !bytes.Equal(c.raw, raw) || c.env.MailFrom != "" {
		t.Errorf("delivered %q from %q", c.raw, c.env.MailFrom)
	}
}

func TestSendTransientConnectionErrors(t *testing.T) {
	raw := composed(t)
	t.Run("closed port", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		err = send(t, RelayConfig{Addr: addr}, "servicedesk@spms.example", []string{"ana@example.pt"}, raw)
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want a transient error", err)
		}
	})

	// A server that accepts and never says a word.
	silent := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() })
			}
		}()
		return ln.Addr().String()
	}
	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		err := send(t, RelayConfig{Addr: silent(t), Timeout: 300 * time.Millisecond}, "a@b.pt", []string{"c@d.pt"}, raw)
		if err == nil || IsPermanent(err) || time.Since(start) > 5*time.Second {
			t.Fatalf("err = %v after %v, want a quick transient error", err, time.Since(start))
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := NewSender(RelayConfig{Addr: silent(t)}).Send(ctx, "a@b.pt", []string{"c@d.pt"}, raw)
		if err == nil || IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Fatalf("err = %v after %v, want a quick transient deadline error", err, time.Since(start))
		}
	})
	t.Run("bad configuration", func(t *testing.T) {
		err := send(t, RelayConfig{Addr: "127.0.0.1:25", TLSPolicy: "always"}, "a@b.pt", []string{"c@d.pt"}, raw)
		if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), "always") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSendInvalidEnvelopeIsPermanent(t *testing.T) {
	sink := StartSink(t)
	for name, tc := range map[string]struct {
		from  string
		rcpts []string
		raw   []byte
	}{
		"bad sender":     {"not an address", []string{"a@b.pt"}, []byte("x\r\n")},
		"no recipients":  {"a@b.pt", nil, []byte("x\r\n")},
		"bad recipient":  {"a@b.pt", []string{"a@b.pt>\r\nRCPT TO:<x@y.z"}, []byte("x\r\n")},
		"empty message":  {"a@b.pt", []string{"c@d.pt"}, nil},
		"angle brackets": {"a@b.pt", []string{"<c@d.pt>"}, []byte("x\r\n")},
	} {
		err := send(t, RelayConfig{Addr: sink.Addr()}, tc.from, tc.rcpts, tc.raw)
		if !IsPermanent(err) {
			t.Errorf("%s: err = %v, want permanent", name, err)
		}
	}
	if len(sink.Messages()) != 0 {
		t.Error("invalid envelope reached the relay")
	}
}

// selfSigned returns a TLS config for 127.0.0.1 with a throwaway key.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sink.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func TestSendTLSAndAuth(t *testing.T) {
	raw := composed(t)
	from, to := "servicedesk@spms.example", []string{"ana@example.pt"}
	plain := StartSink(t)
	starttls := startSink(t, sinkOptions{startTLS: selfSigned(t), users: map[string]string{"desk": "s3cret"}})
	implicit := startSink(t, sinkOptions{implicitTLS: selfSigned(t)})

	cases := []struct {
		name string
		sink *Sink
		cfg  RelayConfig
		ok   bool
		user string
	}{
		{"mandatory without STARTTLS fails", plain, RelayConfig{TLSPolicy: TLSMandatory}, false, ""},
		{"opportunistic over plaintext", plain, RelayConfig{TLSPolicy: TLSOpportunistic}, true, ""},
		{"none", plain, RelayConfig{TLSPolicy: TLSNone}, true, ""},
		{"mandatory STARTTLS with AUTH", starttls, RelayConfig{TLSPolicy: TLSMandatory, InsecureSkipVerify: true, Username: "desk", Password: "s3cret"}, true, "desk"},
		{"opportunistic STARTTLS with AUTH", starttls, RelayConfig{InsecureSkipVerify: true, Username: "desk", Password: "s3cret"}, true, "desk"},
		{"unverified certificate refused", starttls, RelayConfig{TLSPolicy: TLSMandatory, Username: "desk", Password: "s3cret"}, false, ""},
		{"wrong password", starttls, RelayConfig{TLSPolicy: TLSMandatory, InsecureSkipVerify: true, Username: "desk", Password: "nope"}, false, ""},
		{"implicit TLS", implicit, RelayConfig{TLSPolicy: TLSImplicit, InsecureSkipVerify: true}, true, ""},
		{"AUTH to a loopback relay without TLS", plain, RelayConfig{TLSPolicy: TLSNone, Username: "desk", Password: "x"}, true, "desk"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Addr = tc.sink.Addr()
			tc.cfg.HELO = "desk.example"
			before := len(tc.sink.Messages())
			err := send(t, tc.cfg, from, to, raw)
			if !tc.ok {
				if err == nil {
					t.Fatal("Send succeeded")
				}
				if IsPermanent(err) {
					t.Errorf("relay/configuration failure %v reported as permanent", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			m := tc.sink.Wait(before+1, 5*time.Second)[before]
			if !bytes.Equal(m.Raw, raw) || m.User != tc.user {
				t.Errorf("received user %q, %d bytes (want %q, %d)", m.User, len(m.Raw), tc.user, len(raw))
			}
		})
	}
}
