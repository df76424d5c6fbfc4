package desk

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"balcao"
	"balcao/validate"
)

// bodyMasker hides the personal identifiers written in a ticket's messages
// that the viewer has not revealed:
//
//   - those its fields hold (NISS, NNU, CPF…), wherever they are written with
//     their digits, with or without spaces, dots, dashes or slashes between
//     them, and not inside a longer number; the reveal of the field shows
//     them in the thread too;
//   - those found only in a message, by their shape and their check digit
//     (validate's NISS, NIF, NNU, CC, CPF and CNS rules): a number that fails
//     its check digit is left alone, and so is a number written as a phone
//     number (after "+", "00", "(21)" or a word such as "telefone"). Each is
//     revealed on its own, for one message (see bodyKey).
type bodyMasker struct {
	secrets  [][]rune
	held     map[string]bool // every personal value the fields hold, compacted
	revealed map[string]bool // the viewer's reveals (fields and body keys)
}

func newBodyMasker(rows []fieldRow, revealed map[string]bool) *bodyMasker {
	m := &bodyMasker{held: map[string]bool{}, revealed: revealed}
	for _, row := range rows {
		if !row.Personal {
			continue
		}
		digits := compactID(row.Value)
		m.held[string(digits)] = true
		if row.Masked && len(digits) >= 5 {
			m.secrets = append(m.secrets, digits)
		}
	}
	return m
}

// compactID keeps the letters and digits of an identifier, uppercased.
func compactID(s string) []rune {
	var out []rune
	for _, r := range s {
		if unicode.IsDigit(r) || unicode.IsLetter(r) {
			out = append(out, unicode.ToUpper(r))
		}
	}
	return out
}

func isSeparator(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '/' || r == '\u00a0' }

func isAlnum(r rune) bool { return unicode.IsDigit(r) || unicode.IsLetter(r) }

// Mask returns s with each occurrence of a field's secret replaced by
// bullets but its last three characters. It does not look for identifiers
// of the message itself: MaskMessage does.
func (m *bodyMasker) Mask(s string) string {
	if m == nil || len(m.secrets) == 0 || s == "" {
		return s
	}
	text := []rune(s)
	m.maskSecrets(text)
	return string(text)
}

// MaskMessage masks s, a text of message msgID (its plain text or its
// sanitised HTML): the fields' secrets, and the identifiers found in s
// that no field holds and the viewer has not revealed in that message.
func (m *bodyMasker) MaskMessage(msgID int64, s string) string {
	if m == nil || s == "" {
		return s
	}
	var b strings.Builder
	last := 0
	for _, f := range findIdentifiers(s) {
		if m.held[f.Value] || m.revealed[bodyKey(msgID, f)] {
			continue
		}
		if last == 0 {
			b.Grow(len(s) + 32)
		}
		b.WriteString(s[last:f.Start])
		writeMasked(&b, s[f.Start:f.End])
		last = f.End
	}
	if last > 0 {
		b.WriteString(s[last:])
		s = b.String()
	}
	return m.Mask(s)
}

// writeMasked writes an identifier as found in a text (ASCII letters and
// digits, separators between them) with bullets for all but its last three
// characters, keeping the separators.
func writeMasked(b *strings.Builder, id string) {
	n := 0
	for i := 0; i < len(id); i++ {
		if isASCIIAlnum(rune(id[i])) {
			n++
		}
	}
	for _, r := range id {
		if isASCIIAlnum(r) && n > 3 {
			b.WriteRune('•')
			n--
			continue
		}
		if isASCIIAlnum(r) {
			n--
		}
		b.WriteRune(r)
	}
}

func (m *bodyMasker) maskSecrets(text []rune) {
	for _, secret := range m.secrets {
		for i := 0; i < len(text); i++ {
			if i > 0 && isAlnum(text[i-1]) {
				continue
			}
			end, ok := matchAt(text, i, secret)
			if !ok || (end < len(text) && isAlnum(text[end])) {
				continue
			}
			maskSpan(text, i, end)
			i = end - 1
		}
	}
}

// maskSpan replaces text[start:end] by bullets but its last three
// characters, keeping the separators.
func maskSpan(text []rune, start, end int) {
	n := 0
	for j := end - 1; j >= start; j-- {
		if isSeparator(text[j]) {
			continue
		}
		if n >= 3 {
			text[j] = '•'
		}
		n++
	}
}

// matchAt reports whether secret is written at text[i:], separators allowed
// between its characters, and where it ends.
func matchAt(text []rune, i int, secret []rune) (int, bool) {
	k := 0
	j := i
	for j < len(text) && k < len(secret) {
		switch {
		case unicode.ToUpper(text[j]) == secret[k]:
			k++
			j++
		case k > 0 && isSeparator(text[j]):
			j++
		default:
			return 0, false
		}
	}
	return j, k == len(secret)
}

