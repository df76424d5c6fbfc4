package catalog

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Limits on an uploaded template workbook.
const (
	// MaxTemplateBytes caps the workbook file itself.
	MaxTemplateBytes = 10 << 20
	// MaxTemplateUnzipped caps the sum of the workbook's parts once
	// decompressed: a larger one is refused as a possible zip bomb.
	MaxTemplateUnzipped = 64 << 20
	// MaxTemplateRows caps the data rows of the sheet.
	MaxTemplateRows = 5000
)

// The kinds of template errors; a *TemplateError wraps one of them.
var (
	ErrNoTemplate        = errors.New("catalog: request type has no Excel template")
	ErrNotWorkbook       = errors.New("catalog: not an Excel workbook")
	ErrWorkbookTooLarge  = errors.New("catalog: workbook too large")
	ErrTooManyRows       = errors.New("catalog: too many rows")
	ErrTemplateNoHeaders = errors.New("catalog: template heading row not found")
)

// TemplateError is a workbook refused as a whole. Message is written for the
// requester in the language asked for; errors.Is matches the Err* kind.
type TemplateError struct {
	Kind    error
	Message string
	cause   error
}

// Error returns the requester-facing message.
func (e *TemplateError) Error() string { return e.Message }

// Unwrap returns the kind (ErrNotWorkbook, ErrWorkbookTooLarge, ...) and the
// underlying cause, if any.
func (e *TemplateError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Kind, e.cause}
	}
	return []error{e.Kind}
}

// templateGroup returns the repeatable group filled from the template.
func (rt *RequestType) templateGroup() (*node, string) {
	var find func(ns []*node, prefix string) (*node, string)
	find = func(ns []*node, prefix string) (*node, string) {
		for _, n := range ns {
			if n.children == nil {
				continue
			}
			if n.f.Template && n.f.Repeat {
				return n, prefix + n.f.Key
			}
			if g, p := find(n.children, prefix+n.f.Key+"."); g != nil {
				return g, p
			}
		}
		return nil, ""
	}
	return find(rt.prepared().nodes, "")
}

// HasTemplate reports whether the request type takes rows from an Excel
// template ("o ficheiro Excel tipo"): CIT A.1 (doctors) and A.2 (IT staff).
func (rt *RequestType) HasTemplate() bool {
	g, _ := rt.templateGroup()
	return g != nil
}

// TemplateGroup returns the key path of the repeatable group the template's
// rows fill ("medicos"), or "" when the request type has no template.
func (rt *RequestType) TemplateGroup() string {
	_, p := rt.templateGroup()
	return p
}

var textKinds = map[string]bool{
	"text": true, "email": true, "phone": true, "ip": true, "niss": true, "nif": true, "nnu": true,
	"cedula": true, "cc": true, "cpf": true, "cnpj": true, "cns": true, "uasg": true, "boletim": true,
}

