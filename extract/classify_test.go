package extract

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"balcao/catalog"
)

const (
	spms      = "servicedesk@spms.min-saude.pt"
	segSocial = "plataformaservicos@seg-social.pt"
)

func defaultCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// classifyCases are subjects as people type them, sent to the SPMS
// address; want is the request type code, "" for no match (unknown or
// ambiguous).
var classifyCases = []struct {
	subject, want string
	exact         bool
}{
	// CIT A: credentials.
	{"CIT – Criação/Alteração de credenciais - Médico", "cit-a1", true},
	{"RE: CIT - Criacao/Alteracao de credenciais - medico", "cit-a1", true},
	{"CIT – Criação de credenciais - Médico", "cit-a1", false},
	{"CIT - credenciais medico", "cit-a1", false},
	{"CIT - Criação/Alteração credenciais Informático", "cit-a2", false},
	{"ENC: CIT – Criação/Alteração de credenciais – Informatico", "cit-a2", true},
	{"CIT – Criação/Alteração de credenciais", "", false},
	// B.
	{"CIT – Duvidas/Pedido de informação gerais", "cit-b", true},
	{"CIT - Dúvidas / Pedido de informacao geral", "cit-b", false},
	// C.
	{"CIT – Dúvidas aplicação local (SAM-CS)", "cit-c1", true},
	{"cit duvidas aplicacao local samcs", "cit-c1", false},
	{"CIT - Dúvidas aplic. local SAM-CS", "cit-c1", false},
	{"CIT – Dúvidas aplicação central", "cit-c2", true},
	{"CIT – Dúvida aplicação central", "cit-c2", false},
	{"CIT – Dúvidas aplicação centrl", "cit-c2", false},
	{"CIT – Dúvidas aplicação", "", false},
	{"CIT – Dúvidas", "", false},
	// D.
	{"CIT – Problema/Erro aplicação local (SAM-CS)", "cit-d1", true},
	{"FW: CIT – Problema/Erro aplicação local SAM CS", "cit-d1", true},
	{"CIT - Erro aplicação local (SAM-CS)", "cit-d1", false},
	{"CIT – Problema/Erro aplicação (SAM-CS)", "cit-d1", false},
	{"CIT – Problema/Erro aplicação central", "cit-d2", true},
	{"CIT – Problema / Erro na aplicação central", "cit-d2", false},
	{"CIT – Problema aplicação", "", false},
	// E.
	{"CIT – Indisponibilidade aplicação local (SAM-CS)", "cit-e1", true},
	{"CIT – Indisponibilidae aplicação local (SAM-CS)", "cit-e1", false},
	{"CIT – Indisponibilidade da aplicação local SAM-CS", "cit-e1", false},
	{"CIT – Erro/Problema no acesso à aplicação via SClínico/SAM_HOSP", "cit-e2", true},
	{"CIT - Erro no acesso à aplicação via SClinico", "cit-e2", false},
	{"CIT – Indisponibilidade aplicação central", "cit-e3", true},
	{"Res: CIT – Indisponibilidade aplicacao central", "cit-e3", true},
	{"CIT - Indisponibilidade", "", false},
	// F and G.
	{"CIT – Retificação de CIT", "cit-f", true},
	{"CIT - Retificacao de CIT", "cit-f", true},
	{"cit retificação cit", "cit-f", false},
	{"Retificação de CIT", "cit-f", false},
	{"CIT – Rectificação de CIT", "cit-f", false},
	{"[#SD-2026-000123] RE: CIT – Retificação de CIT", "cit-f", true},
	{"CIT – Retificação de dados de identificação do utente", "cit-g", true},
	{"CIT - Retificação dados identificação utente", "cit-g", false},
	{"Retificação de dados de identificação do utente", "cit-g", false},
	{"CIT – Retificação", "", false},
	// H.
	{"CIT – Problemas/outras situações na ligação com a Segurança Social", "cit-h", true},
	{"CIT - Problemas na ligação à Segurança Social", "cit-h", false},
	// I.
	{"CIT - WS – Pedido de acesso", "cit-i1", true},
	{"CIT - WS - Pedido de Acesso", "cit-i1", true},
	{"CIT WS: pedido acesso", "cit-i1", false},
	{"WS - Pedido de acesso", "cit-i1", false},
	{"CIT – WS – Pedido de informação", "cit-i2", true},
	{"CIT - WS – Pedidos de informação", "cit-i2", false},
	{"CIT - WS – Erro/Problema", "cit-i3", true},
	{"CIT WS Erro", "cit-i3", false},
	{"CIT - WS – Indisponibilidade", "cit-i4", true},
	{"CIT - WS indisponível", "cit-i4", false},

	// WebRNU.
	{"WebRNU – Criação de acesso", "webrnu-a", true},
	{"WebRNU - Criacao de Acesso", "webrnu-a", true},
	{"webrnu criação acesso", "webrnu-a", false},
	{"WebRNU – Alteração de Perfil de acesso", "webrnu-b", true},
	{"WebRNU - Alteração de perfil", "webrnu-b", false},
	{"WebRNU – Recuperação de Senha", "webrnu-c", true},
	{"WebRNU: recuperação da senha", "webrnu-c", false},
	{"WebRNU – Dificuldade na alteração dos dados de identificação de um Utente", "webrnu-d", true},
	{"WebRNU - Dificuldade na alteração de dados de identificação de utente", "webrnu-d", false},
	{"WebRNU – Óbito não Identificado", "webrnu-e1", true},
	{"webrnu - obito nao identificado", "webrnu-e1", true},
	{"WebRNU: Óbito não identificado", "webrnu-e1", true},
	{"WebRNU – Óbito não identificado no RNU", "webrnu-e1", false},
	{"Óbito não identificado", "webrnu-e1", false},
	{"WebRNU – Óbito indevidamente identificado", "webrnu-e2", true},
	{"WebRNU - Obito indevidamente identificado", "webrnu-e2", true},
	{"WebRNU – Óbito identificado", "", false},
	{"WebRNU – Óbito", "", false},
	{"WebRNU – Resolução de um Utente duplicado", "webrnu-f", true},
	{"WebRNU - Resolução de utente duplicado", "webrnu-f", false},
	{"WebRNU – Utente duplicado", "webrnu-f", false},
	{"WebRNU – Impossibilidade em encontrar / identificar um Utente", "webrnu-g", true},
	{"WebRNU - Impossibilidade em identificar utente", "webrnu-g", false},
	{"WebRNU – Erro na inserção de código de ativação de inscrição", "webrnu-h", true},
	{"WebRNU - Erro na insercao do codigo de activacao", "webrnu-h", false},
	{"WebRNU – Erros na aplicação", "webrnu-i", true},
	{"WebRNU - Erro na aplicação", "webrnu-i", false},
	{"WebRNU – Outras questões", "webrnu-j", true},
	{"WebRNU - Outras questoes relacionadas com o WebRNU", "webrnu-j", false},
	{"WebRNU – Indisponibilidade", "webrnu-k", true},
	{"WebRNU indisponível", "webrnu-k", false},
	{"WEBRNU - INDISPONIBILIDADE", "webrnu-k", true},
	{"WebRNU – Alteração", "", false},

	// Extra words, tags and prefixes around the subject.
	{"Pedido de acesso WebRNU - Criação de acesso", "webrnu-a", false},
	{"WebRNU – Criação de acesso - USF Arco-Íris", "webrnu-a", false},
	{"CIT – Retificação de CIT - utente 111156119", "cit-f", false},
	{"Fw: WebRNU – Resolução de um Utente duplicado (2 processos)", "webrnu-f", false},
	{"CIT – Problema/Erro aplicação local (SAM-CS) - USF Arco-Íris - urgente", "cit-d1", false},
	{"URGENTE: CIT – Indisponibilidade aplicação central", "cit-e3", false},
	{"[EXTERNO] Re: Res: RE: WebRNU - Outras questoes", "webrnu-j", true},
	{"Dúvida CIT SAM-CS", "cit-c1", false},
	{"WebRNU – Erro ao inserir código de ativação", "webrnu-h", false},
	{"Óbito indevidamente identificado", "webrnu-e2", false},
	{"Problema na ligação à Segurança Social", "cit-h", false},

	// Nothing to match.
	{"CIT - Erro na impressão do CIT", "", false},
	{"", "", false},
	{"Reunião de equipa amanhã", "", false},
	{"Pedido de férias", "", false},
	{"CIT", "", false},
	{"WebRNU", "", false},
	{"Indisponibilidade", "", false},
	{"Fatura nº 123/2026", "", false},
	{"Erro/Problema", "", false},
	{"Pedido de informação", "", false},
	{"Pedido de acesso ao WebRNU", "", false},
}

