package mail

import (
	"strings"
	"unicode/utf8"
)

// ReplyMarkers holds, per language, the line the desk puts at the top of
// the mail it sends; a reply is cut where the marker reappears. The pt-PT
// and pt-BR markers are the same sentence. The map must not be modified.
var ReplyMarkers = map[string]string{
	"pt-PT": "## Responda acima desta linha ##",
	"pt-BR": "## Responda acima desta linha ##",
	"en":    "## Reply above this line ##",
	"es":    "## Responda encima de esta línea ##",
}

// markerCores are the marker sentences without the hashes, lowercased, so
// that a client that re-wraps or drops the hashes still matches.
var markerCores = []string{
	"responda acima desta linha",
	"reply above this line",
	"responda encima de esta línea",
	"responda encima de esta linea",
}

// attributionEnds are the endings of "On <date>, <name> wrote:" lines in
// the languages seen at the desk and a few neighbours, lowercased.
var attributionEnds = []string{
	"escreveu:", "escreveu :", "wrote:", "wrote :", "escribió:", "escribio:", "a écrit :",
	"a écrit:", "a ecrit :", "a ecrit:", "schrieb:", "scrisse:", "skrev:", "schreef:", "napisał:",
}

// attributionStarts begin attribution lines that clients wrap over two or
// three lines, lowercased.
var attributionStarts = []string{
	"em ", "on ", "el ", "le ", "am ", "no dia ", "às ", "as ", "a ", "op ", "il ", "den ",
}

// separatorPhrases are the "original message" and "forwarded message"
// separators, lowercased and without the surrounding dashes.
var separatorPhrases = []string{
	"original message", "mensagem original", "mensaje original", "message d'origine",
	"forwarded message", "mensagem encaminhada", "mensagem reencaminhada", "mensaje reenviado",
	"message transféré", "message transfere", "weitergeleitete nachricht", "ursprüngliche nachricht",
	"begin forwarded message", "início da mensagem reencaminhada", "inicio da mensagem reencaminhada",
	"início da mensagem encaminhada", "inicio da mensagem encaminhada", "inicio del mensaje reenviado",
	"comienzo del mensaje reenviado", "mensagem reencaminhada",
}

// mobileSignatures start the lines phones and mail apps append, lowercased.
var mobileSignatures = []string{
	"enviado do meu ", "enviado de meu ", "enviado a partir do meu ", "enviada do meu ",
	"enviado do outlook", "enviado a partir do outlook", "sent from my ", "sent from outlook",
	"sent from mail for windows", "enviado do email para windows", "enviado do correio para windows",
	"enviado desde mi ", "enviado desde outlook", "get outlook for ", "obter o outlook para ",
	"obtenha o outlook para ", "enviado do yahoo mail", "sent from yahoo mail",
	"enviado pelo meu ", "enviado via ",
}

// Outlook header block labels, lowercased.
var (
	hdrFrom    = []string{"de:", "from:", "von:", "de :", "da:"}
	hdrSent    = []string{"enviado:", "enviada:", "enviada em:", "enviado em:", "sent:", "date:", "data:", "enviado el:", "fecha:", "envoyé :", "envoyé:", "gesendet:", "datum:"}
	hdrTo      = []string{"para:", "to:", "à :", "à:", "an:", "a:"}
	hdrSubject = []string{"assunto:", "subject:", "asunto:", "objet :", "objet:", "betreff:", "oggetto:"}
	hdrCc      = []string{"cc:", "cco:", "bcc:"}
)

// StripQuoted returns what the sender wrote now: text cut before the first
// line that starts quoted history or a signature, with trailing white
// space removed. The result is always a prefix of text. It cuts at lines
// starting with ">", attribution lines ("Em <date>, <name> escreveu:",
// "On … wrote:", "El … escribió:", "Le … a écrit :", also when wrapped over
// up to three lines), Outlook header blocks (De:/Enviado:/Para:/Assunto:,
// From:/Sent:/To:/Subject:, De:/Enviada em:/Para:/Assunto:, with a
// preceding "____" rule), "-----Original Message-----" and its
// translations, forwarded-message separators, the "-- " signature line,
// "Enviado do meu iPhone" and similar phone signatures, and any of the
// ReplyMarkers.
func StripQuoted(text string) string {
	cut := quoteCut(text)
	return strings.TrimRight(text[:cut], " \t\r\n")
}

