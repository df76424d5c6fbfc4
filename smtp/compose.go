package smtp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"slices"
	"strings"
	"time"

	"balcao"
)

// Address is a mailbox with an optional display name. Name may hold any
// Unicode; Compose encodes it (RFC 2047).
type Address struct {
	Name string
	Addr string
}

// Attachment is a file to attach. MediaType may be empty, in which case it
// is guessed from the file name's extension (application/octet-stream when
// unknown). Data is sent base64-encoded.
type Attachment struct {
	Filename  string
	MediaType string
	Data      []byte
}

// Outgoing is a message to send, already composed by the caller except for
// MIME encoding.
type Outgoing struct {
	From    Address
	To      []Address
	Cc      []Address // optional
	ReplyTo []Address // optional, e.g. a plus-addressed desk address
	Subject string
	// MessageID is the message's id without angle brackets
	// ("sd-2026-000001.3f9a@desk.example"); the caller builds it so that it
	// carries the ticket id. Required.
	MessageID string
	// InReplyTo and References hold message ids, with or without angle
	// brackets; they are written with brackets.
	InReplyTo  string
	References []string
	// Text is the plain-text body (required). HTML, when given, is sent as
	// its alternative (multipart/alternative).
	Text string
	HTML string
	// Headers are extra header fields, such as Auto-Submitted,
	// X-Auto-Response-Suppress or a loop header. They may not replace the
	// fields Compose writes itself (From, To, Subject, Content-Type …).
	Headers     map[string]string
	Attachments []Attachment
	// Date is the Date header; the zero time means time.Now().
	Date time.Time
}

// reservedHeaders are written by Compose from Outgoing's own fields; a
// Headers entry for one of them would produce a duplicate or break the
// MIME structure.
var reservedHeaders = []string{
	"bcc", "cc", "content-transfer-encoding", "content-type", "date", "from",
	"in-reply-to", "message-id", "mime-version", "references", "reply-to",
	"subject", "to",
}

// Compose returns the RFC 5322 bytes of o: UTF-8 text parts in
// quoted-printable, attachments in base64, RFC 2047 encoded subject and
// display names, header lines folded under 78 characters, CRLF line
// endings, a final CRLF. Given a non-zero Date the output depends only on o
// (MIME boundaries are derived from MessageID), so composing the same
// Outgoing twice, for instance on a retry, gives identical bytes. Invalid
// input gives a balcao EINVALID error.
//
// It is written on the standard library's MIME encoders: the desk composes
// an acknowledgement for nearly every message it receives, and a general
// message builder cost four times as much for the same bytes.
func Compose(o Outgoing) ([]byte, error) {
	if err := checkOutgoing(o); err != nil {
		return nil, err
	}
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	// The parts' bodies first: a boundary must not occur in any of them.
	text := qpBody(o.Text)
	var html []byte
	if o.HTML != "" {
		html = qpBody(o.HTML)
	}
	atts := make([][]byte, len(o.Attachments))
	for i, a := range o.Attachments {
		atts[i] = base64Body(a.Data)
	}
	bodies := append([][]byte{text, html}, atts...)

	size := 1024 + len(text) + len(html)
	for _, b := range atts {
		size += len(b) + 256
	}
	w := &headerWriter{b: make([]byte, 0, size)}
	w.field("Date", date.Format(time.RFC1123Z))
	w.field("From", formatAddrs([]Address{o.From}))
	w.field("To", formatAddrs(o.To))
	if len(o.Cc) > 0 {
		w.field("Cc", formatAddrs(o.Cc))
	}
	if len(o.ReplyTo) > 0 {
		w.field("Reply-To", formatAddrs(o.ReplyTo))
	}
	w.field("Subject", mime.QEncoding.Encode("UTF-8", o.Subject))
	w.field("Message-ID", bracket(o.MessageID))
	if o.InReplyTo != "" {
		w.field("In-Reply-To", bracket(o.InReplyTo))
	}
	if len(o.References) > 0 {
		refs := make([]string, len(o.References))
		for i, r := range o.References {
			refs[i] = bracket(r)
		}
		// Separated by spaces: RFC 5322 allows no commas between msg-ids.
		w.field("References", strings.Join(refs, " "))
	}
	for _, k := range sortedKeys(o.Headers) {
		w.field(k, mime.QEncoding.Encode("UTF-8", o.Headers[k]))
	}
	w.field("MIME-Version", "1.0")

	level := 0
	body := func(w *headerWriter) {
		if html == nil {
			writeTextPart(w, "text/plain", text)
			return
		}
		b := boundary(o.MessageID, level, bodies)
		level++
		w.field("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": b}))
		w.raw("\r\n")
		w.raw("--" + b + "\r\n")
		writeTextPart(w, "text/plain", text)
		w.raw("\r\n--" + b + "\r\n")
		writeTextPart(w, "text/html", html)
		w.raw("\r\n--" + b + "--\r\n")
	}
	if len(o.Attachments) == 0 {
		body(w)
	} else {
		b := boundary(o.MessageID, level, bodies)
		level++
		w.field("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": b}))
		w.raw("\r\n")
		w.raw("--" + b + "\r\n")
		body(w)
		for i, a := range o.Attachments {
			w.raw("\r\n--" + b + "\r\n")
			mt := a.MediaType
			if mt == "" {
				mt = mediaTypeOf(a.Filename)
			}
			ct, err := contentType(mt, a.Filename)
			if err != nil {
				return nil, balcao.Errorf(balcao.EINVALID, "attachment %q: media type %q: %v", a.Filename, mt, err)
			}
			w.field("Content-Type", ct)
			w.field("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
			w.field("Content-Transfer-Encoding", "base64")
			w.raw("\r\n")
			w.b = append(w.b, atts[i]...)
		}
		w.raw("\r\n--" + b + "--\r\n")
	}
	out := w.b
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		// A final CRLF keeps the bytes identical through SMTP, whose DATA
		// writer would otherwise add one.
		out = append(out, '\r', '\n')
	}
	return out, nil
}

