package mail

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pair is a labelled value found in a message. Label and Value are
// trimmed, without bullets, trailing colons or list punctuation; Label
// keeps its original spelling (matching it to a field is the caller's
// business). Section is the nearest preceding heading ("CIT registado",
// "Identificação do utente (Principal)"), "linha N" for the N-th data row
// of a multi-column table, or "" if none. Line is the 1-based line of the
// text the pair was read from (Reply or Text, or the text rendering of the
// HTML for pairs only the HTML holds).
type Pair struct {
	Label, Value, Section string
	Line                  int
}

// maxLabelRunes bounds what can be a label.
const maxLabelRunes = 60

// Pairs returns the labelled values of a message, generic and in order:
// "Label: value", "Label – value" and "Label = value" lines (several on one
// line when separated by " / ", " | " or "; "), bulleted or numbered items,
// a label on one line with its value on the next (a paragraph, or a
// bulleted list joined with "; "), HTML tables (two-column label/value
// rows, one-cell or spanning rows as sections, multi-column tables as a
// header row plus data rows with Section "linha N"), and tab-separated
// rows pasted from a spreadsheet. It reads Reply; when Reply holds no
// pair, the forwarded message, then the whole Text. Pairs found in the
// HTML (quoted history left out) come first, as the HTML keeps the
// structure the text alternative loses; text pairs with the same label
// and value are not repeated. Pairs knows no catalogue: mapping labels
// to fields is the caller's business. It never panics; labels and values
// are never empty.
func Pairs(m *Message) []Pair {
	if m == nil {
		return nil
	}
	var text []Pair
	usedReply := false
	if strings.TrimSpace(m.Reply) != "" {
		text = pairsFromLines(textLines(m.Reply))
		usedReply = true
	}
	if len(text) == 0 && m.Forwarded != nil {
		if fw := Pairs(m.Forwarded); len(fw) > 0 {
			return fw
		}
	}
	if len(text) == 0 && m.Text != m.Reply {
		text = pairsFromLines(textLines(m.Text))
		usedReply = false
	}
	if strings.TrimSpace(m.HTML) == "" {
		return text
	}
	// The HTML keeps the structure (tables, headings) the text/plain
	// alternative loses, so its pairs come first.
	var lines []docLine
	if usedReply || m.Text == m.Reply {
		lines = replyLines(htmlLines(m.HTML, true))
	} else {
		lines = htmlLines(m.HTML, false)
	}
	return mergePairs(pairsFromLines(lines), text)
}

// replyLines keeps the lines before the quoted history that StripQuoted
// would cut.
func replyLines(lines []docLine) []docLine {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	text := b.String()
	cut := quoteCut(text)
	if cut >= len(text) {
		return lines
	}
	n := strings.Count(text[:cut], "\n")
	if n > len(lines) {
		n = len(lines)
	}
	return lines[:n]
}

func pairKey(p Pair) string {
	return strings.ToLower(p.Label) + "\x00" + strings.Join(strings.Fields(p.Value), " ")
}

// mergePairs appends to a the pairs of b whose label and value a does
// not hold; a pair of a without a section takes the section b gives it.
func mergePairs(a, b []Pair) []Pair {
	if len(a) == 0 {
		return b
	}
	idx := make(map[string]int, len(a))
	for i, p := range a {
		if _, ok := idx[pairKey(p)]; !ok {
			idx[pairKey(p)] = i
		}
	}
	for _, p := range b {
		if i, ok := idx[pairKey(p)]; ok {
			if a[i].Section == "" {
				a[i].Section = p.Section
			}
			continue
		}
		a = append(a, p)
	}
	return a
}

