package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeSubject folds an email subject for comparison with the
// catalogue's subjects: case and accents folded after a compatibility
// decomposition (full-width letters, "º" → "o"), every kind of dash (- ‐ ‑ ‒
// – — ― − － …) written as " - ", control characters and runs of white space
// as one space, and, repeatedly, reply and forward prefixes in the usual
// languages ("RE:", "Res:", "ENC:", "Fwd:", "TR:", "AW:", "RE[2]:" …) and
// leading tags ("[EXTERNAL]") removed, as is the desk's ticket tag
// ("[#SD-2026-000123]", "#SD-2026-000123", anywhere, any prefix).
//
// The mail package's NormalizeSubject(s, prefix) must agree with it, and
// does in everything Classify looks at: both fold the same way, unify the
// same dashes and strip the same reply prefixes and tags (the mail package
// also strips auto-reply phrases such as "Resposta automática:", this one
// also "Ref:", "Resp:" and "Reencaminhar:"). Classify accepts the output of
// either, because it applies this function to its argument again and the
// function is idempotent (NormalizeSubject(NormalizeSubject(s)) ==
// NormalizeSubject(s)), and because it compares words, which punctuation
// does not change.
func NormalizeSubject(s string) string {
	s = fold(s)
	if strings.IndexFunc(s, func(r rune) bool { return r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)) }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	for {
		t := strings.TrimSpace(s)
		if strings.ContainsAny(t, "#[(") {
			t = strings.TrimSpace(ticketTagRe.ReplaceAllString(t, " "))
		}
		t = strings.TrimLeft(t, " *")
		if strings.HasPrefix(t, "[") {
			// A leading tag: "[EXTERNAL]", "[URGENTE]".
			if j := strings.IndexByte(t, ']'); j > 0 && j <= maxTagLen {
				t = t[j+1:]
			}
		} else if i := strings.IndexAny(t, ":："); i >= 0 && i <= maxReplyPrefix {
			if loc := replyPrefixRe.FindStringIndex(t); loc != nil {
				t = t[loc[1]:]
			}
		}
		t = strings.TrimSpace(t)
		if t == s {
			break
		}
		s = t
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	space := false // a space is pending
	for _, r := range s {
		switch {
		case isDash(r):
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte('-')
			space = true
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Reply and forward prefixes, after folding: English, Portuguese (Outlook
// pt-BR "RES:"/"ENC:", pt-PT "Reencaminhar"), Spanish, French, German,
// Nordic, Dutch, Polish, Italian. "RE[2]:" and "Re(3):" count too.
var replyPrefixRe = regexp.MustCompile(`^(?:re|res|resp|ref|fw|fwd|enc|reenc|reencaminhar|encaminhar|rv|tr|aw|wg|sv|vs|antw|odp|rif|ris|rcs|vl|ynt|doorst|i|r)\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4})?\s*[:：]`)

// maxReplyPrefix is the longest reply prefix before its colon
// ("reencaminhar [99]"); maxTagLen the longest leading tag.
const (
	maxReplyPrefix = 24
	maxTagLen      = 60
)

// The desk's ticket tag in a subject ("[#SD-2026-000123]", "(#SD-2026-
// 000123)", "#SD-2026-000123", "[SD-2026-000123]"), after folding and
// possibly after dash unification (" - " around the dashes).
var ticketTagRe = regexp.MustCompile(`(?:\[\s*#?\s*|\(\s*#?\s*|#\s*)[a-z][a-z0-9]{0,7}\s*` + dashClass + `\s*[0-9]{4}\s*` + dashClass + `\s*[0-9]{6,9}(?:\s*[\])])?`)

const dashClass = `[-\x{2010}-\x{2015}\x{2043}\x{2212}\x{fe58}\x{fe63}\x{ff0d}\x{2e3a}\x{2e3b}\x{058a}\x{05be}\x{1400}\x{1806}\x{301c}\x{30a0}]`

// isDash reports whether r is a hyphen, a dash or a minus sign.
func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2043', '\u2212', '\ufe58', '\ufe63', '\uff0d',
		'\u2e3a', '\u2e3b', '\u058a', '\u05be', '\u1400', '\u1806', '\u301c', '\u30a0':
		return true
	}
	return false
}

// fold lowercases s and removes accents: every rune is replaced by its
// compatibility decomposition (NFKD) without combining marks, so "Á", "ｃ"
// and "a\u0301" all become "a", and "º" becomes "o". Format characters
// (zero-width spaces, byte order marks) and invalid UTF-8 are dropped.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return string(foldAppend(make([]byte, 0, len(s)+8), s))
		}
	}
	return strings.ToLower(s)
}