func TestClassify(t *testing.T) {
	cat := defaultCatalog(t)
	covered := map[string]int{}
	for _, c := range classifyCases {
		if c.want != "" && !c.exact {
			covered[c.want]++
		}
	}
	for _, rt := range Candidates(cat, spms) {
		if covered[rt.Code] == 0 {
			t.Errorf("no near-miss subject for %s", rt.Code)
		}
	}
	for _, c := range classifyCases {
		m, ok := Classify(cat, spms, NormalizeSubject(c.subject))
		got := ""
		if ok {
			got = m.RequestType.Code
		}
		if got != c.want || (ok && m.Exact != c.exact) {
			t.Errorf("Classify(%q) = %q exact=%v score=%.3f, want %q exact=%v\n%s", c.subject, got, m.Exact, m.Score, c.want, c.exact, debugScores(cat, spms, c.subject))
		}
	}
}

func debugScores(cat *catalog.Catalog, addr, subject string) string {
	cands := Candidates(cat, addr)
	ix := newSubjectIndex(cands)
	q := words(NormalizeSubject(subject))
	scores := ix.score(q)
	idx := make([]int, len(cands))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]].score > scores[idx[b]].score })
	var b strings.Builder
	fmt.Fprintf(&b, "\tquery %q\n", q)
	for _, i := range idx[:min(4, len(idx))] {
		s := scores[i]
		fmt.Fprintf(&b, "\t%-10s %.3f complete=%v eligible=%v adv=%.2f rev=%.2f\n", cands[i].Code, s.score, s.complete, s.eligible, advantage(scores[idx[0]], s), advantage(s, scores[idx[0]]))
	}
	return b.String()
}

