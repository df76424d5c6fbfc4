package mail

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// docLine is one line of a message body as the Pairs extractor sees it:
// the text a reader would see, plus what the HTML said about its structure.
type docLine struct {
	text    string   // the rendered line, trimmed
	cells   []string // the cells of a table row (nil for other lines)
	header  bool     // a table row made only of <th> cells
	heading bool     // bold, a heading element, or a one-cell or spanning table row
	table   int      // table number (1-based) for rows; 0 otherwise
	blank   bool     // an empty line (paragraph break)
}

// cellData is a table cell being collected.
type cellData struct {
	box     *lineBox
	th      bool
	colspan int
}

// tableState is an open <table>.
type tableState struct {
	id    int
	row   []cellData
	inRow bool
	cell  *cellData
}

// lineBox collects lines: the document itself or the inside of a cell.
type lineBox struct {
	lines     []docLine
	cur       strings.Builder
	boldRunes int // runes of cur written inside bold or heading elements
	runes     int // non-space runes of cur
	touched   bool
}

func (b *lineBox) write(s string, bold bool) {
	if s == "" {
		return
	}
	b.cur.WriteString(s)
	// s has no white space but single spaces (see collapseSpace); count
	// the other characters by their first bytes.
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && (c < 0x80 || c >= 0xC0) {
			n++
		}
	}
	b.runes += n
	if bold {
		b.boldRunes += n
	}
}

// endLine closes the current line; blank asks for an empty line when the
// current one holds nothing (a <br> on its own, an empty paragraph).
func (b *lineBox) endLine(blank bool) {
	t := strings.TrimSpace(b.cur.String())
	switch {
	case t != "":
		heading := b.runes > 0 && b.boldRunes*10 >= b.runes*8 && utf8.RuneCountInString(t) <= 120
		b.lines = append(b.lines, docLine{text: t, heading: heading})
	case blank || b.touched:
		if n := len(b.lines); n > 0 && !b.lines[n-1].blank {
			b.lines = append(b.lines, docLine{blank: true})
		}
	}
	b.cur.Reset()
	b.boldRunes, b.runes, b.touched = 0, 0, false
}

// htmlBlock lists the elements that start and end a line.
var htmlBlock = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true, "blockquote": true,
	"pre": true, "hr": true, "address": true, "center": true, "section": true, "article": true,
	"header": true, "footer": true, "nav": true, "aside": true, "form": true, "fieldset": true,
	"figure": true, "figcaption": true, "main": true, "caption": true, "body": true, "html": true,
	"details": true, "summary": true, "legend": true,
}

// htmlSkip lists the elements whose text a reader never sees.
var htmlSkip = map[string]bool{
	"script": true, "style": true, "title": true, "template": true, "noscript": true,
	"head": true, "object": true, "iframe": true, "svg": true, "xml": true, "select": true,
}

var htmlBold = map[string]bool{
	"b": true, "strong": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
}

type listState struct {
	ordered bool
	n       int
}

