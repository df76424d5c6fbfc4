package intake_test

import (
	"strings"
	"testing"

	"balcao"
	"balcao/catalog"
	"balcao/intake"
)

func TestAskForMissing(t *testing.T) {
	tk := &balcao.Ticket{Number: "SD-2026-000001", Language: "pt-BR", Missing: []balcao.FieldProblem{
		{Key: "cedula", Label: "Número da cédula", Problem: "a cédula tem 5 ou 6 dígitos"},
		{Key: "utente.nnu", Label: "", Problem: "indique o número"},
		{Key: "utente.nif", Label: "NIF", Problem: "confira o dígito", Warning: true},
	}}
	got := intake.AskForMissing(tk)
	for _, want := range []string{"Olá,", "Para atendermos, faltam ou não estão corretos os seguintes dados:",
		"  - Número da cédula: a cédula tem 5 ou 6 dígitos", "  - utente.nnu: indique o número", "Responda a esta mensagem"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "NIF") {
		t.Errorf("a warning is asked for:\n%s", got)
	}
	tk.Language = "en"
	if got := intake.AskForMissing(tk); !strings.Contains(got, "the following data are missing or not valid") {
		t.Errorf("English:\n%s", got)
	}
}

func TestRequiredData(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	rt := cat.RequestType("webrnu-a")
	pt, en := intake.RequiredData(rt, "pt-PT"), intake.RequiredData(rt, "en")
	if len(pt) == 0 || len(pt) != len(en) || pt[0] == en[0] {
		t.Fatalf("pt-PT %q, en %q", pt, en)
	}
}
