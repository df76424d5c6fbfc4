package mail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/dsn"
)

// Address is a parsed mailbox. Addr is lowercased; Name is decoded from
// RFC 2047 and may be empty.
type Address struct {
	Name, Addr string
}

// Attachment is a file carried by the message. Filename is always a safe
// plain file name (see SafeFilename); when the message gives none, a name
// such as "anexo-2.pdf" is made up from the media type. ContentID has no
// angle brackets; Inline marks parts meant to be shown inside the body
// (usually images referenced as cid: from the HTML).
type Attachment struct {
	Filename, MediaType, ContentID string
	Inline                         bool
	Data                           []byte
	// Encoded is the base64 text in the raw message (a slice of it) that
	// Data was decoded from, a line at a time with the standard library's
	// strict decoder, when the message was read on the fast path and the
	// part's content is that decoding as it is; nil otherwise.
	Encoded []byte
}

// Message is what the desk understands of one raw email message. Text,
// HTML, Reply and Forwarded never hold a password (see RedactPasswords).
type Message struct {
	MessageID   string   // without angle brackets; "" when absent
	InReplyTo   []string // ids without brackets
	References  []string // ids without brackets, oldest first
	ThreadIndex string   // Outlook Thread-Index, raw
	From        Address
	ReplyTo     []Address
	To, Cc      []Address
	Subject     string    // decoded (RFC 2047), repaired to valid UTF-8, on one line, trimmed
	Date        time.Time // zero when absent or unreadable
	// Text is the full plain text, "\n" line ends: the text/plain part(s),
	// or text made from the HTML (tables as "label: value" lines or
	// tab-separated rows, block elements as lines, <br> as line breaks),
	// with charset problems repaired.
	Text string
	// HTML is the original HTML part, if any: valid UTF-8 but not
	// sanitised (see SanitizeHTML) apart from password redaction.
	HTML string
	// Reply is Text cut at the quoted history (see StripQuoted): what the
	// sender wrote now. It is always a prefix of Text.
	Reply       string
	Attachments []Attachment
	Auto        AutoKind
	AutoReason  string // which header or rule decided Auto, e.g. "Auto-Submitted: auto-replied"
	Loop        bool   // carries LoopHeader: the desk's own mail coming back
	// Bounced lists, for bounces, the failed recipient addresses that
	// could be read (lowercased): from the delivery-status report, the
	// X-Failed-Recipients header, or the bounce text.
	Bounced []string
	// Forwarded is the message the sender forwarded, when found: an
	// attached message/rfc822, or an inline "Mensagem encaminhada",
	// "Forwarded message", "Mensaje reenviado" or Apple "Início da
	// mensagem reencaminhada" block, or an Outlook header block
	// (De:/Enviado:/Para:/Assunto:) in a message whose subject says it is
	// a forward. An inline block gives From, Subject, Date, To, Cc, Text and
	// Reply only. Nil for bounces and read receipts, whose attached message
	// is the desk's own.
	Forwarded        *Message
	PasswordRedacted bool     // RedactPasswords changed Subject, Text, HTML or Reply here or in Forwarded
	Warnings         []string // parser warnings worth keeping (enmime errors, charset guesses)
}

// maxForwardDepth bounds the nesting of forwarded messages that are parsed.
const maxForwardDepth = 3

// maxWarnings bounds Message.Warnings.
const maxWarnings = 20

// parser is configured once and never changed: parts that cannot be read
// are skipped instead of failing the message, a multipart without a
// boundary is read as one part, a corrupt base64 text part keeps what was
// decoded, a declared charset is trusted (guessing misfires on short
// Portuguese parts), and HTML is converted to text here, not by enmime.
var parser = enmime.NewParser(
	enmime.SkipMalformedParts(true),
	enmime.MultipartWOBoundaryAsSinglePart(true),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
	enmime.DisableCharacterDetection(true),
	enmime.DisableTextConversion(true),
	enmime.MaxStoredPartErrors(maxWarnings),
	enmime.StripMediaTypeInvalidCharacters(true),
)

// ErrEmpty is returned by Parse for input that holds no message at all.
var ErrEmpty = errors.New("mail: empty message")