// htmlLines renders HTML to lines the way a mail reader shows them: block
// elements and <br> end lines, whitespace collapses, script and style are
// dropped, and each table row becomes one line ("label: value" for two
// cells, tab-separated for more) unless its cells hold several lines (a
// layout table), in which case the cells' lines are kept in order.
//
// With noQuotes, quoted history is left out as StripQuotedHTML would
// remove it (div.gmail_quote, blockquote[type=cite], .moz-cite-prefix,
// .yahoo_quoted, and everything from #divRplyFwdMsg or #appendonsend on),
// in the same pass.
func htmlLines(src string, noQuotes bool) []docLine {
	z := html.NewTokenizer(strings.NewReader(src))
	root := &lineBox{}
	boxes := []*lineBox{root}
	var tables []*tableState
	var lists []listState
	skip := map[string]int{}
	skipping := 0
	bold, pre := 0, 0
	tableCount := 0
	top := func() *lineBox { return boxes[len(boxes)-1] }

	closeCell := func(t *tableState) {
		if t.cell == nil {
			return
		}
		t.cell.box.endLine(false)
		t.row = append(t.row, *t.cell)
		t.cell = nil
		boxes = boxes[:len(boxes)-1]
	}
	closeRow := func(t *tableState) {
		closeCell(t)
		if !t.inRow {
			return
		}
		t.inRow = false
		row := t.row
		t.row = nil
		top().endLine(false)
		emitRow(top(), t.id, row)
	}
	openCell := func(t *tableState, th bool, colspan int) {
		closeCell(t)
		if !t.inRow {
			t.inRow = true
		}
		t.cell = &cellData{box: &lineBox{}, th: th, colspan: colspan}
		boxes = append(boxes, t.cell.box)
	}

	quoteTag, quoteDepth := "", 0
	finish := func() []docLine {
		for len(tables) > 0 {
			closeRow(tables[len(tables)-1])
			tables = tables[:len(tables)-1]
		}
		for len(boxes) > 1 {
			boxes = boxes[:len(boxes)-1]
		}
		root.endLine(false)
		return trimBlankLines(root.lines)
	}

	// Limits keep a hostile message from costing more than a linear pass.
	for steps := 0; steps < 2_000_000; steps++ {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return finish()
		case html.TextToken:
			if skipping > 0 || quoteTag != "" {
				continue
			}
			raw := z.Text()
			b := top()
			if pre > 0 {
				s := normalizeNewlines(string(raw))
				for i, part := range strings.Split(s, "\n") {
					if i > 0 {
						b.endLine(true)
					}
					b.write(strings.ReplaceAll(part, "\u00a0", " "), bold > 0)
				}
				continue
			}
			s := collapseSpace(string(raw))
			if bytes.Contains(raw, []byte("\u00a0")) {
				b.touched = true
			}
			if s == " " && (b.cur.Len() == 0 || strings.HasSuffix(b.cur.String(), " ")) {
				continue
			}
			if b.cur.Len() == 0 || strings.HasSuffix(b.cur.String(), " ") {
				s = strings.TrimLeft(s, " ")
			}
			b.write(s, bold > 0)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			nameB, hasAttr := z.TagName()
			name := string(nameB)
			end := tt == html.EndTagToken
			selfClose := tt == html.SelfClosingTagToken
			if quoteTag != "" {
				if name == quoteTag && !selfClose {
					if end {
						if quoteDepth--; quoteDepth == 0 {
							quoteTag = ""
						}
					} else {
						quoteDepth++
					}
				}
				continue
			}
			if noQuotes && hasAttr && !end && !selfClose && (name == "div" || name == "blockquote") {
				var id, class, typ string
				for {
					k, v, more := z.TagAttr()
					switch string(k) {
					case "id":
						id = strings.ToLower(string(v))
					case "class":
						class = " " + strings.ToLower(string(v)) + " "
					case "type":
						typ = strings.ToLower(string(v))
					}
					if !more {
						break
					}
				}
				switch {
				case strings.HasPrefix(id, "divrplyfwdmsg") || id == "appendonsend":
					return finish()
				case strings.Contains(class, " gmail_quote ") || strings.Contains(class, " gmail_quote_container ") ||
					strings.Contains(class, " moz-cite-prefix ") || strings.Contains(class, " yahoo_quoted ") ||
					strings.Contains(class, " gmail_extra ") || (name == "blockquote" && typ == "cite"):
					quoteTag, quoteDepth = name, 1
					continue
				}
				hasAttr = false
			}
			if htmlSkip[name] {
				if selfClose {
					continue
				}
				if end {
					if skip[name] > 0 {
						skip[name]--
						skipping--
					}
				} else if name != "head" || skip[name] == 0 {
					skip[name]++
					skipping++
				}
				continue
			}
			if name == "body" && !end && skip["head"] > 0 {
				skipping -= skip["head"]
				skip["head"] = 0
			}
			if skipping > 0 {
				continue
			}
			colspanAttr := ""
			if hasAttr && !end && (name == "td" || name == "th") {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "colspan" {
						colspanAttr = string(v)
					}
					if !more {
						break
					}
				}
			}
			switch name {
			case "br":
				top().endLine(true)
				continue
			case "table":
				if end {
					if len(tables) > 0 {
						closeRow(tables[len(tables)-1])
						tables = tables[:len(tables)-1]
					}
				} else if len(tables) < 50 {
					top().endLine(false)
					tableCount++
					tables = append(tables, &tableState{id: tableCount})
				}
				continue
			case "tr":
				if len(tables) > 0 {
					closeRow(tables[len(tables)-1])
					if !end {
						tables[len(tables)-1].inRow = true
					}
				}
				continue
			case "td", "th":
				if len(tables) == 0 {
					top().endLine(false)
					continue
				}
				t := tables[len(tables)-1]
				if end {
					closeCell(t)
				} else {
					colspan := 1
					if n, err := strconv.Atoi(strings.TrimSpace(colspanAttr)); err == nil && n > 1 {
						colspan = n
					}
					openCell(t, name == "th", colspan)
				}
				continue
			case "ul", "ol":
				top().endLine(false)
				if end {
					if len(lists) > 0 {
						lists = lists[:len(lists)-1]
					}
				} else {
					lists = append(lists, listState{ordered: name == "ol"})
				}
				continue
			case "li":
				top().endLine(false)
				if !end {
					prefix := "- "
					if n := len(lists); n > 0 && lists[n-1].ordered {
						lists[n-1].n++
						prefix = strconv.Itoa(lists[n-1].n) + ". "
					}
					top().write(prefix, false)
					// The bullet is not text: do not let it weaken a bold item.
					top().runes--
				}
				continue
			case "pre":
				if end {
					if pre > 0 {
						pre--
					}
				} else {
					pre++
				}
			case "img":
				continue
			}
			if htmlBold[name] {
				if end {
					if bold > 0 {
						bold--
					}
				} else if !selfClose {
					bold++
				}
			}
			if htmlBlock[name] {
				top().endLine(name == "p" && end && top().touched)
			}
		}
	}
	return finish()
}

