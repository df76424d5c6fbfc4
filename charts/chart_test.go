package charts

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func received() *Chart {
	c := &Chart{ID: "recebidos", Title: "Pedidos recebidos por dia", Desc: "Pedidos recebidos em março de 2026 por dia e tipo de pedido; 1 234 no total.",
		CategoryLabel: "Dia", ValueLabel: "Pedidos", TotalLabel: "Total", Lang: "pt-PT",
		Series: []Series{{Name: "CIT D.1 – Erro na aplicação"}, {Name: "CIT F – Anulação"}, {Name: "Outros"}}}
	for d := 1; d <= 31; d++ {
		c.Categories = append(c.Categories, fmt.Sprintf("%02d/03", d))
		c.Series[0].Values = append(c.Series[0].Values, float64((d*7)%23+10))
		c.Series[1].Values = append(c.Series[1].Values, float64((d*5)%11))
		c.Series[2].Values = append(c.Series[2].Values, float64(d%4))
	}
	return c
}

func backlog() *Chart {
	return &Chart{ID: "backlog", Title: "Open tickets by age", Desc: "1,105 open tickets; 40 are more than 30 days old.", Horizontal: true,
		CategoryLabel: "Age", ValueLabel: "Tickets", TotalLabel: "Total", Lang: "en",
		Categories: []string{"< 1 day", "1–3 days", "3–7 days", "7–30 days", "> 30 days"},
		Series: []Series{{Name: "New", Values: []float64{120, 80, 40, 10, 2}}, {Name: "In progress", Values: []float64{200, 300, 120, 90, 30}},
			{Name: "Awaiting requester", Values: []float64{5, 20, 40, 40, 8}}}}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./charts -update to accept)", name)
	}
}

func TestGolden(t *testing.T) {
	golden(t, "received.svg", received().Render())
	golden(t, "backlog.svg", backlog().Render())
}

// checkSVG parses the SVG and checks what assistive technology needs.
func checkSVG(t testing.TB, svg string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var root *xml.StartElement
	ids := map[string]string{}
	var stack []string
	var title, desc string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if root == nil {
				e := x.Copy()
				root = &e
			}
			for _, a := range x.Attr {
				if a.Name.Local == "id" {
					ids[a.Value] = x.Name.Local
				}
			}
			stack = append(stack, x.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 2 && stack[1] == "title" {
				title += string(x)
			}
			if len(stack) == 2 && stack[1] == "desc" {
				desc += string(x)
			}
		}
	}
	if root == nil || root.Name.Local != "svg" {
		t.Fatal("no svg root")
	}
	attr := map[string]string{}
	for _, a := range root.Attr {
		attr[a.Name.Local] = a.Value
	}
	if attr["role"] != "img" {
		t.Errorf("role = %q", attr["role"])
	}
	refs := strings.Fields(attr["aria-labelledby"])
	if len(refs) != 2 || ids[refs[0]] != "title" || ids[refs[1]] != "desc" {
		t.Errorf("aria-labelledby %q does not name a title and a desc (%v)", attr["aria-labelledby"], ids)
	}
	if !strings.Contains(svg, "<title id=") || !strings.Contains(svg, "<desc id=") {
		t.Error("no title or desc")
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, " on") && strings.Contains(svg, "onload") {
		t.Error("script in the SVG")
	}
	for _, bad := range []string{"NaN", "Inf"} {
		if strings.Contains(svg, `="`+bad) || strings.Contains(svg, ","+bad) {
			t.Errorf("%s in a coordinate", bad)
		}
	}
	_ = title
	_ = desc
}

