package smtp

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"balcao"
)

const citSubject = "CIT – Retificação de CIT [#SD-2026-000001]"

func sampleOutgoing() Outgoing {
	return Outgoing{
		From:       Address{Name: "Balcão — Serviço de Apoio", Addr: "servicedesk@spms.example"},
		To:         []Address{{Name: "Ana Sousã", Addr: "ana@example.pt"}},
		Cc:         []Address{{Addr: "chefe@example.pt"}},
		ReplyTo:    []Address{{Name: "Balcão", Addr: "servicedesk+t1@spms.example"}},
		Subject:    citSubject,
		MessageID:  "sd-2026-000001.1@spms.example",
		InReplyTo:  "orig-123@example.pt",
		References: []string{"orig-100@example.pt", "<orig-123@example.pt>"},
		Text:       "Olá Ana,\n\nRecebemos o seu pedido de retificação.\n.\n-- \nBalcão\n",
		Headers: map[string]string{
			"Auto-Submitted":           "auto-replied",
			"X-Auto-Response-Suppress": "All",
			"X-Balcao-Loop":            "desk-1",
		},
		Date: time.Date(2026, 1, 5, 10, 30, 0, 0, time.UTC),
	}
}

func compose(t *testing.T, o Outgoing) ([]byte, *mail.Message) {
	t.Helper()
	raw, err := Compose(o)
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	again, err := Compose(o)
	if err != nil || !bytes.Equal(raw, again) {
		t.Fatalf("Compose is not deterministic:\n%s\n---\n%s", raw, again)
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 78 || !isPrintableASCII(strings.ReplaceAll(line, " ", "x")) && line != "" {
			t.Errorf("header line not 7-bit or longer than 78: %q", line)
		}
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("bare LF in output")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, raw)
	}
	return raw, msg
}

func TestComposeHeaders(t *testing.T) {
	o := sampleOutgoing()
	raw, msg := compose(t, o)
	h := msg.Header
	for name, want := range map[string]string{
		"Message-Id":               "<sd-2026-000001.1@spms.example>",
		"In-Reply-To":              "<orig-123@example.pt>",
		"References":               "<orig-100@example.pt> <orig-123@example.pt>",
		"Auto-Submitted":           "auto-replied",
		"X-Auto-Response-Suppress": "All",
		"X-Balcao-Loop":            "desk-1",
		"Date":                     "Mon, 05 Jan 2026 10:30:00 +0000",
		"Mime-Version":             "1.0",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	rawSubject := h.Get("Subject")
	if !strings.HasPrefix(rawSubject, "=?UTF-8?") {
		t.Errorf("Subject not RFC 2047 encoded: %q", rawSubject)
	}
	if got, err := new(mime.WordDecoder).DecodeHeader(rawSubject); err != nil || got != citSubject {
		t.Errorf("Subject decodes to %q (%v), want %q", got, err, citSubject)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != o.From.Name || from[0].Address != o.From.Addr {
		t.Errorf("From = %v (%v)", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Ana Sousã" {
		t.Errorf("To = %v (%v)", to, err)
	}
	if cc, _ := h.AddressList("Cc"); len(cc) != 1 || cc[0].Address != "chefe@example.pt" {
		t.Errorf("Cc = %v", cc)
	}
	if rt, _ := h.AddressList("Reply-To"); len(rt) != 1 || rt[0].Address != "servicedesk+t1@spms.example" {
		t.Errorf("Reply-To = %v", rt)
	}
	if h.Get("User-Agent") != "" || h.Get("X-Mailer") != "" {
		t.Error("library User-Agent leaked into the message")
	}
	mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type = %q", h.Get("Content-Type"))
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("message does not end with CRLF")
	}
	body := decodeQP(t, msg.Body)
	if want := strings.ReplaceAll(o.Text, "\n", "\r\n"); body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
}

func decodeQP(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestComposeAlternative(t *testing.T) {
	o := sampleOutgoing()
	o.HTML = "<p>Olá <b>Ana</b>, recebemos o seu pedido.</p>"
	_, msg := compose(t, o)
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	parts := readParts(t, msg.Body, params["boundary"])
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	if parts[0].mediaType != "text/plain" || parts[0].body != strings.ReplaceAll(o.Text, "\n", "\r\n") {
		t.Errorf("first part %s %q", parts[0].mediaType, parts[0].body)
	}
	if parts[1].mediaType != "text/html" || parts[1].body != o.HTML {
		t.Errorf("second part %s %q", parts[1].mediaType, parts[1].body)
	}
}

func TestComposeAttachments(t *testing.T) {
	o := sampleOutgoing()
	o.HTML = "<p>Segue o comprovativo.</p>"
	pdf := bytes.Repeat([]byte{0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10}, 100)
	o.Attachments = []Attachment{
		{Filename: "relatório.pdf", MediaType: "application/pdf", Data: pdf},
		{Filename: "notas.txt", Data: []byte("linha 1\nlinha 2\n")},
	}
	raw, msg := compose(t, o)
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if mt != "multipart/mixed" || !strings.HasPrefix(params["boundary"], "balcao-") {
		t.Fatalf("Content-Type = %q", msg.Header.Get("Content-Type"))
	}
	parts := readParts(t, msg.Body, params["boundary"])
	if len(parts) != 3 || parts[0].mediaType != "multipart/alternative" {
		t.Fatalf("parts = %+v", parts)
	}
	if inner := readParts(t, strings.NewReader(parts[0].body), parts[0].boundary); len(inner) != 2 {
		t.Errorf("alternative has %d parts", len(inner))
	}
	if parts[0].boundary == params["boundary"] {
		t.Error("nested multiparts share a boundary")
	}
	att := parts[1]
	if att.mediaType != "application/pdf" || att.filename != "relatório.pdf" {
		t.Errorf("attachment %s %q", att.mediaType, att.filename)
	}
	data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(att.body, "\r\n", ""))
	if err != nil || !bytes.Equal(data, pdf) {
		t.Errorf("attachment data does not round-trip (%v)", err)
	}
	if parts[2].mediaType != "text/plain" || parts[2].filename != "notas.txt" {
		t.Errorf("second attachment %s %q", parts[2].mediaType, parts[2].filename)
	}
	// A different message id gives different boundaries, same structure.
	o.MessageID = "sd-2026-000001.2@spms.example"
	other, _ := compose(t, o)
	if bytes.Equal(raw, other) {
		t.Error("boundaries do not depend on the message")
	}
}

func TestComposeBoundaryNotForgeable(t *testing.T) {
	o := sampleOutgoing()
	o.HTML = "<p>x</p>"
	raw, err := Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(headerOf(t, raw, "Content-Type"))
	// Someone who can predict the boundary puts it in the text.
	o.Text = "ataque\n--" + params["boundary"] + "\nContent-Type: text/html\n\n<script>\n"
	_, msg := compose(t, o)
	_, p2, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if p2["boundary"] == params["boundary"] {
		t.Fatal("a boundary present in the text was used")
	}
	if parts := readParts(t, msg.Body, p2["boundary"]); len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
}

func headerOf(t *testing.T, raw []byte, name string) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header.Get(name)
}

type part struct {
	mediaType, boundary, filename, body string
}

// readParts reads one multipart level; text parts come back decoded from
// quoted-printable, others as sent.
func readParts(t *testing.T, r io.Reader, boundary string) []part {
	t.Helper()
	mr := multipart.NewReader(r, boundary)
	var out []part
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("reading parts: %v", err)
		}
		mt, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		var body []byte
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body, err = io.ReadAll(quotedprintable.NewReader(p))
		} else {
			body, err = io.ReadAll(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		fn := p.FileName()
		if dec, err := new(mime.WordDecoder).DecodeHeader(fn); err == nil {
			fn = dec
		}
		out = append(out, part{mediaType: mt, boundary: params["boundary"], filename: fn, body: string(body)})
	}
}

