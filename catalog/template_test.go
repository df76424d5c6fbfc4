package catalog

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestWriteTemplate(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-a1")
	var buf bytes.Buffer
	if err := rt.WriteTemplate(&buf, "pt-PT"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Identificação do(s) médico(s)" {
		t.Fatalf("sheets = %q", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows = %v %v", rows, err)
	}
	want := []string{"Nome completo", "Nome clínico", "Número de cédula profissional", "Sexo", "Data de nascimento",
		"Código da unidade de saúde", "Endereço de correio eletrónico", "Nº de telemóvel de contacto"}
	if !slices.Equal(rows[0], want) {
		t.Errorf("header = %q", rows[0])
	}
	dvs, err := f.GetDataValidations(sheets[0])
	if err != nil || len(dvs) != 1 || dvs[0].Sqref != "D2:D5001" || !strings.Contains(dvs[0].Formula1, "Feminino") {
		t.Errorf("drop-down list: %+v %v", dvs, err)
	}
	// Dates formatted as dates, identifiers as text.
	styleOf := func(col string) *excelize.Style {
		id, err := f.GetColStyle(sheets[0], col)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := styleOf("E"); s.CustomNumFmt == nil || *s.CustomNumFmt != "dd/mm/yyyy" {
		t.Errorf("date column style: %+v", s)
	}
	for _, col := range []string{"C", "F", "H"} {
		if s := styleOf(col); s.NumFmt != 49 {
			t.Errorf("column %s is not text: %d", col, s.NumFmt)
		}
	}
	// In English, and for IT staff.
	buf.Reset()
	if err := mustDefault(t).RequestType("cit-a2").WriteTemplate(&buf, "en"); err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = f2.GetRows(f2.GetSheetList()[0])
	if rows[0][0] != "Full name" || len(rows[0]) != 6 {
		t.Errorf("en header = %q", rows[0])
	}
	// No template.
	err = mustDefault(t).RequestType("cit-b").WriteTemplate(io.Discard, "pt-PT")
	if !errors.Is(err, ErrNoTemplate) {
		t.Errorf("cit-b WriteTemplate = %v", err)
	}
}

// fill builds a workbook as a requester would: headers in an order of their
// own, spelled their own way, values typed as numbers and dates.
func fill(t *testing.T, header []string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadTemplateRoundTrip(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-a1")
	// Columns shuffled; one heading in English, one an alias, one without
	// accents and in capitals, one with a required marker.
	header := []string{"Sexo", "NÚMERO DE CEDULA PROFISSIONAL", "E-mail", "Full name", "Data de nascimento *",
		"Código da unidade de saúde", "Nome clínico", "Telemóvel", "Notas"}
	birth := time.Date(1975, 3, 12, 0, 0, 0, 0, time.UTC)
	data := fill(t, header, [][]any{
		{"Feminino", 45123, "ana@example.pt", "Ana Maria Costa", birth, "0012", "Ana Costa", nil, "x"},
		{"M", nil, nil, "Rui Santos", "31/02/1980", "0013", "Rui Santos", 912345678, nil},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil},
		{"Female", "000123", "", "Eva Lopes", "1980-05-06", "0014", "Eva Lopes", "", "y"},
		{"X", 77, "eva", "Ivo", birth, "0015", "Ivo", nil, nil},
	})
	rows, ps, err := rt.ReadTemplate(bytes.NewReader(data), int64(len(data)), "pt-PT")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4 (the blank row is skipped): %v", len(rows), rows)
	}
	if r := rows[0]; r["nome_completo"] != "Ana Maria Costa" || r["cedula"] != "45123" || r["data_nascimento"] != "1975-03-12" ||
		r["sexo"] != "Feminino" || r["codigo_unidade"] != "0012" || r["email"] != "ana@example.pt" {
		t.Errorf("row 1 = %v", r)
	}
	if r := rows[1]; r["telemovel"] != "+351912345678" || r["sexo"] != "Masculino" {
		t.Errorf("row 2 = %v", r)
	}
	if r := rows[2]; r["cedula"] != "000123" || r["sexo"] != "Feminino" || r["data_nascimento"] != "1980-05-06" {
		t.Errorf("row 4 = %v", r)
	}
	var msgs []string
	for _, p := range ps {
		msgs = append(msgs, p.Field+" "+p.Message)
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		"medicos[1].cedula linha 3, Número de cédula profissional: ",
		"medicos[1].data_nascimento linha 3, Data de nascimento: ",
		"medicos[2].email linha 5, Endereço de correio eletrónico ou nº de telemóvel de contacto: ",
		"medicos[3].sexo linha 6, Sexo: ",
		"medicos[3].email linha 6, Endereço de correio eletrónico: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing problem %q in:\n%s", want, got)
		}
	}
	if len(ps) != 5 {
		t.Errorf("%d problems:\n%s", len(ps), got)
	}
	// In English, the row and column are named in English.
	_, ps, _ = rt.ReadTemplate(bytes.NewReader(data), int64(len(data)), "en")
	if !strings.HasPrefix(ps[0].Message, "row 3, Professional licence number (cédula profissional): ") {
		t.Errorf("en message = %q", ps[0].Message)
	}
	// The rows go into the request's values and validate there too.
	v := map[string]string{"tipo_pedido": "a", "medicos[0].nome_completo": "Já no corpo"}
	rt.AddTemplateRows(v, rows[:1])
	if v["medicos[1].cedula"] != "45123" || v["medicos[0].nome_completo"] != "Já no corpo" {
		t.Errorf("AddTemplateRows = %v", v)
	}
}

