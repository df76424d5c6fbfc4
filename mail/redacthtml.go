package mail

import (
	"strings"

	"golang.org/x/net/html"
)

// redactHTML applies RedactPasswords to the text of an HTML document and
// to its link and form attributes, and redacts the value that follows a
// password label in the next text node (a table cell, a bold label then
// plain text). Markup that needs no change is kept byte for byte.
func redactHTML(src string) (string, bool) {
	if src == "" || !mayHavePassword(src) {
		return src, false
	}
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	b.Grow(len(src) + 64)
	changed := false
	pending, pendingColon := false, false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := string(z.Raw())
		switch tt {
		case html.TextToken:
			text := string(z.Text())
			t := strings.TrimSpace(text)
			if t == "" {
				b.WriteString(raw)
				continue
			}
			if pending {
				pending = false
				if isBareValue(t, pendingColon) {
					i := strings.Index(text, t)
					b.WriteString(html.EscapeString(text[:i] + Redacted + text[i+len(t):]))
					changed = true
					continue
				}
			}
			if nt, ch := RedactPasswords(text); ch {
				b.WriteString(html.EscapeString(nt))
				changed = true
				continue
			}
			if colon, ok := labelOnlyLine(t); ok {
				pending, pendingColon = true, colon
			}
			b.WriteString(raw)
		case html.StartTagToken, html.SelfClosingTagToken:
			if !mayHavePassword(raw) {
				b.WriteString(raw)
				continue
			}
			tok := z.Token()
			tchanged := false
			for i, a := range tok.Attr {
				switch a.Key {
				case "href", "src", "value", "action", "title", "alt", "data":
					if nv, ch := RedactPasswords(a.Val); ch {
						tok.Attr[i].Val = nv
						tchanged = true
					}
				}
			}
			if tchanged {
				b.WriteString(tok.String())
				changed = true
			} else {
				b.WriteString(raw)
			}
		default:
			b.WriteString(raw)
		}
	}
	if !changed {
		return src, false
	}
	return b.String(), true
}
