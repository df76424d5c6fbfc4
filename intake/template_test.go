package intake_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"balcao"
	"balcao/catalog"
)

// TestExcelTemplateByEmail: the IT department of a health unit asks CIT
// access for two doctors with the Excel template attached; the rows become
// the ticket's doctors, and a row missing its cédula is named by row and
// column in the answer.
func TestExcelTemplateByEmail(t *testing.T) {
	d := newDesk(t)
	cat, _ := catalog.Default()
	rt := cat.RequestType("cit-a1")
	var tpl bytes.Buffer
	if err := rt.WriteTemplate(&tpl, "pt-PT"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet)
	head := -1
	for i, r := range rows {
		for _, c := range r {
			if strings.Contains(strings.ToLower(c), "cédula") {
				head = i
			}
		}
		if head >= 0 {
			break
		}
	}
	values := []map[string]string{
		{"nome completo": "Maria João Silva", "nome clínico": "Maria Silva", "cédula": "45123", "sexo": "Feminino",
			"nascimento": "14/05/1980", "unidade": "3110511", "correio": "maria.silva@usf.min-saude.pt"},
		{"nome completo": "Rui Pedro Santos", "nome clínico": "Rui Santos", "sexo": "Masculino",
			"nascimento": "02/11/1975", "unidade": "3110511", "correio": "rui.santos@usf.min-saude.pt"},
	}
	for col, h := range rows[head] {
		for r, row := range values {
			for k, v := range row {
				if strings.Contains(strings.ToLower(h), k) {
					cell, _ := excelize.CoordinatesToCellName(col+1, head+2+r)
					f.SetCellStr(sheet, cell, v)
				}
			}
		}
	}
	var filled bytes.Buffer
	f.Write(&filled)
	b64 := base64.StdEncoding.EncodeToString(filled.Bytes())
	var wrapped strings.Builder
	for len(b64) > 76 {
		wrapped.WriteString(b64[:76] + "\n")
		b64 = b64[76:]
	}
	wrapped.WriteString(b64)

	out := d.deliver(`
From: Informática USF <informatica@usf-arco-iris.min-saude.pt>
To: servicedesk@spms.min-saude.pt
Subject: CIT – Criação/Alteração de credenciais - Médico
Message-ID: <a1@usf-arco-iris.min-saude.pt>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=B

--B
Content-Type: text/plain; charset=utf-8

Bom dia,
Pedimos a criação de acesso para os médicos do ficheiro em anexo.
Criação de acesso ou alteração/reenvio de credenciais: a) Criação de acesso
--B
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
Content-Disposition: attachment; filename="medicos.xlsx"
Content-Transfer-Encoding: base64

` + wrapped.String() + `
--B--
`)
	tk := d.ticket(out.Ticket)
	if tk.RequestType != "cit-a1" || tk.Fields["medicos[0].cedula"] != "45123" || tk.Fields["medicos[1].nome_completo"] == "" {
		t.Fatalf("ticket %s fields %v", tk.RequestType, tk.Fields)
	}
	if tk.Status != balcao.StatusPendingRequester {
		t.Fatalf("status %s: the second doctor has no cédula", tk.Status)
	}
	ans := d.lastAnswer(out.Ticket).Text
	if !strings.Contains(ans, "cédula profissional") || !strings.Contains(ans, "linha") {
		t.Fatalf("the answer should name the row and the column:\n%s", ans)
	}
}
