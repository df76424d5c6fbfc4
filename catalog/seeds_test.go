package catalog

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The seeds are the services' own communication models; the default
// catalogue must carry every request type they describe, with their exact
// subject and every item they ask for.
const seedDir = "../../shared/seeds"

const (
	seedCIT     = "spms-cit-modelo-comunicacao.txt"
	seedRNU     = "spms-webrnu-modelo-comunicacao.txt"
	seedCompras = "compras-gov-citsmart-atendimento.txt"
	seedConecte = "conecte-sus-suporte-faq.txt"
	seedSS      = "seg-social-plataforma-interoperabilidade.txt"
)

// Rules an item of a seed must satisfy in the catalogue.
const (
	ruleRequired    = "required"    // a required field, required whenever the request is sent
	ruleOneOf       = "one_of"      // the keys form a one_of rule whose label is the item
	ruleConditional = "conditional" // a field required once its "se aplicável" group is given
	ruleCondGroup   = "cond_group"  // a conditional group
	ruleGroup       = "group"       // a group (repeatable groups need at least one item)
	ruleOptional    = "optional"    // an optional field
	ruleChoice      = "choice"      // a label or value of one of the field's choices
	ruleAttachment  = "attachment"  // a required attachment slot
	ruleAttachOpt   = "attach_opt"  // an optional attachment slot
	ruleDefault     = "default"     // a required field with this default
)

type seedItem struct {
	label string   // the seed's words; must occur in the seed text
	rule  string   // one of the rules above
	keys  []string // field key paths (dots, no indices) or attachment keys
	// fieldLabel, when set, is the pt-PT label the field has instead of
	// label (where the seed's words are a phrase, not a label).
	fieldLabel string
}

type seedCase struct {
	code, file, subject string
	items               []seedItem
}

func req(label string, keys ...string) seedItem {
	return seedItem{label: label, rule: ruleRequired, keys: keys}
}
func cond(label string, keys ...string) seedItem {
	return seedItem{label: label, rule: ruleConditional, keys: keys}
}
func opt(label string, keys ...string) seedItem {
	return seedItem{label: label, rule: ruleOptional, keys: keys}
}
func oneOf(label string, keys ...string) seedItem {
	return seedItem{label: label, rule: ruleOneOf, keys: keys}
}
func group(label, key string) seedItem {
	return seedItem{label: label, rule: ruleGroup, keys: []string{key}}
}
func att(label, key string) seedItem {
	return seedItem{label: label, rule: ruleAttachment, keys: []string{key}}
}
func attOpt(label, key string) seedItem {
	return seedItem{label: label, rule: ruleAttachOpt, keys: []string{key}}
}

// utenteCIT is the CIT model's patient block under group g.
func utenteCIT(g, label string) []seedItem {
	return []seedItem{
		group(label, g),
		req("Número de utente (SNS)", g+".nnu"),
		req("Nome completo", g+".nome_completo"),
		req("Data de nascimento", g+".data_nascimento"),
		oneOf("NISS ou nº de beneficiário", g+".niss", g+".beneficiario"),
	}
}

// utenteRNU is the WebRNU model's patient block under group g.
func utenteRNU(g string) []seedItem {
	return []seedItem{
		req("Número de Utente (SNS)", g+".nnu"),
		req("Nome Completo", g+".nome_completo"),
		req("Data de Nascimento", g+".data_nascimento"),
		req("Local de Inscrição (Centro de Saúde / Unidade de Saúde)", g+".local_inscricao"),
	}
}

func citCond(entidadeLabel string) []seedItem {
	return []seedItem{
		{label: "Identificação do CIT", rule: ruleCondGroup, keys: []string{"cit"}},
		cond("Número do boletim", "cit.boletim"),
		cond(entidadeLabel, "cit.entidade_beneficiario"),
		cond("Data(s) de início/Data(s) de termo", "cit.data_inicio", "cit.data_termo"),
		opt("Outros dados pertinentes para o caso", "cit.outros_dados"),
	}
}

func citItems(g, label string, classificacao bool) []seedItem {
	items := []seedItem{
		group(label, g),
		req("Número do boletim", g+".boletim"),
		req("Entidade responsável e nº de beneficiário", g+".entidade_beneficiario"),
	}
	if classificacao {
		items = append(items, req("Classificação de doença", g+".classificacao_doenca"))
	}
	return append(items,
		req("Data(s) de início", g+".data_inicio"),
		req("Data(s) de termo", g+".data_termo"),
		opt("Outros dados pertinentes para o caso", g+".outros_dados"))
}