// WriteTemplate writes the request type's Excel template: a sheet with one
// heading row holding the fields' labels in lang (the seed's own wording in
// pt-PT), a drop-down list where the values are fixed (Sexo), date columns
// formatted as dates and identifier columns as text so leading zeros stay;
// and a second sheet with the instructions.
func (rt *RequestType) WriteTemplate(w io.Writer, lang string) error {
	if lang = NormLang(lang); lang == "" {
		lang = rt.Language()
	}
	g, _ := rt.templateGroup()
	if g == nil {
		return &TemplateError{Kind: ErrNoTemplate, Message: msgNoTemplate(lang)}
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(g.f.Label.Get(lang))
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	})
	if err != nil {
		return err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	last := MaxTemplateRows + 1
	for i, c := range leaves(g) {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell := col + "1"
		label := c.f.Label.Get(lang)
		if err := f.SetCellStr(sheet, cell, label); err != nil {
			return err
		}
		width := math.Max(16, math.Min(45, float64(len([]rune(label)))+4))
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
		switch {
		case c.f.Type == "date":
			err = f.SetColStyle(sheet, col, dateStyle)
		case textKinds[c.f.Type]:
			err = f.SetColStyle(sheet, col, textStyle)
		}
		if err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, head); err != nil {
			return err
		}
		if c.f.Type == "choice" {
			var ds []string
			for _, ch := range c.f.Choices {
				if ch != nil {
					ds = append(ds, ch.Display(lang))
				}
			}
			dv := excelize.NewDataValidation(!c.f.Required)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, last))
			if err := dv.SetDropList(ds); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, label, msgAllowed(lang, ds))
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
	}
	if err := f.SetRowHeight(sheet, 1, 32); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := rt.writeInstructions(f, g, lang); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func (rt *RequestType) writeInstructions(f *excelize.File, g *node, lang string) error {
	name := sheetName(pick(lang, "Instruções", "Instruções", "Instructions", "Instrucciones"))
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	lines := []string{rt.Title.Get(lang)}
	if rt.Subject != "" {
		lines = append(lines, pick(lang, "Assunto: ", "Assunto: ", "Subject: ", "Asunto: ")+rt.Subject)
	}
	if h := rt.Help.Get(lang); h != "" {
		lines = append(lines, h)
	}
	lines = append(lines, "", pick(lang,
		"Preencha uma linha por pessoa na primeira folha, sem alterar os títulos das colunas. Dados obrigatórios:",
		"Preencha uma linha por pessoa na primeira planilha, sem alterar os títulos das colunas. Dados obrigatórios:",
		"Fill in one row per person on the first sheet, without changing the column headings. Required data:",
		"Rellene una fila por persona en la primera hoja, sin cambiar los títulos de las columnas. Datos obligatorios:"))
	for _, c := range leaves(g) {
		if c.f.Required {
			lines = append(lines, "• "+c.f.Label.Get(lang))
		}
	}
	for _, o := range g.f.OneOf {
		if o != nil {
			lines = append(lines, "• "+o.Label.Get(lang))
		}
	}
	if len(rt.Notes) > 0 {
		lines = append(lines, "")
		for _, n := range rt.Notes {
			lines = append(lines, n.Get(lang))
		}
	}
	for i, l := range lines {
		if err := f.SetCellStr(name, "A"+strconv.Itoa(i+1), l); err != nil {
			return err
		}
	}
	return f.SetColWidth(name, "A", "A", 120)
}

// leaves returns the value fields of a template group, in order.
func leaves(g *node) []*node {
	var out []*node
	for _, c := range g.children {
		if c.children == nil {
			out = append(out, c)
		}
	}
	return out
}

// sheetName makes a valid sheet name: at most 31 characters, none of :\/?*[].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	s = strings.Trim(s, "' ")
	if r := []rune(s); len(r) > 31 {
		s = strings.TrimSpace(string(r[:31]))
	}
	if s == "" {
		s = "Dados"
	}
	return s
}