// textLines turns plain text into lines; tab-separated lines become table
// rows, consecutive ones forming one table.
func textLines(s string) []docLine {
	raw := strings.Split(s, "\n")
	out := make([]docLine, len(raw))
	table := 0
	inTable := false
	for i, r := range raw {
		r = strings.TrimRight(r, "\r")
		t := strings.TrimSpace(r)
		if t == "" {
			out[i] = docLine{blank: true}
			inTable = false
			continue
		}
		out[i] = docLine{text: t}
		if strings.Contains(t, "\t") {
			cells := strings.Split(t, "\t")
			n := 0
			for k := range cells {
				cells[k] = strings.TrimSpace(cells[k])
				if cells[k] != "" {
					n++
				}
			}
			if n >= 2 {
				if !inTable {
					table++
					inTable = true
				}
				for len(cells) > 1 && cells[len(cells)-1] == "" {
					cells = cells[:len(cells)-1]
				}
				out[i].cells = cells
				out[i].table = -table
				continue
			}
		}
		inTable = false
	}
	return out
}

// pairsFromLines extracts pairs from lines (see Pairs).
func pairsFromLines(lines []docLine) []Pair {
	var out []Pair
	section := ""
	emit := func(label, value string, line int) {
		label = cleanLabel(label)
		value = cleanValue(value)
		if label == "" || value == "" {
			return
		}
		out = append(out, Pair{Label: label, Value: value, Section: section, Line: line})
	}
	for i := 0; i < len(lines) && i < 20000; {
		l := lines[i]
		if l.blank {
			i++
			continue
		}
		if l.cells != nil && l.table != 0 {
			j := i
			for j < len(lines) && lines[j].table == l.table && lines[j].cells != nil {
				j++
			}
			section = tablePairs(lines[i:j], i+1, section, &out)
			i = j
			continue
		}
		body := stripBullets(l.text)
		if body == "" {
			i++
			continue
		}
		if l.heading && utf8.RuneCountInString(body) <= 100 {
			if _, val, ok := splitPair(body); !ok || val == "" {
				section = cleanLabel(body)
				i++
				continue
			}
		}
		if lab, val, ok := splitPair(body); ok && val != "" && !endsWithColon(body) {
			for _, kv := range splitPairs(lab, val) {
				emit(kv[0], kv[1], i+1)
			}
			i++
			continue
		}
		if endsWithColon(body) && utf8.RuneCountInString(body) <= 120 {
			k := nextNonBlank(lines, i+1, 1)
			if k >= 0 && isValueLine(lines[k]) {
				value, end := collectValue(lines, k)
				emit(body, value, i+1)
				i = end
				continue
			}
			if sectionLike(body) {
				section = cleanLabel(body)
			}
			i++
			continue
		}
		if i+1 < len(lines) && looksLikeLabel(body) && isValueLine(lines[i+1]) && !looksLikeLabel(stripBullets(lines[i+1].text)) {
			emit(body, stripBullets(lines[i+1].text), i+1)
			i += 2
			continue
		}
		if isHeadingByForm(body) {
			section = cleanLabel(strings.Trim(body, "*_"))
		}
		i++
	}
	return out
}