func cat(parts ...[]seedItem) []seedItem { return slices.Concat(parts...) }

var credenciais = []seedItem{
	{label: "a) Criação de acesso", rule: ruleChoice, keys: []string{"tipo_pedido"}},
	{label: "b) Alteração/reenvio de credenciais", rule: ruleChoice, keys: []string{"tipo_pedido"}},
	opt("outra informação pertinente para o caso", "outra_informacao"),
}

var seedCases = []seedCase{
	{"cit-a1", seedCIT, "CIT – Criação/Alteração de credenciais - Médico", cat(credenciais, []seedItem{
		group("Identificação do(s) médico(s)", "medicos"),
		req("Nome completo", "medicos.nome_completo"),
		req("Nome clínico", "medicos.nome_clinico"),
		req("Número de cédula profissional", "medicos.cedula"),
		req("Sexo", "medicos.sexo"),
		req("Data de nascimento", "medicos.data_nascimento"),
		req("Código da unidade de saúde", "medicos.codigo_unidade"),
		oneOf("Endereço de correio eletrónico ou nº de telemóvel de contacto", "medicos.email", "medicos.telemovel"),
	})},
	{"cit-a2", seedCIT, "CIT – Criação/Alteração de credenciais - Informático", cat(credenciais, []seedItem{
		group("Identificação do informático(s)", "informaticos"),
		req("Nome completo", "informaticos.nome_completo"),
		req("Sexo", "informaticos.sexo"),
		req("Data de nascimento", "informaticos.data_nascimento"),
		req("Código da unidade de saúde", "informaticos.codigo_unidade"),
		oneOf("Endereço de correio eletrónico ou nº de telemóvel de contacto", "informaticos.email", "informaticos.telemovel"),
	})},
	{"cit-b", seedCIT, "CIT – Dúvidas/Pedido de informação gerais", []seedItem{req("Descrição detalhada", "descricao")}},
	{"cit-c1", seedCIT, "CIT – Dúvidas aplicação local (SAM-CS)", []seedItem{
		req("Descrição detalhada", "descricao"),
		opt("Outra informação pertinente para o caso", "outra_informacao"),
		attOpt("PrintScreen do ecrã da aplicação que motivou a dúvida", "printscreen"),
	}},
	{"cit-c2", seedCIT, "CIT – Dúvidas aplicação central", []seedItem{
		req("Descrição detalhada", "descricao"),
		opt("Outra informação pertinente para o caso", "outra_informacao"),
		attOpt("PrintScreen do ecrã da aplicação que motivou a dúvida", "printscreen"),
	}},
	{"cit-d1", seedCIT, "CIT – Problema/Erro aplicação local (SAM-CS)", cat([]seedItem{
		req("Descrição detalhada", "descricao"),
		att("PrintScreen do erro/problema", "printscreen"),
		req("Designação do centro de saúde/unidade de saúde", "unidade"),
		req("Utilizador/Médico (Número da cédula profissional)", "cedula"),
		group("Identificação do utente", "utente"),
		req("Número de utente (SNS)", "utente.nnu"),
		oneOf("NISS ou nº de beneficiário", "utente.niss", "utente.beneficiario"),
	}, citCond("Entidade responsável e nº de beneficiário"))},
	{"cit-d2", seedCIT, "CIT – Problema/Erro aplicação central", cat([]seedItem{
		req("Descrição detalhada", "descricao"),
		att("PrintScreen do erro/problema", "printscreen"),
		req("Designação da unidade de saúde", "unidade"),
		req("Número de cédula profissional", "cedula"),
	}, utenteCIT("utente", "Identificação do utente"), citCond("Entidade responsável e Nº de beneficiário"))},
	{"cit-e1", seedCIT, "CIT – Indisponibilidade aplicação local (SAM-CS)", []seedItem{
		req("Descrição detalhada", "descricao"),
		att("PrintScreen do erro", "printscreen"),
		req("Designação do centro de saúde/unidade de saúde", "unidade"),
		req("Utilizador/Médico (Número da cédula profissional)", "cedula"),
	}},
	{"cit-e2", seedCIT, "CIT – Erro/Problema no acesso à aplicação via SClínico/SAM_HOSP", cat([]seedItem{
		req("Descrição detalhada", "descricao"),
		att("PrintScreen do erro/problema", "printscreen"),
		req("Código da unidade de saúde", "codigo_unidade"),
		req("Número de cédula profissional", "cedula"),
	}, utenteCIT("utente", "Identificação do utente"))},
	{"cit-e3", seedCIT, "CIT – Indisponibilidade aplicação central", []seedItem{
		req("Descrição detalhada", "descricao"),
		att("PrintScreen do erro", "printscreen"),
		req("Código da unidade de saúde", "codigo_unidade"),
		req("Número de cédula profissional", "cedula"),
	}},
	{"cit-f", seedCIT, "CIT – Retificação de CIT", cat(
		[]seedItem{req("Descrição detalhada", "descricao")},
		utenteCIT("utente", "Identificação do utente"),
		citItems("existentes", "Identificação do CIT – registo(s) existente(s)", true),
		citItems("pretendidos", "Identificação do CIT – registo(s) pretendido(s)", true),
		[]seedItem{
			group("Identificação do médico e local", "medico"),
			req("Número de cédula profissional", "medico.cedula"),
			req("Nome clínico", "medico.nome_clinico"),
			req("Designação da unidade saúde", "medico.unidade"),
		})},
	{"cit-g", seedCIT, "CIT – Retificação de dados de identificação do utente", cat(
		[]seedItem{req("Descrição detalhada", "descricao")},
		utenteCIT("utente", "Identificação do utente (indicar dados alterados)"),
		[]seedItem{
			group("Identificação do CIT", "cit"),
			req("Número do boletim", "cit.boletim"),
			req("Entidade responsável e nº de beneficiário (antigo e novo)", "cit.entidade_beneficiario_antigo", "cit.entidade_beneficiario_novo"),
			req("Data(s) de início", "cit.data_inicio"),
			req("Data(s) de termo", "cit.data_termo"),
			opt("Outros dados pertinentes para o caso", "cit.outros_dados"),
			group("Identificação do médico e local", "medico"),
			req("Número da cédula profissional", "medico.cedula"),
			req("Nome clínico", "medico.nome_clinico"),
		})},
	{"cit-h", seedCIT, "CIT – Problemas/outras situações na ligação com a Segurança Social", []seedItem{
		req("Descrição detalhada", "descricao"),
		{label: "Identificação do utente/CIT, se aplicável", rule: ruleCondGroup, keys: []string{"utente", "cit"}},
	}},
	{"cit-i1", seedCIT, "CIT - WS – Pedido de acesso", []seedItem{
		req("Designação da empresa", "empresa"),
		req("Designação do software", "software"),
		req("Designação da unidade de saúde cliente", "unidade_cliente"),
		req("Responsável pelo pedido", "responsavel"),
		oneOf("Contactos do responsável: correio eletrónico/telemóvel", "email", "telemovel"),
	}},
	{"cit-i2", seedCIT, "CIT - WS – Pedido de informação", []seedItem{req("Descrição detalhada", "descricao")}},
	{"cit-i3", seedCIT, "CIT - WS – Erro/Problema", cat([]seedItem{
		req("Descrição detalhada", "descricao"),
		req("Designação da unidade de saúde cliente", "unidade_cliente"),
		att("XML de input/output", "xml"),
	}, utenteCIT("utente", "Identificação do utente"), citItems("cit", "Identificação do CIT", false),
		[]seedItem{opt("Outra informação pertinente para o caso", "outra_informacao")})},
	{"cit-i4", seedCIT, "CIT - WS – Indisponibilidade", []seedItem{
		req("Identificação de qual/quais os serviços indisponíveis e respetiva versão", "servicos"),
		req("Informação relevante da indisponibilidade", "informacao"),
	}},

	{"webrnu-a", seedRNU, "WebRNU – Criação de acesso", []seedItem{
		req("Nome Completo", "nome_completo"),
		req("Data de Nascimento", "data_nascimento"),
		req("Código da Instituição", "codigo_instituicao"),
		oneOf("Endereço de correio eletrónico e/ou nº de telemóvel de contacto", "email", "telemovel"),
		req("Perfil", "perfil"),
	}},
	{"webrnu-b", seedRNU, "WebRNU – Alteração de Perfil de acesso", []seedItem{
		req("Nome de Utilizador", "nome_utilizador"),
		req("Códigos das instituições a que o utilizador deve ter acesso", "codigos_instituicoes"),
		req("Perfil", "perfil"),
	}},
	{"webrnu-c", seedRNU, "WebRNU – Recuperação de Senha", []seedItem{
		req("Nome de Utilizador", "nome_utilizador"),
		req("Nome Completo", "nome_completo"),
		req("Data de Nascimento", "data_nascimento"),
		oneOf("Endereço de correio eletrónico e/ou nº de telemóvel de contacto", "email", "telemovel"),
	}},
	{"webrnu-d", seedRNU, "WebRNU – Dificuldade na alteração dos dados de identificação de um Utente", utenteRNU("utente")},
	{"webrnu-e1", seedRNU, "WebRNU – Óbito não Identificado", cat(utenteRNU("utente"),
		[]seedItem{req("Descrição detalhada da situação", "descricao")})},
	{"webrnu-e2", seedRNU, "WebRNU – Óbito indevidamente identificado", cat(utenteRNU("utente"),
		[]seedItem{req("Descrição detalhada da situação", "descricao")})},
	{"webrnu-f", seedRNU, "WebRNU – Resolução de um Utente duplicado", cat(
		[]seedItem{group("Identificação do Utente (Principal)", "principal")},
		utenteRNU("principal"),
		[]seedItem{
			group("Identificação do Utente (SNS) (Duplicado)", "duplicado"),
			req("Número de Utente", "duplicado.nnu"),
			req("Nome Completo", "duplicado.nome_completo"),
			req("Data de Nascimento", "duplicado.data_nascimento"),
			req("Local de Inscrição (Centro de Saúde / Unidade de Saúde)", "duplicado.local_inscricao"),
		})},
	{"webrnu-g", seedRNU, "WebRNU – Impossibilidade em encontrar / identificar um Utente", cat(utenteRNU("utente"),
		[]seedItem{attOpt("Outros elementos (PrintScreen, entre outros)", "outros_elementos")})},
	{"webrnu-h", seedRNU, "WebRNU – Erro na inserção de código de ativação de inscrição", cat(
		[]seedItem{req("Código de ativação que estão a tentar introduzir", "codigo_ativacao")},
		utenteRNU("utente"))},
	{"webrnu-i", seedRNU, "WebRNU – Erros na aplicação", []seedItem{
		req("Descrição detalhada da situação", "descricao"),
		attOpt("Outros elementos (PrintScreen, entre outros)", "outros_elementos"),
	}},
	{"webrnu-j", seedRNU, "WebRNU – Outras questões", []seedItem{req("Descrição detalhada da questão/situação", "descricao")}},
	{"webrnu-k", seedRNU, "WebRNU – Indisponibilidade", []seedItem{
		req("Identificação da Instituição", "instituicao"),
		req("Identificação do Requerente", "requerente"),
		req("Contacto direto do Requerente", "contacto_requerente"),
		{label: "Ativo aplicacional", rule: ruleDefault, keys: []string{"ativo_aplicacional"}},
		req("Anomalia/Sintoma", "anomalia"),
		req("Tempo da incidência", "tempo_incidencia"),
	}},

	{"comprasgov-erro-siasg", seedCompras, "", []seedItem{
		att("print da tela que apresentou erro", "print"),
		group("questionário", "questionario"),
		{label: "descreva passo a passo o que ensejou o erro/indisponibilidade", rule: ruleRequired, keys: []string{"passo_a_passo"},
			fieldLabel: "Descrição passo a passo do que ensejou o erro/indisponibilidade"},
	}},
	{"comprasgov-info-siasg", seedCompras, "", []seedItem{
		req("Descrição", "descricao"),
		{label: "inserir arquivos", rule: ruleAttachOpt, keys: []string{"arquivos"}, fieldLabel: "Arquivos (print da tela que apresentou erro)"},
	}},
	{"comprasgov-reativacao-uasg", seedCompras, "", []seedItem{
		req("UASG", "uasg"),
		req("CNPJ", "cnpj"),
		req("endereço", "endereco"),
		req("telefone", "telefone"),
		{label: "apresentar os motivos", rule: ruleRequired, keys: []string{"motivos"}, fieldLabel: "Motivos para a reativação da UASG"},
	}},

	{"conectesus-correcao-certificado", seedConecte, "", []seedItem{
		req("NOME", "nome"),
		req("CPF", "cpf"),
		req("E-MAIL", "email"),
		{label: "Certificado de vacinação", rule: ruleDefault, keys: []string{"servico"}},
		att("Uma auto fotografia (selfie) segurando o Documento de Identificação", "selfie"),
		att("Uma foto do Documento de Identificação (frente e verso)", "documento"),
	}},

	{"ssi-acesso-qualidade", seedSS, "", []seedItem{
		req("Número de Identificação da Segurança Social (NISS)", "niss"),
		req("IP a partir do qual vão ser realizados os testes", "ip"),
		group("Identificação de quem faz o pedido", "requerente"),
		{label: "nome", rule: ruleRequired, keys: []string{"requerente.nome"}, fieldLabel: "Nome"},
		{label: "contacto telefónico", rule: ruleRequired, keys: []string{"requerente.telefone"}, fieldLabel: "Contacto telefónico"},
	}},
}

