package mail

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// mailPolicy is the bluemonday policy for mail HTML, built once; a built
// policy is safe for concurrent use.
var mailPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins",
		"sub", "sup", "small", "big", "mark", "blockquote", "pre", "code", "kbd", "samp", "tt", "hr",
		"h1", "h2", "h3", "h4", "h5", "h6", "center", "font", "abbr", "cite", "q", "address")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|right|center|justify)$`)).OnElements("p", "div", "td", "th", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("valign").Matching(regexp.MustCompile(`(?i)^(top|middle|bottom|baseline)$`)).OnElements("td", "th", "tr")
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("src").Matching(regexp.MustCompile(`(?i)^cid:[^\s"'<>]+$`)).OnElements("img")
	p.AllowAttrs("alt", "width", "height").OnElements("img")
	return p
})

// SanitizeHTML makes mail HTML safe to show: only formatting, lists, links
// and tables are kept (no style, script, forms, frames or event handlers);
// links get rel="nofollow noopener" and open in a new tab; images keep
// their src only when it is a cid: reference, rewritten through cidURL to
// the desk's own attachment URL (a remote image, such as a tracking pixel,
// is dropped; so is a cid image for which cidURL returns "" or a URL other
// than http(s) or a path). cidURL receives the Content-ID without "cid:"
// or angle brackets and may be nil, which drops all images. Show the
// result in a sandboxed frame with a restrictive CSP as a second layer.
func SanitizeHTML(src string, cidURL func(contentID string) string) string {
	clean := mailPolicy().Sanitize(src)
	if !strings.Contains(clean, "<img") && !strings.Contains(clean, "cid:") {
		return clean
	}
	return rewriteCID(clean, cidURL)
}

// rewriteCID rewrites cid: references in sanitised HTML.
func rewriteCID(src string, cidURL func(string) string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	b.Grow(len(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		raw := string(z.Raw())
		if !strings.Contains(raw, "cid:") && !strings.HasPrefix(raw, "<img") {
			b.WriteString(raw)
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "img":
			src := ""
			attrs := tok.Attr[:0]
			for _, a := range tok.Attr {
				if a.Key == "src" {
					src = a.Val
					continue
				}
				attrs = append(attrs, a)
			}
			u := resolveCID(src, cidURL)
			if u == "" {
				continue // the image goes; its alt text is not worth a broken box
			}
			tok.Attr = append(attrs, html.Attribute{Key: "src", Val: u})
			b.WriteString(tok.String())
		case "a":
			for i, a := range tok.Attr {
				if a.Key == "href" && strings.HasPrefix(strings.ToLower(a.Val), "cid:") {
					tok.Attr[i].Val = resolveCID(a.Val, cidURL)
				}
			}
			b.WriteString(tok.String())
		default:
			b.WriteString(raw)
		}
	}
}

// resolveCID maps a cid: URL through cidURL and accepts only http(s) URLs
// or absolute paths as the result.
func resolveCID(src string, cidURL func(string) string) string {
	if cidURL == nil || len(src) < 5 || !strings.EqualFold(src[:4], "cid:") {
		return ""
	}
	id := strings.Trim(src[4:], "<> ")
	if un, err := url.PathUnescape(id); err == nil {
		id = un
	}
	if id == "" {
		return ""
	}
	u := strings.TrimSpace(cidURL(id))
	if u == "" {
		return ""
	}
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	switch strings.ToLower(pu.Scheme) {
	case "http", "https":
		return u
	case "":
		if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
			return u
		}
	}
	return ""
}