// Parse reads one raw RFC 5322 message (an mbox "From " line before it
// is ignored). It never panics. It returns an error only when nothing
// usable can be read (no header and no body); the caller then quarantines
// the raw bytes with the error text as reason. Malformed structure,
// unknown charsets and broken encodings become Warnings instead; so does
// MIME structure no real message has (more than 1,000 parts, multiparts
// nested deeper than 8, more than 100 multipart declarations), whose body
// is then kept as text, which bounds the time any input can take.
// Passwords are redacted from Subject, Text, HTML, Reply and Forwarded
// before Parse returns (attachment contents are not touched).
func Parse(raw []byte) (m *Message, err error) {
	return ParseFrom(raw, "")
}

// ParseFrom is Parse for a message whose SMTP envelope sender is known:
// mailFrom is the return path, NullSender ("<>") for the null sender of
// bounces and automatic answers, or "" when unknown (IMAP), as for
// IsAutomatic.
func ParseFrom(raw []byte, mailFrom string) (m *Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("mail: parser failure: %v", r)
		}
	}()
	return parseMessage(raw, 0, mailFrom)
}

func parseMessage(raw []byte, depth int, mailFrom string) (*Message, error) {
	raw = trimMboxLine(raw)
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, ErrEmpty
	}
	m := &Message{}
	var hdr textproto.MIMEHeader
	var b body
	var root *part
	var err error
	if root, err = readMIME(raw); err != nil {
		m.warn(err.Error())
		hdr, b = salvage(raw)
	} else {
		hdr = root.header
		b = collectBody(root)
		b.root = root
	}
	if len(hdr) == 0 && strings.TrimSpace(b.text) == "" && b.html == "" && len(b.attachments) == 0 {
		if err != nil {
			return nil, fmt.Errorf("mail: unreadable message: %v", err)
		}
		return nil, errors.New("mail: no header and no body")
	}
	m.readHeader(hdr)
	for _, w := range b.warnings {
		m.warn(w)
	}

	m.Text = b.text
	m.HTML = b.html
	fromHTML := false
	if strings.TrimSpace(m.Text) == "" && m.HTML != "" {
		m.Text = htmlToText(m.HTML, false)
		fromHTML = true
	}
	m.Attachments = b.attachments

	m.Auto, m.AutoReason = classify(hdr, mailFrom, b.hints)
	if _, ok := hget(hdr, LoopHeader); ok {
		m.Loop = true
	}
	if m.Auto == Bounce {
		m.Bounced = bouncedRecipients(hdr, b, m.Text)
	}

	// Redact before anything derived from the text is computed.
	var ch bool
	if m.Subject, ch = RedactPasswords(m.Subject); ch {
		m.PasswordRedacted = true
	}
	if m.Text, ch = RedactPasswords(m.Text); ch {
		m.PasswordRedacted = true
	}
	if m.HTML, ch = redactHTML(m.HTML); ch {
		m.PasswordRedacted = true
	}
	m.Reply = StripQuoted(m.Text)
	if fromHTML && m.HTML != "" {
		// The HTML marks its quotes (div.gmail_quote, blockquote type=cite…)
		// where the text made from it has no ">" left to see.
		if r := strings.TrimRight(htmlToText(m.HTML, true), " \t\n"); len(r) < len(m.Reply) && strings.HasPrefix(m.Text, r) {
			m.Reply = r
		}
	}

	if m.Auto != Bounce && m.Auto != ReadReceipt {
		if len(b.rfc822) > 0 && depth < maxForwardDepth {
			if fw, err := parseMessage(b.rfc822[0], depth+1, ""); err == nil {
				m.Forwarded = fw
			}
		}
		if m.Forwarded == nil && depth < maxForwardDepth {
			m.Forwarded = inlineForward(m.Text, m.Subject, depth+1)
		}
		if m.Forwarded != nil && m.Forwarded.PasswordRedacted {
			m.PasswordRedacted = true
		}
	}
	return m, nil
}

func (m *Message) warn(w string) {
	if w == "" || len(m.Warnings) >= maxWarnings {
		return
	}
	w = clip(repairHeader(w), 300)
	for _, o := range m.Warnings {
		if o == w {
			return
		}
	}
	m.Warnings = append(m.Warnings, w)
}

