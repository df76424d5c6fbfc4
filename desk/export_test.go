package desk_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"balcao"
)

func TestExport(t *testing.T) { onBothDatabases(t, testExport) }

func testExport(t *testing.T, e *env) {
	sup, admin := reportsEnv(t, e)
	agent := e.signedIn("agente@desk.pt")
	wantStatus(t, e.get(agent, "/desk/export.csv?view=all"), http.StatusForbidden)

	// The queue links to its list with its filters.
	r := e.get(sup, "/desk/?view=all&status=new&after=x")
	wantBody(t, r, `href="/desk/export.csv?status=new&amp;view=all"`, `href="/desk/export.xlsx?status=new&amp;view=all"`)

	// CSV in the user's language, the supervisor's scope only.
	r = e.get(sup, "/desk/export.csv?view=all")
	wantStatus(t, r, http.StatusOK)
	if cd := r.h.Get("Content-Disposition"); cd != `attachment; filename="balcao-all-2026-03-02.csv"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if ct := r.h.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type %q", ct)
	}
	rows := readCSV(t, r.body, ';')
	if len(rows) != 3 || rows[0][0] != "Número" || rows[0][1] != "Assunto" {
		t.Fatalf("rows %q", rows)
	}
	subjects := map[string]bool{}
	for _, row := range rows[1:] {
		subjects[row[1]] = true
	}
	if !subjects["Pedido aberto"] || !subjects["Pedido resolvido"] || subjects["Pedido de outra equipa"] {
		t.Fatalf("exported %v", subjects)
	}

	// Filters apply; English headers with commas.
	r = e.get(sup, "/desk/export.csv?view=all&status=resolved", "Cookie", "balcao_lang=en")
	rows = readCSV(t, r.body, ',')
	if len(rows) != 2 || rows[0][0] != "Number" || rows[1][1] != "Pedido resolvido" {
		t.Fatalf("rows %q", rows)
	}
	wantStatus(t, e.get(sup, "/desk/export.csv?view=all&status=bogus"), http.StatusBadRequest)
	wantStatus(t, e.get(sup, "/desk/export.csv?view=team&team=spms-rnu"), http.StatusBadRequest)

	// XLSX: the admin's list holds every team.
	r = e.get(admin, "/desk/export.xlsx?view=all&sort=updated")
	wantStatus(t, r, http.StatusOK)
	if cd := r.h.Get("Content-Disposition"); cd != `attachment; filename="balcao-all-2026-03-02.xlsx"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	xrows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != 4 || xrows[0][0] != "Número" {
		t.Fatalf("xlsx rows %q", xrows)
	}
}

// An export holds the whole list, past the pages of the queue.
func TestExportWholeList(t *testing.T) {
	e := newEnv(t)
	sup, _ := reportsEnv(t, e)
	for range 450 {
		e.ticket(func(nt *balcao.NewTicket) { nt.Message = nil; nt.Missing = nil })
	}
	// The team's view holds its open tickets: 450 and one from reportsEnv.
	r := e.get(sup, "/desk/export.csv?view=team&team=spms-cit")
	wantStatus(t, r, http.StatusOK)
	if rows := readCSV(t, r.body, ';'); len(rows) != 1+451 {
		t.Fatalf("%d rows, want %d", len(rows), 1+451)
	}
}

func readCSV(t *testing.T, body string, comma rune) [][]string {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	cr.Comma = comma
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%v:\n%s", err, body)
	}
	return rows
}
