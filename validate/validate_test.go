package validate

import (
	"strings"
	"testing"
	"time"
)

type checkCase struct {
	kind    Kind
	in      string
	want    string // normalised value; "" when rejected
	code    Code
	warning bool
}

func runChecks(t *testing.T, opt Options, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		got := Check(tc.kind, tc.in, opt)
		want := Result{Value: tc.want, Code: tc.code, Warning: tc.warning}
		if got != want {
			t.Errorf("Check(%s, %q) = %+v, want %+v", tc.kind, tc.in, got, want)
		}
	}
}

// TestDomainSamples holds every valid and invalid sample of the identifier
// table in shared/guide/domain.md, in the spelling given there.
func TestDomainSamples(t *testing.T) {
	runChecks(t, Options{}, []checkCase{
		{NISS, "11234567892", "11234567892", "", false},
		{NISS, "12003456789", "12003456789", "", false},
		{NISS, "20000000001", "20000000001", "", false},
		{NISS, "11234567893", "", CodeCheckDigit, false},

		{NIF, "501964843", "501964843", "", false},
		{NIF, "123456789", "123456789", "", false},
		{NIF, "501964842", "", CodeCheckDigit, false},

		{NNU, "111156119", "111156119", "", false},
		{NNU, "123456788", "123456788", "", false},
		{NNU, "111156118", "111156118", CodeCheckDigitUnverified, true},

		{Cedula, "45123", "45123", "", false},
		{Cedula, "45a23", "", CodeFormat, false},

		{CC, "123456789ZZ1", "123456789ZZ1", "", false},
		{CC, "123456789ZZ2", "", CodeCheckDigit, false},

		{CPF, "529.982.247-25", "52998224725", "", false},
		{CPF, "529.982.247-24", "", CodeCheckDigit, false},
		{CPF, "111.111.111-11", "", CodeCheckDigit, false},

		{CNPJ, "16.727.230/0001-97", "16727230000197", "", false},
		{CNPJ, "12.ABC.345/01DE-35", "12ABC34501DE35", "", false},
		{CNPJ, "16.727.230/0001-98", "", CodeCheckDigit, false},

		{CNS, "123456789010000", "123456789010000", "", false},
		{CNS, "898000000043208", "898000000043208", "", false},
		{CNS, "898000000043209", "", CodeCheckDigit, false},

		{UASG, "200005", "200005", "", false},
		{UASG, "20005A", "", CodeFormat, false},
	})
}