// Limits on MIME structure: enmime's cost grows with the square of the
// number of sibling parts and with the product of depth and size, so a
// hostile message could hold a worker for minutes. Real mail stays far
// below these.
const (
	maxMIMEParts   = 1000
	maxMIMENesting = 100
	// Nested multiparts whose boundaries are not properly closed cost
	// enmime twice as much at each level.
	maxMIMEDepth = 8
)

// tooComplex returns why raw has more MIME structure than any real
// message, or "" when it can be parsed.
func tooComplex(raw []byte) string {
	n := bytes.Count(raw, []byte("multipart/")) + bytes.Count(raw, []byte("Multipart/")) + bytes.Count(raw, []byte("MULTIPART/"))
	if n > maxMIMENesting {
		return fmt.Sprintf("mail: %d multipart declarations (limit %d)", n, maxMIMENesting)
	}
	if n > maxMIMEDepth {
		if d := mimeDepth(raw); d > maxMIMEDepth {
			return fmt.Sprintf("mail: multiparts nested %d deep (limit %d)", d, maxMIMEDepth)
		}
	}
	if bytes.Count(raw, []byte("\n--")) <= maxMIMEParts {
		return ""
	}
	// Count the delimiter lines of each boundary.
	counts := map[string]int{}
	for rest := raw; ; {
		i := bytes.Index(rest, []byte("\n--"))
		if i < 0 {
			break
		}
		rest = rest[i+3:]
		end := bytes.IndexByte(rest, '\n')
		if end < 0 {
			end = len(rest)
		}
		line := bytes.TrimRight(rest[:end], "\r -")
		if len(line) == 0 || len(line) > 70 {
			continue
		}
		counts[string(line)]++
		if counts[string(line)] > maxMIMEParts {
			return fmt.Sprintf("mail: more than %d MIME parts", maxMIMEParts)
		}
	}
	return ""
}

// mimeDepth estimates how deeply the multiparts of raw nest, the way a
// MIME parser would see them: after the top header and after each line
// holding the delimiter of an open boundary, a part header declaring a
// multipart opens one more level. It errs towards depth: any open
// boundary's delimiter counts, wherever it is in the line.
func mimeDepth(raw []byte) int {
	var stack [][]byte
	maxDepth := 0
	rest := raw
	readHeader := func() {
		var ct []byte
		inCT := false
		for len(rest) > 0 {
			end := bytes.IndexByte(rest, '\n')
			var line []byte
			if end < 0 {
				line, rest = rest, nil
			} else {
				line, rest = rest[:end], rest[end+1:]
			}
			line = bytes.TrimRight(line, "\r")
			if len(line) == 0 {
				break
			}
			switch {
			case line[0] == ' ' || line[0] == '\t':
				if inCT {
					ct = append(ct, line...)
				}
			case len(line) > 13 && hasPrefixFoldASCII(string(line[:13]), "content-type:"):
				ct, inCT = append([]byte(nil), line[13:]...), true
			default:
				inCT = false
			}
		}
		if mt, params := parseCT(string(ct)); strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
			stack = append(stack, []byte("--"+params["boundary"]))
			maxDepth = max(maxDepth, len(stack))
		}
	}
	readHeader()
	for len(rest) > 0 && maxDepth <= maxMIMEDepth {
		end := bytes.IndexByte(rest, '\n')
		var line []byte
		if end < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:end], rest[end+1:]
		}
		if len(stack) == 0 || !bytes.HasPrefix(line, []byte("--")) {
			continue
		}
		for k := len(stack) - 1; k >= 0; k-- {
			i := bytes.Index(line, stack[k])
			if i < 0 {
				continue
			}
			after := line[i+len(stack[k]):]
			if bytes.HasPrefix(after, []byte("--")) {
				stack = stack[:k]
			} else {
				stack = stack[:k+1]
				readHeader()
			}
			break
		}
	}
	return maxDepth
}

// trimMboxLine drops an mbox "From " separator line and blank lines before
// the header.
func trimMboxLine(raw []byte) []byte {
	for len(raw) > 0 && (raw[0] == '\n' || raw[0] == '\r') {
		raw = raw[1:]
	}
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	return raw
}

