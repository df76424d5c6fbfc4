package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func post(t *testing.T, url, token, contentType string, body []byte, lang string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestCatalogAPI(t *testing.T) {
	dir := t.TempDir()
	environ := env("BALCAO_DATA_DIR=" + dir)
	srv := startServer(t, environ)
	balcaoCmd(t, environ, "", "user", "create", "--email", "api@spms.pt", "--role", "agent")
	token := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "api@spms.pt", "--name", "t").stdout)

	if code, _, _ := get(t, srv.base+"/api/v1/catalog", ""); code != 401 {
		t.Fatalf("catalog without token: %d", code)
	}
	req, _ := http.NewRequest("GET", srv.base+"/api/v1/catalog", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Language string `json:"language"`
		Services []struct {
			Code         string `json:"code"`
			Address      string `json:"address"`
			RequestTypes []struct {
				Code    string `json:"code"`
				Subject string `json:"subject"`
				Fields  []struct {
					Key   string `json:"key"`
					Label string `json:"label"`
				} `json:"fields"`
			} `json:"request_types"`
		} `json:"services"`
	}
	json.NewDecoder(resp.Body).Decode(&cat)
	resp.Body.Close()
	counts := map[string]int{}
	total := 0
	for _, s := range cat.Services {
		counts[s.Code] = len(s.RequestTypes)
		total += len(s.RequestTypes)
	}
	if cat.Language != "en" || counts["cit"] != 17 || counts["webrnu"] != 12 || total != 34 {
		t.Fatalf("catalog: language %q, counts %v (total %d)", cat.Language, counts, total)
	}

	// Validation: problems name the field and the fix, in the asked language.
	url := srv.base + "/api/v1/catalog/cit-d1/validate"
	code, body := post(t, url, token, "application/json", []byte(`{"fields": {"descricao": "Erro ao emitir", "unidade": "USF Arco-Íris",
		"cedula": "45123", "utente.nnu": "111156119", "utente.niss": "112 3456 7893"}}`), "")
	var verr struct {
		Problems []struct{ Field, Code, Message string } `json:"problems"`
	}
	if code != 422 || json.Unmarshal(body, &verr) != nil {
		t.Fatalf("invalid request: %d %s", code, body)
	}
	found := map[string]string{}
	for _, p := range verr.Problems {
		found[p.Field] = p.Code + ": " + p.Message
	}
	if !strings.HasPrefix(found["utente.niss"], "check_digit: ") || !strings.Contains(found["utente.niss"], "NISS") {
		t.Errorf("NISS problem: %q (all: %s)", found["utente.niss"], body)
	}
	if !strings.HasPrefix(found["printscreen"], "attachment_required") {
		t.Errorf("missing PrintScreen not reported: %s", body)
	}
	code, body = post(t, url, token, "application/json", []byte(`{"fields": {"descricao": "Erro ao emitir", "unidade": "USF Arco-Íris",
		"cedula": "45123", "utente.nnu": "111 156 119", "utente.niss": "112.3456.7892"},
		"attachments": [{"filename": "erro.png", "media_type": "image/png", "size": 30000}]}`), "")
	var ok struct {
		RequestType map[string]string `json:"request_type"`
		Fields      map[string]string `json:"fields"`
	}
	if code != 200 || json.Unmarshal(body, &ok) != nil || ok.Fields["utente.niss"] != "11234567892" || ok.Fields["utente.nnu"] != "111156119" ||
		ok.RequestType["subject"] != "CIT – Problema/Erro aplicação local (SAM-CS)" {
		t.Fatalf("valid request: %d %s", code, body)
	}
	if code, body := post(t, srv.base+"/api/v1/catalog/cit-z9/validate", token, "application/json", []byte(`{"fields": {}}`), ""); code != 404 || !strings.Contains(string(body), "cit-z9") {
		t.Fatalf("unknown request type: %d %s", code, body)
	}

	// The Excel template of CIT A.1, and a filled one read back.
	code, h, xlsx := get(t, srv.base+"/api/v1/catalog/cit-a1/template.xlsx", token)
	if code != 200 || !bytes.HasPrefix(xlsx, []byte("PK")) || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("template: %d %q", code, h.Get("Content-Type"))
	}
	if code, _, _ := get(t, srv.base+"/api/v1/catalog/cit-d1/template.xlsx", token); code != 404 {
		t.Fatalf("template of a type without one: %d", code)
	}
	code, body = post(t, srv.base+"/api/v1/catalog/cit-a1/template", token, xlsxType(), []byte("isto não é um livro"), "pt-PT")
	if code != 422 || !strings.Contains(string(body), "Excel") {
		t.Fatalf("not a workbook: %d %s", code, body)
	}
}

func xlsxType() string { return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }

