package mail

import (
	"strings"
)

// forwardPhrases are the separators that always introduce a forwarded
// message, lowercased, without the dashes around them.
var forwardPhrases = []string{
	"forwarded message", "mensagem encaminhada", "mensagem reencaminhada", "mensaje reenviado",
	"message transféré", "message transfere", "weitergeleitete nachricht", "begin forwarded message",
	"início da mensagem reencaminhada", "inicio da mensagem reencaminhada", "início da mensagem encaminhada",
	"inicio da mensagem encaminhada", "inicio del mensaje reenviado", "comienzo del mensaje reenviado",
	"original message follows",
}

// originalPhrases introduce either a forward or a reply (Outlook plain
// text uses them for both).
var originalPhrases = []string{
	"original message", "mensagem original", "mensaje original", "message d'origine", "ursprüngliche nachricht",
}

// forwardPrefixes are the subject prefixes of forwards, folded.
var forwardPrefixes = map[string]bool{"fw": true, "fwd": true, "enc": true, "tr": true, "rv": true, "wg": true, "i": true, "vs": true, "doorst": true}

// subjectIsForward reports whether a subject's prefixes say it is a forward.
func subjectIsForward(subject string) bool {
	s := foldText(subject)
	for k := 0; k < 10; k++ {
		t := strings.TrimLeft(s, " \t*")
		i := 0
		for i < len(t) && t[i] >= 'a' && t[i] <= 'z' {
			i++
		}
		if i > 0 && forwardPrefixes[t[:i]] && strings.HasPrefix(strings.TrimLeft(t[i:], " "), ":") {
			return true
		}
		n := stripOnePrefix(s)
		if n == s {
			return false
		}
		s = n
	}
	return false
}

func phraseLine(lt string, phrases []string) bool {
	core := strings.Trim(lt, "-_=*: \t")
	if core == "" || len(core) > 60 {
		return false
	}
	for _, p := range phrases {
		if core == p {
			return true
		}
	}
	return false
}

// inlineForward finds a message forwarded inline in text: after a
// forwarded-message separator, or after an "original message" separator
// or an Outlook header block when the subject says it is a forward. It
// returns nil when there is none or its header names no sender and no
// subject.
func inlineForward(text, subject string, depth int) *Message {
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	fwdSubject := -1 // computed lazily
	isFwd := func() bool {
		if fwdSubject < 0 {
			fwdSubject = 0
			if subjectIsForward(subject) {
				fwdSubject = 1
			}
		}
		return fwdSubject == 1
	}
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || len(t) > 200 || t[0] == '>' {
			continue
		}
		if strings.IndexByte("-_=*", t[0]) < 0 && t[len(t)-1] != ':' && t[len(t)-1] != '-' &&
			!hasAnyPrefixFold(stripStars(t), hdrFrom) {
			continue
		}
		lt := strings.ToLower(t)
		start := -1
		switch {
		case phraseLine(lt, forwardPhrases):
			start = i + 1
		case phraseLine(lt, originalPhrases) && isFwd():
			start = i + 1
		case hasAnyPrefix(stripStars(lt), hdrFrom) && isFwd() &&
			isHeaderBlock(i, len(lines), func(k int) string { return lines[k] }):
			start = i
		}
		if start < 0 {
			continue
		}
		if fw := readForwardBlock(lines, start); fw != nil {
			fw.Reply = StripQuoted(fw.Text)
			if depth < maxForwardDepth {
				fw.Forwarded = inlineForward(fw.Text, fw.Subject, depth+1)
			}
			return fw
		}
	}
	return nil
}

// readForwardBlock reads the header lines of an inline forward starting
// at line i, and the text after them.
func readForwardBlock(lines []string, i int) *Message {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	fw := &Message{}
	found := false
	var last *[]Address
loop:
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			i++
			break
		}
		lt := stripStars(strings.ToLower(t))
		_, value, ok := strings.Cut(stripStars(t), ":")
		if !ok {
			// An address list wrapped onto the next line.
			if last != nil && strings.Contains(t, "@") {
				*last = append(*last, parseAddresses(cleanForwardAddr(t))...)
				continue
			}
			break
		}
		value = strings.TrimSpace(strings.Trim(strings.TrimSpace(value), "*"))
		last = nil
		switch {
		case hasAnyPrefix(lt, hdrFrom):
			if as := parseAddresses(cleanForwardAddr(value)); len(as) > 0 {
				fw.From = as[0]
			} else if value != "" {
				fw.From = Address{Name: strings.Trim(value, `"' `)}
			}
			found = true
		case hasAnyPrefix(lt, hdrSubject):
			fw.Subject = value
			found = true
		case hasAnyPrefix(lt, hdrSent):
			if d, ok := parseDate(value); ok {
				fw.Date = d
			}
		case hasAnyPrefix(lt, hdrTo):
			fw.To = parseAddresses(cleanForwardAddr(value))
			last = &fw.To
		case hasAnyPrefix(lt, hdrCc):
			fw.Cc = parseAddresses(cleanForwardAddr(value))
			last = &fw.Cc
		case strings.HasPrefix(lt, "reply-to:") || strings.HasPrefix(lt, "responder a:") || strings.HasPrefix(lt, "importância:") || strings.HasPrefix(lt, "importance:"):
		default:
			if !found {
				return nil
			}
			// The header block ended without a blank line.
			break loop
		}
	}
	if !found {
		return nil
	}
	if i > len(lines) {
		i = len(lines)
	}
	fw.Text = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	return fw
}

// cleanForwardAddr turns the address forms of quoted headers into ones the
// address parser reads: Outlook's "Name [mailto:a@b]", Gmail's bold
// "*Name* <a@b>".
func cleanForwardAddr(v string) string {
	v = strings.ReplaceAll(v, "[mailto:", "<")
	v = strings.ReplaceAll(v, "mailto:", "")
	if strings.Contains(v, "<") {
		v = strings.ReplaceAll(v, "]", ">")
	}
	v = strings.ReplaceAll(v, "*", "")
	return strings.ReplaceAll(v, ";", ",")
}