// writeTextPart writes a text part's header and its quoted-printable body.
func writeTextPart(w *headerWriter, mediaType string, body []byte) {
	w.field("Content-Type", mediaType+"; charset=UTF-8")
	w.field("Content-Transfer-Encoding", "quoted-printable")
	w.raw("\r\n")
	w.b = append(w.b, body...)
}

// headerWriter writes header fields folded at spaces so that no line is
// longer than 78 characters where a space allows it (RFC 5322 §2.2.3).
type headerWriter struct{ b []byte }

func (w *headerWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *headerWriter) field(name, value string) {
	w.b = append(w.b, name...)
	w.b = append(w.b, ':')
	line := len(name) + 1
	for _, word := range strings.Split(value, " ") {
		// The first word too goes to a line of its own when it does not
		// fit beside the name (a 75-character encoded word after
		// "Subject:").
		if word != "" && line+1+len(word) > 78 {
			w.b = append(w.b, "\r\n"...)
			line = 0
		}
		w.b = append(w.b, ' ')
		w.b = append(w.b, word...)
		line += 1 + len(word)
	}
	w.b = append(w.b, "\r\n"...)
}

// formatAddrs writes a list of mailboxes, display names RFC 2047 encoded
// when they need it.
func formatAddrs(as []Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = (&mail.Address{Name: a.Name, Address: a.Addr}).String()
	}
	return strings.Join(out, ", ")
}

// qpBody encodes text in quoted-printable with CRLF line endings.
func qpBody(s string) []byte {
	var b bytes.Buffer
	b.Grow(len(s) + len(s)/8 + 16)
	q := quotedprintable.NewWriter(&b)
	q.Write([]byte(s)) // writes to a bytes.Buffer do not fail
	q.Close()
	return b.Bytes()
}

// base64Body encodes data in base64, 76 characters a line.
func base64Body(data []byte) []byte {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	base64.StdEncoding.Encode(enc, data)
	out := make([]byte, 0, len(enc)+len(enc)/76*2+2)
	for len(enc) > 76 {
		out = append(out, enc[:76]...)
		out = append(out, '\r', '\n')
		enc = enc[76:]
	}
	out = append(out, enc...)
	return append(out, '\r', '\n')
}