// normWS collapses whitespace, so that text wrapped over lines in the seeds
// compares with the catalogue's one-line strings.
func normWS(s string) string { return strings.Join(strings.Fields(s), " ") }

func readSeeds(t *testing.T) map[string]string {
	t.Helper()
	if _, err := os.Stat(seedDir); err != nil {
		t.Skipf("seed texts not found at %s: %v", seedDir, err)
	}
	out := map[string]string{}
	for _, f := range []string{seedCIT, seedRNU, seedCompras, seedConecte, seedSS} {
		b, err := os.ReadFile(filepath.Join(seedDir, f))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = normWS(string(b))
	}
	return out
}

// lookup finds the field at a dotted key path and the groups above it.
func lookup(rt *RequestType, path string) (f *Field, parents []*Field) {
	fs := rt.Fields
	parts := strings.Split(path, ".")
	for i, k := range parts {
		j := slices.IndexFunc(fs, func(x *Field) bool { return x.Key == k })
		if j < 0 {
			return nil, nil
		}
		if i == len(parts)-1 {
			return fs[j], parents
		}
		parents = append(parents, fs[j])
		fs = fs[j].Fields
	}
	return nil, nil
}

func slot(rt *RequestType, key string) *AttachmentSlot {
	for _, a := range rt.Attachments {
		if a.Key == key {
			return a
		}
	}
	return nil
}