// emitRow writes a finished table row into box.
func emitRow(box *lineBox, table int, row []cellData) {
	layout := false
	texts := make([]string, len(row))
	nonEmpty := 0
	allTH := len(row) > 0
	spanning := false
	headingCell := false
	for i, c := range row {
		var parts []string
		for _, l := range c.box.lines {
			if l.blank {
				continue
			}
			if l.cells != nil {
				layout = true
			}
			parts = append(parts, l.text)
			headingCell = headingCell || l.heading || c.th
		}
		if len(parts) > 1 {
			layout = true
		}
		texts[i] = strings.Join(parts, " ")
		if texts[i] != "" {
			nonEmpty++
		}
		allTH = allTH && c.th
		spanning = spanning || c.colspan > 1
	}
	if nonEmpty == 0 {
		return
	}
	if layout {
		for _, c := range row {
			for _, l := range c.box.lines {
				if l.blank {
					if n := len(box.lines); n > 0 && !box.lines[n-1].blank {
						box.lines = append(box.lines, l)
					}
					continue
				}
				box.lines = append(box.lines, l)
			}
		}
		return
	}
	// Trailing empty cells carry no column.
	for len(texts) > 1 && texts[len(texts)-1] == "" {
		texts = texts[:len(texts)-1]
	}
	line := docLine{cells: texts, table: table, header: allTH}
	switch {
	case nonEmpty == 1:
		for _, t := range texts {
			if t != "" {
				line.text = t
			}
		}
		line.heading = allTH || spanning || headingCell
	case len(texts) == 2:
		a, b := texts[0], texts[1]
		switch {
		case a == "":
			line.text = b
		case strings.HasSuffix(a, ":"):
			line.text = a + " " + b
		default:
			line.text = a + ": " + b
		}
	default:
		line.text = strings.Join(texts, "\t")
	}
	box.lines = append(box.lines, line)
}

// collapseSpace turns each run of white space (non-breaking and
// zero-width spaces included) into one space.
func collapseSpace(s string) string {
	// Most text tokens need no change: check before building.
	clean := true
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			// Lead bytes of the non-ASCII spaces (U+0085, U+00A0, U+1680,
			// U+2000–U+205F, U+3000); accented letters pass.
			if c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 {
				clean = false
				break
			}
			prevSpace = false
			continue
		}
		sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
		if sp && (c != ' ' || prevSpace) {
			clean = false
			break
		}
		prevSpace = sp
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		r, size := rune(c), 1
		if c >= 0x80 {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' ||
			(r >= 0x80 && (unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b')) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		if size == 1 {
			b.WriteByte(c)
		} else {
			b.WriteString(s[i-size : i])
		}
	}
	return b.String()
}

func trimBlankLines(lines []docLine) []docLine {
	for len(lines) > 0 && lines[0].blank {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1].blank {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// htmlToText renders HTML as plain text (see htmlLines).
func htmlToText(src string, noQuotes bool) string {
	lines := htmlLines(src, noQuotes)
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}