// readHeader fills the header fields of m.
func (m *Message) readHeader(h textproto.MIMEHeader) {
	get := func(name string) string {
		v, _ := hget(h, name)
		return v
	}
	ids := parseIDs(get("Message-Id"))
	if len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = parseIDs(get("In-Reply-To"))
	refs := h.Values("References")
	if len(refs) == 0 {
		if v, ok := hget(h, "References"); ok {
			refs = []string{v}
		}
	}
	m.References = parseIDs(strings.Join(refs, " "))
	m.ThreadIndex = strings.TrimSpace(get("Thread-Index"))
	if from := parseAddresses(get("From")); len(from) > 0 {
		m.From = from[0]
	} else if sender := parseAddresses(get("Sender")); len(sender) > 0 {
		m.From = sender[0]
	}
	m.ReplyTo = parseAddresses(get("Reply-To"))
	m.To = parseAddresses(strings.Join(h.Values("To"), ", "))
	m.Cc = parseAddresses(strings.Join(h.Values("Cc"), ", "))
	m.Subject = strings.Join(strings.Fields(repairHeader(enmime.DecodeRFC2047(get("Subject")))), " ")
	if d := strings.TrimSpace(get("Date")); d != "" {
		if t, ok := parseDate(d); ok {
			m.Date = t
		} else {
			m.warn("unreadable Date header: " + clip(d, 60))
		}
	}
}

// parseIDs reads message ids from a Message-ID, In-Reply-To or
// References value, without brackets, in order, without repeats. Values
// without brackets are accepted when they look like ids (contain "@").
func parseIDs(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var out []string
	add := func(id string) {
		id = strings.TrimSpace(repairHeader(id))
		if strings.ContainsAny(id, "<> \t") {
			id = strings.Join(strings.FieldsFunc(id, func(r rune) bool { return r == '<' || r == '>' || r == ' ' || r == '\t' }), "")
		}
		if id == "" || len(id) > 998 {
			return
		}
		for _, o := range out {
			if o == id {
				return
			}
		}
		out = append(out, id)
	}
	for rest, k := v, 0; k < 200; k++ {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexAny(rest[i+1:], "<> \t\r\n")
		if j < 0 {
			break
		}
		if rest[i+1+j] == '>' && j > 0 {
			add(rest[i+1 : i+1+j])
		}
		rest = rest[i+1+j:]
	}
	if len(out) == 0 {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '<' || r == '>' }) {
			if strings.Contains(f, "@") {
				add(f)
			}
		}
		if len(out) == 0 && !strings.ContainsAny(v, " \t") {
			add(strings.Trim(v, "<>"))
		}
	}
	return out
}

// emailPattern finds bare addresses in headers that do not parse.
var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-=!#$&'*/?^{|}~]+@[A-Za-z0-9.\-]+[A-Za-z0-9]`)

// parseAddresses reads an address list leniently: the standard parser
// first, then any bare addresses found in the text.
func parseAddresses(v string) []Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var out []Address
	if list, err := enmime.ParseAddressList(v); err == nil {
		for _, a := range list {
			if a == nil {
				continue
			}
			addr := strings.ToLower(strings.TrimSpace(repairHeader(a.Address)))
			name := strings.TrimSpace(repairHeader(a.Name))
			if addr == "" && name == "" {
				continue
			}
			out = append(out, Address{Name: name, Addr: addr})
		}
		if len(out) > 0 {
			return out
		}
	}
	dec := repairHeader(enmime.DecodeRFC2047(v))
	locs := emailPattern.FindAllStringIndex(dec, 100)
	prev := 0
	for _, l := range locs {
		name := strings.Trim(strings.TrimSpace(dec[prev:l[0]]), `<>"', `)
		if i := strings.LastIndexAny(name, ",;"); i >= 0 {
			name = strings.TrimSpace(name[i+1:])
		}
		name = strings.Trim(name, `<>"' `)
		out = append(out, Address{Name: name, Addr: strings.ToLower(dec[l[0]:l[1]])})
		prev = l[1]
	}
	return out
}