func TestIdentifiers(t *testing.T) {
	runChecks(t, Options{}, []checkCase{
		// NISS
		{NISS, " 112 345 678 92 ", "11234567892", "", false},
		{NISS, "1123.4567.892", "11234567892", "", false},
		{NISS, "21234567893", "21234567893", "", false},
		{NISS, "31234567892", "", CodeFormat, false}, // first digit
		{NISS, "1123456789", "", CodeFormat, false},
		{NISS, "112345678921", "", CodeFormat, false},
		{NISS, "1123456789O", "", CodeFormat, false}, // letter O
		{NISS, "１１２３４５６７８９２", "", CodeFormat, false}, // full-width digits

		// NIF: prefixes in use, the PT of VAT numbers, check digit 0.
		{NIF, "501 964 843", "501964843", "", false},
		{NIF, "PT 501 964 843", "501964843", "", false},
		{NIF, "pt501964843", "501964843", "", false},
		{NIF, "451234561", "451234561", "", false},
		{NIF, "700000003", "700000003", "", false},
		{NIF, "999999990", "999999990", "", false},
		{NIF, "012345678", "", CodeFormat, false},
		{NIF, "412345678", "", CodeFormat, false},
		{NIF, "731234567", "", CodeFormat, false},
		{NIF, "921234567", "", CodeFormat, false},
		{NIF, "50196484", "", CodeFormat, false},
		{NIF, "ES501964843", "", CodeFormat, false},
		{NIF, "999999991", "", CodeCheckDigit, false},

		// NNU
		{NNU, "111 156 119", "111156119", "", false},
		{NNU, "900000006", "900000006", "", false},
		{NNU, "712345678", "712345678", "", false},
		{NNU, "811156119", "", CodeFormat, false},
		{NNU, "011156119", "", CodeFormat, false},
		{NNU, "11115611", "", CodeFormat, false},
		{NNU, "900000007", "900000007", CodeCheckDigitUnverified, true},

		// Cédula profissional
		{Cedula, "7", "7", "", false},
		{Cedula, "045123", "045123", "", false},
		{Cedula, "45.123", "45123", "", false},
		{Cedula, "1234567", "", CodeFormat, false},
		{Cedula, "-4", "4", "", false}, // a dash is a separator, not a sign

		// Cartão de Cidadão
		{CC, "12345678 9 ZZ1", "123456789ZZ1", "", false},
		{CC, "123456789 zz1", "123456789ZZ1", "", false},
		{CC, "000000000ZZ4", "000000000ZZ4", "", false},
		{CC, "15420355 6 ZX9", "154203556ZX9", "", false},
		{CC, "123456789ZZ", "", CodeFormat, false},
		{CC, "12345678ZZZ1", "", CodeFormat, false},
		{CC, "123456789Z11", "", CodeFormat, false},
		{CC, "123456789ZZA", "", CodeFormat, false},
		{CC, "123456789ZſI", "", CodeFormat, false}, // no Unicode look-alikes
		{CC, "000000000ZZ5", "", CodeCheckDigit, false},

		// CPF
		{CPF, "52998224725", "52998224725", "", false},
		{CPF, "111 444 777 35", "11144477735", "", false},
		{CPF, "111.444.777/35", "11144477735", "", false},
		{CPF, "000.000.000-00", "", CodeCheckDigit, false},
		{CPF, "999.999.999-99", "", CodeCheckDigit, false},
		{CPF, "529.982.247-52", "", CodeCheckDigit, false},
		{CPF, "5299822472", "", CodeFormat, false},
		{CPF, "529.982.247-2X", "", CodeFormat, false},

		// CNPJ
		{CNPJ, "11.222.333/0001-81", "11222333000181", "", false},
		{CNPJ, "12.abc.345/01de-35", "12ABC34501DE35", "", false},
		{CNPJ, "00.000.000/0000-00", "", CodeCheckDigit, false},
		{CNPJ, "12.ABC.345/01DE-36", "", CodeCheckDigit, false},
		{CNPJ, "12.ABC.345/01DE-3A", "", CodeFormat, false},
		{CNPJ, "12.AB*.345/01DE-35", "", CodeFormat, false},
		{CNPJ, "1672723000019", "", CodeFormat, false},

		// CNS: both "000" and "001" infixes, and the 7-to-9 rule.
		{CNS, "1234 5678 9010 000", "123456789010000", "", false},
		{CNS, "123456789020006", "123456789020006", "", false},
		{CNS, "100000000060018", "100000000060018", "", false},
		{CNS, "200000000000003", "200000000000003", "", false},
		{CNS, "700000000000005", "700000000000005", "", false},
		{CNS, "100000000060008", "", CodeCheckDigit, false}, // 000 where 001 is due
		{CNS, "700000000000006", "", CodeCheckDigit, false},
		{CNS, "300000000000003", "", CodeFormat, false},
		{CNS, "12345678901000", "", CodeFormat, false},

		// UASG
		{UASG, "20005", "020005", "", false},
		{UASG, "1", "000001", "", false},
		{UASG, "200.005", "200005", "", false},
		{UASG, "2000051", "", CodeFormat, false},
		{UASG, "+20005", "", CodeFormat, false},

		// Blank, whatever the kind.
		{NISS, "", "", CodeRequired, false},
		{CNPJ, " \t\n", "", CodeRequired, false},
		{UASG, "\u00a0", "", CodeRequired, false},
	})
}

func TestNormalizeBlank(t *testing.T) {
	for name, f := range map[string]func(string) (string, Code){
		"NISS": NormalizeNISS, "NIF": NormalizeNIF, "NNU": NormalizeNNU,
		"Cedula": NormalizeCedula, "CC": NormalizeCC, "CPF": NormalizeCPF,
		"CNPJ": NormalizeCNPJ, "CNS": NormalizeCNS, "UASG": NormalizeUASG,
	} {
		for _, in := range []string{"", " ", "./-"} {
			if v, c := f(in); v != "" || c != CodeRequired {
				t.Errorf("Normalize%s(%q) = %q, %q; want required", name, in, v, c)
			}
		}
	}
}

