package mail

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// subjectPrefixWords are the one-word reply and forward prefixes, folded
// (RE:, Res:, ENC:, FW:, Fwd:, TR:, RV:, AW:, WG:, SV:, VS:, Antw:, Odp:, R:).
var subjectPrefixWords = map[string]bool{
	"re": true, "res": true, "enc": true, "fw": true, "fwd": true, "tr": true, "rv": true,
	"aw": true, "wg": true, "sv": true, "vs": true, "antw": true, "odp": true, "r": true,
	"rif": true, "i": true, "doorst": true, "vl": true, "ynt": true, "rcs": true, "ris": true,
}

// subjectPrefixPhrases are the multi-word prefixes of automatic answers,
// folded, without the colon.
var subjectPrefixPhrases = []string{
	"resposta automatica", "automatic reply", "respuesta automatica", "reponse automatique",
	"auto", "autoreply", "auto reply", "out of office", "fora do escritorio", "ausencia", "ausente",
	"undeliverable", "undelivered", "nao entregue", "nao foi possivel entregar", "nao e possivel entregar",
	"no se puede entregar", "unzustellbar", "lido", "lida", "read", "leido", "nao lido", "not read",
	"abwesend", "absence", "notificacao de entrega", "delivery status notification",
}

// NormalizeSubject reduces an email subject to a key for matching one
// subject against another (a reply against the request type it answers):
// reply and forward prefixes in any common language (RE:, Res:, ENC:, FW:,
// Fwd:, TR:, RV:, AW:, WG:, "Resposta automática:", "Automatic reply:",
// with counters like "RE[2]:") and leading bracket tags ("[EXTERNAL]") are
// stripped repeatedly; the desk's ticket tag ("[#SD-2026-000123]" for
// ticketPrefix "SD", or any such tag when ticketPrefix is "") is removed
// wherever it is; case and accents are folded (compatibility forms too:
// "Nº" becomes "no"); every dash, minus and hyphen variant becomes "-"
// with one space on each side; runs of white space become one space; and
// the result is trimmed. NormalizeSubject is idempotent:
// NormalizeSubject(NormalizeSubject(s, p), p) == NormalizeSubject(s, p).
func NormalizeSubject(s, ticketPrefix string) string {
	out := normalizeSubjectOnce(s, ticketPrefix)
	for k := 0; k < 4; k++ {
		next := normalizeSubjectOnce(out, ticketPrefix)
		if next == out {
			break
		}
		out = next
	}
	return out
}

func normalizeSubjectOnce(s, ticketPrefix string) string {
	s = foldText(s)
	s = removeTicketTags(s, foldText(ticketPrefix))
	for {
		t := stripOnePrefix(s)
		if t == s {
			break
		}
		s = t
	}
	// Dashes get one space on each side, then white space collapses.
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r == '-' {
			b.WriteString(" - ")
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// foldText lowercases s, removes accents (after a compatibility
// decomposition, so "ª" and "º" become letters), maps every dash variant
// to "-", turns control characters into spaces and drops invisible ones.
func foldText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x7F || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	s = norm.NFKD.String(fixInvalidUTF8(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r), invisibleRune(r):
			continue
		case isDash(r):
			b.WriteByte('-')
		case unicode.IsControl(r), unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	t := b.String()
	// Lowercasing can, rarely, produce a character that decomposes again.
	if !norm.NFKD.IsNormalString(t) {
		return foldText(t)
	}
	return t
}

// isDash reports the hyphen, dash and minus characters.
func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u2043',
		'\uFE58', '\uFE63', '\uFF0D', '\u2E3A', '\u2E3B', '\u058A', '\u05BE', '\u1400', '\u1806', '\u301C', '\u30A0':
		return true
	}
	return false
}

// removeTicketTags removes "[#PREFIX-2026-000123]" tags (spaces allowed
// around the parts, "#" optional) from folded s. An empty prefix matches
// any prefix of letters and digits.
func removeTicketTags(s, prefix string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	i := 0
	changed := false
	for i < len(s) {
		if s[i] == '[' {
			if n := ticketTagLen(s[i:], prefix); n > 0 {
				b.WriteByte(' ')
				i += n
				changed = true
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	if !changed {
		return s
	}
	return b.String()
}

// ticketTagLen returns the length of the ticket tag at the start of s, or 0.
func ticketTagLen(s, prefix string) int {
	i := 1
	sp := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	sp()
	if i < len(s) && s[i] == '#' {
		i++
		sp()
	}
	if prefix != "" {
		if !strings.HasPrefix(s[i:], prefix) {
			return 0
		}
		i += len(prefix)
	} else {
		start := i
		for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == start || i-start > 8 {
			return 0
		}
	}
	digits := func(min, max int) bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i-start >= min && i-start <= max
	}
	sp()
	if i >= len(s) || s[i] != '-' {
		return 0
	}
	i++
	sp()
	if !digits(4, 4) {
		return 0
	}
	sp()
	if i >= len(s) || s[i] != '-' {
		return 0
	}
	i++
	sp()
	if !digits(1, 12) {
		return 0
	}
	sp()
	if i >= len(s) || s[i] != ']' {
		return 0
	}
	return i + 1
}

// stripOnePrefix removes one leading reply/forward prefix or bracket tag
// from folded s, or returns s unchanged.
func stripOnePrefix(s string) string {
	t := strings.TrimLeft(s, " \t*")
	if t == "" {
		return t
	}
	if t[0] == '[' {
		if j := strings.IndexByte(t, ']'); j > 0 && j <= 60 {
			return t[j+1:]
		}
		return s
	}
	// One-word prefixes with an optional counter: "re:", "re[2]:", "re(2):", "re2:".
	i := 0
	for i < len(t) && t[i] >= 'a' && t[i] <= 'z' {
		i++
	}
	if i > 0 && subjectPrefixWords[t[:i]] {
		j := i
		if j < len(t) && (t[j] == '[' || t[j] == '(') {
			k := j + 1
			for k < len(t) && t[k] >= '0' && t[k] <= '9' {
				k++
			}
			if k < len(t) && k > j+1 && (t[k] == ']' || t[k] == ')') {
				j = k + 1
			}
		} else {
			for j < len(t) && t[j] >= '0' && t[j] <= '9' {
				j++
			}
		}
		for j < len(t) && t[j] == ' ' {
			j++
		}
		if j < len(t) && t[j] == ':' {
			return t[j+1:]
		}
	}
	for _, p := range subjectPrefixPhrases {
		if strings.HasPrefix(t, p) {
			j := len(p)
			for j < len(t) && t[j] == ' ' {
				j++
			}
			if j < len(t) && t[j] == ':' {
				return t[j+1:]
			}
		}
	}
	return s
}