// foundID is an identifier found in a text: where (byte offsets), what
// kind, and its compacted value.
type foundID struct {
	Start, End int
	Kind       validate.Kind
	Value      string
}

// Tail is the identifier's last three characters, what stays visible.
func (f foundID) Tail() string { return f.Value[len(f.Value)-3:] }

// Label is the identifier's short name, the same in every language.
func (f foundID) Label() string { return strings.ToUpper(string(f.Kind)) }

// bodyKey names, in the reveal events, an identifier found in a message:
// the message, the kind and the last three characters ("msg#42.niss.892").
// No catalogue key contains '#', so it cannot be taken for a field's.
func bodyKey(msgID int64, f foundID) string {
	return "msg#" + strconv.FormatInt(msgID, 10) + "." + string(f.Kind) + "." + f.Tail()
}

// parseBodyKey reads a bodyKey back.
func parseBodyKey(key string) (msgID int64, kind validate.Kind, tail string, ok bool) {
	rest, found := strings.CutPrefix(key, "msg#")
	if !found {
		return 0, "", "", false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return 0, "", "", false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, "", "", false
	}
	return id, validate.Kind(parts[1]), parts[2], true
}

// idGroup is a run of ASCII letters and digits in a text, in bytes.
type idGroup struct{ start, end int }

// findIdentifiers lists the personal identifiers written in text, left to
// right, not overlapping, by byte offsets. A candidate is a sequence of
// groups of ASCII letters and digits joined by single separators (so
// "529.982.247-25" and "112 345 678 92" are read whole), starting with a
// digit, bounded by anything else, a word included (but a CC's version,
// "ZZ"); within a sequence the longest valid span of whole groups starting
// at each group is taken. Only the lengths of the identifiers are tried: 9
// digits (NIF, then NNU with its check digit verified), 11 (NISS, then
// CPF), 12 characters (a Cartão de Cidadão) and 15 digits (CNS).
func findIdentifiers(text string) []foundID {
	var out []foundID
	var groups []idGroup // reused: identifiersIn keeps none
	for i := 0; i < len(text); {
		if !isDigit(rune(text[i])) || (i > 0 && alnumBefore(text, i)) {
			i++
			continue
		}
		// Read the sequence of groups starting at i.
		groups = groups[:0]
		j := i
		for {
			k := j
			for k < len(text) && isASCIIAlnum(rune(text[k])) {
				k++
			}
			if k < len(text) && alnumAt(text, k) {
				// A group running into other letters (accented, say) is a
				// word: the sequence ends before it.
				break
			}
			if len(groups) > 0 && !hasDigit(text[j:k]) &&
				!(k-j == 2 && isDigit(rune(text[groups[len(groups)-1].end-1])) && isUpperASCII(rune(text[j])) && isUpperASCII(rune(text[j+1]))) {
				// A word ends the sequence; only a Cartão de Cidadão's
				// two-letter version may follow its digits ("12345678 9 ZZ1").
				break
			}
			groups = append(groups, idGroup{j, k})
			j = k
			if n := separatorAt(text, k); n > 0 && k+n < len(text) && isASCIIAlnum(rune(text[k+n])) {
				j = k + n
				continue
			}
			break
		}
		if len(groups) == 0 {
			i++ // digits running into a word: what follows is preceded by a letter
			continue
		}
		if !internationalNumber(text, groups[0]) {
			out = append(out, identifiersIn(text, groups)...)
		}
		i = groups[len(groups)-1].end
	}
	return out
}

// separatorAt is the length in bytes of the separator at text[k:], 0 for
// none.
func separatorAt(text string, k int) int {
	if k >= len(text) {
		return 0
	}
	switch text[k] {
	case ' ', '.', '-', '/':
		return 1
	}
	if strings.HasPrefix(text[k:], "\u00a0") {
		return 2
	}
	return 0
}

// alnumBefore reports whether the character before text[i] is a letter or
// a digit, in any script.
func alnumBefore(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return isAlnum(r)
}

// alnumAt reports whether the character at text[k] is a letter or a digit.
func alnumAt(text string, k int) bool {
	r, _ := utf8.DecodeRuneInString(text[k:])
	return isAlnum(r)
}

// identifiersIn finds the identifiers among a sequence of groups.
func identifiersIn(text string, groups []idGroup) []foundID {
	var out []foundID
	var buf [15]byte // the characters of a candidate
	for a := 0; a < len(groups); {
		if !isDigit(rune(text[groups[a].start])) {
			a++
			continue
		}
		var best foundID
		n := 0
		for b := a; b < len(groups); b++ {
			g := text[groups[b].start:groups[b].end]
			if n+len(g) > len(buf) {
				break
			}
			n += copy(buf[n:], g)
			switch n {
			case 9, 11, 12, 15:
				if kind := identifierKind(string(buf[:n])); kind != "" {
					best = foundID{Start: groups[a].start, End: groups[b].end, Kind: kind, Value: strings.ToUpper(string(buf[:n]))}
				}
			}
		}
		if best.Kind == "" {
			a++
			continue
		}
		if !afterPhoneWord(text, best.Start) {
			out = append(out, best)
		}
		for a < len(groups) && groups[a].start < best.End {
			a++
		}
	}
	return out
}

