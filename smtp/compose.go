package smtp

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

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

// Compose returns the RFC 5322 bytes of o, built with go-mail: UTF-8 text
// parts in quoted-printable, RFC 2047 encoded subject and display names,
// CRLF line endings, a final CRLF. Given a non-zero Date the output depends
// only on o (MIME boundaries are derived from MessageID), so composing the
// same Outgoing twice, for instance on a retry, gives identical bytes.
// Invalid input gives a balcao EINVALID error.
func Compose(o Outgoing) ([]byte, error) {
	if err := checkOutgoing(o); err != nil {
		return nil, err
	}
	m := gomail.NewMsg(
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent(),
	)
	m.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, mailAddr(o.From))
	m.SetAddrHeaderFromMailAddress(gomail.HeaderTo, mailAddrs(o.To)...)
	if len(o.Cc) > 0 {
		m.SetAddrHeaderFromMailAddress(gomail.HeaderCc, mailAddrs(o.Cc)...)
	}
	if len(o.ReplyTo) > 0 {
		m.SetAddrHeaderFromMailAddress(gomail.HeaderReplyTo, mailAddrs(o.ReplyTo)...)
	}
	m.Subject(o.Subject)
	m.SetMessageIDWithValue(o.MessageID)
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	m.SetDateWithValue(date)
	if o.InReplyTo != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, bracket(o.InReplyTo))
	}
	if len(o.References) > 0 {
		refs := make([]string, len(o.References))
		for i, r := range o.References {
			refs[i] = bracket(r)
		}
		// One value: go-mail joins several values with commas, which
		// RFC 5322 does not allow between msg-ids.
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	for _, k := range sortedKeys(o.Headers) {
		m.SetGenHeader(gomail.Header(k), o.Headers[k])
	}

	m.SetBodyString(gomail.TypeTextPlain, o.Text)
	if o.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, o.HTML)
	}
	for _, a := range o.Attachments {
		var opts []gomail.FileOption
		if a.MediaType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.MediaType)))
		}
		m.AttachReadSeeker(a.Filename, bytes.NewReader(a.Data), opts...)
	}

	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("smtp: composing message %s: %w", o.MessageID, err)
	}
	out := fixBoundaries(buf.Bytes(), o.MessageID)
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		// A final CRLF keeps the bytes identical through SMTP, whose DATA
		// writer would otherwise add one.
		out = append(out, '\r', '\n')
	}
	return out, nil
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

func mailAddr(a Address) *mail.Address { return &mail.Address{Name: a.Name, Address: a.Addr} }

func mailAddrs(as []Address) []*mail.Address {
	out := make([]*mail.Address, len(as))
	for i, a := range as {
		out[i] = mailAddr(a)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// goMailBoundary matches the random boundaries mime/multipart makes for
// go-mail (30 random bytes in hex). go-mail can fix one boundary for the
// whole message, but then nested parts (mixed around alternative) would
// share it, which breaks them; so the random ones are replaced afterwards.
var goMailBoundary = regexp.MustCompile(`boundary=([0-9a-f]{60})\r\n`)

// fixBoundaries replaces go-mail's random MIME boundaries with ones derived
// from the message id, so the output is reproducible. A derived boundary
// that occurs anywhere in the message (text quoted from a requester could
// hold one) is skipped for the next candidate, so no content can forge a
// part.
func fixBoundaries(msg []byte, messageID string) []byte {
	matches := goMailBoundary.FindAllSubmatch(msg, -1)
	for i, mt := range matches {
		old := string(mt[1])
		for salt := 0; ; salt++ {
			sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", messageID, i, salt))
			nb := fmt.Sprintf("balcao-%d-%x", i, sum[:12])
			if !bytes.Contains(msg, []byte(nb)) {
				msg = bytes.ReplaceAll(msg, []byte(old), []byte(nb))
				break
			}
		}
	}
	return msg
}
