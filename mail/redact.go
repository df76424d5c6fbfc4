package mail

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces a password found in a message.
const Redacted = "[palavra-passe removida]"

// passwordLabel finds the words that introduce a password. The boundaries
// are checked by hand because RE2's \b does not know "ñ".
var passwordLabel = regexp.MustCompile(`(?i)senha|palavra[ \t-]?passe|password|passwort|passwd|passcode|pwd|contrase(?:ñ|n)a|clave|pass`)

// passwordQualifiers may follow the label before the separator, lowercased.
var passwordQualifiers = []string{
	"provisória", "provisoria", "temporária", "temporaria", "atual", "actual", "antiga", "nova",
	"inicial", "de acesso", "do utilizador", "do usuário", "do usuario", "de rede", "de email",
	"do email", "do e-mail", "de e-mail", "definida", "gerada", "temporary", "new", "old", "current",
	"initial", "provisional", "temporal", "nueva", "de acceso", "del usuario",
}

// passwordVerbs join the label to the value in prose ("a minha senha é …").
var passwordVerbs = []string{"é", "e", "is", "es", "era", "was", "será", "sera", "fica", "ficou", "passa a ser", "will be", "será:"}

// passwordStopwords are values that are not passwords: placeholders and
// the words prose puts after "senha:".
var passwordStopwords = map[string]bool{
	"n/a": true, "na": true, "nd": true, "n.d.": true, "-": true, "--": true, "?": true, "…": true, "...": true,
	"não": true, "nao": true, "sim": true, "none": true, "nenhuma": true, "null": true, "vazio": true, "vazia": true,
	"esquecida": true, "expirada": true, "bloqueada": true, "inválida": true, "invalida": true, "incorreta": true,
	"incorrecta": true, "errada": true, "caducada": true, "reset": true, "expired": true, "locked": true,
	"invalid": true, "incorrect": true, "wrong": true, "forgotten": true, "olvidada": true, "caducó": true,
	"o": true, "a": true, "os": true, "as": true, "um": true, "uma": true, "de": true, "do": true, "da": true,
	"para": true, "por": true, "pelo": true, "pela": true, "no": true, "em": true, "ao": true,
	"the": true, "an": true, "is": true, "not": true, "and": true, "or": true, "to": true, "el": true, "la": true,
	"ou": true, "e": true, "é": true, "foi": true, "se": true, "que": true, "y": true, "es": true,
	"obrigatória": true, "obrigatoria": true, "pessoal": true, "mesma": true, "igual": true,
}

// RedactPasswords replaces the passwords written in s with Redacted,
// keeping the label, and reports whether it changed anything. It redacts
// the value after a password label (senha, palavra-passe, palavra passe,
// password, passwd, pwd, pass, contraseña, clave, optionally qualified as
// provisória, nova, de acesso, temporary, …) followed by ":" or "=", by
// a dash at the start of a line, by a verb ("a minha senha é X", "my
// password is X", when X looks like a password: a digit, a symbol or mixed
// case), or directly ("senha provisória X", X looking like a password); a
// quoted value is redacted whole; a label alone on its line redacts a
// single-token next line. It leaves prose where no value follows ("WebRNU
// – Recuperação de Senha", "recuperar a senha de acesso", "a senha é
// inválida") unchanged. Only the first token of an unquoted value is
// redacted, so a password containing spaces is only partly hidden.
// RedactPasswords is idempotent.
func RedactPasswords(s string) (string, bool) {
	if !mayHavePassword(s) {
		return s, false
	}
	lines := strings.SplitAfter(s, "\n")
	changed := false
	for i := 0; i < len(lines); i++ {
		body, eol := splitEOL(lines[i])
		nb, ch := redactLine(body)
		if ch {
			lines[i] = nb + eol
			changed = true
			continue
		}
		colon, ok := labelOnlyLine(body)
		if !ok {
			continue
		}
		// The value on the next line (one blank line may come between).
		for j, blanks := i+1, 0; j < len(lines) && blanks <= 1; j++ {
			nbody, neol := splitEOL(lines[j])
			t := strings.TrimSpace(nbody)
			if t == "" {
				blanks++
				continue
			}
			if isBareValue(t, colon) {
				lead := nbody[:strings.Index(nbody, t)]
				lines[j] = lead + Redacted + neol
				changed = true
				i = j
			}
			break
		}
	}
	if !changed {
		return s, false
	}
	return strings.Join(lines, ""), true
}

func splitEOL(l string) (string, string) {
	if strings.HasSuffix(l, "\r\n") {
		return l[:len(l)-2], "\r\n"
	}
	if strings.HasSuffix(l, "\n") {
		return l[:len(l)-1], "\n"
	}
	return l, ""
}

