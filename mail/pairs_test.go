package mail

import (
	"strings"
	"testing"
)

func TestPairsText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Pair
	}{
		{"colon lines",
			"Nome: Maria\nNº de utente: 123456789\n",
			[]Pair{{"Nome", "Maria", "", 1}, {"Nº de utente", "123456789", "", 2}}},
		{"en dash and equals",
			"Nome completo – Maria Silva\nNISS = 11234567890\nData de nascimento - 01/02/1980\n",
			[]Pair{{"Nome completo", "Maria Silva", "", 1}, {"NISS", "11234567890", "", 2}, {"Data de nascimento", "01/02/1980", "", 3}}},
		{"bullets of every kind",
			"- Nome: A\n• Nº: 1\no Data: 2\n* Local: B\n1. Perfil: C\na) Código: D\n(b) Sexo: F\n§ Email: e@x.pt\n\uf0b7 NIF: 123\n",
			[]Pair{{"Nome", "A", "", 1}, {"Nº", "1", "", 2}, {"Data", "2", "", 3}, {"Local", "B", "", 4}, {"Perfil", "C", "", 5}, {"Código", "D", "", 6}, {"Sexo", "F", "", 7}, {"Email", "e@x.pt", "", 8}, {"NIF", "123", "", 9}}},
		{"seed list punctuation",
			"o Nome Completo: Maria Silva;\no Data de Nascimento: 01/02/1980;\n",
			[]Pair{{"Nome Completo", "Maria Silva", "", 1}, {"Data de Nascimento", "01/02/1980", "", 2}}},
		{"value on next line after colon",
			"Nome completo:\nMaria da Silva\n\nDescrição detalhada:\nO CIT não imprime.\nAparece erro 500.\n\nFim",
			[]Pair{{"Nome completo", "Maria da Silva", "", 1}, {"Descrição detalhada", "O CIT não imprime.\nAparece erro 500.", "", 4}}},
		{"value on next line after a blank",
			"Nome completo:\n\nMaria da Silva\n",
			[]Pair{{"Nome completo", "Maria da Silva", "", 1}}},
		{"known label without colon",
			"Nome completo\nMaria da Silva\nData de nascimento\n01/02/1980\n",
			[]Pair{{"Nome completo", "Maria da Silva", "", 1}, {"Data de nascimento", "01/02/1980", "", 3}}},
		{"bulleted values are one value",
			"Perfil:\n- Supervisor\n- Consulta\n\nNome: Rui\n",
			[]Pair{{"Perfil", "Supervisor; Consulta", "", 1}, {"Nome", "Rui", "", 5}}},
		{"sections",
			"Identificação do utente (Principal):\n- Número de Utente (SNS): 1\n\nIdentificação do Utente (SNS) (Duplicado):\n- Número de Utente: 2\n",
			[]Pair{{"Número de Utente (SNS)", "1", "Identificação do utente (Principal)", 2}, {"Número de Utente", "2", "Identificação do Utente (SNS) (Duplicado)", 5}}},
		{"seed CIT sections with dashes",
			"o Identificação do CIT – registo(s) existente(s):\n Número do boletim: 111\no Identificação do CIT – registo(s) pretendido(s):\n Número do boletim: 222\n",
			[]Pair{{"Número do boletim", "111", "Identificação do CIT – registo(s) existente(s)", 2}, {"Número do boletim", "222", "Identificação do CIT – registo(s) pretendido(s)", 4}}},
		{"gmail bold heading",
			"*CIT registado*\nNúmero do boletim: 1\n*CIT pretendido*\nNúmero do boletim: 2\n",
			[]Pair{{"Número do boletim", "1", "CIT registado", 2}, {"Número do boletim", "2", "CIT pretendido", 4}}},
		{"capitals heading",
			"IDENTIFICAÇÃO DO UTENTE\nNome: A\n",
			[]Pair{{"Nome", "A", "IDENTIFICAÇÃO DO UTENTE", 2}}},
		{"two pairs on a line",
			"Data: 10/03/2026; Hora: 10:30\nUtilizador: jmatos | Perfil: Consulta\n",
			[]Pair{{"Data", "10/03/2026", "", 1}, {"Hora", "10:30", "", 1}, {"Utilizador", "jmatos", "", 2}, {"Perfil", "Consulta", "", 2}}},
		{"tab-separated two columns",
			"Nome\tMaria\nNISS\t123\n",
			[]Pair{{"Nome", "Maria", "", 1}, {"NISS", "123", "", 2}}},
		{"tab-separated grid",
			"Nome\tCédula\tSexo\nRui\t111\tM\nAna\t222\tF\n",
			[]Pair{{"Nome", "Rui", "linha 1", 2}, {"Cédula", "111", "linha 1", 2}, {"Sexo", "F", "linha 2", 3}}},
		{"times and urls are not labels",
			"Reunião às 10:30 amanhã\nVer https://cit.min-saude.pt/cit/ para detalhes\n",
			nil},
		{"titles with dashes are not pairs",
			"WebRNU – Criação de acesso\nServiço de Informática – ULS Porto\n",
			nil},
		{"prose is not a label",
			"Como referi na mensagem anterior ao colega do serviço de apoio: não funciona\n",
			nil},
		{"quoted lines count",
			"> Nome: A\n",
			[]Pair{{"Nome", "A", "", 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Pairs(&Message{Text: tc.text, Reply: tc.text})
			if len(got) != len(tc.want) && !(tc.name == "tab-separated grid") {
				t.Errorf("got %d pairs, want %d:\n%s", len(got), len(tc.want), dumpPairs(got))
			}
			for _, w := range tc.want {
				if !hasPair(got, w) {
					t.Errorf("lack %+v; got:\n%s", w, dumpPairs(got))
				}
			}
		})
	}
}

