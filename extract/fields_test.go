package extract

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"balcao/catalog"
)

// messages are realistic bodies for every CIT and WebRNU request type,
// written as health units write them: labels a little different from the
// model's, bullets, headings, tables pasted from Excel. want lists some
// values the extraction must find (key path → value as written).
var messages = []struct {
	code, body string
	want       map[string]string
}{
	{"cit-a1", `Boa tarde,

Vimos por este meio solicitar a criação de acesso à aplicação CIT para os médicos abaixo.

Indicar: a) Criação de acesso
Outra informação pertinente: médicos em início de funções na USF Arco-Íris.

Identificação do(s) médico(s):
| Nome completo | Nome clínico | Nº de cédula profissional | Sexo | Data de nascimento | Código da unidade de saúde | E-mail | Telemóvel |
| Ana Maria Sousa Pereira | Ana Pereira | 45123 | F | 12/03/1985 | 3120301 | ana.pereira@usf-arcoiris.min-saude.pt | 912345678 |
| Rui Manuel Costa | Rui Costa | 51234 | Masculino | 1979-11-02 | 3120301 | | 936 555 111 |

Com os melhores cumprimentos,
Serviço de Informática – ULS Exemplo`,
		map[string]string{"tipo_pedido": "a) Criação de acesso", "medicos[0].cedula": "45123", "medicos[1].nome_clinico": "Rui Costa", "medicos[1].telemovel": "936 555 111"}},

	{"cit-a2", `Bom dia,
Solicitamos a alteração/reenvio de credenciais do técnico de informática abaixo.

Indicar: b) Alteração/reenvio de credenciais

Identificação do informático:
- Nome completo: João Pedro Almeida
- Sexo: M
- Data de nascimento: 05-07-1990
- Código da unidade de saúde: 1010101
- Endereço de correio eletrónico ou nº de telemóvel de contacto: joao.almeida@uls-exemplo.min-saude.pt

Obrigado.`,
		map[string]string{"tipo_pedido": "b) Alteração/reenvio de credenciais", "informaticos[0].email": "joao.almeida@uls-exemplo.min-saude.pt"}},

	{"cit-b", `Bom dia,
Descrição detalhada: Gostaríamos de saber se um CIT emitido para um trabalhador da função pública segue para a Segurança Social ou apenas para a entidade empregadora, e qual a legislação aplicável.
Cumprimentos`,
		map[string]string{"descricao": "Gostaríamos de saber se um CIT emitido para um trabalhador da função pública segue para a Segurança Social ou apenas para a entidade empregadora, e qual a legislação aplicável."}},

	{"cit-c1", `Olá,
o Descrição: No SAM-CS não consigo registar um CIT de assistência a familiar, o campo do parentesco fica inativo.
o Outra informação pertinente para o caso: segue PrintScreen em anexo.`,
		map[string]string{"descricao": "No SAM-CS não consigo registar um CIT de assistência a familiar, o campo do parentesco fica inativo."}},

	{"cit-c2", `Descrição detalhada: Na aplicação central, como se regista a prorrogação de um CIT emitido noutro hospital?
Observações: o utente está internado.`,
		map[string]string{"outra_informacao": "o utente está internado."}},

	{"cit-d1", `Bom dia,

Descrição detalhada: Ao imprimir o CIT a aplicação apresenta o erro "Falha na comunicação" e o documento não é gerado.
Designação do centro de saúde/unidade de saúde: USF Arco-Íris
Utilizador/Médico (Número da cédula profissional): 45123

Identificação do utente:
o Nº de utente: 111156119
o NISS ou nº de beneficiário: 11234567892

Identificação do CIT, se aplicável:
o Número do boletim: 2026A000123
o Entidade responsável e nº de beneficiário: Segurança Social – 11234567892
o Data(s) de início/Data(s) de termo: 01/02/2026 a 15/02/2026
o Outros dados pertinentes para o caso: CIT inicial

Segue PrintScreen em anexo.`,
		map[string]string{"cedula": "45123", "utente.nnu": "111156119", "utente.niss": "11234567892", "cit[0].data_inicio": "01/02/2026", "cit[0].data_termo": "15/02/2026"}},

	{"cit-d2", `Descrição detalhada: O hospital não consegue gravar CIT desde hoje de manhã; a aplicação central devolve "Erro interno".
Designação da unidade de saúde: Hospital de Santo Exemplo
Nº cédula profissional: 51234
Identificação do utente:
Número de Utente (SNS): 123456788
Nome completo: Maria da Conceição Lopes
D.N.: 23/09/1961
Nº beneficiário: 98765432
Identificação do CIT:
Nº do boletim: 2026B000777
Entidade responsável e Nº de beneficiário: CGA 98765432
Data de início: 03/02/2026
Data de termo: 17/02/2026`,
		map[string]string{"utente.beneficiario": "98765432", "utente.data_nascimento": "23/09/1961", "cit[0].boletim": "2026B000777"}},

	{"cit-e1", `Descrição detalhada: A aplicação local SAM-CS não abre desde as 9h, aparece "serviço indisponível".
Unidade de saúde: UCSP Vale do Exemplo
Cédula: 45123`,
		map[string]string{"unidade": "UCSP Vale do Exemplo", "cedula": "45123"}},

	{"cit-e2", `Bom dia,
Descrição detalhada: Ao abrir o CIT a partir do SClínico aparece página em branco. O acesso direto em https://cit.min-saude.pt/cit/ funciona.
Código da unidade: 2020202
N.º da cédula profissional: 45123
Dados do utente:
- Nr. utente: 111156119
- Nome: José Carlos Dias
- Data de nascimento: 30/04/1950
- NISS: 12003456789`,
		map[string]string{"codigo_unidade": "2020202", "utente.nnu": "111156119", "utente.niss": "12003456789", "utente.nome_completo": "José Carlos Dias"}},

	{"cit-e3", `Descrição detalhada: A aplicação central dos CIT dá "timeout" em todos os postos do serviço de urgência.
Cód. unidade de saúde: 3030303
Número de cédula profissional: 45123`,
		map[string]string{"codigo_unidade": "3030303"}},

	{"cit-f", `Exmos. Senhores,

Descrição detalhada: Por lapso foi registada classificação de doença natural quando se tratava de acidente de trabalho; o prazo de alteração já terminou. Solicitamos a retificação.

Identificação do utente:
Número de utente: 111156119
Nome completo: Manuel Joaquim Ferreira
Data de nascimento: 14/06/1972
NISS: 11234567892

|  | CIT registado | CIT pretendido |
| Número do boletim | 2026C000042 | 2026C000042 |
| Entidade responsável e nº de beneficiário | Segurança Social – 11234567892 | Segurança Social – 11234567892 |
| Classificação de doença | Doença natural | Acidente de trabalho |
| Data(s) de início | 02/01/2026 | 02/01/2026 |
| Data(s) de termo | 20/01/2026 | 20/01/2026 |

Identificação do médico e local:
Nº cédula profissional: 45123
Nome clínico: Ana Pereira
Designação da unidade saúde: USF Arco-Íris`,
		map[string]string{"existentes[0].classificacao_doenca": "Doença natural", "pretendidos[0].classificacao_doenca": "Acidente de trabalho", "medico.nome_clinico": "Ana Pereira", "medico.unidade": "USF Arco-Íris"}},

	{"cit-g", `Descrição detalhada: O utente mudou de regime (passou para a CGA); os dados já estão atualizados no RNU. Pedimos a troca da entidade responsável nos CIT abaixo.
Identificação do utente (indicar dados alterados):
Número de utente (SNS): 123456788
Nome completo: Teresa Lopes Martins
Data de nascimento: 02/02/1980
Nº de beneficiário: CGA 55544433
Identificação do CIT:
Número do boletim: 2026D000001
Entidade responsável e nº de beneficiário (antigo): Segurança Social – 12003456789
Entidade responsável e nº de beneficiário (novo): CGA – 55544433
Data de início: 05/01/2026
Data de termo: 19/01/2026
Número do boletim: 2026D000002
Entidade responsável antiga: Segurança Social – 12003456789
Entidade responsável nova: CGA – 55544433
Data de início: 20/01/2026
Data de termo: 31/01/2026
Identificação do médico e local:
Número da cédula profissional: 45123
Nome clínico: Ana Pereira`,
		map[string]string{"cit[1].boletim": "2026D000002", "cit[1].entidade_beneficiario_novo": "CGA – 55544433", "cit[0].data_termo": "19/01/2026"}},

	{"cit-h", `Descrição detalhada: Os CIT emitidos ontem não aparecem na Segurança Social Direta do utente.
Identificação do utente/CIT, se aplicável:
Nº utente SNS: 111156119
Nome completo: Carlos Sousa
Data de nascimento: 01/01/1970
NISS: 11234567892`,
		map[string]string{"utente.nnu": "111156119"}},

	{"cit-i1", `Exmos. Senhores,
Designação da empresa: SoftSaúde, Lda.
Designação do software: ClinicMed 5
Designação da unidade de saúde cliente: Clínica do Exemplo
Responsável pelo pedido: Marta Rodrigues
Contactos do responsável: marta.rodrigues@softsaude.pt / 912345678`,
		map[string]string{"empresa": "SoftSaúde, Lda", "email": "marta.rodrigues@softsaude.pt", "telemovel": "912345678"}},

	{"cit-i2", `Descrição detalhada: Qual a versão atual do WSDL do serviço de emissão de CIT e onde está a documentação?`,
		map[string]string{}},

	{"cit-i3", `Descrição detalhada: A chamada ao método emitirCIT devolve "utente inválido" para um utente válido.
Unidade de saúde cliente: Clínica do Exemplo
Identificação do utente:
Número de utente (SNS): 111156119
Nome completo: Rita Gomes
Data de nascimento: 10/10/1990
NISS: 12003456789
Identificação do CIT:
Número do boletim: 2026E000010
Entidade responsável e nº de beneficiário: Segurança Social – 12003456789
Data(s) de início: 01/03/2026
Data(s) de termo: 05/03/2026
Outra informação pertinente para o caso: XML de input/output em anexo.`,
		map[string]string{"unidade_cliente": "Clínica do Exemplo", "outra_informacao": "XML de input/output em anexo."}},

	{"cit-i4", `Identificação de qual/quais os serviços indisponíveis e respetiva versão: CITService v2 (emitirCIT, consultarCIT)
Informação relevante da indisponibilidade: desde as 10h20 todas as chamadas devolvem HTTP 503.`,
		map[string]string{"servicos": "CITService v2 (emitirCIT, consultarCIT)"}},

	{"webrnu-a", `Bom dia,
Solicito a criação de acesso ao WebRNU para a colaboradora abaixo:
Nome Completo: Sofia Marques Ribeiro
Data de Nascimento: 21/08/1992
Código da Instituição: 1234567
Email: sofia.ribeiro@uls-exemplo.min-saude.pt
Perfil: Administrativo`,
		map[string]string{"perfil": "Administrativo", "codigo_instituicao": "1234567"}},

	{"webrnu-b", `Nome de Utilizador: sribeiro
Códigos das instituições a que o utilizador deve ter acesso: 1234567, 7654321
Perfil: Hospitais: Edição`,
		map[string]string{"nome_utilizador": "sribeiro", "perfil": "Hospitais: Edição"}},

	{"webrnu-c", `Nome de utilizador: sribeiro
Nome completo: Sofia Marques Ribeiro
Data de nascimento: 21/08/1992
Nº de telemóvel: 912345678`,
		map[string]string{"telemovel": "912345678"}},

	{"webrnu-d", `Número de Utente (SNS): 111156119
Nome Completo: António Jorge Batista
Data de Nascimento: 07/12/1948
Local de Inscrição (Centro de Saúde / Unidade de Saúde): USF Arco-Íris
Ao gravar a nova morada aparece "NIF inválido".`,
		map[string]string{"utente.local_inscricao": "USF Arco-Íris"}},

	{"webrnu-e1", `Número de Utente (SNS): 123456788
Nome Completo: Joaquim Silva
Data de Nascimento: 03/03/1930
Local de Inscrição: UCSP Vale do Exemplo
Descrição detalhada da situação: o utente faleceu a 10/12/2025 (certificado manual) e continua ativo no RNU.`,
		map[string]string{"descricao": "o utente faleceu a 10/12/2025 (certificado manual) e continua ativo no RNU."}},

	{"webrnu-e2", `Nº utente: 111156119
Nome completo: Helena Costa
D.N.: 15/05/1955
Inscrito em: USF Arco-Íris
Descrição: a utente compareceu hoje na consulta e está marcada como óbito.`,
		map[string]string{"utente.local_inscricao": "USF Arco-Íris"}},

	{"webrnu-f", `Boa tarde,
Identificação do Utente (Principal):
o Número de Utente (SNS): 111156119
o Nome Completo: Paulo Rocha
o Data de Nascimento: 11/11/1966
o Local de Inscrição (Centro de Saúde / Unidade de Saúde): USF Arco-Íris
Identificação do Utente (SNS) (Duplicado):
o Número de Utente: 123456788
o Nome Completo: Paulo Rocha
o Data de Nascimento: 11/11/1966
o Local de Inscrição (Centro de Saúde / Unidade de Saúde): UCSP Vale do Exemplo`,
		map[string]string{"principal.nnu": "111156119", "duplicado.nnu": "123456788", "duplicado.local_inscricao": "UCSP Vale do Exemplo"}},

	{"webrnu-g", `Número de Utente (SNS): 111156119
Nome Completo: Inês Tavares
Data de Nascimento: 09/09/2001
Local de Inscrição (Centro de Saúde / Unidade de Saúde): USF Arco-Íris
Outros elementos: PrintScreen em anexo.`,
		map[string]string{"utente.nome_completo": "Inês Tavares"}},

	{"webrnu-h", `Código de ativação que estão a tentar introduzir: AB12-CD34
Número de Utente (SNS): 111156119
Nome Completo: Luís Fonseca
Data de Nascimento: 19/02/1975
Local de Inscrição (Centro de Saúde / Unidade de Saúde): USF Arco-Íris`,
		map[string]string{"codigo_ativacao": "AB12-CD34"}},

	{"webrnu-i", `Descrição detalhada da situação: ao pesquisar utentes por NISS aparece "Erro inesperado".`,
		map[string]string{}},

	{"webrnu-j", `Descrição detalhada da questão/situação: como se transfere um utente entre unidades do mesmo ACES?`,
		map[string]string{}},

	{"webrnu-k", `Identificação da Instituição: ULS Exemplo – Hospital de Santo Exemplo
Identificação do Requerente: Pedro Nunes, Serviço de Informática
Contacto direto do Requerente: 220 000 000 (ext. 1234)
Ativo aplicacional: WebRNU
Anomalia/Sintoma: página de autenticação não carrega
Tempo da incidência: desde as 08h30 de hoje`,
		map[string]string{"anomalia": "página de autenticação não carrega"}},
}