// quoteCut returns the byte offset where the quoted part of text starts
// (len(text) when there is none).
func quoteCut(text string) int {
	// Offsets of line starts.
	var starts []int
	starts = append(starts, 0)
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	line := func(i int) string {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1] - 1
		}
		return strings.TrimSuffix(text[starts[i]:end], "\r")
	}
	n := len(starts)
	for i := 0; i < n; i++ {
		raw := line(i)
		if raw == "-- " || raw == "--" {
			return starts[i]
		}
		t := strings.TrimSpace(raw)
		if t == "" {
			continue
		}
		if t[0] == '>' {
			return starts[i]
		}
		if len(t) > 600 {
			continue
		}
		if isMobileSignature(t) {
			return starts[i]
		}
		// Lowercasing every line costs more than the rest of Parse: only
		// lines that can start a quote are looked at closely.
		last := t[len(t)-1]
		ends := func(k int) bool {
			if i+k >= n {
				return false
			}
			l := strings.TrimRight(line(i+k), " \t\r")
			return l != "" && l[len(l)-1] == ':'
		}
		if last == ':' || strings.IndexByte("-_=*#", t[0]) >= 0 || strings.Contains(t, "##") ||
			hasPrefixFoldASCII(t, "respond") || hasPrefixFoldASCII(t, "reply") ||
			(attributionStart(t) && (ends(1) || ends(2))) {
			lt := strings.ToLower(t)
			if isMarkerLine(lt) || isSeparatorLine(lt) {
				return starts[i]
			}
			if isAttribution(lt, func(k int) string {
				if i+k < n {
					return strings.ToLower(strings.TrimSpace(line(i + k)))
				}
				return ""
			}) {
				return starts[i]
			}
		}
		if hasAnyPrefixFold(stripStars(t), hdrFrom) && isHeaderBlock(i, n, line) {
			// Include the rule Outlook draws above the block.
			j := i - 1
			for j >= 0 && strings.TrimSpace(line(j)) == "" {
				j--
			}
			if j >= 0 && isRule(strings.TrimSpace(line(j))) {
				return starts[j]
			}
			return starts[i]
		}
	}
	return len(text)
}

func isMarkerLine(lt string) bool {
	if !strings.Contains(lt, "esta l") && !strings.Contains(lt, "this line") {
		return false
	}
	for _, m := range markerCores {
		if strings.Contains(lt, m) {
			return true
		}
	}
	return false
}

// isSeparatorLine matches "-----Original Message-----", "---------- Forwarded
// message ---------", "Begin forwarded message:" and their translations.
func isSeparatorLine(lt string) bool {
	core := strings.Trim(lt, "-_=*: \t")
	if core == "" || len(core) > 60 {
		return false
	}
	for _, p := range separatorPhrases {
		if core == p {
			return true
		}
	}
	return false
}

// isMobileSignature matches "Enviado do meu iPhone" and the like.
func isMobileSignature(t string) bool {
	if len(t) > 100 {
		return false
	}
	return hasAnyPrefixFold(t, mobileSignatures)
}

// attributionStart reports a line that may begin a wrapped attribution.
func attributionStart(t string) bool {
	return hasAnyPrefixFold(t, attributionStarts) || strings.HasPrefix(t, "Às ") || strings.HasPrefix(t, "às ")
}

// hasAnyPrefixFold is hasAnyPrefix without regard to ASCII case; the
// prefixes must be lowercase (non-ASCII bytes compare as they are).
func hasAnyPrefixFold(s string, ps []string) bool {
	for _, p := range ps {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// isAttribution matches an attribution line, possibly wrapped: next(0) is
// the current line, next(1) and next(2) the following ones (lowercased,
// trimmed).
func isAttribution(lt string, next func(int) string) bool {
	if hasAnySuffix(lt, attributionEnds) {
		return len(lt) <= 400
	}
	if !hasAnyPrefix(lt, attributionStarts) {
		return false
	}
	joined := lt
	for k := 1; k <= 2; k++ {
		nl := next(k)
		if nl == "" {
			return false
		}
		joined += " " + nl
		if len(joined) > 400 {
			return false
		}
		if hasAnySuffix(nl, attributionEnds) {
			return strings.ContainsAny(joined, "0123456789@")
		}
	}
	return false
}

// isHeaderBlock reports whether the line i (a "From:" line) opens a block
// of mail headers: at least two of the date, recipient, subject and copy
// labels among the next six non-empty lines.
func isHeaderBlock(i, n int, line func(int) string) bool {
	seen := 0
	var sent, to, subj, cc bool
	for j, k := i+1, 0; j < n && k < 6; j++ {
		t := strings.TrimSpace(line(j))
		if t == "" {
			if seen >= 2 {
				break
			}
			continue
		}
		k++
		lt := stripStars(strings.ToLower(t))
		switch {
		case !sent && hasAnyPrefix(lt, hdrSent):
			sent = true
		case !to && hasAnyPrefix(lt, hdrTo):
			to = true
		case !subj && hasAnyPrefix(lt, hdrSubject):
			subj = true
		case !cc && hasAnyPrefix(lt, hdrCc):
			cc = true
		default:
			continue
		}
		seen++
	}
	return seen >= 2
}

// stripStars removes the "*" Gmail uses for bold around labels ("*De:*").
func stripStars(s string) string {
	if !strings.Contains(s, "*") {
		return s
	}
	s = strings.TrimLeft(s, "* ")
	if i := strings.Index(s, ":*"); i >= 0 && i < 20 {
		s = s[:i+1] + s[i+2:]
	}
	return s
}

// isRule matches a horizontal rule drawn with underscores or dashes.
func isRule(t string) bool {
	if utf8.RuneCountInString(t) < 5 {
		return false
	}
	for _, r := range t {
		if r != '_' && r != '-' && r != '—' && r != '=' {
			return false
		}
	}
	return true
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnySuffix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}