func TestText(t *testing.T) {
	long := strings.Repeat("é", 500)
	runChecks(t, Options{}, []checkCase{
		{Text, "  Maria   da\tSilva \n", "Maria da Silva", "", false},
		{Text, "a\u00a0\u00a0b", "a b", "", false},
		{Text, long, long, "", false},
		{Text, long + "x", "", CodeTooLong, false},
		{Text, "a\x00b", "", CodeFormat, false},
		{Text, "a\x1b[31mb", "", CodeFormat, false},
		{Text, "a\xffb", "", CodeFormat, false},

		{LongText, "\r\n  Bom dia,\r\n\r\n\to portal não abre.\r\n", "Bom dia,\n\n\to portal não abre.", "", false},
		{LongText, "linha 1\rlinha 2", "linha 1\nlinha 2", "", false},
		{LongText, "a  b", "a  b", "", false},
		{LongText, "a\x07b", "", CodeFormat, false},
		{LongText, "a\u0085b", "", CodeFormat, false},
		{LongText, "\xc3", "", CodeFormat, false},
		{LongText, strings.Repeat("x", 20001), "", CodeTooLong, false},

		{BoletimCIT, "  CIT 2024/000123 ", "CIT 2024/000123", "", false},
		{BoletimCIT, "A\nB", "", CodeFormat, false},
		{BoletimCIT, strings.Repeat("1", 101), "", CodeTooLong, false},
	})
	runChecks(t, Options{MaxLen: 5}, []checkCase{
		{Text, "abcde", "abcde", "", false},
		{Text, "abc  def", "", CodeTooLong, false},
		{LongText, "abcdef", "", CodeTooLong, false},
		{BoletimCIT, "123456", "", CodeTooLong, false},
	})
}

// MaxLength says what Check accepts: a value that long passes, one longer
// fails.
func TestMaxLength(t *testing.T) {
	for _, tc := range []struct {
		kind   Kind
		maxLen int
		want   int
	}{{Text, 0, 500}, {Text, 200, 200}, {LongText, 0, 20000}, {BoletimCIT, 0, 100}, {BoletimCIT, 30, 30}, {NISS, 0, 0}, {Email, 50, 0}, {Date, 0, 0}} {
		got := MaxLength(tc.kind, tc.maxLen)
		if got != tc.want {
			t.Errorf("MaxLength(%s, %d) = %d, want %d", tc.kind, tc.maxLen, got, tc.want)
			continue
		}
		if got == 0 {
			continue
		}
		opt := Options{MaxLen: tc.maxLen}
		if r := Check(tc.kind, strings.Repeat("a", got), opt); r.Code != "" {
			t.Errorf("%s of %d characters: %s", tc.kind, got, r.Code)
		}
		if r := Check(tc.kind, strings.Repeat("a", got+1), opt); r.Code != CodeTooLong {
			t.Errorf("%s of %d characters: %q, want too long", tc.kind, got+1, r.Code)
		}
	}
}

func TestDates(t *testing.T) {
	now := time.Date(2026, 3, 15, 23, 30, 0, 0, time.FixedZone("BRT", -3*3600))
	runChecks(t, Options{}, []checkCase{
		{Date, "25/04/1974", "1974-04-25", "", false},
		{Date, "25-04-1974", "1974-04-25", "", false},
		{Date, "25.04.1974", "1974-04-25", "", false},
		{Date, "1974-04-25", "1974-04-25", "", false},
		{Date, " 5/4/1974 ", "1974-04-05", "", false},
		{Date, "29/02/2024", "2024-02-29", "", false},
		{Date, "01/01/1900", "1900-01-01", "", false},
		{Date, "31/12/2999", "2999-12-31", "", false}, // no PastOnly: future is fine
		{Date, "31/02/2024", "", CodeDateInvalid, false},
		{Date, "29/02/2023", "", CodeDateInvalid, false},
		{Date, "00/01/2000", "", CodeDateInvalid, false},
		{Date, "12/13/2000", "", CodeDateInvalid, false},
		{Date, "31/12/1899", "", CodeDateInvalid, false},
		{Date, "0000-01-01", "", CodeDateInvalid, false},
		{Date, "25/04/74", "", CodeFormat, false},
		{Date, "25/04-1974", "", CodeFormat, false},
		{Date, "1974/04/25/1", "", CodeFormat, false},
		{Date, "25 de abril de 1974", "", CodeFormat, false},
		{Date, "1974-04-25T10:00", "", CodeFormat, false},
		{Date, "19740425", "", CodeFormat, false},
		{Date, "025/04/1974", "", CodeFormat, false},
	})
	// The day of Now in Now's own zone counts as today.
	runChecks(t, Options{Now: now, PastOnly: true}, []checkCase{
		{Date, "15/03/2026", "2026-03-15", "", false},
		{Date, "16/03/2026", "", CodeDateFuture, false},
		{Date, "01/01/2027", "", CodeDateFuture, false},
		{Date, "31/02/2020", "", CodeDateInvalid, false},
	})
	runChecks(t, Options{PastOnly: true}, []checkCase{
		{Date, "01/01/1990", "", CodeDateFuture, false}, // forgotten Now
	})
}