// TestFieldsMessages: every CIT and WebRNU request type, from a realistic
// message, gives values that pass validation (attachments aside).
func TestFieldsMessages(t *testing.T) {
	cat := defaultCatalog(t)
	seen := map[string]bool{}
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, m := range messages {
		rt := cat.RequestType(m.code)
		if rt == nil {
			t.Fatalf("no request type %s", m.code)
		}
		seen[m.code] = true
		res := Fields(rt, pairsOf(m.body))
		for k, v := range m.want {
			if res.Values[k] != v {
				t.Errorf("%s: %s = %q, want %q", m.code, k, res.Values[k], v)
			}
		}
		if len(res.Conflicts) > 0 {
			t.Errorf("%s: conflicts %q", m.code, res.Conflicts)
		}
		Describe(rt, res.Values, m.body)
		for _, p := range rt.Missing(res.Values, nil, catalog.LangPT, now) {
			if strings.HasPrefix(p.Code, "attachment") {
				continue
			}
			t.Errorf("%s: %s (%s)\n\tvalues %v\n\tunmatched %v", m.code, p.Message, p.Field, res.Values, res.Unmatched)
		}
	}
	for _, rt := range cat.RequestTypes() {
		if (strings.HasPrefix(rt.Code, "cit-") || strings.HasPrefix(rt.Code, "webrnu-")) && !seen[rt.Code] {
			t.Errorf("no message for %s", rt.Code)
		}
	}
}

