package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"iter"

	"balcao"
)

// bom is the UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
const bom = "\uFEFF"

// CSV writes tickets as CSV: a byte-order mark, a header row, one row per
// ticket, CRLF line ends, fields quoted where RFC 4180 asks. Text that a
// spreadsheet would take for a formula (starting with = + - @, a tab or a
// carriage return) is written with a leading single quote.
func CSV(w io.Writer, tickets iter.Seq2[*balcao.Ticket, error], o Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	switch o.Comma {
	case 0:
		cw.Comma = ','
	case ',', ';':
		cw.Comma = o.Comma
	default:
		return balcao.Errorf(balcao.EINVALID, "separator: give ',' or ';'")
	}
	lang, loc := o.lang(), o.loc()
	if err := cw.Write(Headers(lang)); err != nil {
		return err
	}
	row := make([]string, len(columns))
	for t, err := range tickets {
		if err != nil {
			return err
		}
		for i := range columns {
			c := &columns[i]
			v := c.cellText(t, lang, loc)
			if c.kind == text {
				v = Defuse(v)
			}
			row[i] = v
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// Defuse returns s with a leading single quote when a spreadsheet would
// read it as a formula: when it starts with = + - @, a tab or a carriage
// return (OWASP's advice against CSV injection).
func Defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