func TestParseDate(t *testing.T) {
	if d, ok := ParseDate("1/2/0300"); !ok || d != time.Date(300, 2, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("ParseDate(1/2/0300) = %v, %v", d, ok)
	}
	for _, s := range []string{"", "31/04/2024", "2024-02-30", "1/1", "a/b/cccc"} {
		if _, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) ok", s)
		}
	}
}

func TestEmail(t *testing.T) {
	runChecks(t, Options{}, []checkCase{
		{Email, " Maria.Silva@Exemplo.GOV.PT ", "Maria.Silva@exemplo.gov.pt", "", false},
		{Email, "a+suporte@sub.exemplo.com.br", "a+suporte@sub.exemplo.com.br", "", false},
		{Email, "joão@câmara.pt", "joão@câmara.pt", "", false},
		{Email, "a@b-c.pt", "a@b-c.pt", "", false},
		{Email, "maria@localhost", "", CodeFormat, false},
		{Email, "Maria <maria@exemplo.pt>", "", CodeFormat, false},
		{Email, "<maria@exemplo.pt>", "", CodeFormat, false},
		{Email, "maria@exemplo.pt (Maria)", "", CodeFormat, false},
		{Email, `"maria silva"@exemplo.pt`, "", CodeFormat, false},
		{Email, "maria@@exemplo.pt", "", CodeFormat, false},
		{Email, "maria@exemplo..pt", "", CodeFormat, false},
		{Email, "maria@exemplo.pt.", "", CodeFormat, false},
		{Email, "maria@-exemplo.pt", "", CodeFormat, false},
		{Email, "maria@[192.0.2.1]", "", CodeFormat, false},
		{Email, "maria@exemplo_x.pt", "", CodeFormat, false},
		{Email, "maria exemplo.pt", "", CodeFormat, false},
		{Email, "a@b.pt, c@d.pt", "", CodeFormat, false},
		{Email, strings.Repeat("a", 250) + "@b.pt", "", CodeFormat, false},
	})
}

func TestPhone(t *testing.T) {
	runChecks(t, Options{}, []checkCase{
		// Portugal
		{Phone, "912 345 678", "+351912345678", "", false},
		{Phone, "21 123 45 67", "+351211234567", "", false},
		{Phone, "+351 912 345 678", "+351912345678", "", false},
		{Phone, "00351 912-345-678", "+351912345678", "", false},
		{Phone, "(+351) 912345678", "+351912345678", "", false},
		{Phone, "812 345 678", "", CodeFormat, false},
		{Phone, "+351 91234567", "", CodeFormat, false},
		{Phone, "+351 612 345 678", "", CodeFormat, false},
		// Brazil
		{Phone, "+55 (11) 91234-5678", "+5511912345678", "", false},
		{Phone, "+55 61 3312-3456", "+556133123456", "", false},
		{Phone, "(11) 91234-5678", "+5511912345678", "", false},
		{Phone, "61 3312 3456", "+556133123456", "", false},
		{Phone, "+55 01 91234-5678", "", CodeFormat, false},
		{Phone, "+55 11 81234-5678", "", CodeFormat, false},
		{Phone, "+55 11 9123-4567", "", CodeFormat, false},
		{Phone, "+55 11 7123-4567", "", CodeFormat, false},
		// Elsewhere
		{Phone, "+34 612 345 678", "+34612345678", "", false},
		{Phone, "0044 20 7946 0958", "+442079460958", "", false},
		{Phone, "+1234567", "", CodeFormat, false},
		{Phone, "+1234567890123456", "", CodeFormat, false},
		{Phone, "+0 612 345 678", "", CodeFormat, false},
		{Phone, "612 345 678", "", CodeFormat, false}, // Spanish without +34
		{Phone, "912 345 678 ext 12", "", CodeFormat, false},
		{Phone, "+", "", CodeFormat, false},
		{Phone, "++351912345678", "", CodeFormat, false},
	})
}