func sameLabel(a, b string) bool { return strings.EqualFold(normWS(a), normWS(b)) }

func TestDefaultCatalogueCoversSeeds(t *testing.T) {
	seeds := readSeeds(t)
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(c.RequestTypes()), len(seedCases); got != want {
		t.Errorf("default catalogue has %d request types, the seeds %d", got, want)
	}
	seen := map[string]bool{}
	for _, tc := range seedCases {
		t.Run(tc.code, func(t *testing.T) {
			seen[tc.code] = true
			rt := c.RequestType(tc.code)
			if rt == nil {
				t.Fatalf("request type %s missing", tc.code)
			}
			seed := seeds[tc.file]
			if rt.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", rt.Subject, tc.subject)
			}
			if tc.subject != "" && !strings.Contains(seed, normWS(tc.subject)) {
				t.Errorf("subject %q does not occur in %s", tc.subject, tc.file)
			}
			lowerSeed := strings.ToLower(seed)
			for _, it := range tc.items {
				if !strings.Contains(lowerSeed, strings.ToLower(normWS(it.label))) {
					t.Errorf("item %q does not occur in %s", it.label, tc.file)
				}
				checkItem(t, rt, it)
			}
		})
	}
	for _, rt := range c.RequestTypes() {
		if !seen[rt.Code] {
			t.Errorf("request type %s is in the catalogue but in no seed case", rt.Code)
		}
	}
}

