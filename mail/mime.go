package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// part is one node of a message's MIME tree, whichever parser built it.
type part struct {
	header      textproto.MIMEHeader
	contentType string // media type, lowercased; "" when the part has none
	disposition string // "attachment", "inline" or ""
	filename    string // from the disposition's filename or the type's name (RFC 2047 decoded)
	contentID   string // without angle brackets
	charset     string // the charset the content was decoded from (text parts)
	content     []byte // transfer-decoded; text parts converted to UTF-8
	// encoded is the base64 body as it lies in the raw message, set by the
	// fast path when content is exactly its decoding (no charset change).
	encoded  []byte
	children []*part
	errors   []string
}

// readMIME parses raw into a tree. Well-formed mail takes a fast path
// that splits parts with bytes.Index; anything irregular (bad header
// lines, a multipart without a closing delimiter, broken base64 or
// quoted-printable, undeclared 8-bit charsets) goes to enmime, whose
// tolerance for broken mail is worth its cost: it reads byte by byte,
// about ten times slower. Both give the same tree for mail the fast path
// accepts (see TestFastPathMatchesEnmime).
func readMIME(raw []byte) (*part, error) {
	if p, ok := fastParse(raw, 0); ok {
		return p, nil
	}
	if why := tooComplex(raw); why != "" {
		return nil, errors.New(why + "; the body is kept as text")
	}
	p, err := enmimeParse(raw)
	if err != nil {
		return nil, fmt.Errorf("enmime: %w", err)
	}
	return p, nil
}

// enmimeParse parses raw with enmime and converts the result.
func enmimeParse(raw []byte) (*part, error) {
	root, err := parser.ReadParts(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return fromEnmime(root, 0), nil
}

func fromEnmime(p *enmime.Part, depth int) *part {
	out := &part{
		header:      p.Header,
		contentType: strings.ToLower(p.ContentType),
		disposition: strings.ToLower(p.Disposition),
		filename:    p.FileName,
		contentID:   p.ContentID,
		charset:     p.Charset,
		content:     p.Content,
	}
	for _, e := range p.Errors {
		if e != nil {
			out.errors = append(out.errors, e.Error())
		}
	}
	if depth < 100 {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			out.children = append(out.children, fromEnmime(c, depth+1))
		}
	}
	return out
}

// toEnmime builds the enmime tree the dsn package reads.
func toEnmime(p *part) *enmime.Part {
	e := enmime.NewPart(p.contentType)
	e.Header = p.header
	e.Content = p.content
	var last *enmime.Part
	for _, c := range p.children {
		ec := toEnmime(c)
		ec.Parent = e
		if last == nil {
			e.FirstChild = ec
		} else {
			last.NextSibling = ec
		}
		last = ec
	}
	return e
}

// mediaTypeOptions match the parser's StripMediaTypeInvalidCharacters.
var mediaTypeOptions = mediatype.ParseOptions{StripMediaTypeInvalidCharacters: true}

// parseMediaType parses a Content-Type or Content-Disposition value: the
// standard library for well-formed values (fast), enmime's tolerant
// parser for the rest.
func parseMediaType(v string) (string, map[string]string, []string, error) {
	if mt, ps, err := mime.ParseMediaType(v); err == nil {
		return mt, ps, nil, nil
	}
	return mediatype.ParseWithOptions(v, mediaTypeOptions)
}