// ReadTemplate reads a filled template workbook of size bytes from r and
// validates it row by row, as Validate validates the template group's
// items. Columns may come in any order; they are recognised by their heading
// in any language, or by an alias, without regard to accents or case. Cells
// are read raw, so identifiers keep their leading zeros and dates stored as
// serial numbers are understood.
//
// rows holds one map per non-empty row, keyed by the group's field keys
// (normalised values where valid). Every problem names the row and the
// column ("linha 3, Número de cédula profissional: …") and has Field
// "group[i].key", i counting the returned rows from 0. A file that is not a
// workbook, is larger than MaxTemplateBytes, inflates past
// MaxTemplateUnzipped, or has more than MaxTemplateRows data rows is
// refused with a *TemplateError worded in lang.
func (rt *RequestType) ReadTemplate(r io.Reader, size int64, lang string) (rows []map[string]string, problems []FieldProblem, err error) {
	if lang = NormLang(lang); lang == "" {
		lang = rt.Language()
	}
	g, gpath := rt.templateGroup()
	if g == nil {
		return nil, nil, &TemplateError{Kind: ErrNoTemplate, Message: msgNoTemplate(lang)}
	}
	tooLarge := func(cause error) error {
		return &TemplateError{Kind: ErrWorkbookTooLarge, Message: msgWorkbookTooLarge(lang, MaxTemplateUnzipped), cause: cause}
	}
	notWorkbook := func(cause error) error {
		return &TemplateError{Kind: ErrNotWorkbook, Message: msgNotWorkbook(lang), cause: cause}
	}
	if size > MaxTemplateBytes {
		return nil, nil, tooLarge(nil)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxTemplateBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxTemplateBytes {
		return nil, nil, tooLarge(nil)
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		return nil, nil, &TemplateError{Kind: ErrNotWorkbook, Message: msgOldExcel(lang)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, notWorkbook(err)
	}
	var total uint64
	hasWorkbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if strings.EqualFold(zf.Name, "xl/workbook.xml") {
			hasWorkbook = true
		}
	}
	if !hasWorkbook {
		return nil, nil, notWorkbook(nil)
	}
	if total > MaxTemplateUnzipped {
		return nil, nil, tooLarge(nil)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    MaxTemplateUnzipped,
		UnzipXMLSizeLimit: 16 << 20,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, nil, tooLarge(err)
		}
		return nil, nil, notWorkbook(err)
	}
	defer f.Close()

	cols := leaves(g)
	matcher := headerMatcher(cols)
	for _, sheet := range f.GetSheetList() {
		rows, problems, found, err := readSheet(f, sheet, g, gpath, cols, matcher, lang)
		if err != nil {
			var te *TemplateError
			if errors.As(err, &te) {
				return nil, nil, err
			}
			return nil, nil, notWorkbook(err)
		}
		if found {
			return rows, problems, nil
		}
	}
	return nil, nil, &TemplateError{Kind: ErrTemplateNoHeaders, Message: msgNoHeader(lang)}
}

// headerMatcher maps folded headings (labels in every language, aliases,
// keys) to column fields.
func headerMatcher(cols []*node) map[string]int {
	m := map[string]int{}
	add := func(s string, i int) {
		if k := normHeader(s); k != "" {
			if _, dup := m[k]; !dup {
				m[k] = i
			}
		}
	}
	for i, c := range cols {
		for _, l := range Languages {
			add(c.f.Label[l], i)
		}
	}
	for i, c := range cols {
		add(c.f.Key, i)
		for _, a := range c.f.Aliases {
			add(a, i)
		}
	}
	return m
}

// normHeader folds a column heading, dropping required markers ("*",
// "(obrigatório)").
func normHeader(s string) string {
	s = normLabel(strings.ReplaceAll(s, "_", " "))
	for _, suffix := range []string{" obrigatorio", " obrigatoria", " required", " obligatorio", " obligatoria"} {
		s = strings.TrimSuffix(s, suffix)
	}
	return s
}

const headerSearchRows = 10

func readSheet(f *excelize.File, sheet string, g *node, gpath string, cols []*node, matcher map[string]int, lang string) (out []map[string]string, problems []FieldProblem, found bool, err error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, false, err
	}
	defer it.Close()
	colOf := map[int]int{}       // spreadsheet column index -> cols index
	present := map[string]bool{} // keys of the columns found
	rowNum := 0
	now := time.Now()
	for it.Next() {
		rowNum++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, false, err
		}
		if !found {
			if rowNum > headerSearchRows {
				return nil, nil, false, it.Error()
			}
			m := map[int]int{}
			used := map[int]bool{}
			for ci, cell := range cells {
				if k, ok := matcher[normHeader(cell)]; ok && !used[k] {
					m[ci] = k
					used[k] = true
				}
			}
			if len(m) >= min(2, len(cols)) {
				found, colOf = true, m
				for _, k := range m {
					present[cols[k].f.Key] = true
				}
				problems = missingColumns(g, gpath, cols, used, lang)
			}
			continue
		}
		values := map[string]string{}
		blank := true
		for ci, cell := range cells {
			k, ok := colOf[ci]
			if !ok || isBlank(cell) {
				continue
			}
			blank = false
			values[cols[k].f.Key] = cellValue(cols[k], cell)
		}
		if blank {
			continue
		}
		if len(out) >= MaxTemplateRows {
			return nil, nil, true, &TemplateError{Kind: ErrTooManyRows, Message: msgTooManyRows(lang, MaxTemplateRows)}
		}
		i := len(out)
		v := &vstate{values: values, out: map[string]string{}, lang: lang, now: now, rowLabel: rowPrefix(lang, rowNum)}
		v.nodes(g.children, "", "", true)
		v.oneOf(g, "", "", true)
		for _, p := range v.probs {
			if p.Code == CodeRequired && !present[p.Field] {
				continue // the whole column is missing: said once already
			}
			if p.Code == CodeOneOf && oneOfColumnsMissing(g, p.Field, present) {
				continue
			}
			p.Field = gpath + "[" + strconv.Itoa(i) + "]." + p.Field
			problems = append(problems, p)
		}
		out = append(out, v.out)
	}
	if err := it.Error(); err != nil {
		return nil, nil, found, err
	}
	return out, problems, found, nil
}