func TestIP(t *testing.T) {
	runChecks(t, Options{}, []checkCase{
		{IP, " 192.0.2.10 ", "192.0.2.10", "", false},
		{IP, "10.0.0.1", "10.0.0.1", "", false},
		{IP, "2001:DB8:0:0:0:0:0:1", "2001:db8::1", "", false},
		{IP, "::ffff:192.0.2.1", "192.0.2.1", "", false},
		{IP, "::1", "::1", "", false},
		{IP, "0.0.0.0", "", CodeFormat, false},
		{IP, "::", "", CodeFormat, false},
		{IP, "::ffff:0.0.0.0", "", CodeFormat, false},
		{IP, "fe80::1%eth0", "", CodeFormat, false},
		{IP, "192.168.001.001", "", CodeFormat, false},
		{IP, "256.0.0.1", "", CodeFormat, false},
		{IP, "192.0.2.10/24", "", CodeFormat, false},
		{IP, "exemplo.pt", "", CodeFormat, false},
	})
}

func TestChoice(t *testing.T) {
	opt := Options{Choices: []string{"Não sei", "Lisboa e Vale do Tejo", "Açores", "Outra"}}
	runChecks(t, opt, []checkCase{
		{Choice, "Não sei", "Não sei", "", false},
		{Choice, " nao  SEI ", "Não sei", "", false},
		{Choice, "naosei", "Não sei", "", false},
		{Choice, "Na\u0303o sei", "Não sei", "", false}, // decomposed ã
		{Choice, "lisboa e vale do tejo", "Lisboa e Vale do Tejo", "", false},
		{Choice, "ACORES", "Açores", "", false},
		{Choice, "Outro", "", CodeChoice, false},
		{Choice, "\u0301", "", CodeChoice, false},
	})
	runChecks(t, Options{}, []checkCase{{Choice, "Outra", "", CodeChoice, false}})
}

func TestKinds(t *testing.T) {
	ks := Kinds()
	if len(ks) != 17 {
		t.Fatalf("Kinds() has %d kinds, want 17", len(ks))
	}
	for _, k := range ks {
		if !KnownKind(k) {
			t.Errorf("KnownKind(%s) = false", k)
		}
		if cs := Codes(k); len(cs) == 0 || cs[0] != CodeRequired {
			t.Errorf("Codes(%s) = %v, want required first", k, cs)
		}
	}
	ks[0] = "mutated"
	if Kinds()[0] == "mutated" {
		t.Error("Kinds shares its slice with the caller")
	}
	if KnownKind("iban") || Codes("iban") != nil {
		t.Error("unknown kind reported as known")
	}
	if got := Check("iban", "PT50", Options{}); got.Code != CodeFormat {
		t.Errorf("Check(unknown kind) = %+v, want format", got)
	}
}

// BenchmarkCheck20Fields checks the fields of a realistic request form:
// identity, contacts, a choice, dates and a description.
func BenchmarkCheck20Fields(b *testing.B) {
	opt := Options{
		Now:     time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC),
		Choices: []string{"Lisboa e Vale do Tejo", "Norte", "Centro", "Alentejo", "Algarve", "Açores", "Madeira"},
	}
	birth := opt
	birth.PastOnly = true
	description := strings.Repeat("O portal não deixa emitir o CIT para o utente; aparece um erro.\r\n", 12)
	fields := []struct {
		kind Kind
		raw  string
		opt  Options
	}{
		{Text, "  Maria  da Silva ", opt},
		{Email, "Maria.Silva@Exemplo.GOV.PT", opt},
		{Phone, "+351 912 345 678", opt},
		{NISS, "112 345 678 92", opt},
		{NIF, "501 964 843", opt},
		{NNU, "111 156 119", opt},
		{CC, "12345678 9 zz1", opt},
		{Cedula, "45123", opt},
		{Date, "25/04/1974", birth},
		{Date, "2026-03-01", opt},
		{Choice, "lisboa e vale do tejo", opt},
		{Text, "USF Exemplo", opt},
		{IP, "10.12.0.34", opt},
		{BoletimCIT, "CIT 2026/000123", opt},
		{CPF, "529.982.247-25", opt},
		{CNPJ, "12.ABC.345/01DE-35", opt},
		{CNS, "898 0000 0004 3208", opt},
		{UASG, "20005", opt},
		{Phone, "(11) 91234-5678", opt},
		{LongText, description, opt},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fields {
			if r := Check(f.kind, f.raw, f.opt); r.Code != "" {
				b.Fatalf("Check(%s, %q) = %+v", f.kind, f.raw, r)
			}
		}
	}
}
