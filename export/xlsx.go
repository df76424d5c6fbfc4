package export

import (
	"io"
	"iter"
	"time"

	"github.com/xuri/excelize/v2"

	"balcao"
)

// XLSX writes tickets as an Excel workbook of one sheet through
// excelize's streaming writer, so the rows are not held in memory as
// cells: a bold header row that stays in view, text columns as text (an
// identifier keeps its leading zeros), priority as a number, and dates as
// date cells in o.Location shown as yyyy-mm-dd hh:mm.
func XLSX(w io.Writer, tickets iter.Seq2[*balcao.Ticket, error], o Options) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm")})
	if err != nil {
		return err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	// Column styles, so that the cells need no style of their own.
	for i, c := range columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
		style := textStyle
		switch c.kind {
		case date:
			style = dateStyle
		case number:
			style = 0
		}
		if err := sw.SetColStyle(i+1, i+1, style); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	lang, loc := o.lang(), o.loc()
	row := make([]any, len(columns))
	for i, hd := range Headers(lang) {
		row[i] = excelize.Cell{StyleID: head, Value: hd}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{StyleID: head}); err != nil {
		return err
	}
	n := 1
	for t, err := range tickets {
		if err != nil {
			return err
		}
		n++
		for i := range columns {
			c := &columns[i]
			switch c.kind {
			case number:
				row[i] = c.num(t)
			case date:
				v := c.time(t)
				if v.IsZero() {
					row[i] = nil
					continue
				}
				row[i] = serial(v, loc)
			default:
				row[i] = c.text(t, lang)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func ptr[T any](v T) *T { return &v }

// excelEpoch is day 0 of Excel's 1900 date system as it counts for every
// date after February 1900.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial returns the Excel serial number of t's wall time in loc (Excel
// has no time zones), to the second.
func serial(t time.Time, loc *time.Location) float64 {
	l := t.In(loc)
	wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
	return float64(wall.Sub(excelEpoch)/time.Second) / 86400
}
