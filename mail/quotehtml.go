package mail

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// StripQuotedHTML removes the quoted history from an HTML reply: Gmail's
// div.gmail_quote, blockquote[type=cite], Outlook on the web's
// #divRplyFwdMsg and #appendonsend (each with everything that follows it),
// Outlook desktop's header box (a div with a top border whose text starts
// with "De:" or "From:", and what follows), Thunderbird's .moz-cite-prefix,
// Yahoo's .yahoo_quoted, and anything from a ReplyMarkers line on. It
// returns a complete HTML document; input that cannot be parsed is
// returned unchanged. The result is not sanitised (see SanitizeHTML).
func StripQuotedHTML(src string) string {
	if !mayHaveHTMLQuote(src) {
		return src
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return src
	}
	if !stripQuotedNodes(doc) {
		return src
	}
	var b strings.Builder
	if err := html.Render(&b, doc); err != nil {
		return src
	}
	return b.String()
}

// stripQuotedNodes edits doc in place and reports whether it changed it.
func stripQuotedNodes(doc *html.Node) bool {
	type cut struct {
		n         *html.Node
		andFollow bool
	}
	var cuts []cut
	var walk func(n *html.Node) bool
	// walk returns true once a "remove what follows" cut was recorded: the
	// rest of the document goes anyway.
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			id := strings.ToLower(attr(n, "id"))
			class := " " + strings.ToLower(attr(n, "class")) + " "
			switch {
			case id == "divrplyfwdmsg" || id == "appendonsend" || strings.HasPrefix(id, "divrplyfwdmsg"):
				cuts = append(cuts, cut{n, true})
				return true
			case n.DataAtom == atom.Div && isOutlookHeaderBox(n):
				cuts = append(cuts, cut{n, true})
				return true
			case strings.Contains(class, " gmail_quote ") || strings.Contains(class, " gmail_quote_container ") ||
				strings.Contains(class, " moz-cite-prefix ") || strings.Contains(class, " yahoo_quoted ") ||
				strings.Contains(class, " gmail_extra "):
				cuts = append(cuts, cut{n, false})
				return false
			case n.DataAtom == atom.Blockquote && strings.EqualFold(attr(n, "type"), "cite"):
				cuts = append(cuts, cut{n, false})
				return false
			}
		}
		if n.Type == html.TextNode && isMarkerLine(strings.ToLower(n.Data)) {
			target := n
			if n.Parent != nil && n.Parent.Type == html.ElementNode && n.Parent.DataAtom != atom.Body {
				target = n.Parent
			}
			cuts = append(cuts, cut{target, true})
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	if len(cuts) == 0 {
		return false
	}
	for _, c := range cuts {
		if c.andFollow {
			removeFollowing(c.n)
		}
		if c.n.Parent != nil {
			c.n.Parent.RemoveChild(c.n)
		}
	}
	return true
}

// removeFollowing removes every node after n in document order, except
// n's ancestors (and n itself, which the caller removes).
func removeFollowing(n *html.Node) {
	for cur := n; cur != nil && cur.Parent != nil; cur = cur.Parent {
		if cur.Parent.DataAtom == atom.Html {
			break
		}
		for s := cur.NextSibling; s != nil; {
			next := s.NextSibling
			cur.Parent.RemoveChild(s)
			s = next
		}
		if cur.Parent.DataAtom == atom.Body {
			break
		}
	}
}

// isOutlookHeaderBox matches the div Outlook desktop draws above quoted
// mail: a top border in its style and text beginning with a From label.
func isOutlookHeaderBox(n *html.Node) bool {
	style := strings.ToLower(attr(n, "style"))
	if !strings.Contains(style, "border-top:solid") && !strings.Contains(style, "border-top: solid") {
		return false
	}
	t := strings.ToLower(strings.TrimSpace(collapseSpace(nodeText(n, 200))))
	return hasAnyPrefix(t, hdrFrom)
}

// nodeText returns up to max bytes of the text inside n.
func nodeText(n *html.Node, max int) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if b.Len() >= max {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// htmlQuoteHints are substrings (lowercase ASCII) that every quote
// StripQuotedHTML removes carries; HTML without any is left unparsed.
var htmlQuoteHints = []string{
	"gmail_quote", "cite", "divrplyfwdmsg", "appendonsend", "yahoo_quoted", "gmail_extra",
	"border-top", "desta linha", "this line", "esta l",
}

func mayHaveHTMLQuote(s string) bool {
	for _, h := range htmlQuoteHints {
		if indexFoldASCII(s, h) >= 0 {
			return true
		}
	}
	return false
}

// indexFoldASCII finds needle (lowercase ASCII) in s without regard to
// ASCII case, in one pass per case of the first letter.
func indexFoldASCII(s, needle string) int {
	c := needle[0]
	upper := c
	if c >= 'a' && c <= 'z' {
		upper = c - 32
	}
	// next returns the next index >= from holding b, or len(s).
	next := func(b byte, from int) int {
		if from >= len(s) {
			return len(s)
		}
		if j := strings.IndexByte(s[from:], b); j >= 0 {
			return from + j
		}
		return len(s)
	}
	lo, up := next(c, 0), len(s)
	if upper != c {
		up = next(upper, 0)
	}
	for {
		i := min(lo, up)
		if i+len(needle) > len(s) {
			return -1
		}
		if hasPrefixFoldASCII(s[i:], needle) {
			return i
		}
		if i == lo {
			lo = next(c, i+1)
		} else {
			up = next(upper, i+1)
		}
	}
}