func TestCatalogCommands(t *testing.T) {
	dir := t.TempDir()
	r := balcaoCmd(t, env("BALCAO_DATA_DIR="+dir), "", "catalog", "check")
	if r.code != 0 || !strings.Contains(r.stderr, "34 request types") {
		t.Fatalf("check default: %+v", r)
	}
	r = balcaoCmd(t, env("BALCAO_DATA_DIR="+dir), "", "catalog", "export", "--lang", "pt-BR")
	if r.code != 0 || !strings.Contains(r.stdout, `"code": "comprasgov-reativacao-uasg"`) {
		t.Fatalf("export: exit %d, %.300s", r.code, r.stdout)
	}

	// An operator file with mistakes: check names file and line, serve refuses.
	if err := os.MkdirAll(filepath.Join(dir, "catalog"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := "services:\n  - code: cit\n    request_types:\n      - code: cit-x1\n        title: {pt-PT: Teste}\n        team: equipa-inexistente\n        fields:\n          - {key: a, label: {pt-PT: A}, type: telepathy}\n"
	if err := os.WriteFile(filepath.Join(dir, "catalog", "local.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r = balcaoCmd(t, env("BALCAO_DATA_DIR="+dir), "", "catalog", "check")
	if r.code != 1 || !strings.Contains(r.stdout, "local.yaml:") || !strings.Contains(r.stdout, "telepathy") || !strings.Contains(r.stdout, "equipa-inexistente") {
		t.Fatalf("check bad file: %+v", r)
	}
	r = balcaoCmd(t, env("BALCAO_DATA_DIR="+dir), "", "serve", "--http-addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "local.yaml:") {
		t.Fatalf("serve on an invalid catalogue: %+v", r)
	}
}

// TestTemplateRoundTripThroughAPI downloads the CIT A.1 template, fills
// two rows (one wrong) with columns in the template's order, and uploads it.
func TestTemplateRoundTripThroughAPI(t *testing.T) {
	dir := t.TempDir()
	environ := env("BALCAO_DATA_DIR=" + dir)
	srv := startServer(t, environ)
	balcaoCmd(t, environ, "", "user", "create", "--email", "api@spms.pt", "--role", "agent")
	token := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "api@spms.pt", "--name", "t").stdout)
	_, _, xlsx := get(t, srv.base+"/api/v1/catalog/cit-a1/template.xlsx", token)

	code, body := post(t, srv.base+"/api/v1/catalog/cit-a1/template", token, xlsxType(), xlsx, "pt-PT")
	if code != 422 || !strings.Contains(string(body), "linha") {
		t.Fatalf("empty template: %d %s", code, body)
	}

	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet)
	headerRow := -1
	for i, r := range rows {
		for _, c := range r {
			if strings.Contains(strings.ToLower(c), "cédula") {
				headerRow = i
			}
		}
		if headerRow >= 0 {
			break
		}
	}
	if headerRow < 0 {
		t.Fatalf("no heading row in %v", rows)
	}
	good := map[string]string{"nome completo": "Maria João Silva", "nome clínico": "Maria Silva", "cédula": "45123", "sexo": "Feminino",
		"nascimento": "14/05/1980", "unidade": "3110511", "correio": "maria.silva@usf.min-saude.pt", "telem": "912345678"}
	for col, h := range rows[headerRow] {
		for k, v := range good {
			if strings.Contains(strings.ToLower(h), k) {
				cell, _ := excelize.CoordinatesToCellName(col+1, headerRow+2)
				f.SetCellStr(sheet, cell, v)
				if k != "cédula" {
					cell2, _ := excelize.CoordinatesToCellName(col+1, headerRow+3)
					f.SetCellStr(sheet, cell2, v)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	code, body = post(t, srv.base+"/api/v1/catalog/cit-a1/template", token, xlsxType(), buf.Bytes(), "pt-PT")
	// The problem names the row as the spreadsheet numbers it.
	if want := fmt.Sprintf("linha %d, Número de cédula profissional", headerRow+3); code != 422 || !strings.Contains(string(body), want) || strings.Count(string(body), `"field"`) != 1 {
		t.Fatalf("second row lacks the cédula: want a problem naming row and column, got %d %s", code, body)
	}
}

// TestHolidaysAPI lists Portugal's 2026 national holidays (Easter on 5
// April: Sexta-feira Santa on the 3rd, Corpo de Deus on 4 June) and
// Brazil's with the optional Carnaval.
func TestHolidaysAPI(t *testing.T) {
	dir := t.TempDir()
	environ := env("BALCAO_DATA_DIR=" + dir)
	srv := startServer(t, environ)
	balcaoCmd(t, environ, "", "user", "create", "--email", "api@spms.pt", "--role", "agent")
	token := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "api@spms.pt", "--name", "t").stdout)
	code, _, body := get(t, srv.base+"/api/v1/calendars/PT/holidays?year=2026", token)
	var out struct {
		Holidays []struct{ Date, Key, Name, Kind string } `json:"holidays"`
	}
	if code != 200 || json.Unmarshal(body, &out) != nil {
		t.Fatalf("%d %s", code, body)
	}
	var dates []string
	for _, h := range out.Holidays {
		dates = append(dates, h.Date)
	}
	want := "2026-01-01 2026-04-03 2026-04-05 2026-04-25 2026-05-01 2026-06-04 2026-06-10 2026-08-15 2026-10-05 2026-11-01 2026-12-01 2026-12-08 2026-12-25"
	if strings.Join(dates, " ") != want {
		t.Fatalf("PT 2026:\n got %s\nwant %s", strings.Join(dates, " "), want)
	}
	code, _, body = get(t, srv.base+"/api/v1/calendars/br/holidays?year=2026&include_optional=true", token)
	if code != 200 || !strings.Contains(string(body), `"2026-02-17"`) || !strings.Contains(string(body), `"2026-11-20"`) {
		t.Fatalf("BR 2026 with Carnaval: %d %s", code, body)
	}
	if code, _, _ := get(t, srv.base+"/api/v1/calendars/FR/holidays?year=2026", token); code != 404 {
		t.Fatalf("unknown country: %d", code)
	}
	if code, _, _ := get(t, srv.base+"/api/v1/calendars/PT/holidays", token); code != 422 {
		t.Fatalf("missing year: %d", code)
	}
}