// identifierKind tells which personal identifier s (letters and digits
// only) is, by its length and check digit; "" for none.
func identifierKind(s string) validate.Kind {
	valid := func(f func(string) (string, validate.Code)) bool {
		_, c := f(s)
		return c == ""
	}
	switch len(s) {
	case 9:
		if !allASCIIDigits(s) {
			return ""
		}
		if valid(validate.NormalizeNIF) {
			return validate.NIF
		}
		if valid(validate.NormalizeNNU) { // an unverified check digit is not enough here
			return validate.NNU
		}
	case 11:
		if !allASCIIDigits(s) {
			return ""
		}
		if valid(validate.NormalizeNISS) {
			return validate.NISS
		}
		if valid(validate.NormalizeCPF) {
			return validate.CPF
		}
	case 12:
		if valid(validate.NormalizeCC) {
			return validate.CC
		}
	case 15:
		if allASCIIDigits(s) && valid(validate.NormalizeCNS) {
			return validate.CNS
		}
	}
	return ""
}

// phoneWords, found just before a number (on its line, after the previous
// number), say it is a phone number.
var phoneWords = []string{"tel", "fone", "phone", "fax", "móvel", "movel", "celular", "whatsapp", "ligar", "ligue"}

// internationalNumber reports whether a sequence starting with the group
// first is written as a phone number: international ("+351 …",
// "00351 …") or after an area code in parentheses ("(11) 98765-4321").
func internationalNumber(text string, first idGroup) bool {
	if strings.HasPrefix(text[first.start:first.end], "00") {
		return true
	}
	p := first.start - 1
	for p >= 0 && text[p] == ' ' {
		p--
	}
	return p >= 0 && (text[p] == '+' || text[p] == ')')
}

// afterPhoneWord reports whether a word just before text[start] (back to
// the line's start, the previous digit or 30 characters) names a phone.
func afterPhoneWord(text string, start int) bool {
	from := start
	for n := 0; from > 0 && n < 30; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:from])
		if r == '\n' || unicode.IsDigit(r) {
			break
		}
		from -= size
	}
	prevLetter := false
	for i, r := range text[from:start] {
		if !prevLetter {
			// Words are matched from their start: "Castelo" names no phone.
			for _, w := range phoneWords {
				if at := from + i; at+len(w) <= start && strings.EqualFold(text[at:at+len(w)], w) {
					return true
				}
			}
		}
		prevLetter = unicode.IsLetter(r)
	}
	return false
}

func isASCIIAlnum(r rune) bool {
	return ('0' <= r && r <= '9') || ('A' <= r && r <= 'Z') || ('a' <= r && r <= 'z')
}

func isUpperASCII(r rune) bool { return 'A' <= r && r <= 'Z' }

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(rune(s[i])) {
			return true
		}
	}
	return false
}

func allASCIIDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// hiddenID is an identifier of a message shown masked, with what its reveal
// button posts.
type hiddenID struct {
	Key, Label, Display string
}

// Hidden lists the identifiers found in a message (its text, then its
// HTML) that MaskMessage masks for this viewer, one per key.
func (m *bodyMasker) Hidden(msg *balcao.Message) []hiddenID {
	if m == nil {
		return nil
	}
	var out []hiddenID
	seen := map[string]bool{}
	for _, s := range []string{msg.Text, msg.HTML} {
		for _, f := range findIdentifiers(s) {
			key := bodyKey(msg.ID, f)
			if m.held[f.Value] || m.revealed[key] || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, hiddenID{Key: key, Label: f.Label(), Display: mask(f.Value)})
		}
	}
	return out
}

// maskerFor builds the masker of a ticket for a viewer: their reveals of
// the last minutes show the values.
func (s *Server) maskerFor(r *http.Request, v *viewer, t *balcao.Ticket) (*bodyMasker, error) {
	events, err := s.Store.Events(r.Context(), t.ID)
	if err != nil {
		return nil, err
	}
	revealed := revealedBy(events, v.User.ID, s.Clock.Now())
	rows, _ := s.fieldRows(t, Localizer{Lang: languages[0]}, revealed)
	return newBodyMasker(rows, revealed), nil
}

// revealedBy lists the fields (and the identifiers of messages, by
// bodyKey) a user revealed within the reveal window.
func revealedBy(events []*balcao.Event, userID int64, now time.Time) map[string]bool {
	revealed := map[string]bool{}
	for _, e := range events {
		if e.Kind == balcao.EventReveal && e.ActorID == userID && now.Sub(e.CreatedAt) < revealWindow {
			revealed[e.Field] = true
		}
	}
	return revealed
}
