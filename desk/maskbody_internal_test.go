package desk

import "testing"

func TestBodyMasker(t *testing.T) {
	m := newBodyMasker([]fieldRow{
		{Key: "utente.niss", Value: "11234567892", Masked: true},
		{Key: "requerente.cpf", Value: "123.456.789-09", Masked: true},
		{Key: "utente.nnu", Value: "111156119", Masked: false}, // revealed
		{Key: "cedula", Value: "45123"},                        // not personal
	})
	for in, want := range map[string]string{
		"NISS: 11234567892.":                  "NISS: ••••••••892.",
		"NISS 112 345 678 92 (pai)":           "NISS ••• ••• ••8 92 (pai)",
		"o CPF 12345678909 e o NNU 111156119": "o CPF ••••••••909 e o NNU 111156119",
		"CPF: 123.456.789-09":                 "CPF: •••.•••.••9-09",
		"número 9112345678920 mais longo":     "número 9112345678920 mais longo",
		"cédula 45123":                        "cédula 45123",
		"":                                    "",
	} {
		if got := m.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (*bodyMasker)(nil).Mask("11234567892"); got != "11234567892" {
		t.Errorf("nil masker changed the text: %q", got)
	}
}

func FuzzBodyMasker(f *testing.F) {
	f.Add("NISS: 112 345 678 92", "11234567892")
	f.Fuzz(func(t *testing.T, text, secret string) {
		m := newBodyMasker([]fieldRow{{Value: secret, Masked: true}})
		out := m.Mask(text)
		if len([]rune(out)) != len([]rune(text)) {
			t.Fatalf("length changed: %q -> %q", text, out)
		}
	})
}