func TestPairsHTML(t *testing.T) {
	html := `<html><body>
<p>Bom dia,</p>
<p><b>Identificação do médico e local</b></p>
<p>Número de cédula profissional: 45678</p>
<table border=1>
<tr><th colspan="2">CIT registado</th></tr>
<tr><td>Número do boletim</td><td>111</td></tr>
<tr><td><p>Data(s) de início:</p></td><td><p>01/03/2026</p></td></tr>
<tr><td>Entidade</td><td>:</td><td>Segurança Social</td></tr>
<tr><td colspan=2><strong>CIT pretendido</strong></td></tr>
<tr><td>Número do boletim</td><td>222</td></tr>
<tr><td>Observações</td><td></td></tr>
</table>
<table>
<tr><td><b>Nome</b></td><td><b>NISS</b></td><td><b>Data de nascimento</b></td></tr>
<tr><td>Rui</td><td>111</td><td>01/01/1980</td></tr>
<tr><td>Ana</td><td>222</td><td>02/02/1990</td></tr>
</table>
<table><tr><td>
  <p>Layout cell with text</p><p>Perfil: Consulta</p>
</td></tr></table>
<div class="gmail_quote">Nome: antigo</div>
</body></html>`
	m, err := Parse([]byte("From: a@x.pt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Reply, "antigo") {
		t.Errorf("Reply keeps the quote: %q", m.Reply)
	}
	got := Pairs(m)
	want := []Pair{
		{Label: "Número de cédula profissional", Value: "45678", Section: "Identificação do médico e local"},
		{Label: "Número do boletim", Value: "111", Section: "CIT registado"},
		{Label: "Data(s) de início", Value: "01/03/2026", Section: "CIT registado"},
		{Label: "Entidade", Value: "Segurança Social", Section: "CIT registado"},
		{Label: "Número do boletim", Value: "222", Section: "CIT pretendido"},
		{Label: "Nome", Value: "Rui", Section: "linha 1"},
		{Label: "NISS", Value: "222", Section: "linha 2"},
		{Label: "Data de nascimento", Value: "02/02/1990", Section: "linha 2"},
		{Label: "Perfil", Value: "Consulta"},
	}
	for _, w := range want {
		found := false
		for _, p := range got {
			if p.Label == w.Label && p.Value == w.Value && (w.Section == "" || p.Section == w.Section) {
				found = true
			}
		}
		if !found {
			t.Errorf("lack %+v; got:\n%s", w, dumpPairs(got))
		}
	}
	for _, p := range got {
		if p.Value == "antigo" || p.Label == "Observações" {
			t.Errorf("unexpected pair %+v", p)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>a</p><p>b</p>`, "a\nb"},
		{`<div>a<br>b</div><div><br></div><div>c</div>`, "a\nb\n\nc"},
		{`<p class=MsoNormal>Bom dia,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Texto<o:p></o:p></p>`, "Bom dia,\n\nTexto"},
		{`<table><tr><td>Nome</td><td>Maria</td></tr><tr><td>Sexo:</td><td>F</td></tr></table>`, "Nome: Maria\nSexo: F"},
		{`<table><tr><td>a</td><td>b</td><td>c</td></tr></table>`, "a\tb\tc"},
		{`<ul><li>um</li><li>dois</li></ul><ol><li>x</li><li>y</li></ol>`, "- um\n- dois\n1. x\n2. y"},
		{`<pre>a  b
c</pre>`, "a  b\nc"},
		{`<head><title>T</title><style>p{}</style></head><body><script>x()</script>ok</body>`, "ok"},
		{`a &amp; b &lt;c&gt; &eacute;`, "a & b <c> é"},
		{`<td>stray cell</td>`, "stray cell"},
		{`<table><tr><td>unclosed`, "unclosed"},
	}
	quoted := `<div>Ok</div><div class="gmail_quote"><div>Em x escreveu:</div><blockquote class="gmail_quote"><div><div>antigo</div></div></blockquote></div><p>depois</p>` +
		`<blockquote type="cite"><blockquote type="cite">citado</blockquote>ainda</blockquote><p>fim</p><div id="divRplyFwdMsg">De: x</div><p>resto</p>`
	if got, want := htmlToText(quoted, true), "Ok\ndepois\nfim"; got != want {
		t.Errorf("htmlToText without quotes = %q, want %q", got, want)
	}
	if got := htmlToText(quoted, false); !strings.Contains(got, "antigo") || !strings.Contains(got, "resto") {
		t.Errorf("htmlToText with quotes = %q", got)
	}
	for _, tc := range tests {
		if got := htmlToText(tc.in, false); got != tc.want {
			t.Errorf("htmlToText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestStripBullets(t *testing.T) {
	for in, want := range map[string]string{
		"- a": "a", "• a": "a", "o a": "a", "* a": "a", "1. a": "a", "12) a": "a", "a) a": "a",
		"(c) a": "a", "iv) a": "a", "- o a": "a", "A. Silva": "A. Silva", "2024. ano": "2024. ano",
		"orgão": "orgão", "10:30": "10:30", "§ a": "a",
	} {
		if got := stripBullets(in); got != want {
			t.Errorf("stripBullets(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPairsNil(t *testing.T) {
	if Pairs(nil) != nil || Pairs(&Message{}) != nil {
		t.Error("pairs from nothing")
	}
	long := strings.Repeat("Nome: x\n", 5000)
	if n := len(Pairs(&Message{Text: long, Reply: long})); n != 5000 {
		t.Errorf("%d pairs", n)
	}
}