func TestFieldsLabels(t *testing.T) {
	cat := defaultCatalog(t)
	cases := []struct {
		code, label, value, section, key string
	}{
		{"cit-d2", "Nº de utente", "111156119", "", "utente.nnu"},
		{"cit-d2", "Número de Utente (SNS)", "111156119", "", "utente.nnu"},
		{"cit-d2", "Nr. utente", "111156119", "", "utente.nnu"},
		{"cit-d2", "N.º utente", "111156119", "", "utente.nnu"},
		{"cit-d2", "N. utente", "111156119", "", "utente.nnu"},
		{"cit-d2", "NUMERO DE UTENTE", "111156119", "", "utente.nnu"},
		{"cit-d2", "Numro de utente", "111156119", "", "utente.nnu"},
		{"cit-d2", "Nº Utente S.N.S.", "111156119", "", "utente.nnu"},
		{"cit-d2", "Número de utente do SNS", "111156119", "", "utente.nnu"},
		{"cit-d2", "NISS", "11234567892", "", "utente.niss"},
		{"cit-d2", "N.I.S.S.", "11234567892", "", "utente.niss"},
		{"cit-d2", "Nº beneficiário", "998877", "", "utente.beneficiario"},
		{"cit-d2", "Cédula", "45123", "", "cedula"},
		{"cit-d2", "Nº cédula profissional", "45123", "", "cedula"},
		{"cit-d2", "Número de cédula profissional (obrigatório)", "45123", "", "cedula"},
		{"cit-d2", "Data de nascimento", "01/01/1970", "", "utente.data_nascimento"},
		{"cit-d2", "D.N.", "01/01/1970", "", "utente.data_nascimento"},
		{"cit-d2", "Data de nascimento do utente", "01/01/1970", "", "utente.data_nascimento"},
		{"cit-d2", "Date of birth", "01/01/1970", "", "utente.data_nascimento"},
		{"cit-d2", "Fecha de nacimiento", "01/01/1970", "", "utente.data_nascimento"},
		{"cit-d2", "Data(s) de início", "01/02/2026", "", "cit[0].data_inicio"},
		{"cit-d2", "Data de inicio", "01/02/2026", "", "cit[0].data_inicio"},
		{"cit-d2", "data_inicio", "01/02/2026", "", "cit[0].data_inicio"},
		{"cit-d2", "Nome completo do utente", "Ana Lima", "", "utente.nome_completo"},
		{"cit-a1", "Email", "a@b.pt", "", "medicos[0].email"},
		{"cit-a1", "E-mail", "a@b.pt", "", "medicos[0].email"},
		{"cit-a1", "Correio eletrónico", "a@b.pt", "", "medicos[0].email"},
		{"cit-a1", "Correio electrónico", "a@b.pt", "", "medicos[0].email"},
		{"cit-a1", "Endereço de e-mail", "a@b.pt", "", "medicos[0].email"},
		{"cit-a1", "1. Nome completo", "Ana Lima", "", "medicos[0].nome_completo"},
		{"cit-d1", "Descrição do problema", "Erro", "", "descricao"},
		{"cit-d1", "Designação do centro de saúde", "USF A", "", "unidade"},
		{"cit-d1", "Utilizador/Médico", "45123", "", "cedula"},
		{"webrnu-f", "Nº de utente principal", "111156119", "", "principal.nnu"},
		{"webrnu-f", "Número de utente do duplicado", "123456788", "", "duplicado.nnu"},
		{"webrnu-f", "Nome", "Ana", "Duplicado", "duplicado.nome_completo"},
		{"webrnu-f", "Nome", "Ana", "Utente principal", "principal.nome_completo"},
		{"webrnu-f", "Data de nascimento", "01/01/1970", "Registo a eliminar", "duplicado.data_nascimento"},
		{"cit-f", "Número do boletim", "X1", "CIT registado", "existentes[0].boletim"},
		{"cit-f", "Número do boletim", "X1", "Registo existente", "existentes[0].boletim"},
		{"cit-f", "Número do boletim", "X1", "CIT pretendido", "pretendidos[0].boletim"},
		{"cit-f", "Número do boletim", "X1", "Registo pretendido", "pretendidos[0].boletim"},
		{"cit-f", "Número do boletim", "X1", "Dados corretos", "pretendidos[0].boletim"},
		{"cit-f", "Nº do boletim (existente)", "X1", "", "existentes[0].boletim"},
		{"cit-f", "Classificação de doença pretendida", "X1", "", "pretendidos[0].classificacao_doenca"},
		{"cit-f", "Cédula profissional do médico", "45123", "", "medico.cedula"},
		{"cit-i3", "Observações", "x", "Identificação do CIT", "cit[0].outros_dados"},
		{"cit-i3", "Observações", "x", "", "outra_informacao"},
		{"cit-d1", "Número do boletim", "X1", "CIT 2", "cit[0].boletim"},
		{"cit-d1", "Boletim 1", "X1", "", "cit[0].boletim"},
		{"cit-a1", "Código da unidade de saúde (7 dígitos)", "3120301", "", "medicos[0].codigo_unidade"},
	}
	for _, c := range cases {
		res := Fields(cat.RequestType(c.code), []Pair{{Label: c.label, Value: c.value, Section: c.section, Line: 1}})
		if got := res.Values[c.key]; got != c.value || len(res.Values) != 1 {
			t.Errorf("%s: %q (section %q) = %v, unmatched %v; want %s", c.code, c.label, c.section, res.Values, res.Unmatched, c.key)
		}
	}
}

