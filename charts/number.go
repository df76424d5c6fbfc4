package charts

import (
	"math"
	"strconv"
	"strings"
)

// separators returns the decimal and thousands separators of a language:
// pt-PT groups thousands with a (no-break) space, pt-BR and es with a
// point, en with a comma; all but en use a decimal comma.
func separators(lang string) (dec, group string) {
	switch lang {
	case "en", "en-GB", "en-US":
		return ".", ","
	case "pt-BR", "es":
		return ",", "."
	default: // pt-PT and anything unknown
		return ",", "\u00a0"
	}
}

// FormatNumber writes v with the given number of decimals the way lang
// writes numbers: "1 234,5" (pt-PT), "1.234,5" (pt-BR, es), "1,234.5"
// (en). NaN and infinities are written as "–".
func FormatNumber(v float64, decimals int, lang string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	decimals = min(max(decimals, 0), 6)
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	dec, group := separators(lang)
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}