// tablePairs reads the rows of one table (first at line first) into out
// and returns the section in force after it.
func tablePairs(rows []docLine, first int, section string, out *[]Pair) string {
	ncols := 0
	multi := 0
	for _, r := range rows {
		n := 0
		for _, c := range r.cells {
			if c != "" {
				n++
			}
		}
		if n >= 2 {
			multi++
		}
		if len(r.cells) > ncols {
			ncols = len(r.cells)
		}
	}
	// A grid: a header row and data rows (pasted from a spreadsheet).
	headerIdx := -1
	for k, r := range rows {
		if nonEmpty(r.cells) >= 2 {
			headerIdx = k
			break
		}
	}
	grid := false
	if headerIdx >= 0 {
		h := rows[headerIdx]
		dataRows := multi - 1
		switch {
		case ncols >= 3 && dataRows >= 1 && nonEmpty(h.cells) >= 3 && headerish(h.cells):
			grid = true
		case ncols == 2 && dataRows >= 2 && h.header:
			grid = true
		}
	}
	if grid {
		header := rows[headerIdx].cells
		n := 0
		for k := headerIdx + 1; k < len(rows); k++ {
			r := rows[k]
			if nonEmpty(r.cells) == 0 {
				continue
			}
			if nonEmpty(r.cells) == 1 && r.heading {
				continue
			}
			n++
			sec := "linha " + strconv.Itoa(n)
			for j, c := range r.cells {
				if j >= len(header) || header[j] == "" {
					continue
				}
				label, value := cleanLabel(header[j]), cleanValue(c)
				if label != "" && value != "" {
					*out = append(*out, Pair{Label: label, Value: value, Section: sec, Line: first + k})
				}
			}
		}
		return section
	}
	for k, r := range rows {
		var cells []string
		for _, c := range r.cells {
			if c != "" && c != ":" && c != "=" {
				cells = append(cells, c)
			}
		}
		line := first + k
		switch len(cells) {
		case 0:
		case 1:
			c := stripBullets(cells[0])
			if lab, val, ok := splitPair(c); ok && val != "" {
				for _, kv := range splitPairs(lab, val) {
					if label, value := cleanLabel(kv[0]), cleanValue(kv[1]); label != "" && value != "" {
						*out = append(*out, Pair{Label: label, Value: value, Section: section, Line: line})
					}
				}
				continue
			}
			if utf8.RuneCountInString(c) <= 100 {
				section = cleanLabel(c)
			}
		default:
			label := cleanLabel(stripBullets(cells[0]))
			value := cleanValue(strings.Join(cells[1:], " "))
			if label != "" && value != "" && utf8.RuneCountInString(label) <= 2*maxLabelRunes {
				*out = append(*out, Pair{Label: label, Value: value, Section: section, Line: line})
			}
		}
	}
	return section
}

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if c != "" {
			n++
		}
	}
	return n
}

// headerish reports whether cells look like column titles: short, and
// most of them without digits.
func headerish(cells []string) bool {
	digits := 0
	for _, c := range cells {
		if utf8.RuneCountInString(c) > maxLabelRunes {
			return false
		}
		if strings.ContainsAny(c, "0123456789") {
			digits++
		}
	}
	return digits*2 < len(cells)
}

// bulletPrefixes are the list markers stripped from lines.
var bulletPrefixes = []string{
	"- ", "– ", "— ", "• ", "· ", "▪ ", "◦ ", "○ ", "● ", "■ ", "□ ", "➢ ", "► ", "▶ ", "✓ ", "✔ ",
	"\uf0b7 ", "\uf0a7 ", "\uf0d8 ", "\uf076 ", "§ ", "o ", "* ", "+ ", "> ",
	"-\t", "•\t", "o\t", "§\t", "\uf0b7\t", "\uf0a7\t", "*\t",
}

// stripBullets removes list markers ("- ", "• ", "o ", "* ", "1. ",
// "1) ", "a) ", "(a) ") from the start of a line, up to three.
func stripBullets(s string) string {
	s = strings.TrimSpace(s)
	for k := 0; k < 3; k++ {
		t := s
		for _, p := range bulletPrefixes {
			if strings.HasPrefix(s, p) {
				t = strings.TrimSpace(s[len(p):])
				break
			}
		}
		if t == s {
			t = stripEnumerator(s)
		}
		if t == s {
			break
		}
		s = t
	}
	return s
}