// dateLayouts are tried when net/mail cannot read a Date header.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, 2 Jan 2006",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"Monday, January 2, 2006 3:04 PM",
	"02/01/2006 15:04",
}

func parseDate(d string) (time.Time, bool) {
	// The form nearly every client writes first: net/mail tries a dozen
	// layouts in turn, each failure an allocated error.
	if t, err := time.Parse(time.RFC1123Z, d); err == nil {
		return t, true
	}
	if t, err := mail.ParseDate(d); err == nil {
		return t, true
	}
	// Drop comments such as "(EDT)" and stray punctuation, then retry.
	s := d
	for {
		i := strings.IndexByte(s, '(')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			s = s[:i]
			break
		}
		s = s[:i] + s[i+j+1:]
	}
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, ",", ", ")), " ")
	s = strings.ReplaceAll(s, ", ,", ",")
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// body is what the MIME tree holds, sorted out.
type body struct {
	root        *part
	text        string
	html        string
	attachments []Attachment
	rfc822      [][]byte // attached messages, in order
	dsnParts    []*part  // message/delivery-status parts
	origHeaders [][]byte // text/rfc822-headers parts and attached messages (for bounces)
	hints       partHints
	warnings    []string
}

// collectBody walks the MIME tree in order and sorts the leaves into body
// text, HTML and attachments.
func collectBody(root *part) body {
	var b body
	var texts []string
	var atts []*part
	var walk func(p *part, depth int)
	walk = func(p *part, depth int) {
		if p == nil || depth > 50 {
			return
		}
		b.warnings = append(b.warnings, p.errors...)
		ct := p.contentType
		if len(p.children) > 0 || strings.HasPrefix(ct, "multipart/") {
			for _, c := range p.children {
				walk(c, depth+1)
			}
			return
		}
		disp := p.disposition
		switch {
		case ct == "" || ct == "text/plain":
			named := p.filename != "" || strings.Contains(strings.ToLower(p.header.Get("Content-Disposition")), "filename")
			if disp == "attachment" || (named && len(texts) > 0) {
				atts = append(atts, p)
				return
			}
			t, note := repairText(p.content, p.charset)
			if note != "" {
				b.warnings = append(b.warnings, note)
			}
			texts = append(texts, t)
		case ct == "text/html":
			if disp == "attachment" || b.html != "" {
				atts = append(atts, p)
				return
			}
			content := p.content
			if p.charset == "" && !utf8.Valid(content) {
				if cs := metaCharset(content); cs != "" {
					content = []byte(decodeCharset(cs, content))
				}
			}
			t, note := repairText(content, p.charset)
			if note != "" {
				b.warnings = append(b.warnings, note)
			}
			b.html = t
		case ct == "message/rfc822" || ct == "message/global":
			if bytes.HasPrefix(bytes.TrimLeft(p.content, "\r\n"), []byte("X-HmXmrOriginalRecipient:")) {
				b.hints.complaint = true
			}
			b.rfc822 = append(b.rfc822, p.content)
			b.origHeaders = append(b.origHeaders, p.content)
			atts = append(atts, p)
		case ct == "text/rfc822-headers" || ct == "message/rfc822-headers":
			b.origHeaders = append(b.origHeaders, p.content)
			atts = append(atts, p)
		case ct == "message/delivery-status" || ct == "message/global-delivery-status":
			b.hints.deliveryStatus = true
			b.dsnParts = append(b.dsnParts, p)
			atts = append(atts, p)
		case ct == "message/disposition-notification" || ct == "message/global-disposition-notification":
			b.hints.disposition = true
			atts = append(atts, p)
		case ct == "message/feedback-report":
			b.hints.feedback = true
			atts = append(atts, p)
		default:
			atts = append(atts, p)
		}
	}
	walk(root, 0)
	b.text = strings.Join(texts, "\n\n")
	b.attachments = buildAttachments(atts, b.html)
	return b
}

// metaCharset finds <meta charset> or http-equiv content charset in the
// first 2 KB of an HTML part.
func metaCharset(b []byte) string {
	if len(b) > 2048 {
		b = b[:2048]
	}
	lb := bytes.ToLower(b)
	i := bytes.Index(lb, []byte("charset="))
	if i < 0 {
		return ""
	}
	rest := lb[i+len("charset="):]
	rest = bytes.TrimLeft(rest, `"' `)
	end := bytes.IndexAny(rest, `"'; />`)
	if end < 0 {
		return ""
	}
	return string(rest[:end])
}