// mayHavePassword is a fast filter: false means s holds no password label.
func mayHavePassword(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if !labelInitial[s[i]] {
			continue
		}
		// The second letter rules out most words before any comparison.
		switch s[i+1] | 0x20 {
		case 'e', 'a', 'w', 'o', 'l':
		default:
			continue
		}
		switch s[i] | 0x20 {
		case 's':
			if hasPrefixFoldASCII(s[i:], "senh") {
				return true
			}
		case 'p':
			if hasPrefixFoldASCII(s[i:], "pass") || hasPrefixFoldASCII(s[i:], "pwd") || hasPrefixFoldASCII(s[i:], "palavra") {
				return true
			}
		case 'c':
			if hasPrefixFoldASCII(s[i:], "contrase") || hasPrefixFoldASCII(s[i:], "clave") {
				return true
			}
		}
	}
	return false
}

// labelInitial marks the first letters of password labels.
var labelInitial = [256]bool{'s': true, 'S': true, 'p': true, 'P': true, 'c': true, 'C': true}

func hasPrefixFoldASCII(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// isWordRune reports letters and digits (the characters a label must not
// touch on the left).
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// redactLine redacts the passwords of one line.
func redactLine(line string) (string, bool) {
	var out strings.Builder
	last := 0
	// Labels before this offset are preceded only by blanks and bullets.
	contentStart := 0
	for contentStart < len(line) {
		r, size := utf8.DecodeRuneInString(line[contentStart:])
		if !unicode.IsSpace(r) && !strings.ContainsRune("-•*·o▪◦>0123456789.)", r) {
			break
		}
		contentStart += size
	}
	pos := 0
	for pos < len(line) {
		loc := passwordLabel.FindStringIndex(line[pos:])
		if loc == nil {
			break
		}
		a, b := pos+loc[0], pos+loc[1]
		pos = b
		// Skip our own marker.
		if a > 0 && line[a-1] == '[' && strings.HasPrefix(line[a-1:], Redacted) {
			pos = a - 1 + len(Redacted)
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(line[:a]); a > 0 && isWordRune(r) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(line[b:]); b < len(line) && (isWordRune(r) || r == '_') {
			continue
		}
		vs, ve, ok := findPasswordValue(line, b, a <= contentStart)
		if !ok {
			continue
		}
		out.WriteString(line[last:vs])
		out.WriteString(Redacted)
		last, pos = ve, ve
	}
	if last == 0 {
		return line, false
	}
	out.WriteString(line[last:])
	return out.String(), true
}

// findPasswordValue looks after a label ending at b for a separator and a
// value, and returns the byte span of the value to redact.
func findPasswordValue(line string, b int, atStart bool) (int, int, bool) {
	i := b
	qualified := false
	for k := 0; k < 2; k++ {
		j := skipSpace(line, i)
		if j == i && j < len(line) {
			break
		}
		rest := lowerWindow(line, j)
		found := false
		for _, q := range passwordQualifiers {
			if strings.HasPrefix(rest, q) {
				end := j + len(q)
				if r, _ := utf8.DecodeRuneInString(line[end:]); end < len(line) && isWordRune(r) {
					continue
				}
				i, qualified, found = end, true, true
				break
			}
		}
		if !found {
			break
		}
	}
	j := skipMarkup(line, skipSpace(line, i))
	kind := ""
	equals := false
	switch {
	case j < len(line) && (line[j] == ':' || line[j] == '='):
		kind = "colon"
		equals = line[j] == '='
		j++
	case strings.HasPrefix(line[j:], "："):
		kind = "colon"
		j += len("：")
	case atStart && j > i && (strings.HasPrefix(line[j:], "– ") || strings.HasPrefix(line[j:], "— ") || strings.HasPrefix(line[j:], "- ")):
		kind = "colon"
		_, size := utf8.DecodeRuneInString(line[j:])
		j += size
	case j > i:
		rest := lowerWindow(line, j)
		for _, v := range passwordVerbs {
			if strings.HasPrefix(rest, v+" ") || strings.HasPrefix(rest, v+":") {
				kind = "verb"
				j += len(v)
				if j < len(line) && line[j] == ':' {
					j++
				}
				break
			}
		}
		if kind == "" {
			kind = "bare"
		}
	default:
		return 0, 0, false
	}
	// A second ":" or "=" (e.g. "senha:: x", "pwd==x") is tolerated.
	for j < len(line) && kind == "colon" && (line[j] == ':' || line[j] == '=') {
		j++
	}
	j = skipMarkup(line, skipSpace(line, j))
	if kind == "bare" && j == i {
		return 0, 0, false
	}
	if j >= len(line) {
		return 0, 0, false
	}
	vs, ve := j, j
	if q, size := utf8.DecodeRuneInString(line[j:]); strings.ContainsRune("\"'“‘«`", q) {
		closeQ := map[rune]rune{'"': '"', '\'': '\'', '“': '”', '‘': '’', '«': '»', '`': '`'}[q]
		if k := strings.IndexRune(line[j+size:], closeQ); k > 0 {
			if inner := line[j+size : j+size+k]; inner == Redacted || passwordStopwords[strings.ToLower(inner)] {
				return 0, 0, false
			}
			return j + size, j + size + k, true
		}
		vs = j + size
		ve = vs
	}
	for ve < len(line) {
		r, size := utf8.DecodeRuneInString(line[ve:])
		if unicode.IsSpace(r) || strings.ContainsRune(";,<>\"'”’»)]|", r) || (r == '&' && equals) {
			break
		}
		ve += size
	}
	for ve > vs && strings.IndexByte(".,;:?*_", line[ve-1]) >= 0 {
		ve--
	}
	tok := line[vs:ve]
	if tok == "" || strings.HasPrefix(tok, "[palavra-passe") || strings.HasPrefix(Redacted, tok) {
		return 0, 0, false
	}
	if passwordStopwords[strings.ToLower(tok)] {
		return 0, 0, false
	}
	switch kind {
	case "colon":
		return vs, ve, true
	case "verb":
		if passwordLike(tok) {
			return vs, ve, true
		}
	case "bare":
		if utf8.RuneCountInString(tok) >= 4 && passwordLike(tok) && (qualified || hasDigit(tok)) && !isDateLike(tok) {
			return vs, ve, true
		}
	}
	return 0, 0, false
}

// lowerWindow lowercases the next few dozen bytes of s from i: enough to
// compare with a qualifier or verb without costing a pass over the line.
func lowerWindow(s string, i int) string {
	end := min(i+48, len(s))
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return strings.ToLower(s[i:end])
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) && r != '\u00a0' {
			break
		}
		i += size
	}
	return i
}