// stripEnumerator removes "1. ", "12) ", "a) ", "(b) " and "iv) ".
func stripEnumerator(s string) string {
	i := 0
	paren := false
	if strings.HasPrefix(s, "(") {
		i, paren = 1, true
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 3 {
		i++
	}
	if i == start {
		for i < len(s) && s[i] >= 'a' && s[i] <= 'z' && i-start < 4 {
			i++
		}
		if i == start || (i-start > 1 && strings.Trim(s[start:i], "ivx") != "") {
			return s
		}
		// Letters need ")" (or "." for a single letter): "a) ", "a. ".
		if i < len(s) && s[i] == '.' && (i-start > 1 || paren) {
			return s
		}
	}
	if i >= len(s) {
		return s
	}
	switch {
	case s[i] == ')':
	case s[i] == '.' && !paren:
	case s[i] == '-' && !paren && i+1 < len(s) && s[i+1] == ' ' && s[start] >= '0' && s[start] <= '9':
	default:
		return s
	}
	i++
	if i < len(s) && s[i] != ' ' && s[i] != '\t' {
		return s
	}
	return strings.TrimSpace(s[i:])
}

// splitPair splits "Label: value", "Label – value", "Label = value" (and
// "Label - value" when the label looks like one). ok is false when the
// line holds no separator after a plausible label; value may be "".
func splitPair(s string) (label, value string, ok bool) {
	best := -1
	bestLen := 0
	// A label is at most maxLabelRunes runes: no need to look further.
	for i := 0; i < len(s) && i < 8*maxLabelRunes; i++ {
		c := s[i]
		if !sepInitial[c] {
			continue
		}
		switch {
		case c == ':':
			if i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/' {
				continue
			}
			if i > 0 && i+1 < len(s) && isASCIIDigit(s[i-1]) && isASCIIDigit(s[i+1]) {
				continue
			}
			best, bestLen = i, 1
		case c == '=':
			if i+1 < len(s) && s[i+1] == '=' {
				continue
			}
			best, bestLen = i, 1
		case c == 0xEF && strings.HasPrefix(s[i:], "："):
			best, bestLen = i, len("：")
		case c == ' ' && (strings.HasPrefix(s[i:], " – ") || strings.HasPrefix(s[i:], " — ")) && dashPair(s[:i], s[i+len(" – "):]):
			best, bestLen = i, len(" – ")
		case c == ' ' && strings.HasPrefix(s[i:], " - ") && dashPair(s[:i], s[i+3:]):
			best, bestLen = i, 3
		}
		if best >= 0 {
			break
		}
	}
	if best <= 0 {
		return "", "", false
	}
	label = strings.TrimSpace(s[:best])
	value = strings.TrimSpace(s[best+bestLen:])
	if !plausibleLabel(label) {
		return "", "", false
	}
	return label, value, true
}

// pairSeparators join several pairs on one line ("Utilizador: x / Senha: y").
var pairSeparators = []string{" / ", " | ", "; ", "\t", "   "}

// splitPairs splits a value that holds further pairs, returning the
// label/value pairs in order (the first being label itself).
func splitPairs(label, value string) [][2]string {
	var out [][2]string
	for k := 0; k < 20; k++ {
		cut, nextLab, nextVal := -1, "", ""
		for _, sep := range pairSeparators {
			for idx, seen := 0, 0; idx < len(value) && seen < 50; seen++ {
				j := strings.Index(value[idx:], sep)
				if j < 0 {
					break
				}
				j += idx
				if cut >= 0 && j >= cut {
					break
				}
				rest := strings.TrimSpace(value[j+len(sep):])
				if l, v, ok := splitPair(rest); ok && v != "" && len(strings.Fields(l)) <= 4 {
					cut, nextLab, nextVal = j, l, v
					break
				}
				idx = j + len(sep)
			}
		}
		if cut < 0 {
			break
		}
		out = append(out, [2]string{label, value[:cut]})
		label, value = nextLab, nextVal
	}
	return append(out, [2]string{label, value})
}

// sepInitial marks the bytes that can begin a separator.
var sepInitial = [256]bool{':': true, '=': true, ' ': true, 0xEF: true}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// orgWords begin the names of services and places, which signatures join
// to their organisation with a dash ("Serviço de Informática – ULS Porto").
var orgWords = map[string]bool{
	"servico": true, "departamento": true, "unidade": true, "centro": true, "hospital": true,
	"usf": true, "ucsp": true, "aces": true, "ars": true, "estabelecimento": true, "instituicao": true,
	"organizacao": true, "empresa": true, "informatica": true, "direcao": true, "divisao": true,
	"gabinete": true, "nucleo": true, "secretaria": true, "ministerio": true, "instituto": true,
}

