package mail

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// cp1252High maps the bytes 0x80–0x9F of Windows-1252 to their characters.
// The five bytes Windows-1252 leaves undefined map to 0, meaning "drop".
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// cp1252Byte is the inverse of Windows-1252 for runes up to U+FFFF: the byte
// that encodes r, and whether there is one.
func cp1252Byte(r rune) (byte, bool) {
	if r < 0x80 || (r >= 0xA0 && r <= 0xFF) {
		return byte(r), true
	}
	for i, c := range cp1252High {
		if c != 0 && c == r {
			return byte(0x80 + i), true
		}
	}
	// enmime's decoders keep undefined bytes as C1 controls.
	if r >= 0x80 && r <= 0x9F {
		return byte(r), true
	}
	return 0, false
}

// hasC1 reports whether s (valid or not) holds an encoded U+0080–U+009F.
func hasC1(s string) bool {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], 0xC2)
		if j < 0 {
			return false
		}
		i += j + 1
		if i < len(s) && s[i] >= 0x80 && s[i] <= 0x9F {
			return true
		}
	}
	return false
}

// fixC1 replaces C1 control characters, which never belong in mail text,
// with the Windows-1252 characters they stand for: a part labelled
// ISO-8859-1 but written in Windows-1252 decodes its curly quotes, dashes
// and € sign to C1 controls.
func fixC1(s string) string {
	if !hasC1(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x80 && r <= 0x9F {
			if c := cp1252High[r-0x80]; c != 0 {
				b.WriteRune(c)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fixInvalidUTF8 keeps the valid UTF-8 sequences of s and reads every byte
// that is not part of one as Windows-1252, so that 8-bit text without a
// charset (or with a wrong one) becomes readable instead of U+FFFD.
func fixInvalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			c := s[i]
			switch {
			case c >= 0x80 && c <= 0x9F:
				if cr := cp1252High[c-0x80]; cr != 0 {
					b.WriteRune(cr)
				}
			default:
				b.WriteRune(rune(c))
			}
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// undoMojibake detects UTF-8 text that was decoded as a single-byte Latin
// charset ("relaÃ§Ã£o" for "relação") and reverses it. It only changes s
// when every rune re-encodes to Windows-1252 and the resulting bytes are
// valid UTF-8 holding at least one multi-byte character, which genuine
// Latin-1 prose practically never does.
func undoMojibake(s string) (string, bool) {
	suspect := false
	for i := 0; i+3 < len(s); i++ {
		// A UTF-8 lead byte 0xC2–0xF4 read as Latin-1 becomes U+00C2–U+00F4,
		// encoded C3 82–C3 B4.
		if s[i] == 0xC3 && s[i+1] >= 0x82 && s[i+1] <= 0xB4 {
			suspect = true
			break
		}
	}
	if !suspect {
		return s, false
	}
	buf := make([]byte, 0, len(s))
	multi := false
	for _, r := range s {
		c, ok := cp1252Byte(r)
		if !ok {
			return s, false
		}
		if c >= 0x80 {
			multi = true
		}
		buf = append(buf, c)
	}
	if !multi || !utf8.Valid(buf) {
		return s, false
	}
	return string(buf), true
}

// latinCharset reports whether cs names a charset that enmime decodes byte
// by byte as Latin-1 or Windows-1252 (US-ASCII included, since enmime maps
// it to Windows-1252).
func latinCharset(cs string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`)) {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "iso-8859-1", "iso8859-1",
		"iso_8859-1", "iso88591", "latin1", "l1", "cp1252", "windows-1252", "x-cp1252",
		"iso-8859-15", "iso8859-15", "latin-9", "cp819", "ibm819", "8859-1", "iso-ir-100":
		return true
	}
	return false
}

// repairText turns a decoded MIME text part into clean UTF-8 with "\n"
// line ends. charset is the charset the part was decoded with. The returned
// note is non-empty when a repair was guessed.
func repairText(content []byte, charset string) (string, string) {
	s := string(content)
	note := ""
	if !utf8.ValidString(s) {
		s = fixInvalidUTF8(s)
		note = "charset: invalid UTF-8 read as Windows-1252"
	}
	if hasC1(s) {
		s = fixC1(s)
		if note == "" {
			note = "charset: C1 controls remapped through Windows-1252"
		}
	}
	if latinCharset(charset) {
		if t, ok := undoMojibake(s); ok {
			s = t
			note = "charset: declared " + strings.ToLower(charset) + " but the text is UTF-8"
		}
	}
	return normalizeNewlines(s), note
}

// repairHeader makes a decoded header value valid UTF-8 (raw 8-bit header
// bytes are read as UTF-8 when valid, else as Windows-1252) without C1
// controls or line breaks.
func repairHeader(s string) string {
	s = fixC1(fixInvalidUTF8(s))
	if strings.ContainsAny(s, "\r\n\t\x00") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case '\r', '\n', '\t':
				return ' '
			case 0:
				return -1
			}
			return r
		}, s)
	}
	return s
}

// normalizeNewlines converts CRLF and lone CR to LF and drops NUL bytes.
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 && strings.IndexByte(s, 0) < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// decodeCharset converts b from the named charset to UTF-8. Latin-1 names
// use Windows-1252, its superset in practice. Unknown names fall back to
// UTF-8 with Windows-1252 for invalid bytes.
func decodeCharset(name string, b []byte) string {
	name = strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	switch name {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return fixInvalidUTF8(string(b))
	}
	if latinCharset(name) && name != "iso-8859-15" && name != "iso8859-15" && name != "latin-9" {
		name = "windows-1252"
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return fixInvalidUTF8(string(b))
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return fixInvalidUTF8(string(b))
	}
	return fixC1(string(out))
}