func TestSVGIsAccessibleXML(t *testing.T) {
	for _, c := range []*Chart{received(), backlog()} {
		svg := c.Render()
		checkSVG(t, svg)
		if !strings.Contains(svg, "<title id=\""+c.ID+"-title\">"+xmlEscape(c.Title)+"</title>") {
			t.Errorf("%s: title missing", c.ID)
		}
		if !strings.Contains(svg, xmlEscape(c.Desc)) {
			t.Errorf("%s: desc missing", c.ID)
		}
		for _, s := range c.Series {
			if !strings.Contains(svg, ">"+xmlEscape(s.Name)+"<") {
				t.Errorf("%s: series %q not named in the legend", c.ID, s.Name)
			}
		}
		if c.Render() != svg {
			t.Errorf("%s: output differs between two renderings", c.ID)
		}
	}
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// contrast returns the WCAG 2.1 contrast ratio of a colour against white.
func contrast(hex string) float64 {
	lin := func(c float64) float64 {
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	var rgb [3]float64
	for i := range rgb {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		rgb[i] = lin(float64(v) / 255)
	}
	l := 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	return 1.05 / (l + 0.05)
}

func TestContrast(t *testing.T) {
	for _, c := range append([]string{textColour, axisColour}, Palette...) {
		if r := contrast(c); r < 4.5 {
			t.Errorf("%s: contrast %.2f:1 against white, want at least 4.5:1", c, r)
		}
	}
	// Series beyond the palette still differ from each other by pattern.
	svg := (&Chart{Categories: []string{"a"}, Series: make([]Series, 10)}).Render()
	if strings.Count(svg, "<pattern ") != 10 {
		t.Errorf("want 10 patterns")
	}
}

func TestTable(t *testing.T) {
	tb := backlog().Table()
	if tb.Caption != "Open tickets by age" || strings.Join(tb.Headers, "|") != "Age|New|In progress|Awaiting requester|Total" {
		t.Fatalf("caption %q, headers %v", tb.Caption, tb.Headers)
	}
	if len(tb.Rows) != 5 || tb.Rows[1].Header != "1–3 days" || strings.Join(tb.Rows[1].Cells, "|") != "80|300|20|400" {
		t.Fatalf("rows %v", tb.Rows)
	}
	c := received()
	c.Series[0].Values[0] = 1234.5
	c.Decimals = 1
	if got := c.Table().Rows[0].Cells; got[0] != "1\u00a0234,5" || got[3] != "1\u00a0240,5" {
		t.Fatalf("pt-PT cells %q", got)
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		dec  int
		lang string
		want string
	}{
		{1234.5, 1, "pt-PT", "1\u00a0234,5"},
		{1234.5, 1, "pt-BR", "1.234,5"},
		{1234.5, 1, "es", "1.234,5"},
		{1234.5, 1, "en", "1,234.5"},
		{1234567, 0, "en", "1,234,567"},
		{12, 0, "pt-PT", "12"},
		{0.25, 2, "pt-BR", "0,25"},
		{-3.5, 1, "en", "−3.5"},
		{-0.01, 0, "en", "0"},
		{math.NaN(), 0, "en", "–"},
		{math.Inf(1), 0, "es", "–"},
	} {
		if got := FormatNumber(c.v, c.dec, c.lang); got != c.want {
			t.Errorf("FormatNumber(%v, %d, %s) = %q, want %q", c.v, c.dec, c.lang, got, c.want)
		}
	}
}

func TestOddInputs(t *testing.T) {
	long := strings.Repeat("Retificação de dados do utente ", 20)
	for name, c := range map[string]*Chart{
		"empty":      {},
		"no series":  {Categories: []string{"a", "b"}},
		"one bar":    {Categories: []string{"só"}, Series: []Series{{Name: "x", Values: []float64{1}}}},
		"huge":       {Categories: []string{"a", "b"}, Series: []Series{{Name: "x", Values: []float64{math.MaxFloat64, math.MaxFloat64}}, {Name: "y", Values: []float64{math.MaxFloat64}}}},
		"odd values": {Categories: []string{"a", "b", "c"}, Series: []Series{{Name: "x", Values: []float64{math.NaN(), math.Inf(-1), -5}}}},
		"long":       {Title: long, Desc: long, Categories: []string{long, long}, Series: []Series{{Name: long, Values: []float64{1, 2}}}, Horizontal: true},
		"unicode":    {ID: "<&\">", Title: "日本語 & <b>", Categories: []string{"\x00\x01", "\xff\xfe", "🙂"}, Series: []Series{{Name: "a]]>b", Values: []float64{1, 2, 3}}}},
		"many":       {Categories: make([]string, 2000), Series: []Series{{Name: "x", Values: make([]float64, 2000)}}, Width: 10, Height: 10},
	} {
		t.Run(name, func(t *testing.T) {
			checkSVG(t, c.Render())
			c.Horizontal = !c.Horizontal
			checkSVG(t, c.Render())
		})
	}
}

func FuzzRender(f *testing.F) {
	f.Add("título", "descrição", "cat", "série", 1.0, 2.0, 3, false, "pt-PT", 0)
	f.Add("", "", "", "", 0.0, 0.0, 0, true, "en", 2)
	f.Add("<>&\"'", "\x00", "\xff", "🙂", math.MaxFloat64, -1.0, 40, false, "es", 9)
	f.Fuzz(func(t *testing.T, title, desc, cat, series string, v1, v2 float64, n int, horizontal bool, lang string, decimals int) {
		n = min(max(n, 0), 100)
		c := &Chart{ID: cat, Title: title, Desc: desc, Horizontal: horizontal, Lang: lang, Decimals: decimals,
			CategoryLabel: cat, ValueLabel: series, TotalLabel: "T"}
		c.Series = []Series{{Name: series}, {Name: series + series}}
		for i := range n {
			c.Categories = append(c.Categories, strings.Repeat(cat, i%3+1))
			c.Series[0].Values = append(c.Series[0].Values, v1*float64(i))
			c.Series[1].Values = append(c.Series[1].Values, v2)
		}
		svg := c.Render()
		checkSVG(t, svg)
		if svg != c.Render() {
			t.Fatal("not deterministic")
		}
		if tb := c.Table(); len(tb.Rows) != n || len(tb.Headers) != 4 {
			t.Fatalf("table %d rows %d headers", len(tb.Rows), len(tb.Headers))
		}
	})
}

// go test -run '^$' -bench . -benchmem ./charts/
func BenchmarkRenderMonth(b *testing.B) {
	c := received()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Render()
		_ = c.Table()
	}
}