func checkItem(t *testing.T, rt *RequestType, it seedItem) {
	t.Helper()
	want := it.label
	if it.fieldLabel != "" {
		want = it.fieldLabel
	}
	switch it.rule {
	case ruleAttachment, ruleAttachOpt:
		a := slot(rt, it.keys[0])
		if a == nil {
			t.Errorf("%q: no attachment slot %q", it.label, it.keys[0])
			return
		}
		if a.Required != (it.rule == ruleAttachment) {
			t.Errorf("%q: attachment required = %v", it.label, a.Required)
		}
		if !sameLabel(a.Label[LangPT], want) {
			t.Errorf("%q: attachment label is %q", it.label, a.Label[LangPT])
		}
		return
	case ruleOneOf:
		checkOneOf(t, rt, it)
		return
	}
	for _, key := range it.keys {
		f, parents := lookup(rt, key)
		if f == nil {
			t.Errorf("%q: no field %q", it.label, key)
			continue
		}
		if len(it.keys) == 1 && it.rule != ruleChoice && it.rule != ruleCondGroup && it.rule != ruleDefault && !sameLabel(f.Label[LangPT], want) {
			t.Errorf("%q: field %s is labelled %q", it.label, key, f.Label[LangPT])
		}
		conditional := slices.ContainsFunc(parents, func(p *Field) bool { return p.Conditional || (p.Repeat && p.Min == 0) })
		switch it.rule {
		case ruleRequired, ruleDefault:
			if !f.Required || conditional {
				t.Errorf("%q: field %s is not always required (required=%v, in optional group=%v)", it.label, key, f.Required, conditional)
			}
			if it.rule == ruleDefault && f.Default == "" {
				t.Errorf("%q: field %s has default %q", it.label, key, f.Default)
			}
			if it.rule == ruleRequired && f.Default != "" {
				t.Errorf("%q: field %s has a default, so it is never asked for", it.label, key)
			}
		case ruleConditional:
			if !f.Required || !conditional {
				t.Errorf("%q: field %s should be required inside a conditional group (required=%v, conditional=%v)", it.label, key, f.Required, conditional)
			}
		case ruleOptional:
			if f.Required {
				t.Errorf("%q: field %s should be optional", it.label, key)
			}
		case ruleGroup:
			if !f.IsGroup() || f.Conditional || (f.Repeat && f.Min < 1) {
				t.Errorf("%q: %s should be a group that must be filled (group=%v conditional=%v repeat=%v min=%d)",
					it.label, key, f.IsGroup(), f.Conditional, f.Repeat, f.Min)
			}
			if !slices.ContainsFunc(f.Fields, func(c *Field) bool { return c.Required }) && len(f.OneOf) == 0 {
				t.Errorf("%q: group %s has no required field", it.label, key)
			}
		case ruleCondGroup:
			if !f.IsGroup() || !f.Conditional {
				t.Errorf("%q: %s should be a conditional group", it.label, key)
			}
		case ruleChoice:
			if f.Type != "choice" || !f.Required {
				t.Errorf("%q: %s should be a required choice", it.label, key)
			}
			if !slices.ContainsFunc(f.Choices, func(c *Choice) bool { return sameLabel(c.Label[LangPT], it.label) || sameLabel(c.Value, it.label) }) {
				t.Errorf("%q: not a choice of %s", it.label, key)
			}
		default:
			t.Fatalf("unknown rule %q", it.rule)
		}
	}
}