// skipMarkup skips the "*" and "_" of plain-text bold and italics.
func skipMarkup(s string, i int) int {
	for i < len(s) && (s[i] == '*' || s[i] == '_') {
		i++
	}
	return skipSpace(s, i)
}

// passwordLike reports whether tok looks like a password rather than a
// word: it has a digit, a symbol, or a capital after a small letter.
func passwordLike(tok string) bool {
	lower := false
	for _, r := range tok {
		switch {
		case unicode.IsDigit(r):
			return true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			if lower {
				return true
			}
		case !unicode.IsLetter(r):
			return true
		}
	}
	return false
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// isDateLike matches 2024, 12/03/2024 and similar, which follow "senha"
// in prose ("a senha 2024 expirou" is rare; "senha de 2024" is not).
func isDateLike(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '/' && r != '-' && r != '.' {
			return false
		}
	}
	return true
}

// labelOnlyLine matches a line that is only a password label (with an
// optional bullet, qualifier and colon); colon reports the colon.
func labelOnlyLine(line string) (colon bool, ok bool) {
	t := strings.TrimSpace(line)
	t = strings.TrimLeft(t, "-•*·▪◦> \t")
	t = strings.TrimRight(t, " \t*_")
	if strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：") {
		colon = true
		t = strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(t, ":"), "："), " \t*_")
	}
	if len(t) == 0 || len(t) > 40 {
		return false, false
	}
	loc := passwordLabel.FindStringIndex(t)
	if loc == nil || loc[0] != 0 {
		return false, false
	}
	rest := strings.ToLower(strings.TrimSpace(t[loc[1]:]))
	if rest == "" {
		return colon, true
	}
	for _, q := range passwordQualifiers {
		if rest == q {
			return colon, true
		}
	}
	return false, false
}

// isBareValue reports whether a whole line t is a password value under a
// label line: one token, not itself a label, not a placeholder.
func isBareValue(t string, colon bool) bool {
	if strings.ContainsAny(t, " \t") || utf8.RuneCountInString(t) > 64 || strings.HasSuffix(t, ":") {
		return false
	}
	if strings.HasPrefix(t, "[palavra-passe") || passwordStopwords[strings.ToLower(t)] {
		return false
	}
	if _, ok := labelOnlyLine(t); ok {
		return false
	}
	return colon || passwordLike(t)
}
