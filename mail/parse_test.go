package mail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type wantAtt struct {
	name, mediaType, cid string
	inline               bool
}

// TestParsePortuguese checks the hand-written messages in testdata/, which
// reproduce what the desks receive: Outlook tables, Gmail replies in pt-PT
// and pt-BR, forwards, Windows-1252 labelled ISO-8859-1, RFC 2231 names,
// out-of-office answers, bounces, read receipts and our own mail.
func TestParsePortuguese(t *testing.T) {
	tests := []struct {
		file          string
		fromAddr      string
		fromName      string
		subject       string
		norm          string // NormalizeSubject(subject, "SD")
		auto          AutoKind
		autoReason    string
		loop          bool
		redacted      bool
		textHas       []string
		textNot       []string
		replyEnd      string // Reply ends with this
		replyNot      []string
		atts          []wantAtt
		fwdFrom       string
		fwdSubject    string
		bounced       []string
		pairs         []Pair // expected among Pairs (Line ignored when 0)
		pairsNotLabel []string
		inReplyTo     string
		refs          int
		threadIndex   string
		warningHas    string
	}{
		{
			file:     "outlook-cit-retificacao.eml",
			fromAddr: "ana.sousa@ulssjoao.min-saude.pt", fromName: "Sousa, Ana",
			subject:     "CIT – Retificação de CIT",
			norm:        "cit - retificacao de cit",
			textHas:     []string{"“doença natural”", "Serviço de Tecnologias de Informação – ULS São João"},
			replyEnd:    "ULS São João",
			atts:        []wantAtt{{"image001.png", "image/png", "image001.png@01DC8F2B.5E2C1A40", true}},
			threadIndex: "AdmQ0l3G5n2b7YtVSpe0xJ0c2b1+Qw==",
			warningHas:  "C1 controls",
			pairs: []Pair{
				{Label: "Número de utente (SNS)", Value: "123456789", Section: "Identificação do utente"},
				{Label: "Nome completo", Value: "Maria José Antunes", Section: "Identificação do utente"},
				{Label: "NISS", Value: "11234567890", Section: "Identificação do utente"},
				{Label: "Número do boletim", Value: "CIT2026000123", Section: "CIT registado"},
				{Label: "Classificação de doença", Value: "Doença natural", Section: "CIT registado"},
				{Label: "Número do boletim", Value: "CIT2026000123", Section: "CIT pretendido"},
				{Label: "Classificação de doença", Value: "Doença profissional", Section: "CIT pretendido"},
				{Label: "Data(s) de termo", Value: "15/03/2026", Section: "CIT pretendido"},
			},
			pairsNotLabel: []string{"Serviço de Tecnologias de Informação"},
		},
		{
			file:     "gmail-reply-ptpt.eml",
			fromAddr: "joao.silva.csmarvila@gmail.com", fromName: "João Silva",
			subject:   "Re: [#SD-2026-000123] WebRNU – Recuperação de Senha",
			norm:      "webrnu - recuperacao de senha",
			redacted:  true,
			textHas:   []string{"palavra-passe: [palavra-passe removida] e também", "> ## Responda acima desta linha ##"},
			textNot:   []string{"Marvila#2026"},
			replyEnd:  "Obrigado,\nJoão Silva",
			replyNot:  []string{"escreveu:", "Responda acima"},
			inReplyTo: "SD-2026-000123.2.1741086120@balcao.spms.min-saude.pt",
			refs:      2,
			pairs: []Pair{
				{Label: "Nome de Utilizador", Value: "jsilva.csmarvila", Section: "Seguem os dados pedidos", Line: 5},
				{Label: "Nome Completo", Value: "João Pedro Silva", Section: "Seguem os dados pedidos"},
				{Label: "Data de Nascimento", Value: "03/11/1979", Section: "Seguem os dados pedidos"},
				{Label: "Endereço de correio eletrónico", Value: "joao.silva@csmarvila.min-saude.pt", Section: "Seguem os dados pedidos"},
			},
		},
		{
			file:     "gmail-reply-ptbr.eml",
			fromAddr: "carla.menezes@saude.rj.gov.br", fromName: "Carla Menezes",
			subject:   "Re: Compras.gov.br – Erro no cadastro de fornecedor",
			norm:      "compras.gov.br - erro no cadastro de fornecedor",
			replyEnd:  "(21) 98888-7777",
			replyNot:  []string{"Prezada Carla", "escreveu"},
			inReplyTo: "20260302172201.3F2A1C@compras.gov.br",
			refs:      1,
			pairs: []Pair{
				{Label: "CPF", Value: "123.456.789-09", Section: "Segue abaixo as informações solicitadas", Line: 5},
				{Label: "CNPJ", Value: "12.345.678/0001-95", Section: "Segue abaixo as informações solicitadas"},
				{Label: "Órgão", Value: "Secretaria de Estado de Saúde do Rio de Janeiro", Section: "Segue abaixo as informações solicitadas"},
				{Label: "UASG", Value: "925001", Section: "Segue abaixo as informações solicitadas"},
				{Label: "Descrição do problema", Value: `ao tentar cadastrar o fornecedor aparece a mensagem "Erro 500 – tente novamente".`, Section: "Segue abaixo as informações solicitadas"},
			},
			pairsNotLabel: []string{"Pregoeira"},
		},
		{
			file:     "encaminhada-webrnu-duplicado.eml",
			fromAddr: "rita.lopes@usfaroeira.min-saude.pt", fromName: "Rita Lopes",
			subject:    "Fwd: WebRNU – Resolução de um Utente duplicado",
			norm:       "webrnu - resolucao de um utente duplicado",
			replyEnd:   "Rita Lopes\nUSF Aroeira",
			replyNot:   []string{"Mensagem encaminhada", "Helena"},
			fwdFrom:    "helena.marques.1962@gmail.com",
			fwdSubject: "WebRNU – Resolução de um Utente duplicado",
			pairs: []Pair{
				{Label: "Número de Utente (SNS)", Value: "234567891", Section: "Identificação do Utente (Principal)"},
				{Label: "Nome Completo", Value: "Manuel Fernandes Costa", Section: "Identificação do Utente (Principal)"},
				{Label: "Local de Inscrição", Value: "USF Aroeira", Section: "Identificação do Utente (Principal)"},
				{Label: "Número de Utente", Value: "298765432", Section: "Identificação do Utente (SNS) (Duplicado)"},
				{Label: "Nome Completo", Value: "Manuel F. Costa", Section: "Identificação do Utente (SNS) (Duplicado)"},
				{Label: "Local de Inscrição", Value: "UCSP Seixal", Section: "Identificação do Utente (SNS) (Duplicado)"},
			},
			pairsNotLabel: []string{"De", "Assunto"},
		},
		{
			file:     "outlook-enc-cp1252.eml",
			fromAddr: "paulo.m.reis@seg-social.pt", fromName: "Paulo Reis",
			subject:     "ENC: Pedido de acesso – Plataforma de Interoperabilidade",
			norm:        "pedido de acesso - plataforma de interoperabilidade",
			textHas:     []string{"O “utilizador” indica que o erro persiste — já pagou 25 € de coima"},
			textNot:     []string{"\u0093", "\u0080", "\u0097"},
			replyEnd:    "Instituto de Informática, I.P.",
			replyNot:    []string{"____", "Sofia"},
			fwdFrom:     "sofia.andrade@empresa-exemplo.pt",
			fwdSubject:  "Pedido de acesso – Plataforma de Interoperabilidade",
			inReplyTo:   "PAXPR08MB1234AB56CD78EF90@PAXPR08MB1234.eurprd08.prod.outlook.com",
			threadIndex: "AQHbjJ1x2Yc3kPLe8U6v1m9Qb0Xw4LOtAbCd",
			refs:        1,
			pairs: []Pair{
				{Label: "Designação da empresa", Value: "Empresa Exemplo, Lda."},
				{Label: "NIPC", Value: "509123456"},
				{Label: "Serviço pretendido", Value: "Comunicar Vínculo Trabalhador"},
			},
		},
		{
			file:     "anexos-rfc2231-8bit.eml",
			fromAddr: "mario.rocha@ulsalmada.min-saude.pt", fromName: "Mário Rocha",
			subject:    "WebRNU – Óbito não Identificado",
			norm:       "webrnu - obito nao identificado",
			textHas:    []string{"Segue em anexo a relação de utentes com óbito não identificado"},
			replyEnd:   "Mário Rocha",
			warningHas: "invalid UTF-8",
			atts: []wantAtt{
				{"relação.pdf", "application/pdf", "", false},
				{"mapa-óbitos.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "", false},
				{"anexo-3.pdf", "application/pdf", "", false},
				{"faturafdp.exe", "application/octet-stream", "", false},
				{"certidão de óbito n.º 12.pdf", "application/pdf", "", false},
			},
			pairs: []Pair{
				{Label: "Número de Utente (SNS)", Value: "345678912", Line: 5},
				{Label: "Nome Completo", Value: "Albertina Conceição Vaz"},
				{Label: "Descrição detalhada da situação", Value: "faleceu em dezembro; o certificado foi emitido em papel."},
			},
		},
		{
			file:     "ausencia-ptpt.eml",
			fromAddr: "teresa.gomes@ulscoimbra.min-saude.pt",
			subject:  "Resposta automática: [#SD-2026-000123] CIT – Dúvidas aplicação central",
			norm:     "cit - duvidas aplicacao central",
			auto:     AutoReply, autoReason: "Auto-Submitted: auto-generated",
			textHas:     []string{"Encontro-me ausente até dia 16 de março"},
			threadIndex: "AQHbjLx1aBcDeFgHiJkLmNoPqRsTuA==",
			inReplyTo:   "SD-2026-000123.3.1741089600@balcao.spms.min-saude.pt",
			refs:        1,
		},
		{
			file:     "dsn-bounce-ptpt.eml",
			fromAddr: "mailer-daemon@mx1.ulslisboa.min-saude.pt",
			subject:  "Não é possível entregar: [#SD-2026-000045] Pedido recebido",
			norm:     "pedido recebido",
			auto:     Bounce, autoReason: "Content-Type: multipart/report; report-type=delivery-status",
			bounced: []string{"utente.inexistente@ulslisboa.min-saude.pt"},
			atts: []wantAtt{
				{"anexo-1.txt", "message/delivery-status", "", false},
				{"anexo-2.eml", "message/rfc822", "", false},
			},
		},
		{
			file:     "loop-propria.eml",
			fromAddr: "servicedesk@spms.min-saude.pt",
			subject:  "[#SD-2026-000124] CIT – Retificação de CIT",
			norm:     "cit - retificacao de cit",
			auto:     AutoReply, autoReason: "Auto-Submitted: auto-replied",
			loop:     true,
			replyEnd: "",
		},
		{
			file:     "excel-colado-credenciais.eml",
			fromAddr: "nuno.faria@ulsporto.min-saude.pt",
			subject:  "CIT – Criação/Alteração de credenciais - Médico",
			norm:     "cit - criacao/alteracao de credenciais - medico",
			replyEnd: "Informática – ULS Porto",
			pairs: []Pair{
				{Label: "Tipo de pedido", Value: "Criação de acesso"},
				{Label: "Nome completo", Value: "Rui Miguel Tavares", Section: "linha 1"},
				{Label: "Nº cédula profissional", Value: "54321", Section: "linha 1"},
				{Label: "Email", Value: "rui.tavares@ulsporto.min-saude.pt", Section: "linha 1"},
				{Label: "Nome completo", Value: "Inês Carvalho Lima", Section: "linha 2"},
				{Label: "Sexo", Value: "F", Section: "linha 2"},
				{Label: "Código da unidade de saúde", Value: "1601", Section: "linha 2"},
			},
			pairsNotLabel: []string{"Informática"},
		},
		{
			file:     "iphone-ptbr-us-ascii.eml",
			fromAddr: "chico.pereira75@icloud.com", fromName: "Francisco Pereira",
			subject:    "Conecte SUS - Não consigo acessar",
			norm:       "conecte sus - nao consigo acessar",
			redacted:   true,
			textHas:    []string{"Olá, não consigo acessar", "Minha senha é [palavra-passe removida] e já"},
			textNot:    []string{"Sus@2024", "Ã"},
			replyEnd:   "Sistema operacional: iOS 17.3",
			replyNot:   []string{"iPhone"},
			warningHas: "declared us-ascii",
			pairs: []Pair{
				{Label: "Nome completo", Value: "Francisco de Assis Pereira", Line: 3},
				{Label: "CPF", Value: "987.654.321-00", Line: 6},
				{Label: "Data de nascimento", Value: "22/01/1975"},
				{Label: "CNS", Value: "898 0012 3456 7890"},
			},
		},
		{
			file:     "recibo-leitura-ptpt.eml",
			fromAddr: "ana.sousa@ulssjoao.min-saude.pt",
			subject:  "Lida: [#SD-2026-000124] CIT – Retificação de CIT",
			norm:     "cit - retificacao de cit",
			auto:     ReadReceipt, autoReason: "Content-Type: multipart/report; report-type=disposition-notification",
			atts: []wantAtt{{"anexo-1.txt", "message/disposition-notification", "", false}},
		},
		{
			file:     "outlook-web-res-ptbr.eml",
			fromAddr: "debora.nunes@prefeitura.sp.gov.br", fromName: "Débora Nunes",
			subject:     "RES: [#SD-2026-000200] Conecte SUS – Erro ao emitir certificado",
			norm:        "conecte sus - erro ao emitir certificado",
			replyEnd:    "Att,\nDébora Nunes",
			replyNot:    []string{"Enviada em", "____", "Prezada"},
			threadIndex: "AQHbjM1aE2xV0yF3kU6tQ9mZ8oP7nQ==",
			refs:        2,
			pairs: []Pair{
				{Label: "Número do CNS", Value: "700 5012 3456 7891"},
				{Label: "Unidade", Value: "UBS Vila Nova – São Paulo/SP"},
			},
		},
		{
			file:     "encaminhada-anexo-rfc822.eml",
			fromAddr: "informatica@hospitaldeexemplo.pt", fromName: "Informática Hospital de Exemplo",
			subject:    "ENC: CIT – Problema/Erro aplicação central",
			norm:       "cit - problema/erro aplicacao central",
			redacted:   true,
			replyEnd:   "Reencaminho o pedido do Dr. José Matos em anexo.",
			atts:       []wantAtt{{"CIT - Problema.eml", "message/rfc822", "", false}},
			fwdFrom:    "jose.matos@hospitaldeexemplo.pt",
			fwdSubject: "CIT – Problema/Erro aplicação central",
			pairs: []Pair{
				{Label: "Número de cédula profissional", Value: "45678"},
				{Label: "Utilizador", Value: "jmatos"},
				{Label: "Senha", Value: Redacted},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.From.Addr != tc.fromAddr {
				t.Errorf("From.Addr = %q, want %q", m.From.Addr, tc.fromAddr)
			}
			if tc.fromName != "" && m.From.Name != tc.fromName {
				t.Errorf("From.Name = %q, want %q", m.From.Name, tc.fromName)
			}
			if m.Subject != tc.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tc.subject)
			}
			if got := NormalizeSubject(m.Subject, "SD"); got != tc.norm {
				t.Errorf("NormalizeSubject = %q, want %q", got, tc.norm)
			}
			if m.Auto != tc.auto || (tc.autoReason != "" && m.AutoReason != tc.autoReason) {
				t.Errorf("Auto = %q (%q), want %q (%q)", m.Auto, m.AutoReason, tc.auto, tc.autoReason)
			}
			if m.Loop != tc.loop {
				t.Errorf("Loop = %v, want %v", m.Loop, tc.loop)
			}
			if m.PasswordRedacted != tc.redacted {
				t.Errorf("PasswordRedacted = %v, want %v", m.PasswordRedacted, tc.redacted)
			}
			if m.Date.IsZero() || m.Date.Year() != 2026 {
				t.Errorf("Date = %v", m.Date)
			}
			if m.MessageID == "" || strings.ContainsAny(m.MessageID, "<>") {
				t.Errorf("MessageID = %q", m.MessageID)
			}
			for _, s := range tc.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tc.textNot {
				if strings.Contains(m.Text, s) || strings.Contains(m.HTML, s) {
					t.Errorf("Text or HTML holds %q", s)
				}
			}
			if !strings.HasPrefix(m.Text, m.Reply) {
				t.Errorf("Reply is not a prefix of Text")
			}
			if tc.auto == Human && !strings.HasSuffix(m.Reply, tc.replyEnd) {
				t.Errorf("Reply ends %q, want …%q", tail(m.Reply, 60), tc.replyEnd)
			}
			for _, s := range tc.replyNot {
				if strings.Contains(m.Reply, s) {
					t.Errorf("Reply holds %q", s)
				}
			}
			if len(m.Attachments) != len(tc.atts) {
				t.Errorf("%d attachments, want %d: %+v", len(m.Attachments), len(tc.atts), attNames(m))
			} else {
				for i, w := range tc.atts {
					a := m.Attachments[i]
					if a.Filename != w.name || a.MediaType != w.mediaType || a.ContentID != w.cid || a.Inline != w.inline || len(a.Data) == 0 {
						t.Errorf("attachment %d = {%q %q %q %v len %d}, want %+v", i, a.Filename, a.MediaType, a.ContentID, a.Inline, len(a.Data), w)
					}
				}
			}
			if tc.fwdFrom == "" && m.Forwarded != nil {
				t.Errorf("Forwarded = %+v, want none", m.Forwarded.From)
			}
			if tc.fwdFrom != "" {
				if m.Forwarded == nil {
					t.Fatalf("no Forwarded")
				}
				if m.Forwarded.From.Addr != tc.fwdFrom || m.Forwarded.Subject != tc.fwdSubject {
					t.Errorf("Forwarded = %q %q, want %q %q", m.Forwarded.From.Addr, m.Forwarded.Subject, tc.fwdFrom, tc.fwdSubject)
				}
			}
			if strings.Join(m.Bounced, ",") != strings.Join(tc.bounced, ",") {
				t.Errorf("Bounced = %v, want %v", m.Bounced, tc.bounced)
			}
			if tc.inReplyTo != "" && (len(m.InReplyTo) != 1 || m.InReplyTo[0] != tc.inReplyTo) {
				t.Errorf("InReplyTo = %v, want %q", m.InReplyTo, tc.inReplyTo)
			}
			if len(m.References) != tc.refs {
				t.Errorf("References = %v, want %d", m.References, tc.refs)
			}
			if m.ThreadIndex != tc.threadIndex {
				t.Errorf("ThreadIndex = %q, want %q", m.ThreadIndex, tc.threadIndex)
			}
			if tc.warningHas != "" && !strings.Contains(strings.Join(m.Warnings, "|"), tc.warningHas) {
				t.Errorf("Warnings = %q, want one with %q", m.Warnings, tc.warningHas)
			}
			pairs := Pairs(m)
			for _, w := range tc.pairs {
				if !hasPair(pairs, w) {
					t.Errorf("Pairs lack %+v; got:\n%s", w, dumpPairs(pairs))
				}
			}
			for _, l := range tc.pairsNotLabel {
				for _, p := range pairs {
					if p.Label == l {
						t.Errorf("Pairs hold label %q: %+v", l, p)
					}
				}
			}
		})
	}
}