// fastParse parses a well-formed message or part; ok is false when it
// meets anything it does not handle exactly as enmime would.
func fastParse(raw []byte, depth int) (*part, bool) {
	if depth > maxMIMEDepth {
		return nil, false
	}
	h, body, ok := fastHeader(raw)
	if !ok {
		return nil, false
	}
	p := &part{header: h}
	ct := h.Get("Content-Type")
	if ct == "" {
		if depth == 0 {
			ct = `text/plain; charset="us-ascii"`
		} else {
			p.errors = append(p.errors, "[W] Missing Content-Type: MIME parts should have a Content-Type header")
		}
	}
	var params map[string]string
	if ct != "" {
		mt, ps, invalid, err := parseMediaType(ct)
		if err != nil || len(invalid) > 0 {
			return nil, false
		}
		p.contentType, params = mt, ps
	}
	p.charset = params["charset"]
	if cd := h.Get("Content-Disposition"); cd != "" {
		disp, dps, invalid, err := parseMediaType(cd)
		if err != nil || len(invalid) > 0 {
			return nil, false
		}
		p.disposition = disp
		p.filename = enmime.DecodeRFC2047(dps["filename"])
	}
	if p.filename == "" && params["name"] != "" {
		p.filename = enmime.DecodeRFC2047(params["name"])
	}
	if p.filename == "" && params["file"] != "" {
		p.filename = enmime.DecodeRFC2047(params["file"])
	}
	if id := h.Get("Content-Id"); id != "" {
		id = strings.TrimRight(strings.TrimLeft(id, "<"), ">")
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		p.contentID = id
	}

	if strings.HasPrefix(p.contentType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return nil, false
		}
		parts, ok := splitMultipart(body, boundary)
		if !ok {
			return nil, false
		}
		for _, pb := range parts {
			c, ok := fastParse(pb, depth+1)
			if !ok {
				return nil, false
			}
			p.children = append(p.children, c)
		}
		return p, true
	}
	cte := h.Get("Content-Transfer-Encoding")
	content, ok := fastDecode(body, cte)
	if !ok {
		return nil, false
	}
	decoded := content
	if strings.HasPrefix(p.contentType, "text/") {
		content, ok = fastCharset(content, p.charset)
		if !ok {
			return nil, false
		}
	}
	p.content = content
	if strings.EqualFold(strings.TrimSpace(cte), "base64") && len(content) > 0 &&
		len(content) == len(decoded) && &content[0] == &decoded[0] {
		p.encoded = body
	}
	return p, true
}

// fastHeader reads a header block: "Name: value" lines and indented
// continuations, ended by an empty line or the end of input.
func fastHeader(raw []byte) (textproto.MIMEHeader, []byte, bool) {
	h := make(textproto.MIMEHeader, 16)
	var key string
	var val []byte
	flush := func() {
		if key != "" {
			h[key] = append(h[key], string(bytes.TrimSpace(val)))
		}
	}
	rest := raw
	for len(rest) > 0 {
		end := bytes.IndexByte(rest, '\n')
		var line []byte
		if end < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:end], rest[end+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			flush()
			return h, rest, true
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key == "" {
				return nil, nil, false
			}
			val = append(append(val, ' '), bytes.TrimSpace(line)...)
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return nil, nil, false
		}
		for _, c := range line[:colon] {
			if c <= ' ' || c >= 0x7F {
				return nil, nil, false
			}
		}
		flush()
		key = textproto.CanonicalMIMEHeaderKey(string(line[:colon]))
		val = append(val[:0:0], line[colon+1:]...)
	}
	flush()
	return h, nil, true
}

// splitMultipart returns the bodies of the parts of a multipart body, or
// ok false when a delimiter is missing or ambiguous.
func splitMultipart(body []byte, boundary string) ([][]byte, bool) {
	delim := []byte("--" + boundary)
	// find returns the start of the next delimiter line at or after from,
	// and the index just after that line, and whether it is the close.
	find := func(from int) (start, next int, closing, found bool) {
		for from <= len(body) {
			i := bytes.Index(body[from:], delim)
			if i < 0 {
				return 0, 0, false, false
			}
			i += from
			from = i + len(delim)
			if i > 0 && body[i-1] != '\n' {
				continue
			}
			after := body[i+len(delim):]
			eol := bytes.IndexByte(after, '\n')
			line := after
			if eol >= 0 {
				line = after[:eol]
			}
			line = bytes.TrimRight(line, " \t\r")
			switch {
			case len(line) == 0:
			case bytes.Equal(line, []byte("--")):
				closing = true
			default:
				// "--boundary" followed by more text: another boundary.
				continue
			}
			next = len(body)
			if eol >= 0 {
				next = i + len(delim) + eol + 1
			}
			return i, next, closing, true
		}
		return 0, 0, false, false
	}
	_, next, closing, found := find(0)
	if !found || closing {
		return nil, false
	}
	var parts [][]byte
	for {
		start, after, closing, found := find(next)
		if !found {
			return nil, false // no closing delimiter: enmime reports it
		}
		end := start
		// The line break before a delimiter belongs to the delimiter.
		if end > next && body[end-1] == '\n' {
			end--
			if end > next && body[end-1] == '\r' {
				end--
			}
		}
		parts = append(parts, body[next:end])
		if len(parts) > maxMIMEParts {
			return nil, false
		}
		if closing {
			return parts, true
		}
		next = after
	}
}

// fastDecode undoes a content transfer encoding strictly.
func fastDecode(b []byte, cte string) ([]byte, bool) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return b, true
	case "base64":
		return decodeBase64(b)
	case "quoted-printable":
		return decodeQP(b)
	}
	return nil, false
}

