package extract

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pairsOf turns a message body into pairs the way the mail package does,
// so the tests can be written as the emails people send:
//
//   - "Label: value" lines (after a bullet "o ", "- ", "• ", " ", "* ")
//     give a pair in the current section;
//   - a line ending in ":" with nothing after it is a heading: the section
//     of the lines below it;
//   - a table pasted from Excel or Outlook, as "| a | b |" rows: a header
//     whose first cell is empty ("| | CIT registado | CIT pretendido |")
//     makes each row "| label | value | value |" give one pair per column,
//     with the column heading as section; any other header is a row of
//     labels and each row below gives its pairs in section "linha N" (N
//     counting the header as line 1);
//   - any other line is text, not a pair.
func pairsOf(body string) []Pair {
	var out []Pair
	section := ""
	var header []string
	twoCol := false
	row := 0
	for i, line := range strings.Split(body, "\n") {
		n := i + 1
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "|") {
			cells := strings.Split(strings.Trim(t, "|"), "|")
			for k := range cells {
				cells[k] = strings.TrimSpace(cells[k])
			}
			if header == nil {
				header, twoCol, row = cells, cells[0] == "", 1
				continue
			}
			row++
			if twoCol {
				for k := 1; k < len(cells) && k < len(header); k++ {
					out = append(out, Pair{Label: cells[0], Value: cells[k], Section: header[k], Line: n})
				}
				continue
			}
			for k := 0; k < len(cells) && k < len(header); k++ {
				out = append(out, Pair{Label: header[k], Value: cells[k], Section: "linha " + strconv.Itoa(row), Line: n})
			}
			continue
		}
		header = nil
		for _, b := range []string{"o ", "- ", "• ", "\uf0a7 ", "* ", "· "} {
			t = strings.TrimPrefix(t, b)
		}
		if t == "" {
			continue
		}
		if strings.HasSuffix(t, ":") {
			section = strings.TrimSpace(strings.TrimSuffix(t, ":"))
			continue
		}
		label, value, ok := strings.Cut(t, ":")
		if !ok || len(label) > 80 || strings.TrimSpace(value) == "" {
			continue
		}
		out = append(out, Pair{Label: strings.TrimSpace(label), Value: strings.TrimSpace(value), Section: section, Line: n})
	}
	return out
}

func TestPairsOf(t *testing.T) {
	got := pairsOf(`Bom dia,
Identificação do utente:
o Nº utente: 111156119;
|  | CIT registado | CIT pretendido |
| Número do boletim | A1 | A2 |

| Nome completo | Cédula |
| Ana | 1 |`)
	want := []Pair{
		{"Nº utente", "111156119;", "Identificação do utente", 3},
		{"Número do boletim", "A1", "CIT registado", 5},
		{"Número do boletim", "A2", "CIT pretendido", 5},
		{"Nome completo", "Ana", "linha 2", 8},
		{"Cédula", "1", "linha 2", 8},
	}
	if !slices.Equal(got, want) {
		t.Errorf("pairsOf:\n got %+v\nwant %+v", got, want)
	}
}