// Every subject of the catalogue matches its own request type exactly, in
// any case and with any dash, at its address.
func TestClassifyCatalogueSubjects(t *testing.T) {
	cat := defaultCatalog(t)
	for _, addr := range cat.Addresses() {
		for _, rt := range Candidates(cat, addr) {
			if rt.Subject == "" {
				continue
			}
			for _, s := range []string{rt.Subject, strings.ToUpper(rt.Subject), strings.ReplaceAll(rt.Subject, "–", "-"), "RE: " + rt.Subject} {
				m, ok := Classify(cat, addr, NormalizeSubject(s))
				if !ok || m.RequestType != rt || !m.Exact || m.Score != 1 {
					t.Errorf("%s: Classify(%q) = %+v, %v", rt.Code, s, m, ok)
				}
			}
		}
	}
}

// The siblings the rule must tell apart: each subject matches its own
// request type, a near miss of it too, and never the sibling.
func TestClassifySiblings(t *testing.T) {
	cat := defaultCatalog(t)
	pairs := [][2]string{
		{"cit-c1", "cit-c2"}, {"cit-d1", "cit-e1"}, {"cit-d1", "cit-d2"}, {"cit-e1", "cit-e3"},
		{"cit-f", "cit-g"}, {"webrnu-e1", "webrnu-e2"}, {"cit-a1", "cit-a2"}, {"cit-i1", "cit-i2"},
		{"cit-i3", "cit-i4"}, {"webrnu-a", "webrnu-b"}, {"webrnu-i", "webrnu-h"},
	}
	for _, p := range pairs {
		for k, code := range p {
			other := p[1-k]
			rt := cat.RequestType(code)
			// Drop one character inside the longest word: a typo.
			ws := strings.Fields(rt.Subject)
			long := 0
			for i, w := range ws {
				if len([]rune(w)) > len([]rune(ws[long])) {
					long = i
				}
			}
			r := []rune(ws[long])
			ws[long] = string(r[:len(r)/2]) + string(r[len(r)/2+1:])
			typo := strings.Join(ws, " ")
			for _, s := range []string{rt.Subject, typo, strings.ToLower(rt.Subject) + " urgente"} {
				m, ok := Classify(cat, spms, s)
				if !ok || m.RequestType.Code != code {
					got := ""
					if ok {
						got = m.RequestType.Code
					}
					t.Errorf("Classify(%q) = %q, want %s (not %s)\n%s", s, got, code, other, debugScores(cat, spms, s))
				}
			}
		}
	}
}