func TestReadTemplateWrittenTemplate(t *testing.T) {
	// The template we hand out, filled in with excelize, reads back.
	rt := mustDefault(t).RequestType("cit-a2")
	var buf bytes.Buffer
	if err := rt.WriteTemplate(&buf, "pt-PT"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	row := []any{"Carla Sousa", "Feminino", time.Date(1988, 1, 2, 0, 0, 0, 0, time.UTC), "0099", "carla@example.pt", ""}
	if err := f.SetSheetRow(sheet, "A2", &row); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rows, ps, err := rt.ReadTemplate(&buf, int64(buf.Len()), "")
	if err != nil || len(ps) != 0 || len(rows) != 1 || rows[0]["data_nascimento"] != "1988-01-02" || rows[0]["codigo_unidade"] != "0099" {
		t.Errorf("rows = %v, problems = %v, err = %v", rows, ps, err)
	}
}

func TestReadTemplateMissingColumn(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-a1")
	data := fill(t, []string{"Nome completo", "Número de cédula profissional", "Sexo", "Data de nascimento", "Código da unidade de saúde"},
		[][]any{{"A", 1, "F", "1970-01-01", "1"}, {"B", 2, "M", "1970-01-01", "2"}})
	rows, ps, err := rt.ReadTemplate(bytes.NewReader(data), int64(len(data)), "pt-PT")
	if err != nil || len(rows) != 2 {
		t.Fatal(rows, err)
	}
	if got := fields(ps); !slices.Equal(got, []string{"medicos[].nome_clinico:column_missing", "medicos[].email:column_missing"}) {
		t.Errorf("problems = %v", got)
	}
	if !strings.HasPrefix(ps[0].Message, "Nome clínico: coluna em falta") {
		t.Errorf("message = %q", ps[0].Message)
	}
}

func templateErr(t *testing.T, data []byte, lang string) error {
	t.Helper()
	rt := mustDefault(t).RequestType("cit-a1")
	rows, ps, err := rt.ReadTemplate(bytes.NewReader(data), int64(len(data)), lang)
	if err == nil {
		t.Fatalf("accepted: %d rows, %d problems", len(rows), len(ps))
	}
	var te *TemplateError
	if !errors.As(err, &te) || te.Message == "" || err.Error() != te.Message {
		t.Errorf("not a TemplateError: %v", err)
	}
	return err
}

func TestReadTemplateRefusesNonWorkbooks(t *testing.T) {
	for name, data := range map[string][]byte{
		"text":  []byte("Nome completo;Sexo\nAna;F\n"),
		"empty": nil,
		"pdf":   []byte("%PDF-1.7\n..."),
		"zip without workbook": func() []byte {
			var b bytes.Buffer
			z := zip.NewWriter(&b)
			w, _ := z.Create("hello.txt")
			w.Write([]byte("hello"))
			z.Close()
			return b.Bytes()
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			err := templateErr(t, data, "pt-PT")
			if !errors.Is(err, ErrNotWorkbook) || !strings.Contains(err.Error(), "não é um livro Excel (.xlsx)") {
				t.Errorf("err = %v", err)
			}
		})
	}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	if err := templateErr(t, ole, "en"); !errors.Is(err, ErrNotWorkbook) || !strings.Contains(err.Error(), "old .xls format") {
		t.Errorf("xls: %v", err)
	}
	// A workbook whose sheets have no heading row of ours.
	data := fill(t, []string{"a", "b"}, [][]any{{1, 2}})
	if err := templateErr(t, data, "pt-PT"); !errors.Is(err, ErrTemplateNoHeaders) {
		t.Errorf("no headers: %v", err)
	}
	// Too large a file, by its stated size and by its content.
	rt := mustDefault(t).RequestType("cit-a1")
	if _, _, err := rt.ReadTemplate(strings.NewReader(""), MaxTemplateBytes+1, "pt-PT"); !errors.Is(err, ErrWorkbookTooLarge) {
		t.Errorf("stated size: %v", err)
	}
	if _, _, err := rt.ReadTemplate(io.LimitReader(zeros{}, MaxTemplateBytes+10), 0, "pt-PT"); !errors.Is(err, ErrWorkbookTooLarge) {
		t.Errorf("content size: %v", err)
	}
	if _, _, err := mustDefault(t).RequestType("cit-b").ReadTemplate(bytes.NewReader(data), 0, "pt-PT"); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("no template: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadTemplateTooManyRows(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-a2")
	build := func(n int) []byte {
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.SetRow("A1", []any{"Nome completo", "Sexo", "Data de nascimento", "Código da unidade de saúde", "Endereço de correio eletrónico"}); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if err := sw.SetRow("A"+strconv.Itoa(i+2), []any{"Pessoa " + strconv.Itoa(i), "F", "1980-01-01", "001", "p" + strconv.Itoa(i) + "@example.pt"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	data := build(MaxTemplateRows)
	rows, ps, err := rt.ReadTemplate(bytes.NewReader(data), int64(len(data)), "pt-PT")
	if err != nil || len(rows) != MaxTemplateRows || len(ps) != 0 {
		t.Fatalf("%d rows: %d rows, %v, %v", MaxTemplateRows, len(rows), ps[:min(3, len(ps))], err)
	}
	err = templateErr(t, build(MaxTemplateRows+1), "pt-PT")
	if !errors.Is(err, ErrTooManyRows) || !strings.Contains(err.Error(), "mais de 5000 linhas") {
		t.Errorf("err = %v", err)
	}
}

// bomb returns a small workbook-looking zip whose sheet inflates to size
// bytes; with lie set, the zip's directory claims the sheet is tiny.
func bomb(t *testing.T, size int64, lie bool) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for written := int64(0); written < size; written += int64(len(chunk)) {
		fw.Write(chunk)
	}
	fw.Close()
	hdr := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(size)}
	if lie {
		hdr.UncompressedSize64 = 1000
	}
	w, err := z.CreateRaw(hdr)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadTemplateRefusesZipBomb(t *testing.T) {
	data := bomb(t, 100<<20, false)
	if len(data) > 1<<20 {
		t.Fatalf("bomb is %d bytes, not small", len(data))
	}
	err := templateErr(t, data, "pt-PT")
	if !errors.Is(err, ErrWorkbookTooLarge) || !strings.Contains(err.Error(), "demasiado grande") {
		t.Errorf("honest bomb: %v", err)
	}
	// A bomb that lies about its size is caught while inflating.
	err = templateErr(t, bomb(t, 100<<20, true), "en")
	if !errors.Is(err, ErrNotWorkbook) && !errors.Is(err, ErrWorkbookTooLarge) {
		t.Errorf("lying bomb: %v", err)
	}
}