// buildAttachments names, types and flags the attachment parts.
func buildAttachments(parts []*part, htmlBody string) []Attachment {
	var out []Attachment
	for _, p := range parts {
		mt := strings.ToLower(strings.TrimSpace(p.contentType))
		if mt == "" {
			mt = "application/octet-stream"
		}
		if len(p.content) == 0 && p.filename == "" {
			continue
		}
		n := len(out) + 1
		name := ""
		for _, cand := range []string{
			rfc2231Param(p.header.Get("Content-Disposition"), "filename"),
			rfc2231Param(p.header.Get("Content-Type"), "name"),
			p.filename,
		} {
			if name = SafeFilename(cand); name != "" {
				break
			}
		}
		if name == "" {
			name = madeUpName(mt, n)
		}
		// Content-ID without angle brackets (a stray one inside too: it is
		// never usable in a cid: URL).
		cid := strings.TrimSpace(repairHeader(p.contentID))
		if strings.ContainsAny(cid, "<>") {
			cid = strings.TrimSpace(strings.NewReplacer("<", "", ">", "").Replace(cid))
		}
		disp := strings.ToLower(p.disposition)
		inline := disp == "inline" && !strings.HasPrefix(mt, "text/") && !strings.HasPrefix(mt, "message/")
		if cid != "" && disp != "attachment" {
			inline = true
		}
		if cid != "" && htmlBody != "" && strings.Contains(htmlBody, "cid:"+cid) {
			inline = true
		}
		out = append(out, Attachment{Filename: name, MediaType: mt, ContentID: cid, Inline: inline, Data: p.content, Encoded: p.encoded})
	}
	return out
}

// salvage reads a message enmime refused: headers line by line (bad lines
// dropped), the rest as 8-bit text.
func salvage(raw []byte) (textproto.MIMEHeader, body) {
	h := textproto.MIMEHeader{}
	var b body
	r := bufio.NewReader(bytes.NewReader(raw))
	var key, val string
	flush := func() {
		if key != "" {
			h.Add(textproto.CanonicalMIMEHeaderKey(key), strings.TrimSpace(val))
		}
		key, val = "", ""
	}
	rest := raw
	offset := 0
	for {
		line, err := r.ReadString('\n')
		offset += len(line)
		t := strings.TrimRight(line, "\r\n")
		if t == "" {
			flush()
			rest = raw[min(offset, len(raw)):]
			break
		}
		if (t[0] == ' ' || t[0] == '\t') && key != "" {
			val += " " + strings.TrimSpace(t)
		} else if i := strings.IndexByte(t, ':'); i > 0 && !strings.ContainsAny(t[:i], " \t") {
			flush()
			key, val = t[:i], t[i+1:]
		} else {
			flush()
		}
		if err != nil {
			flush()
			rest = nil
			break
		}
	}
	b.text = normalizeNewlines(fixC1(fixInvalidUTF8(string(rest))))
	if ct, _ := hget(h, "Content-Type"); strings.Contains(strings.ToLower(ct), "text/html") {
		b.html, b.text = b.text, ""
	}
	return h, b
}