func TestFieldsUnknownLabels(t *testing.T) {
	cat := defaultCatalog(t)
	rt := cat.RequestType("cit-d2")
	pairs := []Pair{
		{Label: "Morada", Value: "Rua Direita, 1", Line: 1},
		{Label: "Nome da mãe", Value: "Rosa", Line: 2},
		{Label: "Telefone fixo do serviço", Value: "220000000", Line: 3},
		{Label: "Data", Value: "hoje", Line: 4},
		{Label: "Nº utente", Value: "111156119", Line: 5},
		{Label: "Assunto", Value: "", Line: 6},
		{Label: "?!", Value: "x", Line: 7},
	}
	res := Fields(rt, pairs)
	if got := res.Values["utente.nnu"]; got != "111156119" {
		t.Errorf("utente.nnu = %q", got)
	}
	var lines []int
	for _, p := range res.Unmatched {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int{1, 2, 3, 4, 7}) {
		t.Errorf("unmatched lines %v, want [1 2 3 4 7]: %v", lines, res.Unmatched)
	}
	if res := Fields(nil, pairs); len(res.Unmatched) != 6 || res.Values == nil {
		t.Errorf("Fields(nil) = %+v", res)
	}
}

func TestFieldsConflicts(t *testing.T) {
	cat := defaultCatalog(t)
	rt := cat.RequestType("cit-d2")
	res := Fields(rt, pairsOf(`Nº utente: 111156119
Descrição: erro ao gravar
NISS: 11234567892
Número de utente: 111156119
Nº utente: 123456788
Descrição: outro texto`))
	if res.Values["utente.nnu"] != "111156119" || res.Values["descricao"] != "erro ao gravar" {
		t.Errorf("values %v", res.Values)
	}
	want := []string{
		`utente.nnu: kept "111156119" (line 1), ignored "123456788" (line 5)`,
		`descricao: kept "erro ao gravar" (line 2), ignored "outro texto" (line 6)`,
	}
	if !slices.Equal(res.Conflicts, want) {
		t.Errorf("conflicts\n%q\nwant\n%q", res.Conflicts, want)
	}

	// In a numbered section a repeated field is a conflict, not a new item.
	res = Fields(rt, pairsOf(`CIT 1:
Nº boletim: A1
Nº boletim: A2
CIT 2:
Nº boletim: B1`))
	if res.Values["cit[0].boletim"] != "A1" || res.Values["cit[1].boletim"] != "B1" || len(res.Conflicts) != 1 {
		t.Errorf("numbered sections: %v %q", res.Values, res.Conflicts)
	}
}

