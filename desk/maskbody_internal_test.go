package desk

import (
	"testing"

	"balcao"
)

func TestBodyMasker(t *testing.T) {
	m := newBodyMasker([]fieldRow{
		{Key: "utente.niss", Value: "11234567892", Masked: true, Personal: true},
		{Key: "requerente.cpf", Value: "123.456.789-09", Masked: true, Personal: true},
		{Key: "utente.nnu", Value: "111156119", Personal: true}, // revealed
		{Key: "cedula", Value: "45123"},                         // not personal
	}, nil)
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
		// The fields' values are masked by MaskMessage alike, and not
		// taken for identifiers of the message: the revealed NNU stays.
		if got := m.MaskMessage(7, in); got != want {
			t.Errorf("MaskMessage(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (*bodyMasker)(nil).Mask("11234567892"); got != "11234567892" {
		t.Errorf("nil masker changed the text: %q", got)
	}
}

// The samples of the domain guide: valid identifiers written only in a
// message are masked, whatever their punctuation, in text and in HTML;
// numbers failing their check digit and phone numbers are not.
func TestMaskMessageIdentifiers(t *testing.T) {
	m := newBodyMasker(nil, nil)
	for in, want := range map[string]string{
		// valid
		"NISS 11234567892":                  "NISS ••••••••892",
		"NISS: 120 034 567 89.":             "NISS: ••• ••• ••7 89.",
		"organização 20000000001":           "organização ••••••••001",
		"NIF 501964843, outro 123456789":    "NIF ••••••843, outro ••••••789",
		"NIF: 501 964 843":                  "NIF: ••• ••• 843",
		"utente 111156119":                  "utente ••••••119",
		"utente 123-456-788":                "utente •••-•••-788",
		"CC 123456789ZZ1":                   "CC •••••••••ZZ1",
		"CC 12345678 9 ZZ1":                 "CC •••••••• • ZZ1",
		"CPF 529.982.247-25":                "CPF •••.•••.••7-25",
		"CPF 52998224725":                   "CPF ••••••••725",
		"CNS 123456789010000":               "CNS ••••••••••••000",
		"CNS 898 0000 0004 3208":            "CNS ••• •••• •••• •208",
		"<p>NISS <b>11234567892</b></p>":    "<p>NISS <b>••••••••892</b></p>",
		"<td>529.982.247-25</td>":           "<td>•••.•••.••7-25</td>",
		"dois: 11234567892 e 501964843":     "dois: ••••••••892 e ••••••843",
		"NIF\u00a0501\u00a0964\u00a0843":    "NIF\u00a0•••\u00a0•••\u00a0843",
		"Castelo Branco, NIF 501964843":     "Castelo Branco, NIF ••••••843",
		"Telefone 912345678, NIF 123456789": "Telefone 912345678, NIF ••••••789",
		// invalid: check digit, length, equal digits, inside longer text
		"NISS 11234567893":         "NISS 11234567893",
		"NIF 501964842":            "NIF 501964842",
		"utente 111156118":         "utente 111156118",
		"CC 123456789ZZ2":          "CC 123456789ZZ2",
		"CPF 529.982.247-24":       "CPF 529.982.247-24",
		"CPF 111.111.111-11":       "CPF 111.111.111-11",
		"CNS 898000000043209":      "CNS 898000000043209",
		"ref 5019648431":           "ref 5019648431",
		"código X501964843":        "código X501964843",
		"processo 501964843é":      "processo 501964843é",
		"data 24/11/2026 às 10:30": "data 24/11/2026 às 10:30",
		// phone numbers that pass a check digit (912345675 a NIF's, 912345676
		// an NNU's, 21987654382 a CPF's) are not identifiers
		"Telefone: 912345675":             "Telefone: 912345675",
		"telemóvel 912 345 676":           "telemóvel 912 345 676",
		"tel. 912345675 ou fax 912345676": "tel. 912345675 ou fax 912345676",
		"ligue +351 912 345 675":          "ligue +351 912 345 675",
		"ligue 00351 912345675":           "ligue 00351 912345675",
		"celular +55 21 98765-4382":       "celular +55 21 98765-4382",
		"contato +55 21987654382":         "contato +55 21987654382",
		"(21) 98765-4382 ou 912345675":    "(21) 98765-4382 ou ••••••675",
		"WhatsApp: 21987654382":           "WhatsApp: 21987654382",
	} {
		if got := m.MaskMessage(7, in); got != want {
			t.Errorf("MaskMessage(%q) = %q, want %q", in, got, want)
		}
	}

	// Revealed in message 7, the NISS shows there; not in message 8.
	f := findIdentifiers("NISS 11234567892")
	if len(f) != 1 || f[0].Kind != "niss" || f[0].Value != "11234567892" {
		t.Fatalf("found %+v", f)
	}
	key := bodyKey(7, f[0])
	if key != "msg#7.niss.892" {
		t.Fatalf("key %q", key)
	}
	if id, kind, tail, ok := parseBodyKey(key); !ok || id != 7 || kind != "niss" || tail != "892" {
		t.Fatalf("parseBodyKey(%q) = %d %q %q %v", key, id, kind, tail, ok)
	}
	for _, bad := range []string{"utente.niss", "msg#x.niss.892", "msg#7.niss", "msg#-1.niss.892"} {
		if _, _, _, ok := parseBodyKey(bad); ok {
			t.Errorf("parseBodyKey(%q) accepted", bad)
		}
	}
	r := newBodyMasker(nil, map[string]bool{key: true})
	if got := r.MaskMessage(7, "NISS 11234567892"); got != "NISS 11234567892" {
		t.Errorf("revealed: %q", got)
	}
	if got := r.MaskMessage(8, "NISS 11234567892"); got != "NISS ••••••••892" {
		t.Errorf("other message: %q", got)
	}

	// Hidden lists each masked identifier once, from the text and the HTML.
	msg := &balcao.Message{ID: 9, Text: "NISS 11234567892, de novo 112 345 678 92; tel 912345675", HTML: "<p>CPF <b>529.982.247-25</b> NISS 11234567892</p>"}
	h := m.Hidden(msg)
	if len(h) != 2 || h[0] != (hiddenID{Key: "msg#9.niss.892", Label: "NISS", Display: "••••••••892"}) || h[1].Key != "msg#9.cpf.725" {
		t.Fatalf("Hidden = %+v", h)
	}
	if h := r.Hidden(&balcao.Message{ID: 7, Text: "NISS 11234567892"}); len(h) != 0 {
		t.Fatalf("a revealed identifier listed as hidden: %+v", h)
	}
}

func FuzzBodyMasker(f *testing.F) {
	f.Add("NISS: 112 345 678 92", "11234567892")
	f.Add("CPF 529.982.247-25 tel +351 912345675", "")
	f.Fuzz(func(t *testing.T, text, secret string) {
		m := newBodyMasker([]fieldRow{{Value: secret, Masked: true, Personal: true}}, nil)
		for _, out := range []string{m.Mask(text), m.MaskMessage(1, text)} {
			if len([]rune(out)) != len([]rune(text)) {
				t.Fatalf("length changed: %q -> %q", text, out)
			}
		}
	})
}

// BenchmarkMaskMessage measures the masking of one message as the ticket
// page does it (text, whole text, list of hidden identifiers) for a 4 KB
// mail with two identifiers, a phone number and dates; "fields" is the
// masking of the fields' values alone, as before identifiers were looked
// for in the messages.
//
//	go test -run '^$' -bench MaskMessage ./desk/
func BenchmarkMaskMessage(b *testing.B) {
	para := "Bom dia, o CIT do utente não imprime desde 24/11/2026 às 10:30; o erro 500 repete-se no posto 3 da USF. "
	text := "NISS do utente: 120 034 567 89\nTelefone: 912345675\n"
	for len(text) < 4000 {
		text += para
	}
	text += "\nCPF 529.982.247-25\n"
	msg := &balcao.Message{ID: 1, Text: text}
	m := newBodyMasker([]fieldRow{{Key: "utente.nnu", Value: "111156119", Masked: true, Personal: true}}, nil)
	b.Run("fields", func(b *testing.B) {
		b.SetBytes(int64(2 * len(text)))
		b.ReportAllocs()
		for b.Loop() {
			m.Mask(msg.Text)
			m.Mask(msg.Text)
		}
	})
	b.Run("fields+found", func(b *testing.B) {
		b.SetBytes(int64(2 * len(text)))
		b.ReportAllocs()
		for b.Loop() {
			m.MaskMessage(msg.ID, msg.Text)
			m.MaskMessage(msg.ID, msg.Text)
			if len(m.Hidden(msg)) != 2 {
				b.Fatal("identifiers not found")
			}
		}
	})
}