// bouncedRecipients finds the failed recipients of a bounce.
func bouncedRecipients(h textproto.MIMEHeader, b body, text string) []string {
	var out []string
	add := func(a string) {
		a = strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>\"' ;,"))
		if i := strings.IndexByte(a, ';'); i >= 0 {
			a = strings.TrimSpace(a[i+1:])
		}
		a = strings.Trim(a, "<>\"' ")
		if !strings.Contains(a, "@") || strings.ContainsAny(a, " \t") || len(a) > 254 {
			return
		}
		for _, o := range out {
			if o == a {
				return
			}
		}
		out = append(out, a)
	}
	// The report itself.
	if b.root != nil {
		var reports []*part
		var find func(p *part, d int)
		find = func(p *part, d int) {
			if p == nil || d > 20 {
				return
			}
			if p.contentType == "multipart/report" {
				reports = append(reports, p)
			}
			for _, c := range p.children {
				find(c, d+1)
			}
		}
		find(b.root, 0)
		for _, p := range reports {
			rep, err := dsn.ParseReport(toEnmime(p))
			if err != nil || rep == nil {
				continue
			}
			for _, r := range rep.DeliveryStatus.RecipientDSNs {
				action := strings.ToLower(strings.TrimSpace(r.Get("Action")))
				if action != "" && action != "failed" {
					continue
				}
				if v := r.Get("Final-Recipient"); v != "" {
					add(v)
				} else {
					add(r.Get("Original-Recipient"))
				}
			}
		}
	}
	if len(out) == 0 {
		for _, p := range b.dsnParts {
			for _, r := range scanDSN(p.content) {
				add(r)
			}
		}
	}
	for _, v := range h.Values("X-Failed-Recipients") {
		for _, a := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			add(a)
		}
	}
	if v, ok := hget(h, "X-Failed-Recipients"); ok && len(h.Values("X-Failed-Recipients")) == 0 {
		for _, a := range strings.Split(v, ",") {
			add(a)
		}
	}
	if len(out) == 0 {
		for _, a := range bounceTextRecipients(text) {
			add(a)
		}
	}
	if len(out) == 0 {
		for _, oh := range b.origHeaders {
			hh, err := readHeaderBlock(oh)
			if err != nil {
				continue
			}
			for _, a := range parseAddresses(hh.Get("To")) {
				add(a.Addr)
			}
			if len(out) > 0 {
				break
			}
		}
	}
	return out
}

// scanDSN reads Final-Recipient fields of failed recipients from a
// delivery-status body that the dsn package could not read.
func scanDSN(content []byte) []string {
	var out []string
	blocks := strings.Split(normalizeNewlines(string(content)), "\n\n")
	for _, blk := range blocks {
		var rcpt, action string
		for _, l := range strings.Split(blk, "\n") {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "final-recipient":
				rcpt = v
			case "original-recipient":
				if rcpt == "" {
					rcpt = v
				}
			case "action":
				action = strings.ToLower(strings.TrimSpace(v))
			}
		}
		if rcpt != "" && (action == "" || action == "failed") {
			out = append(out, rcpt)
		}
	}
	return out
}

// bounceLinePatterns find recipients in the human-readable part of
// bounces from MTAs that send no delivery-status part (qmail, Exim, old
// Sendmail, Exchange 2003).
var bounceLinePatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^\s*<([^<>\s@]+@[^<>\s]+)>:?\s*$`),
	regexp.MustCompile(`(?m)^\s*<([^<>\s@]+@[^<>\s]+)>:`),
	regexp.MustCompile(`(?mi)^\s*([^<>\s@:]+@[A-Za-z0-9.\-]+[A-Za-z0-9])\s*$`),
	regexp.MustCompile(`(?mi)(?:recipient|destinat[aá]rio|address|endere[cç]o|to)[^\n<]{0,40}<([^<>\s@]+@[^<>\s]+)>`),
	regexp.MustCompile(`(?m)^\s*<?([^<>\s@:]+@[A-Za-z0-9.\-]+[A-Za-z0-9])>?:?\s+(?:[245]\d\d|#?[245]\.\d)`),
	regexp.MustCompile(`(?m)^\s*([^<>\s@:]+@[A-Za-z0-9.\-]+[A-Za-z0-9]) on `),
	regexp.MustCompile(`(?mi)^\s*To:\s*(?:[^<\n]*<)?([^<>\s@:]+@[A-Za-z0-9.\-]+[A-Za-z0-9])>?\s*$`),
}

func bounceTextRecipients(text string) []string {
	if len(text) > 20000 {
		text = text[:20000]
	}
	for _, re := range bounceLinePatterns {
		var out []string
		for _, mm := range re.FindAllStringSubmatch(text, 20) {
			out = append(out, mm[1])
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// readHeaderBlock reads the header block at the start of b.
func readHeaderBlock(b []byte) (textproto.MIMEHeader, error) {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(bytes.TrimLeft(b, "\r\n"), '\r', '\n', '\r', '\n'))))
	return r.ReadMIMEHeader()
}