func TestClassifyAddresses(t *testing.T) {
	cat := defaultCatalog(t)
	// One request type at the address: it matches whatever the subject.
	for _, s := range []string{"", "Pedido de acesso", "CIT – Retificação de CIT", "???"} {
		m, ok := Classify(cat, "Plataforma <PlataformaServicos@seg-social.pt>", s)
		if !ok || m.RequestType.Code != "ssi-acesso-qualidade" || m.Exact {
			t.Errorf("seg-social %q: %+v %v", s, m, ok)
		}
	}
	if _, ok := Classify(cat, "nobody@example.org", "CIT – Retificação de CIT"); ok {
		t.Error("unknown address matched")
	}
	if _, ok := Classify(nil, spms, "CIT – Retificação de CIT"); ok {
		t.Error("nil catalogue matched")
	}
	if got := Candidates(cat, "SERVICEDESK@spms.min-saude.pt"); len(got) != 29 {
		t.Errorf("SPMS candidates: %d", len(got))
	}
	if got := Candidates(cat, segSocial); len(got) != 1 {
		t.Errorf("seg-social candidates: %d", len(got))
	}
	if got := Candidates(cat, "x@y.z"); got != nil {
		t.Errorf("unknown address candidates: %v", got)
	}
	// Request types that do not take email never compete.
	for _, c := range Candidates(cat, spms) {
		if !slices.Contains(c.Channels, "email") {
			t.Errorf("%s does not accept email", c.Code)
		}
	}
}

// Request types without a prescribed subject compete by their titles.
func TestClassifyUntitledSubject(t *testing.T) {
	files := map[string][]byte{"x.yaml": []byte(`
teams:
  - code: t
    name: {pt-PT: T, pt-BR: T, en: T, es: T}
services:
  - code: s
    name: {pt-PT: S, pt-BR: S, en: S, es: S}
    language: pt-PT
    address: apoio@exemplo.pt
    request_types:
      - code: s-acesso
        title: {pt-PT: "Pedido de acesso à plataforma", pt-BR: "Pedido de acesso à plataforma", en: "Platform access request", es: "Solicitud de acceso a la plataforma"}
        team: t
        impact: 3
        urgency: 3
        channels: [email]
        fields: [{key: descricao, label: {pt-PT: Descrição, pt-BR: Descrição, en: Description, es: Descripción}, type: longtext}]
      - code: s-erro
        title: {pt-PT: "Erro na plataforma", pt-BR: "Erro na plataforma", en: "Platform error", es: "Error en la plataforma"}
        team: t
        impact: 2
        urgency: 2
        channels: [email]
        fields: [{key: descricao, label: {pt-PT: Descrição, pt-BR: Descrição, en: Description, es: Descripción}, type: longtext}]
`)}
	cat, problems := catalog.Parse(files)
	if cat == nil {
		t.Fatalf("parse: %v", problems)
	}
	for s, want := range map[string]string{"Pedido de acesso à plataforma": "s-acesso", "Platform error": "s-erro", "Erro": "s-erro", "Plataforma": "", "Olá": ""} {
		m, ok := Classify(cat, "apoio@exemplo.pt", s)
		got := ""
		if ok {
			got = m.RequestType.Code
		}
		if got != want || m.Exact {
			t.Errorf("Classify(%q) = %q exact=%v, want %q", s, got, m.Exact, want)
		}
	}
}

// A Classifier answers as Classify does, from any goroutine.
func TestClassifier(t *testing.T) {
	cat := defaultCatalog(t)
	c := NewClassifier(cat)
	addrs := []string{spms, "Service Desk <ServiceDesk@SPMS.min-saude.pt>", segSocial, "x@y.z", ""}
	done := make(chan bool)
	for range 4 {
		go func() {
			defer func() { done <- true }()
			for _, a := range addrs {
				for _, k := range classifyCases {
					m1, ok1 := Classify(cat, a, k.subject)
					m2, ok2 := c.Classify(a, k.subject)
					if m1 != m2 || ok1 != ok2 {
						t.Errorf("%s %q: Classify %+v %v, Classifier %+v %v", a, k.subject, m1, ok1, m2, ok2)
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	if _, ok := NewClassifier(nil).Classify(spms, "CIT – Retificação de CIT"); ok {
		t.Error("empty Classifier matched")
	}
}