func checkOneOf(t *testing.T, rt *RequestType, it seedItem) {
	t.Helper()
	prefix, rules, fields := "", rt.OneOf, rt.Fields
	if i := strings.LastIndexByte(it.keys[0], '.'); i >= 0 {
		prefix = it.keys[0][:i+1]
		g, parents := lookup(rt, it.keys[0][:i])
		if g == nil {
			t.Errorf("%q: no group for %s", it.label, it.keys[0])
			return
		}
		if slices.ContainsFunc(parents, func(p *Field) bool { return p.Conditional }) || g.Conditional {
			t.Errorf("%q: one_of sits in a conditional group", it.label)
		}
		rules, fields = g.OneOf, g.Fields
	}
	var keys []string
	for _, k := range it.keys {
		keys = append(keys, strings.TrimPrefix(k, prefix))
	}
	for _, o := range rules {
		if slices.Equal(o.Fields, keys) {
			if !sameLabel(o.Label[LangPT], it.label) {
				t.Errorf("%q: one_of is labelled %q", it.label, o.Label[LangPT])
			}
			for _, k := range keys {
				if !slices.ContainsFunc(fields, func(f *Field) bool { return f.Key == k && !f.Required }) {
					t.Errorf("%q: one_of member %s missing or required on its own", it.label, k)
				}
			}
			return
		}
	}
	t.Errorf("%q: no one_of over %v", it.label, keys)
}