// foldAppend appends fold(s) to dst.
func foldAppend(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if b := latinBase(r); b != 0 {
			dst = append(dst, b)
			i += size
			continue
		}
		switch {
		case r == utf8.RuneError && size == 1:
			// invalid byte: dropped
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r):
			// zero-width characters and stray combining marks
		default:
			if d := norm.NFKD.PropertiesString(s[i:]).Decomposition(); d != nil {
				for _, dr := range string(d) {
					if !unicode.Is(unicode.Mn, dr) {
						dst = utf8.AppendRune(dst, foldRune(dr))
					}
				}
			} else {
				dst = utf8.AppendRune(dst, foldRune(r))
			}
		}
		i += size
	}
	return dst
}

// latinBase returns the lowercase base letter of an accented Latin-1
// letter (the ones Portuguese and Spanish use: "Ã" → 'a', "ç" → 'c'), 0 for
// any other rune: a shortcut of the decomposition fold does.
func latinBase(r rune) byte {
	if r < 0xC0 || r > 0xFF || r == 0xDF {
		return 0
	}
	r |= 0x20 // the lowercase half of the block
	switch {
	case r >= 0xE0 && r <= 0xE5:
		return 'a'
	case r == 0xE7:
		return 'c'
	case r >= 0xE8 && r <= 0xEB:
		return 'e'
	case r >= 0xEC && r <= 0xEF:
		return 'i'
	case r == 0xF1:
		return 'n'
	case r >= 0xF2 && r <= 0xF6 || r == 0xF8:
		return 'o'
	case r >= 0xF9 && r <= 0xFC:
		return 'u'
	case r == 0xFD || r == 0xFF:
		return 'y'
	}
	return 0
}

// foldRune lowercases r and maps the few Latin letters that have no
// decomposition to their base letter.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'ø':
		return 'o'
	case 'đ':
		return 'd'
	case 'ł':
		return 'l'
	case 'ı':
		return 'i'
	}
	return r
}

// words splits folded text into words: runs of letters and digits (an
// ordinal mark "º" left by the caller separates words).
func words(s string) []string { return appendWords(nil, s) }

// appendWords appends the words of s to dst.
func appendWords(dst []string, s string) []string {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		var in bool
		size := 1
		if c < utf8.RuneSelf {
			in = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			in = r != 'º' && (unicode.IsLetter(r) || unicode.IsDigit(r))
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			dst = append(dst, s[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// isStopword reports whether w is a function word of Portuguese, Spanish
// or English: it weighs little in a subject and nothing in a label.
func isStopword(w string) bool {
	switch w {
	case "a", "o", "as", "os", "e", "de", "da", "do", "das", "dos", "em", "na", "no", "nas", "nos",
		"ao", "aos", "um", "uma", "uns", "umas", "para", "por", "pelo", "pela", "com", "ou", "se", "via",
		"que", "sobre", "del", "la", "el", "los", "las", "y", "en", "con", "the", "of", "and", "or",
		"for", "in", "to", "on", "an":
		return true
	}
	return false
}

// ordinalMark stands for "º" in a folded label.
const ordinalMark = 0x01

// foldLabel appends the folded form of a label to buf: ASCII lowercased,
// other letters and digits decomposed without accents (as in fold),
// "º"/"ª"/"°" as ordinalMark, any other character as a space, except the
// ASCII punctuation, kept for the rules of labelKey.
func foldLabel(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			// A run of ASCII: copied at once, then lowercased in place.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf {
				j++
			}
			start := len(buf)
			buf = append(buf, s[i:j]...)
			run := buf[start:]
			for k, c := range run {
				switch {
				case 'A' <= c && c <= 'Z':
					run[k] = c + 'a' - 'A'
				case c < ' ' || c == 0x7f:
					run[k] = ' ' // control characters, ordinalMark among them
				}
			}
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if b := latinBase(r); b != 0 {
			buf = append(buf, b)
			i += size
			continue
		}
		switch {
		case r == 'º' || r == 'ª' || r == '°':
			buf = append(buf, ordinalMark)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if d := norm.NFKD.PropertiesString(s[i:]).Decomposition(); d != nil {
				for _, dr := range string(d) {
					if unicode.IsLetter(dr) || unicode.IsDigit(dr) {
						buf = utf8.AppendRune(buf, foldRune(dr))
					}
				}
			} else {
				buf = utf8.AppendRune(buf, foldRune(r))
			}
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r):
		default:
			buf = append(buf, ' ')
		}
		i += size
	}
	return buf
}

// isWordByte reports whether c belongs to a word of a folded label: an
// ASCII letter or digit, or a byte of a non-ASCII letter.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf
}