func hasPair(ps []Pair, w Pair) bool {
	for _, p := range ps {
		if p.Label == w.Label && p.Value == w.Value && p.Section == w.Section && (w.Line == 0 || p.Line == w.Line) {
			return true
		}
	}
	return false
}

func dumpPairs(ps []Pair) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  [" + p.Section + "] " + p.Label + " = " + p.Value + "\n")
	}
	return b.String()
}

func attNames(m *Message) []string {
	var out []string
	for _, a := range m.Attachments {
		out = append(out, a.Filename+" "+a.MediaType)
	}
	return out
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// TestParseHeaders covers header shapes the corpus has few of.
func TestParseHeaders(t *testing.T) {
	raw := "From: =?ISO-8859-1?Q?Jos=E9_Gon=E7alves?= <JOSE@Example.PT>\r\n" +
		"Reply-To: Apoio <apoio@example.pt>, outro@example.pt\r\n" +
		"To: a@example.pt, \"Silva, Rui\" <RUI@example.pt>\r\n" +
		"To: c@example.pt\r\n" +
		"Cc: undisclosed-recipients:;\r\n" +
		"Subject: =?utf-8?B?UmU6IFJldGlmaWNhw6fDo28=?=\r\n" +
		"  =?utf-8?Q?_de_CIT?=\r\n" +
		"Date: Tue, 3 Mar 2026 17:20:00 +0000 (WET)\r\n" +
		"Message-ID: <abc@x>\r\n" +
		"In-Reply-To: <p1@x> (mensagem de Rui)\r\n" +
		"References: <r1@x>\r\n <r2@x>\r\n\t<r1@x>\r\n" +
		"X-Balcao-Loop: balcao\r\n" +
		"\r\n" +
		"corpo\r\n"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.From != (Address{Name: "José Gonçalves", Addr: "jose@example.pt"}) {
		t.Errorf("From = %+v", m.From)
	}
	if len(m.ReplyTo) != 2 || m.ReplyTo[1].Addr != "outro@example.pt" {
		t.Errorf("ReplyTo = %+v", m.ReplyTo)
	}
	if len(m.To) != 3 || m.To[1] != (Address{Name: "Silva, Rui", Addr: "rui@example.pt"}) {
		t.Errorf("To = %+v", m.To)
	}
	if m.Subject != "Re: Retificação de CIT" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if !m.Date.Equal(time.Date(2026, 3, 3, 17, 20, 0, 0, time.UTC)) {
		t.Errorf("Date = %v", m.Date)
	}
	if m.MessageID != "abc@x" || strings.Join(m.InReplyTo, ",") != "p1@x" || strings.Join(m.References, ",") != "r1@x,r2@x" {
		t.Errorf("ids = %q %v %v", m.MessageID, m.InReplyTo, m.References)
	}
	if !m.Loop || m.Text != "corpo\n" || m.Reply != "corpo" {
		t.Errorf("Loop %v Text %q Reply %q", m.Loop, m.Text, m.Reply)
	}
}

// TestParseErrors lists what Parse refuses, and shows what it accepts.
func TestParseErrors(t *testing.T) {
	for _, raw := range []string{"", "\r\n\r\n", "   \n", "From MAILER-DAEMON Thu Apr 29 2016\n"} {
		if _, err := Parse([]byte(raw)); err == nil {
			t.Errorf("Parse(%q) succeeded", raw)
		}
	}
	for _, raw := range []string{
		"Subject: only a header\r\n",
		"no header at all, just text\r\n\r\nmore text",
		"Content-Type: multipart/mixed\r\n\r\nno boundary here",
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nunterminated",
		"Content-Type: text/plain; charset=x-unknown-charset\r\n\r\nol\xe1",
		"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
	} {
		if m, err := Parse([]byte(raw)); err != nil {
			t.Errorf("Parse(%q): %v", raw, err)
		} else if !strings.HasPrefix(m.Text, m.Reply) {
			t.Errorf("Parse(%q): Reply not a prefix", raw)
		}
	}
}

// TestParseHTMLOnly checks the text made from an HTML-only message.
func TestParseHTMLOnly(t *testing.T) {
	raw := "From: a@b.pt\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<html><head><style>p{color:red}</style><title>t</title></head><body>" +
		"<p>Bom dia,</p><p>Seguem os dados:</p>" +
		"<table><tr><th colspan=2>Identificação do utente</th></tr>" +
		"<tr><td>Nome completo</td><td>Maria&nbsp;Silva</td></tr>" +
		"<tr><td>Data de nascimento:</td><td>01/02/1980</td></tr></table>" +
		"<ul><li>NISS: 12345678901</li><li>Senha: Abc!2026</li></ul>" +
		"Linha 1<br>Linha 2<script>alert(1)</script></body></html>"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := "Bom dia,\nSeguem os dados:\nIdentificação do utente\nNome completo: Maria Silva\nData de nascimento: 01/02/1980\n- NISS: 12345678901\n- Senha: [palavra-passe removida]\nLinha 1\nLinha 2"
	if m.Text != want {
		t.Errorf("Text =\n%s\nwant\n%s", m.Text, want)
	}
	if strings.Contains(m.HTML, "Abc!2026") || !m.PasswordRedacted {
		t.Errorf("HTML not redacted: %s", m.HTML)
	}
	ps := Pairs(m)
	for _, w := range []Pair{
		{Label: "Nome completo", Value: "Maria Silva", Section: "Identificação do utente"},
		{Label: "Data de nascimento", Value: "01/02/1980", Section: "Identificação do utente"},
		{Label: "NISS", Value: "12345678901", Section: "Identificação do utente"},
	} {
		if !hasPair(ps, w) {
			t.Errorf("Pairs lack %+v:\n%s", w, dumpPairs(ps))
		}
	}
}

// TestForwardedInline covers the inline forward shapes of the common clients.
func TestForwardedInline(t *testing.T) {
	tests := []struct {
		name, subject, body, from, fsubject string
	}{
		{"gmail en", "Fwd: x", "FYI\n\n---------- Forwarded message ---------\nFrom: *Ana Lima* <ana@x.pt>\nDate: Tue, Mar 3, 2026 at 4:40 PM\nSubject: CIT – Dúvidas\nTo: <b@x.pt>\n\n\nTexto original\n", "ana@x.pt", "CIT – Dúvidas"},
		{"gmail es", "Fwd: x", "---------- Mensaje reenviado ---------\nDe: Juan <juan@x.es>\nDate: mar, 3 mar 2026 a las 16:40\nSubject: Alta\nTo: <b@x.pt>\n\nHola\n", "juan@x.es", "Alta"},
		{"apple pt-PT", "Fwd: x", "Início da mensagem reencaminhada:\n\nDe: Rui Costa <rui@x.pt>\nAssunto: WebRNU – Criação de acesso\nData: 3 de março de 2026 às 16:40:00 WET\nPara: b@x.pt\n\nOlá\n", "rui@x.pt", "WebRNU – Criação de acesso"},
		{"apple pt-BR", "Fwd: x", "Início da mensagem encaminhada:\n\nDe: Ana <ana@x.com.br>\nAssunto: Conecte SUS\nData: 3 de março de 2026 16:40:00 BRT\nPara: b@x.com.br\n\nOi\n", "ana@x.com.br", "Conecte SUS"},
		{"outlook ENC", "ENC: Pedido", "Segue.\n\n________________________________\nDe: Marta Reis [mailto:marta@x.pt]\nEnviado: 3 de março de 2026 16:40\nPara: Apoio\nAssunto: Pedido\n\nTexto\n", "marta@x.pt", "Pedido"},
		{"outlook FW en", "FW: Request", "-----Original Message-----\nFrom: John <john@x.com>\nSent: Tuesday, March 3, 2026 4:40 PM\nTo: desk@x.pt\nSubject: Request\n\nBody\n", "john@x.com", "Request"},
		{"outlook pt-BR ENC", "ENC: Chamado", "De: Carlos <carlos@x.gov.br>\nEnviada em: terça-feira, 3 de março de 2026 16:40\nPara: Suporte <s@x.gov.br>\nAssunto: Chamado\n\nTexto\n", "carlos@x.gov.br", "Chamado"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: f@x.pt\r\nSubject: " + tc.subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + tc.body
			m, err := Parse([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			if m.Forwarded == nil {
				t.Fatalf("no Forwarded; Text:\n%s", m.Text)
			}
			if m.Forwarded.From.Addr != tc.from || m.Forwarded.Subject != tc.fsubject {
				t.Errorf("Forwarded = %+v %q", m.Forwarded.From, m.Forwarded.Subject)
			}
			if m.Forwarded.Text == "" {
				t.Errorf("Forwarded.Text empty")
			}
		})
	}
	// An Outlook reply (not a forward) quotes a header block: no Forwarded.
	raw := "From: f@x.pt\r\nSubject: RE: Pedido\r\n\r\nOk.\r\n\r\nDe: Marta <marta@x.pt>\r\nEnviado: ontem\r\nPara: f@x.pt\r\nAssunto: Pedido\r\n\r\nTexto\r\n"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Forwarded != nil {
		t.Errorf("reply taken for a forward: %+v", m.Forwarded)
	}
	if m.Reply != "Ok." {
		t.Errorf("Reply = %q", m.Reply)
	}
}