// mediaTypeOf guesses a file's media type from its extension.
func mediaTypeOf(filename string) string {
	if i := strings.LastIndexByte(filename, '.'); i >= 0 {
		if mt := mime.TypeByExtension(strings.ToLower(filename[i:])); mt != "" {
			return mt
		}
	}
	return "application/octet-stream"
}

// contentType is an attachment's Content-Type with its name parameter.
func contentType(mediaType, filename string) (string, error) {
	mt, params, err := mime.ParseMediaType(mediaType)
	if err != nil {
		return "", err
	}
	params["name"] = filename
	return mime.FormatMediaType(mt, params), nil
}

// boundary derives the MIME boundary of one multipart level from the
// message id, so the output is reproducible. A candidate that occurs in any
// part (text quoted from a requester could hold one) is skipped for the
// next, so no content can forge a part.
func boundary(messageID string, level int, bodies [][]byte) string {
	for salt := 0; ; salt++ {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", messageID, level, salt))
		b := fmt.Sprintf("balcao-%d-%x", level, sum[:12])
		found := false
		for _, body := range bodies {
			if bytes.Contains(body, []byte(b)) {
				found = true
				break
			}
		}
		if !found {
			return b
		}
	}
}

func checkOutgoing(o Outgoing) error {
	if err := checkAddr("From", o.From.Addr); err != nil {
		return err
	}
	if len(o.To) == 0 {
		return balcao.Errorf(balcao.EINVALID, "message %s has no To address", o.MessageID)
	}
	for _, list := range []struct {
		name  string
		addrs []Address
	}{{"To", o.To}, {"Cc", o.Cc}, {"Reply-To", o.ReplyTo}} {
		for _, a := range list.addrs {
			if err := checkAddr(list.name, a.Addr); err != nil {
				return err
			}
		}
	}
	if err := checkMsgID("Message-ID", o.MessageID); err != nil {
		return err
	}
	if o.InReplyTo != "" {
		if err := checkMsgID("In-Reply-To", o.InReplyTo); err != nil {
			return err
		}
	}
	for _, r := range o.References {
		if err := checkMsgID("References", r); err != nil {
			return err
		}
	}
	if o.Text == "" {
		return balcao.Errorf(balcao.EINVALID, "message %s has no text body; Text is required", o.MessageID)
	}
	if strings.ContainsAny(o.Subject, "\r\n") {
		return balcao.Errorf(balcao.EINVALID, "subject of message %s contains a line break", o.MessageID)
	}
	for k, v := range o.Headers {
		if !validFieldName(k) {
			return balcao.Errorf(balcao.EINVALID, "header name %q is not a valid field name", k)
		}
		if slices.Contains(reservedHeaders, strings.ToLower(k)) {
			return balcao.Errorf(balcao.EINVALID, "header %s is set from Outgoing's own fields, not from Headers", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return balcao.Errorf(balcao.EINVALID, "header %s contains a line break", k)
		}
	}
	for _, a := range o.Attachments {
		if a.Filename == "" {
			return balcao.Errorf(balcao.EINVALID, "an attachment of message %s has no file name", o.MessageID)
		}
		if strings.ContainsAny(a.Filename+a.MediaType, "\r\n\"") {
			return balcao.Errorf(balcao.EINVALID, "attachment %q has a line break or quote in its name or type", a.Filename)
		}
	}
	return nil
}

// checkAddr accepts a bare addr-spec ("ana@example.pt"), UTF-8 allowed.
func checkAddr(field, addr string) error {
	if addr == "" {
		return balcao.Errorf(balcao.EINVALID, "%s address is empty", field)
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return balcao.Errorf(balcao.EINVALID, "%s address %q is not a valid email address", field, addr)
	}
	return nil
}

func checkMsgID(field, id string) error {
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.ContainsAny(id, "<>\" \t\r\n") || !isPrintableASCII(id) {
		return balcao.Errorf(balcao.EINVALID, "%s %q is not a message id (left@right, no brackets or spaces)", field, id)
	}
	return nil
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return true
}

// validFieldName follows RFC 5322 §3.6.8: printable ASCII except colon.
func validFieldName(k string) bool {
	return k != "" && isPrintableASCII(k) && !strings.Contains(k, ":")
}

func bracket(id string) string {
	return "<" + strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">") + ">"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