// dashPair decides whether "label – value" is a pair rather than a title
// ("WebRNU – Criação de acesso") or a signature line: the label must look
// like a form label of at most four words, or the value must hold a digit.
func dashPair(label, value string) bool {
	if strings.ContainsAny(value, "0123456789") && plausibleLabel(label) && len(strings.Fields(label)) <= 4 {
		return true
	}
	f := strings.Fields(label)
	if len(f) == 0 || len(f) > 4 || orgWords[foldText(f[0])] {
		return false
	}
	return looksLikeLabel(label)
}

// plausibleLabel rejects text before a colon that cannot be a label:
// too long, too many words, no letter, a URL or an address.
func plausibleLabel(l string) bool {
	l = strings.Trim(l, "*_ ")
	if l == "" || utf8.RuneCountInString(l) > maxLabelRunes {
		return false
	}
	if len(strings.Fields(l)) > 8 {
		return false
	}
	letter := false
	for _, r := range l {
		if unicode.IsLetter(r) {
			letter = true
			break
		}
	}
	if !letter {
		return false
	}
	ll := strings.ToLower(l)
	if strings.Contains(ll, "http") || strings.Contains(ll, "@") || strings.Contains(ll, "www.") {
		return false
	}
	return true
}

// labelWords are words that begin field labels in forms, folded (generic
// form vocabulary of pt, es and en, not the desk's catalogue).
var labelWords = map[string]bool{
	"nome": true, "name": true, "nombre": true, "numero": true, "no": true, "n": true, "nr": true, "nr.": true,
	"num": true, "num.": true, "n.": true, "n.o": true, "number": true, "data": true, "date": true, "fecha": true,
	"datas": true, "data(s)": true, "codigo": true, "code": true, "cod": true, "cod.": true, "local": true,
	"morada": true, "endereco": true, "address": true, "direccion": true, "email": true, "e-mail": true,
	"correio": true, "telefone": true, "telemovel": true, "telefono": true, "celular": true, "phone": true,
	"tel": true, "tel.": true, "contacto": true, "contato": true, "nif": true, "niss": true, "nipc": true,
	"cpf": true, "cnpj": true, "cns": true, "cc": true, "bi": true, "utente": true, "utilizador": true,
	"usuario": true, "user": true, "username": true, "login": true, "perfil": true, "profile": true,
	"entidade": true, "designacao": true, "identificacao": true, "descricao": true, "description": true,
	"descripcion": true, "tipo": true, "type": true, "motivo": true, "sexo": true, "genero": true,
	"cedula": true, "especialidade": true, "unidade": true, "instituicao": true, "organizacao": true,
	"empresa": true, "software": true, "versao": true, "version": true, "boletim": true, "classificacao": true,
	"periodo": true, "inicio": true, "termo": true, "fim": true, "hora": true, "cargo": true, "funcao": true,
	"departamento": true, "servico": true, "referencia": true, "processo": true, "pedido": true,
	"protocolo": true, "matricula": true, "cartao": true, "documento": true, "passaporte": true,
	"nacionalidade": true, "naturalidade": true, "concelho": true, "distrito": true, "freguesia": true,
	"pais": true, "cidade": true, "municipio": true, "uf": true, "cep": true, "observacoes": true,
	"obs": true, "obs.": true, "nota": true, "notas": true, "valor": true, "quantidade": true, "id": true,
	"ref": true, "ref.": true, "nim": true, "sip": true, "pis": true, "nit": true, "rg": true, "cid": true,
	"grau": true, "parentesco": true, "filiacao": true, "mae": true, "pai": true, "nascimento": true,
	"idade": true, "apelido": true, "apelidos": true, "sobrenome": true, "prenome": true, "titular": true,
	"beneficiario": true, "requerente": true, "medico": true, "doenca": true, "diagnostico": true,
	"estabelecimento": true, "aces": true, "ars": true, "usf": true, "ucsp": true, "hospital": true,
	"centro": true, "site": true, "url": true, "link": true, "browser": true, "navegador": true,
	"erro": true, "error": true, "mensagem": true, "codigos": true, "outros": true, "outra": true,
}

