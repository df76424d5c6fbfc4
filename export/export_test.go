package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"balcao"
)

var lisbon = func() *time.Location {
	l, err := time.LoadLocation("Europe/Lisbon")
	if err != nil {
		panic(err)
	}
	return l
}()

func sample() []*balcao.Ticket {
	created := time.Date(2026, 7, 1, 8, 5, 0, 0, time.UTC) // 09:05 in Lisbon (summer time)
	return []*balcao.Ticket{
		{Number: "2026/000123", Subject: "CIT – erro; \"urgente\"\nsegunda linha", RequestType: "cit-d1", Service: "cit",
			Status: balcao.StatusPendingRequester, Priority: 2, Channel: balcao.ChannelEmail, RequesterName: "Ana Conceição",
			RequesterEmail: "ana@usf.min-saude.pt", OrganisationCode: "0031105", OrganisationName: "USF Arco-Íris",
			TeamName: "Equipa CIT", CreatedAt: created, UpdatedAt: created.Add(time.Hour), ResolvedAt: created.Add(26 * time.Hour)},
		{Number: "2026/000124", Subject: "=HYPERLINK(\"http://x\",\"clique\")", RequesterName: "+351 912 345 678",
			RequesterEmail: "@evil", OrganisationName: "-2+3", TeamName: "\tTab", AssigneeName: "\rCR",
			Status: balcao.StatusNew, Priority: 5, Channel: balcao.ChannelPhone, CreatedAt: created},
	}
}

func TestHeadersComplete(t *testing.T) {
	for _, c := range columns {
		for _, lang := range Languages {
			if strings.TrimSpace(c.header[lang]) == "" {
				t.Errorf("column %s has no header in %s", c.key, lang)
			}
		}
		if len(c.header) != len(Languages) {
			t.Errorf("column %s: headers in %d languages, want %d", c.key, len(c.header), len(Languages))
		}
	}
	if got := Headers("en")[0]; got != "Number" {
		t.Errorf("en first header %q", got)
	}
	if got := Headers("xx")[4]; got != "Estado" {
		t.Errorf("unknown language falls back to pt-PT: %q", got)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	for _, comma := range []rune{',', ';'} {
		var buf bytes.Buffer
		if err := CSV(&buf, Slice(sample()), Options{Lang: "pt-PT", Comma: comma, Location: lisbon}); err != nil {
			t.Fatal(err)
		}
		raw := buf.Bytes()
		if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
			t.Fatal("no byte-order mark")
		}
		if !bytes.Contains(raw, []byte("\r\n")) {
			t.Fatal("lines do not end in CRLF")
		}
		r := csv.NewReader(bytes.NewReader(raw[3:]))
		r.Comma = comma
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 || strings.Join(recs[0], "|") != strings.Join(Headers("pt-PT"), "|") {
			t.Fatalf("%d records, header %v", len(recs), recs[0])
		}
		col := func(row int, key string) string {
			for i, c := range columns {
				if c.key == key {
					return recs[row][i]
				}
			}
			t.Fatalf("no column %s", key)
			return ""
		}
		checks := []struct {
			row       int
			key, want string
		}{
			{1, "number", "2026/000123"},
			{1, "subject", "CIT – erro; \"urgente\"\nsegunda linha"},
			{1, "status", "Pendente – aguarda requerente"},
			{1, "priority", "2"},
			{1, "organisation_code", "0031105"},
			{1, "created_at", "2026-07-01 09:05"},
			{1, "resolved_at", "2026-07-02 11:05"},
			{1, "closed_at", ""},
			{2, "subject", "'=HYPERLINK(\"http://x\",\"clique\")"},
			{2, "requester_name", "'+351 912 345 678"},
			{2, "requester_email", "'@evil"},
			{2, "organisation", "'-2+3"},
			{2, "team", "'\tTab"},
			{2, "assignee", "'CR"}, // with CRLF line ends encoding/csv drops a lone CR
		}
		for _, c := range checks {
			if got := col(c.row, c.key); got != c.want {
				t.Errorf("%q row %d %s = %q, want %q", comma, c.row, c.key, got, c.want)
			}
		}
	}
	if err := CSV(&bytes.Buffer{}, Slice(nil), Options{Comma: '\t'}); balcao.ErrorCode(err) != balcao.EINVALID {
		t.Fatalf("tab separator: %v", err)
	}
}

func TestCSVStopsOnError(t *testing.T) {
	boom := fmt.Errorf("database gone")
	seq := func(yield func(*balcao.Ticket, error) bool) {
		if yield(sample()[0], nil) {
			yield(nil, boom)
		}
	}
	if err := CSV(&bytes.Buffer{}, seq, Options{}); err != boom {
		t.Fatalf("err = %v", err)
	}
	if err := XLSX(&bytes.Buffer{}, seq, Options{}); err != boom {
		t.Fatalf("xlsx err = %v", err)
	}
}

func TestXLSXReopened(t *testing.T) {
	var buf bytes.Buffer
	if err := XLSX(&buf, Slice(sample()), Options{Lang: "es", Location: lisbon}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], "|") != strings.Join(Headers("es"), "|") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	idx := func(key string) int {
		for i, c := range columns {
			if c.key == key {
				return i
			}
		}
		t.Fatalf("no column %s", key)
		return 0
	}
	cell := func(key string, row int) string {
		name, _ := excelize.CoordinatesToCellName(idx(key)+1, row)
		return name
	}
	if rows[1][idx("organisation_code")] != "0031105" || rows[1][idx("number")] != "2026/000123" {
		t.Errorf("identifiers: %q %q", rows[1][idx("organisation_code")], rows[1][idx("number")])
	}
	if rows[2][idx("subject")] != "=HYPERLINK(\"http://x\",\"clique\")" {
		t.Errorf("text kept as written: %q", rows[2][idx("subject")])
	}
	if f, _ := f.GetCellFormula(sheet, cell("subject", 3)); f != "" {
		t.Errorf("a formula was written: %q", f)
	}
	if rows[1][idx("status")] != "Pendiente – a la espera del solicitante" {
		t.Errorf("status %q", rows[1][idx("status")])
	}
	for _, key := range []string{"organisation_code", "number"} {
		if typ, _ := f.GetCellType(sheet, cell(key, 2)); typ == excelize.CellTypeNumber {
			t.Errorf("%s is a number cell", key)
		}
	}
	// A date cell holds the serial number of the Lisbon wall time and is
	// shown as a date.
	typ, _ := f.GetCellType(sheet, cell("created_at", 2))
	if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("created_at is text")
	}
	serial := rows[1][idx("created_at")]
	want := 46204 + (9*60+5)/1440.0 // 2026-07-01 09:05
	var got float64
	fmt.Sscan(serial, &got)
	if d := got - want; d > 1e-6 || d < -1e-6 {
		t.Errorf("created_at serial %s, want %f", serial, want)
	}
	shown, _ := f.GetCellValue(sheet, cell("created_at", 2))
	if shown != "2026-07-01 09:05" {
		t.Errorf("created_at shown as %q", shown)
	}
	if rows[1][idx("priority")] != "2" {
		t.Errorf("priority %q", rows[1][idx("priority")])
	}
	if len(rows[2]) > idx("resolved_at") && rows[2][idx("resolved_at")] != "" {
		t.Errorf("empty date written as %q", rows[2][idx("resolved_at")])
	}
}
