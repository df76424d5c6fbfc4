// Package charts draws accessible bar charts as SVG on the server, with no
// script, and gives the same numbers as a table to show beside each chart
// for people who cannot see it.
//
// The SVG has role="img", a <title> and a <desc> it is labelled by
// (aria-labelledby), axis names and tick labels, and a <title> on every bar
// segment (a tooltip). Series are told apart by colour, by a fill pattern
// and by a legend with the series' names, so colour is never the only cue;
// every colour has a contrast of at least 4.5:1 against white (WCAG 2.1
// AA). The output is deterministic: the same chart gives the same bytes.
//
// Labels arrive already translated; numbers are written the way the
// chart's language writes them (FormatNumber).
package charts

import (
	"encoding/xml"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one stacked part of every bar: a name and a value per
// category (missing values count as 0).
type Series struct {
	Name   string
	Values []float64
}

// Chart is a bar chart: one bar per category, the series stacked in it.
// Values are counts or amounts from 0 up; negative, NaN and infinite
// values are drawn as 0.
type Chart struct {
	// ID makes the chart's element ids unique in a page (letters, digits,
	// '-' and '_'; anything else is dropped); "chart" when empty.
	ID string
	// Title names the chart; Desc sums it up in a sentence or two.
	Title, Desc string
	Categories  []string
	Series      []Series
	// CategoryLabel names the categories (an axis, the first column of
	// the table); ValueLabel names the values' axis.
	CategoryLabel, ValueLabel string
	// TotalLabel heads the table's column of totals; no such column when
	// empty.
	TotalLabel string
	// Lang is the language numbers are written in (pt-PT, pt-BR, en, es).
	Lang string
	// Decimals is how many decimals values are written with.
	Decimals int
	// Horizontal draws the bars from left to right, one row per category
	// (for few categories with long names, such as age buckets).
	Horizontal bool
	// Width and Height are the drawing's size in pixels; the defaults are
	// 640 by 320. A horizontal chart's height follows its categories.
	Width, Height int
}

// Palette holds the series' colours, each at least 4.5:1 against white.
var Palette = []string{"#1F4E79", "#B04A00", "#2E6B30", "#7B2D8E", "#A4262C", "#00656B", "#5C4033", "#4A4A4A"}

const (
	textColour = "#1A1A1A"
	gridColour = "#D0D0D0" // decorative: the values are in the labels and the table
	axisColour = "#595959"
	fontSize   = 12
	charWidth  = 7.0 // an estimate of a character's width at fontSize
	legendRow  = 20
	maxValue   = 1e300 // larger values are drawn as this, so sums stay finite
)

// SVG returns the chart as an SVG element, to be written into a page.
func (c *Chart) SVG() template.HTML { return template.HTML(c.Render()) }

// Render returns the chart as SVG text.
func (c *Chart) Render() string {
	d := c.layout()
	var b strings.Builder
	d.b = &b
	d.draw()
	return b.String()
}

// value returns series s's value for category i, drawn as 0 when it is
// negative, NaN or infinite.
func (c *Chart) value(s, i int) float64 {
	if i >= len(c.Series[s].Values) {
		return 0
	}
	v := c.Series[s].Values[i]
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return min(v, maxValue)
}

func (c *Chart) total(i int) float64 {
	t := 0.0
	for s := range c.Series {
		t += c.value(s, i)
	}
	return t
}

func (c *Chart) id() string {
	var b strings.Builder
	for _, r := range c.ID {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || b.String()[0] < 'A' {
		return "chart" + b.String()
	}
	return b.String()
}

func (c *Chart) num(v float64) string { return FormatNumber(v, c.Decimals, c.Lang) }

// drawing holds a chart's layout while it is written.
type drawing struct {
	c             *Chart
	b             *strings.Builder
	id            string
	w, h          float64
	px, py        float64 // the plot area's top left corner
	pw, ph        float64 // and size
	top, step     float64 // the value axis runs from 0 to top in steps
	legend        []legendItem
	catLabelWidth float64
}

type legendItem struct {
	x, y float64
	name string
}

func (c *Chart) layout() *drawing {
	d := &drawing{c: c, id: c.id(), w: float64(c.Width), h: float64(c.Height)}
	if c.Width <= 0 {
		d.w = 640
	}
	d.w = min(max(d.w, 160), 4000)
	if d.h <= 0 {
		d.h = 320
	}
	d.h = min(max(d.h, 120), 4000)
	maxTotal := 0.0
	for i := range c.Categories {
		maxTotal = max(maxTotal, c.total(i))
	}
	d.top, d.step = niceScale(maxTotal, c.Decimals)

	// The legend, on rows above the plot.
	x, y := 0.0, float64(legendRow)/2+2
	for _, s := range c.Series {
		name := truncate(s.Name, int((d.w-24)/charWidth))
		wd := 18 + charWidth*float64(utf8.RuneCountInString(name)) + 16
		if x > 0 && x+wd > d.w {
			x, y = 0, y+legendRow
		}
		d.legend = append(d.legend, legendItem{x: x, y: y, name: name})
		x += wd
	}
	legendHeight := 0.0
	if len(c.Series) > 0 {
		legendHeight = y + legendRow/2 + 6
	}

	tickWidth := 0.0
	for _, v := range d.ticks() {
		tickWidth = max(tickWidth, charWidth*float64(utf8.RuneCountInString(c.num(v))))
	}
	if c.Horizontal {
		longest := 0
		for _, cat := range c.Categories {
			longest = max(longest, utf8.RuneCountInString(cat))
		}
		d.catLabelWidth = min(charWidth*float64(longest)+8, d.w*0.4)
		d.px = d.catLabelWidth + 8
		d.py = legendHeight + 4
		d.pw = d.w - d.px - min(tickWidth, d.w*0.2)/2 - 48 // room for the value at a bar's end
		band := 28.0
		d.ph = band * float64(max(len(c.Categories), 1))
		d.h = d.py + d.ph + 20 + 22
	} else {
		d.px = min(tickWidth, d.w*0.3) + 8 + 20
		d.py = legendHeight + 16
		d.pw = d.w - d.px - 8
		d.ph = d.h - d.py - 20 - 22
		if d.ph < 40 {
			d.h += 40 - d.ph
			d.ph = 40
		}
	}
	d.pw = max(d.pw, 40)
	return d
}

// ticks returns the values of the value axis's ticks.
func (d *drawing) ticks() []float64 {
	var out []float64
	for k := 0; k <= 20; k++ {
		v := float64(k) * d.step
		if v > d.top*(1+1e-9) || d.step <= 0 {
			break
		}
		out = append(out, v)
	}
	return out
}

// niceScale returns the top of the value axis and the step between ticks:
// a round step (1, 2 or 5 times a power of ten) giving about five ticks;
// whole steps when values have no decimals.
func niceScale(maxv float64, decimals int) (top, step float64) {
	if maxv <= 0 || math.IsNaN(maxv) {
		return 1, 1
	}
	raw := maxv / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if minStep := math.Pow(10, -float64(min(max(decimals, 0), 6))); step < minStep {
		step = minStep
	}
	top = math.Ceil(maxv/step) * step
	if math.IsInf(top, 0) || top <= 0 {
		return maxv, maxv
	}
	return top, step
}

// truncate shortens s to at most n characters, ending with "…".
func truncate(s string, n int) string {
	if n < 1 {
		n = 1
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}

func f(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

func (d *drawing) s(parts ...string) {
	for _, p := range parts {
		d.b.WriteString(p)
	}
}

// text writes character data, escaped, with characters XML forbids
// replaced.
func (d *drawing) text(s string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	_ = xml.EscapeText(d.b, []byte(s))
}

func (d *drawing) attr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(strings.ToValidUTF8(s, "\uFFFD")))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

func (d *drawing) draw() {
	c := d.c
	d.s(`<svg xmlns="http://www.w3.org/2000/svg" role="img" width="`, f(d.w), `" height="`, f(d.h),
		`" viewBox="0 0 `, f(d.w), ` `, f(d.h), `" aria-labelledby="`, d.id, `-title `, d.id, `-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="`, strconv.Itoa(fontSize), `">`)
	d.s(`<title id="`, d.id, `-title">`)
	d.text(c.Title)
	d.s(`</title><desc id="`, d.id, `-desc">`)
	d.text(c.Desc)
	d.s(`</desc>`)
	d.patterns()
	d.drawLegend()
	d.axes()
	d.bars()
	d.s(`</svg>`)
}

// patterns defines one fill per series: its colour, and from the second
// series on, white lines or dots over it.
func (d *drawing) patterns() {
	if len(d.c.Series) == 0 {
		return
	}
	d.s(`<defs>`)
	for i := range d.c.Series {
		colour := Palette[i%len(Palette)]
		d.s(`<pattern id="`, d.id, `-p`, strconv.Itoa(i), `" patternUnits="userSpaceOnUse" width="8" height="8">`,
			`<rect width="8" height="8" fill="`, colour, `"/>`)
		switch (i + i/len(Palette)) % len(Palette) {
		case 1: // diagonal lines
			d.s(`<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#FFFFFF" stroke-width="1.5"/>`)
		case 2: // dots
			d.s(`<circle cx="4" cy="4" r="1.6" fill="#FFFFFF"/>`)
		case 3: // horizontal lines
			d.s(`<path d="M0,4 h8" stroke="#FFFFFF" stroke-width="1.5"/>`)
		case 4: // crosshatch
			d.s(`<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#FFFFFF" stroke-width="1"/>`)
		case 5: // vertical lines
			d.s(`<path d="M4,0 v8" stroke="#FFFFFF" stroke-width="1.5"/>`)
		case 6: // diagonal lines the other way
			d.s(`<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#FFFFFF" stroke-width="1.5"/>`)
		case 7: // grid
			d.s(`<path d="M0,4 h8 M4,0 v8" stroke="#FFFFFF" stroke-width="1"/>`)
		}
		d.s(`</pattern>`)
	}
	d.s(`</defs>`)
}

func (d *drawing) fill(i int) string { return `url(#` + d.id + `-p` + strconv.Itoa(i) + `)` }

func (d *drawing) drawLegend() {
	if len(d.legend) == 0 {
		return
	}
	d.s(`<g aria-hidden="true">`)
	for i, it := range d.legend {
		d.s(`<rect x="`, f(it.x), `" y="`, f(it.y-7), `" width="14" height="14" fill="`, d.fill(i), `" stroke="`, textColour, `" stroke-width="0.5"/>`)
		d.s(`<text x="`, f(it.x+18), `" y="`, f(it.y+4), `" fill="`, textColour, `">`)
		d.text(it.name)
		d.s(`</text>`)
	}
	d.s(`</g>`)
}

// scale maps a value to a length along the value axis.
func (d *drawing) scale(v, length float64) float64 {
	if d.top <= 0 {
		return 0
	}
	return min(v/d.top, 1) * length
}

func (d *drawing) axes() {
	c := d.c
	d.s(`<g aria-hidden="true">`)
	// Grid lines and tick labels of the value axis.
	for _, v := range d.ticks() {
		label := truncate(c.num(v), int(max(d.px-28, charWidth)/charWidth))
		if c.Horizontal {
			x := d.px + d.scale(v, d.pw)
			d.s(`<line x1="`, f(x), `" y1="`, f(d.py), `" x2="`, f(x), `" y2="`, f(d.py+d.ph), `" stroke="`, gridColour, `"/>`)
			d.s(`<text x="`, f(x), `" y="`, f(d.py+d.ph+16), `" text-anchor="middle" fill="`, textColour, `">`)
		} else {
			y := d.py + d.ph - d.scale(v, d.ph)
			d.s(`<line x1="`, f(d.px), `" y1="`, f(y), `" x2="`, f(d.px+d.pw), `" y2="`, f(y), `" stroke="`, gridColour, `"/>`)
			d.s(`<text x="`, f(d.px-6), `" y="`, f(y+4), `" text-anchor="end" fill="`, textColour, `">`)
		}
		d.text(label)
		d.s(`</text>`)
	}
	// The axes and their names.
	d.s(`<path d="M`, f(d.px), `,`, f(d.py), ` V`, f(d.py+d.ph), ` H`, f(d.px+d.pw), `" fill="none" stroke="`, axisColour, `"/>`)
	valueName, catName := c.ValueLabel, c.CategoryLabel
	if c.Horizontal {
		d.s(`<text x="`, f(d.px+d.pw/2), `" y="`, f(d.py+d.ph+36), `" text-anchor="middle" fill="`, textColour, `">`)
		d.text(truncate(valueName, int(d.pw/charWidth)))
		d.s(`</text>`)
	} else {
		d.s(`<text transform="translate(12,`, f(d.py+d.ph/2), `) rotate(-90)" text-anchor="middle" fill="`, textColour, `">`)
		d.text(truncate(valueName, int(d.ph/charWidth)))
		d.s(`</text><text x="`, f(d.px+d.pw/2), `" y="`, f(d.py+d.ph+38), `" text-anchor="middle" fill="`, textColour, `">`)
		d.text(truncate(catName, int(d.pw/charWidth)))
		d.s(`</text>`)
	}
	d.s(`</g>`)
}

func (d *drawing) bars() {
	c := d.c
	n := len(c.Categories)
	if n == 0 {
		return
	}
	if c.Horizontal {
		band := d.ph / float64(n)
		for i, cat := range c.Categories {
			y := d.py + band*float64(i)
			d.s(`<text x="`, f(d.px-8), `" y="`, f(y+band/2+4), `" text-anchor="end" fill="`, textColour, `" aria-hidden="true">`)
			d.text(truncate(cat, int(d.catLabelWidth/charWidth)))
			d.s(`</text>`)
			x := d.px
			for s := range c.Series {
				v := c.value(s, i)
				wd := d.scale(v, d.pw)
				if wd > 0 {
					d.segment(x, y+band*0.18, wd, band*0.64, s, i, v)
				}
				x += wd
			}
			d.s(`<text x="`, f(x+4), `" y="`, f(y+band/2+4), `" fill="`, textColour, `" aria-hidden="true">`)
			d.text(c.num(c.total(i)))
			d.s(`</text>`)
		}
		return
	}
	band := d.pw / float64(n)
	barWidth := max(band*0.7, 1)
	// Category labels: as many as fit without overlapping.
	longest := 0.0
	for _, cat := range c.Categories {
		longest = max(longest, charWidth*float64(min(utf8.RuneCountInString(cat), 12)))
	}
	every := max(int(math.Ceil((longest+6)/band)), 1)
	showTotals := band >= charWidth*float64(utf8.RuneCountInString(c.num(d.top)))+2
	for i, cat := range c.Categories {
		x := d.px + band*float64(i) + (band-barWidth)/2
		y := d.py + d.ph
		for s := range c.Series {
			v := c.value(s, i)
			ht := d.scale(v, d.ph)
			if ht > 0 {
				d.segment(x, y-ht, barWidth, ht, s, i, v)
			}
			y -= ht
		}
		if showTotals {
			d.s(`<text x="`, f(x+barWidth/2), `" y="`, f(y-4), `" text-anchor="middle" fill="`, textColour, `" aria-hidden="true">`)
			d.text(c.num(c.total(i)))
			d.s(`</text>`)
		}
		if i%every == 0 {
			d.s(`<text x="`, f(x+barWidth/2), `" y="`, f(d.py+d.ph+16), `" text-anchor="middle" fill="`, textColour, `" aria-hidden="true">`)
			d.text(truncate(cat, max(int(band*float64(every)/charWidth)-1, 1)))
			d.s(`</text>`)
		}
	}
}

// segment draws one series' part of a bar, with a tooltip.
func (d *drawing) segment(x, y, w, h float64, s, i int, v float64) {
	c := d.c
	d.s(`<rect x="`, f(x), `" y="`, f(y), `" width="`, f(w), `" height="`, f(h), `" fill="`, d.fill(s), `" stroke="#FFFFFF" stroke-width="0.5"><title>`)
	d.text(c.Categories[i] + " – " + c.Series[s].Name + ": " + c.num(v))
	d.s(`</title></rect>`)
}

// Table is the chart's data as a table model for a template: a caption,
// the column headers, and one row per category whose header is the
// category (a <th scope="row">) and whose cells are the series' values,
// formatted, then the total when the chart has a TotalLabel.
type Table struct {
	Caption string
	Headers []string
	Rows    []Row
}

// Row is one category of a Table.
type Row struct {
	Header string
	Cells  []string
}

// Table returns the chart's data as a table.
func (c *Chart) Table() Table {
	t := Table{Caption: c.Title, Headers: []string{c.CategoryLabel}}
	for _, s := range c.Series {
		t.Headers = append(t.Headers, s.Name)
	}
	if c.TotalLabel != "" {
		t.Headers = append(t.Headers, c.TotalLabel)
	}
	for i, cat := range c.Categories {
		r := Row{Header: cat}
		for s := range c.Series {
			r.Cells = append(r.Cells, c.num(c.value(s, i)))
		}
		if c.TotalLabel != "" {
			r.Cells = append(r.Cells, c.num(c.total(i)))
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}
