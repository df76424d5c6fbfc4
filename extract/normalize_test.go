package extract

import (
	"slices"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeSubject(t *testing.T) {
	cases := []struct{ in, want string }{
		{"CIT – Retificação de CIT", "cit - retificacao de cit"},
		{"CIT - WS – Pedido de acesso", "cit - ws - pedido de acesso"},
		{"CIT—Dúvidas aplicação local (SAM-CS)", "cit - duvidas aplicacao local (sam - cs)"},
		{"CIT ‒ x − y ― z", "cit - x - y - z"},
		{"RE: RES: Fwd: ENC: WebRNU – Óbito não Identificado", "webrnu - obito nao identificado"},
		{"Re[2]: TR : AW: Sv: x", "x"},
		{"[#SD-2026-000123] RE: CIT – Retificação de CIT", "cit - retificacao de cit"},
		{"RE: [SD-2026-000123] Re: CIT", "cit"},
		{"CIT – Retificação de CIT (#SD-2026-000123)", "cit - retificacao de cit"},
		{"cit - retificacao de cit [#sd - 2026 - 000123]", "cit - retificacao de cit"},
		{"  WEBRNU\u00a0–\tIndisponibilidade \u200b ", "webrnu - indisponibilidade"},
		{"Ｗｅｂ RNU", "web rnu"},
		{"A\u0301rea", "area"},
		{"Nº de utente", "no de utente"},
		{"[EXTERNAL] RE2: *CIT*", "cit*"},
		{"Fwd:RE :Res(3): x – y", "x - y"},
		{"CIT \u2e3a x", "cit - x"},
		{"Reunião", "reuniao"},
		{"Resumo: x", "resumo: x"},
		{"", ""},
		{"\xff\xfeRE: x", "x"},
	}
	for _, c := range cases {
		got := NormalizeSubject(c.in)
		if got != c.want {
			t.Errorf("NormalizeSubject(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := NormalizeSubject(got); again != got {
			t.Errorf("NormalizeSubject not idempotent on %q: %q then %q", c.in, got, again)
		}
	}
}

func TestLabelTokens(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Nº de utente", "numero utente"},
		{"N.º utente", "numero utente"},
		{"N. º utente", "numero utente"},
		{"Nr. utente", "numero utente"},
		{"No. utente", "numero utente"},
		{"Número de Utente (SNS)", "numero utente sns"},
		{"Nº Utente S.N.S.", "numero utente sns"},
		{"D.N.", "dn"},
		{"N.I.S.S.", "niss"},
		{"E-mail", "email"},
		{"Endereço de e-mail", "endereco email"},
		{"Data(s) de início", "data inicio"},
		{"Identificação do(s) médico(s)", "identificacao medico"},
		{"Nome completo (obrigatório)", "nome completo"},
		{"Identificação do CIT, se aplicável", "identificacao cit"},
		{"1. Nome completo", "nome completo"},
		{"o Número de cédula profissional;", "numero cedula profissional"},
		{"Local de inscrição no centro de saúde", "local inscricao centro saude"},
		{"", ""},
	}
	for _, c := range cases {
		if got := labelKey(c.in); got != c.want {
			t.Errorf("labelKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTokSim(t *testing.T) {
	cases := []struct {
		a, b string
		want float64
	}{
		{"central", "central", 1},
		{"indisponibilidae", "indisponibilidade", simTypo},
		{"duvida", "duvidas", simTypo},
		{"centrl", "central", simTypo},
		{"rectificacao", "retificacao", simTypo},
		{"aplic", "aplicacao", simAbbrev},
		{"indisponivel", "indisponibilidade", simFar},
		{"local", "central", 0},
		{"cs", "ws", 0},
		{"nao", "nas", 0},
		{"2025", "2026", 0},
		{"pretendido", "existente", 0},
		{"identificado", "indevidamente", 0},
	}
	for _, c := range cases {
		if got := tokSim(c.a, c.b); got != c.want {
			t.Errorf("tokSim(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if d := osaDistance("ab", "ba", 2); d != 1 {
		t.Errorf("transposition distance %d", d)
	}
}

func TestWords(t *testing.T) {
	if got := words("cit - duvidas (sam - cs) nº1"); !slices.Equal(got, []string{"cit", "duvidas", "sam", "cs", "n", "1"}) {
		t.Errorf("words = %q", got)
	}
}

func TestLabelWordClass(t *testing.T) {
	for w, want := range map[string]uint8{"numero": classNumber, "nr": classNumber, "de": classDrop, "sobre": classDrop,
		"obrigatorio": classDrop, "2026": classDrop, "s": classDrop, "utente": classKeep, "": classKeep, "n2": classKeep} {
		if got := labelWordClass([]byte(w)); got != want {
			t.Errorf("labelWordClass(%q) = %d, want %d", w, got, want)
		}
	}
}

// latinBase agrees with the decomposition (and foldRune) for every
// Latin-1 letter.
func TestLatinBase(t *testing.T) {
	for r := rune(0xA0); r <= 0xFF; r++ {
		b := latinBase(r)
		if b == 0 {
			continue
		}
		var dec []rune
		for _, d := range norm.NFKD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				dec = append(dec, foldRune(d))
			}
		}
		if len(dec) != 1 || dec[0] != rune(b) {
			t.Errorf("latinBase(%q) = %q, decomposition %q", r, b, string(dec))
		}
	}
	if latinBase('×') != 0 || latinBase('÷') != 0 || latinBase('ß') != 0 {
		t.Error("latinBase maps a non-letter")
	}
}