func oneOfColumnsMissing(g *node, first string, present map[string]bool) bool {
	for _, o := range g.f.OneOf {
		if o == nil || len(o.Fields) == 0 || o.Fields[0] != first {
			continue
		}
		for _, k := range o.Fields {
			if present[k] {
				return false
			}
		}
		return true
	}
	return false
}

// missingColumns reports required columns (and one-of sets) absent from the
// heading row, once each.
func missingColumns(g *node, gpath string, cols []*node, used map[int]bool, lang string) []FieldProblem {
	var ps []FieldProblem
	add := func(key, label string) {
		fix := msgColumnMissing(lang)
		ps = append(ps, FieldProblem{Field: gpath + "[]." + key, Label: label, Code: CodeColumnMissing, Fix: fix, Message: label + ": " + fix})
	}
	for i, c := range cols {
		if c.f.Required && !used[i] {
			add(c.f.Key, c.f.Label.Get(lang))
		}
	}
	for _, o := range g.f.OneOf {
		if o == nil || len(o.Fields) == 0 {
			continue
		}
		any := false
		for i, c := range cols {
			if used[i] && slices.Contains(o.Fields, c.f.Key) {
				any = true
			}
		}
		if !any {
			add(o.Fields[0], o.Label.Get(lang))
		}
	}
	return ps
}

// cellValue turns a raw cell into the text Validate expects: a date stored
// as a serial number becomes ISO 8601; a number stored in scientific or
// decimal notation in an identifier column becomes its digits.
func cellValue(c *node, raw string) string {
	raw = strings.TrimSpace(raw)
	switch c.f.Type {
	case "date":
		if x, err := strconv.ParseFloat(raw, 64); err == nil && x > 0 && x < 2958466 {
			if t, err := excelize.ExcelDateToTime(x, false); err == nil {
				return t.Format("2006-01-02")
			}
		}
	case "text", "longtext", "email", "choice", "ip":
	default:
		if strings.ContainsAny(raw, ".eE") {
			if x, err := strconv.ParseFloat(raw, 64); err == nil && x >= 0 && x < 1e15 && x == math.Trunc(x) {
				return strconv.FormatFloat(x, 'f', -1, 64)
			}
		}
	}
	return raw
}

// AddTemplateRows puts rows read from the template into values as items of
// the template group ("medicos[3].cedula"), after any items values already
// has. It does nothing for a request type without a template.
func (rt *RequestType) AddTemplateRows(values map[string]string, rows []map[string]string) {
	_, gpath := rt.templateGroup()
	if gpath == "" || values == nil {
		return
	}
	next := 0
	pfx := gpath + "["
	for k := range values {
		if rest, ok := strings.CutPrefix(k, pfx); ok {
			if j := strings.IndexByte(rest, ']'); j > 0 {
				if i, err := strconv.Atoi(rest[:j]); err == nil && i >= next && i <= maxItemIndex {
					next = i + 1
				}
			}
		}
	}
	for i, row := range rows {
		for k, v := range row {
			values[gpath+"["+strconv.Itoa(next+i)+"]."+k] = v
		}
	}
}