// fastCharset converts text to UTF-8 from a declared charset the way
// enmime does; ASCII needs no conversion whatever the label.
func fastCharset(b []byte, charset string) ([]byte, bool) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	cs := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"'`))
	// 7-bit stateful encodings (ISO-2022-JP, UTF-7, HZ) are ASCII bytes too.
	stateful := strings.Contains(cs, "2022") || strings.Contains(cs, "utf-7") || strings.Contains(cs, "utf7") || strings.Contains(cs, "hz")
	if ascii && !stateful {
		return b, true
	}
	switch cs {
	case "":
		// enmime guesses the charset of undeclared 8-bit text.
		return nil, false
	case "utf-8", "utf8":
		return b, true
	case "iso-8859-1", "iso8859-1", "iso8859_1", "iso88591", "iso_8859-1", "iso_8859-1:1987":
		out, err := charmap.ISO8859_1.NewDecoder().Bytes(b)
		return out, err == nil
	case "us-ascii", "ascii", "windows-1252", "cp1252", "latin1", "l1", "x-cp1252":
		out, err := charmap.Windows1252.NewDecoder().Bytes(b)
		return out, err == nil
	}
	enc, err := htmlindex.Get(cs)
	if err != nil {
		return nil, false
	}
	if name, _ := htmlindex.Name(enc); name != cs && !strings.HasPrefix(cs, "iso-8859-") && !strings.HasPrefix(cs, "windows-") {
		// Labels whose mapping may differ from enmime's table: let it decide.
		return nil, false
	}
	out, err := enc.NewDecoder().Bytes(b)
	return out, err == nil
}

// decodeQP decodes quoted-printable text exactly as mime/quotedprintable
// does (trailing white space dropped, "=" at the end of a line joining it
// to the next, each line keeping its own line break) but in one pass. It
// refuses (ok false) anything but printable ASCII, tabs and well-formed
// "=XX" escapes, leaving broken input to enmime's cleaner.
func decodeQP(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		end := bytes.IndexByte(b, '\n')
		var line []byte
		hasLF := end >= 0
		if hasLF {
			line, b = b[:end], b[end+1:]
		} else {
			line, b = b, nil
		}
		hasCR := len(line) > 0 && line[len(line)-1] == '\r'
		whole := line
		line = bytes.TrimRight(line, " \t\r")
		soft := len(line) > 0 && line[len(line)-1] == '='
		if soft {
			// Like the standard decoder: nothing but the line break may
			// follow a soft break, and input may not end with a lone "=".
			rest := whole[len(line):]
			if hasLF && len(rest) > 0 && !bytes.Equal(rest, []byte("\r")) || !hasLF && (len(rest) > 0 || len(line) < 2) {
				return nil, false
			}
			line = line[:len(line)-1]
		}
		for len(line) > 0 {
			eq := bytes.IndexByte(line, '=')
			chunk := line
			if eq >= 0 {
				chunk = line[:eq]
			}
			for _, c := range chunk {
				if c != '\t' && (c < ' ' || c >= 0x7F) {
					return nil, false
				}
			}
			out = append(out, chunk...)
			if eq < 0 {
				break
			}
			if eq+2 >= len(line) {
				return nil, false
			}
			hi, ok1 := unhex(line[eq+1])
			lo, ok2 := unhex(line[eq+2])
			if !ok1 || !ok2 {
				return nil, false
			}
			out = append(out, hi<<4|lo)
			line = line[eq+3:]
		}
		if !soft && hasLF {
			if hasCR {
				out = append(out, '\r')
			}
			out = append(out, '\n')
		}
	}
	return out, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// decodeBase64 decodes base64 strictly (only line breaks may interrupt
// the alphabet). Lines whose length is a multiple of four, as encoders
// write them, are decoded one by one straight into the output, which
// keeps the decoder on its fast path without copying the input.
func decodeBase64(b []byte) ([]byte, bool) {
	enc := base64.StdEncoding
	out := make([]byte, enc.DecodedLen(len(b)))
	n := 0
	rest := bytes.TrimRight(b, " \t\r\n")
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line)%4 != 0 {
			// Odd line lengths: decode the remainder in one go.
			tail := append(append([]byte(nil), line...), rest...)
			m, err := enc.Decode(out[n:], tail)
			if err != nil {
				return nil, false
			}
			return out[:n+m], true
		}
		m, err := enc.Decode(out[n:], line)
		if err != nil {
			return nil, false
		}
		n += m
		if m < len(line)/4*3 && len(rest) > 0 {
			return nil, false // padding before the end
		}
	}
	return out[:n], true
}