func TestDefaultCatalogueSeedRules(t *testing.T) {
	seeds := readSeeds(t)
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"cit-f", "cit-g"} {
		if !c.RequestType(code).Approval {
			t.Errorf("%s must need approval", code)
		}
	}
	for _, rt := range c.RequestTypes() {
		if rt.Approval && rt.Code != "cit-f" && rt.Code != "cit-g" {
			t.Errorf("%s needs approval but the seeds say so only of CIT F and G", rt.Code)
		}
	}
	if !c.RequestType("conectesus-correcao-certificado").ReturnsProtocol {
		t.Error("Conecte SUS correction must return a protocol number")
	}
	for _, code := range []string{"cit-a1", "cit-a2"} {
		rt := c.RequestType(code)
		if !rt.HasTemplate() {
			t.Errorf("%s must take its professionals from the Excel template", code)
		}
		if !strings.Contains(seeds[seedCIT], "ficheiro Excel tipo") {
			t.Error("seed lost its Excel template wording")
		}
	}
	for _, rt := range c.RequestTypes() {
		if rt.HasTemplate() && rt.Code != "cit-a1" && rt.Code != "cit-a2" {
			t.Errorf("%s has a template the seeds do not ask for", rt.Code)
		}
	}
	// Addresses and languages.
	wantAddr := map[string]string{"cit": "servicedesk@spms.min-saude.pt", "webrnu": "servicedesk@spms.min-saude.pt",
		"ss-interoperabilidade": "plataformaservicos@seg-social.pt", "comprasgov": "", "conectesus": ""}
	wantLang := map[string]string{"cit": LangPT, "webrnu": LangPT, "ss-interoperabilidade": LangPT, "comprasgov": LangBR, "conectesus": LangBR}
	for code, addr := range wantAddr {
		s := c.Service(code)
		if s == nil {
			t.Fatalf("service %s missing", code)
		}
		if s.Address != addr || s.Language != wantLang[code] {
			t.Errorf("service %s: address %q language %q", code, s.Address, s.Language)
		}
		if addr != "" && !strings.Contains(strings.Join(slices.Collect(maps.Values(seeds)), " "), addr) {
			t.Errorf("address %s not in the seeds", addr)
		}
	}
	if got := len(c.ByAddress("ServiceDesk@SPMS.min-saude.pt")); got != 17+12 {
		t.Errorf("ByAddress(servicedesk) = %d request types, want 29", got)
	}
	// The notes the brief names.
	notes := func(code string) string {
		rt := c.RequestType(code)
		var b strings.Builder
		for _, n := range rt.Notes {
			b.WriteString(n[LangPT] + " ")
		}
		for _, n := range rt.service.Notes {
			b.WriteString(n[LangPT] + " ")
		}
		return b.String()
	}
	for code, want := range map[string][]string{
		"cit-e2":    {"https://cit.min-saude.pt/cit/", "SICO"},
		"webrnu-e1": {"há mais de 1 mês", "ITIJ", "SICO"},
		"webrnu-e2": {"há mais de 1 mês"},
		"webrnu-h":  {"Em avaliação"},
		"webrnu-f":  {"Supervisor", "ARS"},
		"cit-a1":    {"departamento de informática", "palavra-passe"},
		"cit-a2":    {"departamento de informática"},
		"cit-b":     {"palavra-passe"},
		"webrnu-c":  {"senha"},
	} {
		got := notes(code)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s notes lack %q", code, w)
			}
		}
	}
	// WebRNU profiles per care level.
	perfil, _ := lookup(c.RequestType("webrnu-a"), "perfil")
	var values []string
	for _, ch := range perfil.Choices {
		values = append(values, ch.Value)
	}
	wantProfiles := []string{
		"Cuidados de Saúde Primários: Supervisor", "Cuidados de Saúde Primários: Administrativo",
		"Cuidados de Saúde Primários: Consulta", "Cuidados de Saúde Primários: Contratualização",
		"Cuidados de Saúde Primários: Manutenção Utente / Resolução de Duplicados",
		"Hospitais: Consulta", "Hospitais: Edição",
	}
	if !slices.Equal(values, wantProfiles) {
		t.Errorf("WebRNU profiles = %q", values)
	}
	for _, p := range wantProfiles {
		_, name, _ := strings.Cut(p, ": ")
		if !strings.Contains(seeds[seedRNU], name) {
			t.Errorf("profile %q not in the seed", name)
		}
	}
}