// looksLikeLabel reports a short line that begins with a form word
// ("Nome completo", "Nº de utente", "Data de nascimento") and does not end
// like a sentence.
func looksLikeLabel(s string) bool {
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ";:"))
	if s == "" || utf8.RuneCountInString(s) > 50 {
		return false
	}
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ",") {
		return false
	}
	f := strings.Fields(s)
	if len(f) > 6 || len(f) == 0 {
		return false
	}
	first := foldText(f[0])
	if labelWords[first] {
		return true
	}
	// "Nº", "N.º" fold to "no", "n.o".
	first = strings.TrimRight(first, ".")
	return labelWords[first]
}

// isValueLine reports whether a line can be the value of a label on the
// line before: text that is not a label line, a heading or a table row.
func isValueLine(l docLine) bool {
	if l.blank || l.cells != nil || l.heading {
		return false
	}
	t := stripBullets(l.text)
	if t == "" || endsWithColon(t) {
		return false
	}
	if _, v, ok := splitPair(t); ok && v != "" {
		// "10:30" and URLs were already excluded; a real pair is a label.
		return false
	}
	return true
}

// collectValue gathers the value lines starting at k (a paragraph, or a
// bulleted list) and returns the value and the index after it.
func collectValue(lines []docLine, k int) (string, int) {
	var parts []string
	bulleted := stripBullets(lines[k].text) != strings.TrimSpace(lines[k].text)
	j := k
	for ; j < len(lines) && len(parts) < 30; j++ {
		l := lines[j]
		if !isValueLine(l) {
			break
		}
		isBullet := stripBullets(l.text) != strings.TrimSpace(l.text)
		if bulleted != isBullet {
			break
		}
		if !bulleted && j > k && looksLikeLabel(l.text) && j+1 < len(lines) && isValueLine(lines[j+1]) {
			break
		}
		parts = append(parts, stripBullets(l.text))
	}
	sep := "\n"
	if bulleted {
		sep = "; "
	}
	return strings.Join(parts, sep), j
}

func nextNonBlank(lines []docLine, i, maxBlanks int) int {
	blanks := 0
	for ; i < len(lines); i++ {
		if lines[i].blank {
			blanks++
			if blanks > maxBlanks {
				return -1
			}
			continue
		}
		return i
	}
	return -1
}

func endsWithColon(s string) bool {
	s = strings.TrimRight(s, " *_")
	return strings.HasSuffix(s, ":") || strings.HasSuffix(s, "：")
}

// isHeadingByForm recognises plain-text headings: "*Bold text*" (how
// Gmail writes bold in text/plain) and capitalised lines of two or more
// words.
func isHeadingByForm(s string) bool {
	if utf8.RuneCountInString(s) > 80 {
		return false
	}
	if len(s) > 2 && ((s[0] == '*' && s[len(s)-1] == '*') || (s[0] == '_' && s[len(s)-1] == '_')) {
		return !strings.Contains(s[1:len(s)-1], "*")
	}
	if len(strings.Fields(s)) < 2 {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 4
}

// sectionLike reports whether a line ending with ":" can be a heading:
// not a run of sentences ("O problema continua. Seguem os dados:").
func sectionLike(s string) bool {
	t := strings.TrimRight(strings.TrimSpace(s), ":： *_")
	return !strings.Contains(t, ". ") && !strings.Contains(t, "! ") && !strings.Contains(t, "? ") &&
		len(strings.Fields(t)) <= 12
}

// cleanLabel trims bullets, markup, a trailing colon and list punctuation.
func cleanLabel(s string) string {
	s = stripBullets(s)
	s = strings.Trim(s, " \t*_")
	s = strings.TrimRight(s, ":：;,.=–—- \t*_")
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(s), " ")
}

// cleanValue trims markup and list punctuation around a value; inner line
// breaks are kept.
func cleanValue(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "*_")
	s = strings.TrimRight(s, ";, \t")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, ":") {
		s = strings.TrimSpace(s[1:])
	}
	return s
}