func TestFieldsRepeatedGroups(t *testing.T) {
	cat := defaultCatalog(t)
	cases := []struct {
		name, code, body string
		want             map[string]string
	}{
		{"doctors as blocks", "cit-a1", `Identificação dos médicos:
Nome completo: Ana Lima
Cédula: 45123
Sexo: F
Nome completo: Rui Costa
Cédula: 51234
Sexo: M
Nome completo: Eva Dias
Cédula: 60001`, map[string]string{
			"medicos[0].nome_completo": "Ana Lima", "medicos[0].cedula": "45123", "medicos[0].sexo": "F",
			"medicos[1].nome_completo": "Rui Costa", "medicos[1].cedula": "51234", "medicos[1].sexo": "M",
			"medicos[2].nome_completo": "Eva Dias", "medicos[2].cedula": "60001",
		}},
		{"doctors of one unit as blocks", "cit-a1", `Código da unidade de saúde: 3120301
Nome completo: Ana Lima
Sexo: F
Código da unidade de saúde: 3120301
Nome completo: Eva Dias
Sexo: F`, map[string]string{
			"medicos[0].codigo_unidade": "3120301", "medicos[0].nome_completo": "Ana Lima", "medicos[0].sexo": "F",
			"medicos[1].codigo_unidade": "3120301", "medicos[1].nome_completo": "Eva Dias", "medicos[1].sexo": "F",
		}},
		{"doctors under numbered headings", "cit-a1", `Médico 1:
Nome completo: Ana Lima
Cédula: 45123
Médico 2:
Cédula: 51234
Nome completo: Rui Costa`, map[string]string{
			"medicos[0].nome_completo": "Ana Lima", "medicos[0].cedula": "45123",
			"medicos[1].nome_completo": "Rui Costa", "medicos[1].cedula": "51234",
		}},
		{"CITs as blocks with a sub-heading", "cit-d2", `Identificação do CIT:
Nº boletim: A1
Entidade responsável: ISS
Período:
Data de início: 01/02/2026
Data de termo: 10/02/2026
Nº boletim: B2
Data de início: 11/02/2026`, map[string]string{
			"cit[0].boletim": "A1", "cit[0].entidade_beneficiario": "ISS", "cit[0].data_inicio": "01/02/2026",
			"cit[0].data_termo": "10/02/2026", "cit[1].boletim": "B2", "cit[1].data_inicio": "11/02/2026",
		}},
		{"CIT F in two sections", "cit-f", `Registo existente:
Número do boletim: A1
Classificação de doença: Doença natural
Registo pretendido:
Número do boletim: A1
Classificação de doença: Acidente de trabalho`, map[string]string{
			"existentes[0].boletim": "A1", "existentes[0].classificacao_doenca": "Doença natural",
			"pretendidos[0].boletim": "A1", "pretendidos[0].classificacao_doenca": "Acidente de trabalho",
		}},
		{"CIT F, two CITs in a two-column table", "cit-f", `|  | CIT registado 1 | CIT pretendido 1 | CIT registado 2 | CIT pretendido 2 |
| Número do boletim | A1 | A1 | B2 | B2 |
| Classificação de doença | Doença natural | Acidente de trabalho | Doença natural | Acidente em serviço |`, map[string]string{
			"existentes[0].boletim": "A1", "pretendidos[0].boletim": "A1", "existentes[1].boletim": "B2", "pretendidos[1].boletim": "B2",
			"existentes[0].classificacao_doenca": "Doença natural", "pretendidos[0].classificacao_doenca": "Acidente de trabalho",
			"pretendidos[1].classificacao_doenca": "Acidente em serviço", "existentes[1].classificacao_doenca": "Doença natural",
		}},
		{"CIT F without headings", "cit-f", `Número do boletim: A1
Classificação de doença: Doença natural
Número do boletim: A1
Classificação de doença: Acidente de trabalho`, map[string]string{
			"existentes[0].boletim": "A1", "existentes[0].classificacao_doenca": "Doença natural",
			"pretendidos[0].boletim": "A1", "pretendidos[0].classificacao_doenca": "Acidente de trabalho",
		}},
		{"duplicate patient without headings", "webrnu-f", `Número de Utente: 111156119
Nome Completo: Paulo Rocha
Número de Utente: 123456788
Nome Completo: Paulo Rocha`, map[string]string{
			"principal.nnu": "111156119", "principal.nome_completo": "Paulo Rocha",
			"duplicado.nnu": "123456788", "duplicado.nome_completo": "Paulo Rocha",
		}},
		{"numbers in labels", "cit-d2", `CIT 1 – Número do boletim: A1
CIT 2 – Número do boletim: B2
Data de início (CIT 1): 01/02/2026
Data de início (2º CIT): 11/02/2026`, map[string]string{
			"cit[0].boletim": "A1", "cit[1].boletim": "B2", "cit[0].data_inicio": "01/02/2026", "cit[1].data_inicio": "11/02/2026",
		}},
		{"a count is no item number", "cit-a1", `Nome completo: Ana Lima
Código da unidade de saúde (7 dígitos): 3120301
Nome completo: Rui Costa
Código da unidade de saúde (7 dígitos): 3120302`, map[string]string{
			"medicos[0].nome_completo": "Ana Lima", "medicos[0].codigo_unidade": "3120301",
			"medicos[1].nome_completo": "Rui Costa", "medicos[1].codigo_unidade": "3120302",
		}},
		{"one-of labels", "cit-d2", `NISS ou nº de beneficiário: 9988776655
Identificação do CIT:
Data de início / termo: 2026-02-01 - 2026-02-10`, map[string]string{
			"utente.beneficiario": "9988776655", "cit[0].data_inicio": "2026-02-01", "cit[0].data_termo": "2026-02-10",
		}},
		{"contacts one-of in a repeated group", "cit-a2", `Nome completo: Ana Lima
Endereço de correio eletrónico ou nº de telemóvel de contacto: 912 345 678
Nome completo: Rui Costa
Endereço de correio eletrónico ou nº de telemóvel de contacto: rui@uls.pt; 936555111`, map[string]string{
			"informaticos[0].nome_completo": "Ana Lima", "informaticos[1].nome_completo": "Rui Costa",
			"informaticos[0].telemovel": "912 345 678", "informaticos[1].email": "rui@uls.pt", "informaticos[1].telemovel": "936555111",
		}},
	}
	for _, c := range cases {
		res := Fields(cat.RequestType(c.code), pairsOf(c.body))
		if !maps.Equal(res.Values, c.want) {
			t.Errorf("%s:\n got %v\nwant %v\nunmatched %v conflicts %q", c.name, res.Values, c.want, res.Unmatched, res.Conflicts)
		}
	}
}