func TestComposeInvalid(t *testing.T) {
	cases := map[string]func(o *Outgoing){
		"no from":               func(o *Outgoing) { o.From.Addr = "" },
		"bad from":              func(o *Outgoing) { o.From.Addr = "not an address" },
		"no to":                 func(o *Outgoing) { o.To = nil },
		"bad cc":                func(o *Outgoing) { o.Cc = []Address{{Addr: "x@"}} },
		"no message id":         func(o *Outgoing) { o.MessageID = "" },
		"message id no at":      func(o *Outgoing) { o.MessageID = "sd-2026-000001" },
		"message id with space": func(o *Outgoing) { o.MessageID = "a b@c" },
		"bad reference":         func(o *Outgoing) { o.References = []string{"<>"} },
		"no text":               func(o *Outgoing) { o.Text = "" },
		"subject injection":     func(o *Outgoing) { o.Subject = "oi\r\nBcc: x@y.z" },
		"header injection":      func(o *Outgoing) { o.Headers["X-A"] = "1\r\nBcc: x@y.z" },
		"bad header name":       func(o *Outgoing) { o.Headers["X A"] = "1" },
		"reserved header":       func(o *Outgoing) { o.Headers["content-type"] = "text/html" },
		"attachment no name":    func(o *Outgoing) { o.Attachments = []Attachment{{Data: []byte("x")}} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := sampleOutgoing()
			mutate(&o)
			_, err := Compose(o)
			if balcao.ErrorCode(err) != balcao.EINVALID || !IsPermanent(err) {
				t.Errorf("Compose error = %v, want a permanent EINVALID error", err)
			}
		})
	}
}

func TestComposeFoldsLongHeaders(t *testing.T) {
	o := sampleOutgoing()
	o.Subject = strings.Repeat("Retificação do CIT n.º 12345 — ", 8) + "fim"
	o.From.Name = strings.Repeat("Serviço de Apoio ao Utilizador ", 4)
	o.References = nil
	for i := range 12 {
		o.References = append(o.References, fmt.Sprintf("ref-%02d.abcdef@example.pt", i))
	}
	_, msg := compose(t, o) // checks every header line is 7-bit and at most 78 long
	if got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || got != o.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", got, err, o.Subject)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != o.From.Name {
		t.Errorf("From = %v (%v)", from, err)
	}
	if refs := strings.Fields(msg.Header.Get("References")); len(refs) != 12 || refs[11] != "<ref-11.abcdef@example.pt>" {
		t.Errorf("References = %q", msg.Header.Get("References"))
	}
}

// go test -run '^$' -bench Compose ./smtp/
func BenchmarkCompose(b *testing.B) {
	o := sampleOutgoing()
	o.Text = strings.Repeat("Recebemos o seu pedido com o número SD-2026-000001 e vamos tratá-lo.\n", 12)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(o); err != nil {
			b.Fatal(err)
		}
	}
}