// labelKey returns the words of a label that identify it, joined by
// spaces: folded, with every spelling of "número" ("nº", "n.º", "Nr.",
// "Num.", "No." at the start) as "numero", dotted acronyms joined ("D.N." →
// "dn", "N.I.S.S." → "niss"), "e-mail" as "email", and function words,
// numbers, the plural mark of "data(s)" and words such as "obrigatório"
// left out. Labels are compared by this key.
func labelKey(label string) string {
	var kb [128]byte
	return string(appendLabelKey(kb[:0], label))
}

// appendLabelKey appends labelKey(label) to out.
func appendLabelKey(out []byte, label string) []byte {
	var fb [256]byte
	f := foldLabel(fb[:0], label)
	type tok struct {
		start, end   int
		dot, ordinal bool
	}
	var tb [32]tok
	toks := tb[:0]
	for i := 0; i < len(f); {
		if isWordByte(f[i]) {
			j := i
			for j < len(f) && isWordByte(f[j]) {
				j++
			}
			toks = append(toks, tok{start: i, end: j})
			i = j
			continue
		}
		if n := len(toks); n > 0 {
			last := &toks[n-1]
			gap := i - last.end // separators since the word
			switch f[i] {
			case '.':
				if gap == 0 {
					last.dot = true
				}
			case ordinalMark:
				if gap == 0 || gap == 1 && (f[i-1] == '.' || f[i-1] == ' ') || gap == 2 && f[i-2] == '.' && f[i-1] == ' ' {
					last.ordinal = true
				}
			}
		}
		i++
	}
	base := len(out)
	emit := func(w []byte) {
		switch labelWordClass(w) {
		case classNumber:
			w = numeroBytes
		case classDrop:
			return
		}
		if len(out) > base {
			out = append(out, ' ')
		}
		out = append(out, w...)
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		w := f[t.start:t.end]
		switch {
		case t.ordinal && (string(w) == "n" || string(w) == "no" || string(w) == "nr" || string(w) == "num"):
			emit(numeroBytes)
			continue
		case string(w) == "no" && t.dot && i == 0:
			emit(numeroBytes)
			continue
		case string(w) == "e" && i+1 < len(toks) && string(f[toks[i+1].start:toks[i+1].end]) == "mail":
			emit(emailBytes)
			i++
			continue
		}
		// Dotted or spaced acronyms: runs of single letters.
		single := func(k int) bool {
			return k < len(toks) && toks[k].end-toks[k].start == 1 && !toks[k].ordinal && 'a' <= f[toks[k].start] && f[toks[k].start] <= 'z'
		}
		if single(i) && single(i+1) {
			var ab [32]byte
			a := ab[:0]
			for ; single(i); i++ {
				a = append(a, f[toks[i].start])
			}
			i--
			emit(a)
			continue
		}
		emit(w)
	}
	return out
}

// Classes of label words.
const (
	classKeep   = iota
	classNumber // an abbreviation of "número"
	classDrop   // a function word, a number, "s" of "(s)", "obrigatório"
)

func labelWordClass(w []byte) uint8 {
	if len(w) == 0 {
		return classKeep
	}
	if '0' <= w[0] && w[0] <= '9' && isDigitBytes(w) {
		return classDrop
	}
	switch string(w) {
	case "n", "nr", "nro", "num", "nmr", "numero":
		return classNumber
	case "s", // the plural mark of "data(s)"
		// Words that say a label is required or optional, not what it is.
		"obrigatorio", "obrigatoria", "obrigatorios", "obrigatorias", "opcional", "facultativo",
		"facultativa", "required", "optional", "obligatorio", "obligatoria", "aplicavel", "aplicaveis":
		return classDrop
	}
	if len(w) <= 6 && isStopword(string(w)) {
		return classDrop
	}
	return classKeep
}

var (
	numeroBytes = []byte("numero")
	emailBytes  = []byte("email")
)

func isDigitBytes(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// labelTokens returns the words of labelKey(label).
func labelTokens(label string) []string { return strings.Fields(labelKey(label)) }

// isDigits reports whether s is made of ASCII digits only.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasDigit reports whether s contains an ASCII digit.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			return true
		}
	}
	return false
}