func TestDescribe(t *testing.T) {
	cat := defaultCatalog(t)
	cases := []struct{ code, key string }{
		{"cit-b", "descricao"}, {"cit-d1", "descricao"}, {"webrnu-e1", "descricao"},
		{"webrnu-k", "anomalia"}, {"cit-i4", "informacao"}, {"webrnu-a", ""}, {"ssi-acesso-qualidade", ""},
	}
	for _, c := range cases {
		rt := cat.RequestType(c.code)
		v := map[string]string{}
		Describe(rt, v, "  O texto da mensagem.\n")
		want := map[string]string{}
		if c.key != "" {
			want[c.key] = "O texto da mensagem."
		}
		if !maps.Equal(v, want) {
			t.Errorf("%s: %v, want %v", c.code, v, want)
		}
		v = map[string]string{c.key: "já descrito"}
		Describe(rt, v, "outro")
		if v[c.key] != "já descrito" {
			t.Errorf("%s: overwrote the labelled description: %v", c.code, v)
		}
	}
	rt := cat.RequestType("cit-b")
	v := map[string]string{}
	Describe(rt, v, strings.Repeat("é", 25000))
	if n := len([]rune(v["descricao"])); n != 20000 {
		t.Errorf("long text cut to %d characters", n)
	}
	Describe(rt, nil, "x")
	Describe(nil, v, "x")
	v = map[string]string{}
	Describe(rt, v, "  \n ")
	if len(v) != 0 {
		t.Errorf("blank text filled %v", v)
	}
}

// An Extractor answers as Fields does, from any goroutine.
func TestExtractor(t *testing.T) {
	cat := defaultCatalog(t)
	done := make(chan bool)
	for range 4 {
		go func() {
			defer func() { done <- true }()
			for _, m := range messages {
				rt := cat.RequestType(m.code)
				e := NewExtractor(rt)
				for _, other := range messages[:3] {
					ps := pairsOf(other.body + "\n" + m.body)
					r1, r2 := Fields(rt, ps), e.Fields(ps)
					if !maps.Equal(r1.Values, r2.Values) || !slices.Equal(r1.Unmatched, r2.Unmatched) || !slices.Equal(r1.Conflicts, r2.Conflicts) {
						t.Errorf("%s: Fields %+v\nExtractor %+v", m.code, r1, r2)
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	if r := NewExtractor(nil).Fields([]Pair{{Label: "a", Value: "b"}}); len(r.Unmatched) != 1 {
		t.Errorf("nil Extractor: %+v", r)
	}
}
