package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/intake"
	"balcao/sqldb"
	"balcao/sqlite"
	"balcao/storetest"
)

type desk struct {
	t     testing.TB
	store *sqldb.DB
	in    *intake.Intake
	clock *balcao.ManualClock
	ctx   context.Context
}

func newDesk(t *testing.T) *desk { return newDeskTB(t) }

func newDeskTB(t testing.TB) *desk {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"), true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newDeskOn(t, s)
}

// onBothDatabases runs a test of the desk on SQLite and on PostgreSQL.
func onBothDatabases(t *testing.T, fn func(t *testing.T, d *desk)) {
	for name, open := range storetest.Databases(t) {
		t.Run(name, func(t *testing.T) { fn(t, newDeskOn(t, open(t))) })
	}
}

func newDeskOn(t testing.TB, s *sqldb.DB) *desk {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range cat.Teams {
		if err := s.UpsertTeam(context.Background(), &balcao.Team{Code: tm.Code, Name: tm.Name.Get("pt-PT")}); err != nil {
			t.Fatal(err)
		}
	}
	c := balcao.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	in := intake.New(intake.Config{Catalog: cat, Store: s, Clock: c, NumberPrefix: "SD",
		Host: "balcao.test", AutoMailPerDay: 5, Logger: slog.New(slog.DiscardHandler)})
	return &desk{t: t, store: s, in: in, clock: c, ctx: context.Background()}
}

// deliver sends a message written as header lines, a blank line and a body.
func (d *desk) deliver(raw string) intake.Outcome {
	d.t.Helper()
	raw = strings.ReplaceAll(strings.TrimLeft(raw, "\n"), "\n", "\r\n")
	out, err := d.in.Deliver(d.ctx, balcao.Envelope{Source: "smtp", MailFrom: senderOf(raw), Recipients: []string{"servicedesk@spms.min-saude.pt"}}, []byte(raw))
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// senderOf is the envelope sender an MTA would give: the From address.
func senderOf(raw string) string {
	for _, line := range strings.Split(raw, "\r\n") {
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "From:"); ok {
			if a, err := netmail.ParseAddress(strings.TrimSpace(v)); err == nil {
				return a.Address
			}
		}
	}
	return ""
}

func (d *desk) ticket(n balcao.TicketNumber) *balcao.Ticket {
	d.t.Helper()
	t, err := d.store.TicketByNumber(d.ctx, n)
	if err != nil {
		d.t.Fatal(err)
	}
	return t
}

func (d *desk) outbox() []*balcao.OutboxItem {
	items, err := d.store.ListOutbox(d.ctx, balcao.OutboxPending, 1000)
	if err != nil {
		d.t.Fatal(err)
	}
	return items
}

// lastAnswer returns the text of the newest automatic answer on a ticket.
func (d *desk) lastAnswer(n balcao.TicketNumber) *balcao.Message {
	d.t.Helper()
	msgs, _ := d.store.Messages(d.ctx, d.ticket(n).ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == balcao.DirectionOut {
			return msgs[i]
		}
	}
	d.t.Fatalf("ticket %s has no answer", n)
	return nil
}

const completeD1 = `
From: Ana Costa <ana.costa@usf-arco-iris.min-saude.pt>
To: servicedesk@spms.min-saude.pt
Cc: Coordenação <coordenacao@usf-arco-iris.min-saude.pt>
Subject: CIT – Problema/Erro aplicação local (SAM-CS)
Message-ID: <d1-completo@usf-arco-iris.min-saude.pt>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=XYZ

--XYZ
Content-Type: text/plain; charset=utf-8

Bom dia,

Descrição detalhada: ao emitir o CIT a aplicação devolve "Erro 500".
Designação do centro de saúde/unidade de saúde: USF Arco-Íris
Utilizador/Médico (Número da cédula profissional): 45123
Número de utente (SNS): 111156119
NISS: 11234567892

Cumprimentos,
Ana Costa
--XYZ
Content-Type: image/png
Content-Disposition: attachment; filename="erro.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
--XYZ--
`

func TestCompleteRequestBecomesNewTicket(t *testing.T) {
	d := newDesk(t)
	out := d.deliver(completeD1)
	if out.Kind != "ticket" || !out.Answered {
		t.Fatalf("outcome %+v", out)
	}
	tk := d.ticket(out.Ticket)
	if tk.RequestType != "cit-d1" || tk.Status != balcao.StatusNew || tk.TeamCode == "" || len(tk.Missing) != 0 {
		t.Fatalf("ticket %+v", tk)
	}
	if tk.Fields["cedula"] != "45123" || tk.Fields["utente.niss"] != "11234567892" || tk.Fields["unidade"] != "USF Arco-Íris" {
		t.Fatalf("fields %v", tk.Fields)
	}
	ans := d.lastAnswer(out.Ticket)
	for _, want := range []string{string(out.Ticket), "Problema/Erro aplicação local", "completos", "Responda acima desta linha"} {
		if !strings.Contains(ans.Text, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ans.Text)
		}
	}
	ob := d.outbox()
	if len(ob) != 1 || ob[0].Recipients[0] != "ana.costa@usf-arco-iris.min-saude.pt" || ob[0].MailFrom != "servicedesk@spms.min-saude.pt" || !ob[0].Auto {
		t.Fatalf("outbox %+v", ob)
	}
	raw := string(ob[0].Raw)
	for _, h := range []string{"In-Reply-To: <d1-completo@usf-arco-iris.min-saude.pt>", "Auto-Submitted: auto-replied",
		"X-Auto-Response-Suppress: All", "X-Balcao-Loop: balcao.test", "[#" + string(out.Ticket) + "]"} {
		if !strings.Contains(raw, h) {
			t.Errorf("answer lacks %q", h)
		}
	}
}

func TestMissingDataIsAskedForAndCompletedByReply(t *testing.T) {
	d := newDesk(t)
	out := d.deliver(`
From: ana@usf.min-saude.pt
To: servicedesk@spms.min-saude.pt
Subject: CIT – Retificação de dados de identificação do utente
Message-ID: <g-1@usf.min-saude.pt>

Descrição detalhada: o NISS do utente foi corrigido no RNU.
Número de utente (SNS): 111156119
Nome completo: Joaquim Alves
NISS: 11234567893
`)
	tk := d.ticket(out.Ticket)
	if tk.Status != balcao.StatusPendingRequester || tk.RequestType != "cit-g" {
		t.Fatalf("ticket %s %s", tk.Status, tk.RequestType)
	}
	keys := map[string]bool{}
	for _, m := range tk.Missing {
		keys[m.Key] = true
	}
	if !keys["utente.niss"] || !keys["utente.data_nascimento"] {
		t.Fatalf("missing_fields %+v should name the invalid NISS and the missing birth date", tk.Missing)
	}
	ans := d.lastAnswer(out.Ticket)
	if !strings.Contains(ans.Text, "NISS") || !strings.Contains(ans.Text, "Data de nascimento") || !strings.Contains(ans.Text, "dígito de controlo") {
		t.Fatalf("the answer should name each missing item by its label and how to fix it:\n%s", ans.Text)
	}

	// The reply on the thread brings the rest: merged, validated, and the
	// ticket (which needs approval) moves to pending_approval.
	d.clock.Advance(time.Hour)
	reply := fmt.Sprintf(`
From: ana@usf.min-saude.pt
To: servicedesk@spms.min-saude.pt
Subject: RE: [#%s] CIT – Retificação de dados de identificação do utente
Message-ID: <g-2@usf.min-saude.pt>
In-Reply-To: <%s>

NISS: 11234567892
Data de nascimento: 14/05/1950
Número do boletim: A123456
Entidade responsável e nº de beneficiário (antigo): Segurança Social 123
Entidade responsável e nº de beneficiário (novo): Segurança Social 456
Data(s) de início: 01/02/2026
Data(s) de termo: 15/02/2026
Número da cédula profissional: 45123
Nome clínico: Dra. Rita Sousa

Em seg., 2 de mar. de 2026 às 10:00, Centro de Suporte escreveu:
> Para o podermos tratar, faltam ou não estão corretos os seguintes dados:
`, out.Ticket, ans.MessageID)
	out2 := d.deliver(reply)
	if out2.Kind != "follow-up" || out2.Ticket != out.Ticket {
		t.Fatalf("reply outcome %+v", out2)
	}
	tk = d.ticket(out.Ticket)
	if tk.Fields["utente.niss"] != "11234567892" || tk.Fields["utente.nome_completo"] != "Joaquim Alves" {
		t.Errorf("fields after reply %v", tk.Fields)
	}
	if tk.Status != balcao.StatusPendingApproval {
		t.Errorf("status %s, missing %+v; a complete CIT G waits for approval", tk.Status, tk.Missing)
	}
}

func TestDuplicateDeliveryStoredAndAnsweredOnce(t *testing.T) {
	onBothDatabases(t, testDuplicateDelivery)
}

// testDuplicateDelivery delivers a new request twice in a row, then
// another one eight times at once (retries racing each other): each is
// stored once, as one ticket with one answer.
func testDuplicateDelivery(t *testing.T, d *desk) {
	first := d.deliver(completeD1)
	again := d.deliver(completeD1)
	if again.Kind != "duplicate" {
		t.Fatalf("second delivery: %+v", again)
	}
	page, _ := d.store.ListTickets(d.ctx, balcao.TicketFilter{})
	if len(page.Tickets) != 1 || page.Tickets[0].Number != first.Ticket || len(d.outbox()) != 1 {
		t.Fatalf("%d tickets, %d answers", len(page.Tickets), len(d.outbox()))
	}
	raced := strings.Replace(completeD1, "Message-ID: <", "Message-ID: <raced-", 1)
	if raced == completeD1 {
		t.Fatal("the sample has no Message-ID to change")
	}
	raw := strings.ReplaceAll(strings.TrimLeft(raced, "\n"), "\n", "\r\n")
	kinds := make(chan string, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := d.in.Deliver(d.ctx, balcao.Envelope{Source: "smtp", MailFrom: senderOf(raw),
				Recipients: []string{"servicedesk@spms.min-saude.pt"}}, []byte(raw))
			if err != nil {
				t.Error(err)
			}
			kinds <- out.Kind
		}()
	}
	wg.Wait()
	close(kinds)
	count := map[string]int{}
	for k := range kinds {
		count[k]++
	}
	if count["ticket"] != 1 || count["duplicate"] != 7 {
		t.Fatalf("eight deliveries at once: %v, want one ticket and seven duplicates", count)
	}
	page, _ = d.store.ListTickets(d.ctx, balcao.TicketFilter{})
	if len(page.Tickets) != 2 || len(d.outbox()) != 2 {
		t.Fatalf("after the race: %d tickets, %d answers, want 2 and 2", len(page.Tickets), len(d.outbox()))
	}
}

func TestAutomaticMailNeverAnsweredNorReopens(t *testing.T) {
	onBothDatabases(t, testAutomaticMail)
}

func testAutomaticMail(t *testing.T, d *desk) {
	out := d.deliver(completeD1)
	ack := d.lastAnswer(out.Ticket)
	d.store.ChangeStatus(d.ctx, d.ticket(out.Ticket).ID, balcao.StatusResolved, balcao.SystemActor, "", d.clock.Now())
	ooo := d.deliver(fmt.Sprintf(`
From: ana.costa@usf-arco-iris.min-saude.pt
To: servicedesk@spms.min-saude.pt
Subject: Resposta automática: [#%s] CIT – Problema/Erro aplicação local (SAM-CS)
Message-ID: <ooo-1@usf-arco-iris.min-saude.pt>
In-Reply-To: <%s>
Auto-Submitted: auto-replied

Estou ausente até dia 10. Para assuntos urgentes contacte a coordenação.
`, out.Ticket, ack.MessageID))
	if ooo.Kind != "follow-up" || ooo.Answered {
		t.Fatalf("out-of-office: %+v", ooo)
	}
	if tk := d.ticket(out.Ticket); tk.Status != balcao.StatusResolved {
		t.Fatalf("an automatic message reopened the ticket: %s", tk.Status)
	}
	if len(d.outbox()) != 1 {
		t.Fatal("an automatic message was answered")
	}
	// An automatic message about no ticket opens none.
	q := d.deliver(`
From: MAILER-DAEMON@mx.example.pt
To: servicedesk@spms.min-saude.pt
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.example.pt>
Content-Type: text/plain

This is the mail system. I'm sorry to have to inform you that your message could not be delivered.
`)
	if q.Kind != "quarantine" || !strings.Contains(q.Reason, "bounce") {
		t.Fatalf("bounce: %+v", q)
	}
}

func TestThreadingBySubjectOnlyForParticipants(t *testing.T) {
	d := newDesk(t)
	out := d.deliver(completeD1)
	subject := "Subject: RE: [#" + string(out.Ticket) + "] CIT – Problema/Erro aplicação local (SAM-CS)"
	// Someone copied on the request may write into it by quoting the number.
	cc := d.deliver("From: coordenacao@usf-arco-iris.min-saude.pt\nTo: servicedesk@spms.min-saude.pt\n" + subject +
		"\nMessage-ID: <cc-1@usf.pt>\n\nMais informação: acontece em todos os postos.\n")
	if cc.Kind != "follow-up" || cc.Ticket != out.Ticket {
		t.Fatalf("participant: %+v", cc)
	}
	// A stranger quoting the number gets a ticket of their own.
	st := d.deliver("From: estranho@outro.pt\nTo: servicedesk@spms.min-saude.pt\n" + subject +
		"\nMessage-ID: <x-1@outro.pt>\n\nDescrição detalhada: também tenho este erro.\n")
	if st.Kind != "ticket" || st.Ticket == out.Ticket {
		t.Fatalf("stranger: %+v", st)
	}
}

func TestUnclassifiedGoesToTriageWithValidSubjects(t *testing.T) {
	d := newDesk(t)
	out := d.deliver(`
From: rui@hospital.min-saude.pt
To: servicedesk@spms.min-saude.pt
Subject: ajuda urgente
Message-ID: <u-1@hospital.min-saude.pt>

Não consigo entrar.
`)
	tk := d.ticket(out.Ticket)
	if tk.RequestType != "" || tk.Status != balcao.StatusNew {
		t.Fatalf("triage ticket %+v", tk)
	}
	ans := d.lastAnswer(out.Ticket).Text
	for _, want := range []string{"CIT – Retificação de CIT", "WebRNU – Óbito não Identificado", "ajuda urgente"} {
		if !strings.Contains(ans, want) {
			t.Errorf("triage answer lacks %q", want)
		}
	}
}

func TestPasswordsAreRedactedAndRequesterWarned(t *testing.T) {
	d := newDesk(t)
	out := d.deliver(`
From: ana@usf.min-saude.pt
To: servicedesk@spms.min-saude.pt
Subject: WebRNU – Recuperação de Senha
Message-ID: <pw-1@usf.min-saude.pt>

Nome de Utilizador: ana.costa
Nome Completo: Ana Costa
Data de Nascimento: 01/01/1980
Endereço de correio eletrónico: ana@usf.min-saude.pt
A senha antiga era: Segredo#2026
`)
	msgs, _ := d.store.Messages(d.ctx, d.ticket(out.Ticket).ID)
	if strings.Contains(msgs[0].Text, "Segredo#2026") {
		t.Fatal("the password reached the stored text")
	}
	if msgs[0].RawSHA256 != "" {
		t.Fatal("the original bytes, password included, were stored")
	}
	if ans := d.lastAnswer(out.Ticket).Text; !strings.Contains(ans, "palavra-passe") {
		t.Fatalf("the answer should warn about passwords:\n%s", ans)
	}
}

func TestReopenWithinTenDaysAndNewLinkedTicketAfter(t *testing.T) {
	onBothDatabases(t, testReopen)
}

func testReopen(t *testing.T, d *desk) {
	out := d.deliver(completeD1)
	id := d.ticket(out.Ticket).ID
	d.store.ChangeStatus(d.ctx, id, balcao.StatusResolved, balcao.SystemActor, "", d.clock.Now())
	ack := d.lastAnswer(out.Ticket)
	d.clock.Advance(9 * 24 * time.Hour)
	r := d.deliver(fmt.Sprintf("From: ana.costa@usf-arco-iris.min-saude.pt\nTo: servicedesk@spms.min-saude.pt\nSubject: RE: CIT\nMessage-ID: <r-1@usf.pt>\nIn-Reply-To: <%s>\n\nO erro voltou a acontecer.\n", ack.MessageID))
	tk := d.ticket(out.Ticket)
	if r.Ticket != out.Ticket || tk.Status != balcao.StatusOpen || tk.ReopenCount != 1 {
		t.Fatalf("within 10 days: %+v, status %s, reopens %d", r, tk.Status, tk.ReopenCount)
	}
	d.store.ChangeStatus(d.ctx, id, balcao.StatusResolved, balcao.SystemActor, "", d.clock.Now())
	d.clock.Advance(11 * 24 * time.Hour)
	late := d.deliver(fmt.Sprintf("From: ana.costa@usf-arco-iris.min-saude.pt\nTo: servicedesk@spms.min-saude.pt\nSubject: RE: CIT – Problema/Erro aplicação local (SAM-CS)\nMessage-ID: <r-2@usf.pt>\nIn-Reply-To: <%s>\n\nDe novo o mesmo erro.\n", ack.MessageID))
	if late.Kind != "ticket" || late.Ticket == out.Ticket {
		t.Fatalf("after 10 days: %+v", late)
	}
	if tk := d.ticket(out.Ticket); tk.Status != balcao.StatusResolved || tk.ReopenCount != 1 {
		t.Fatalf("the old ticket changed: %s", tk.Status)
	}
	if ans := d.lastAnswer(late.Ticket).Text; !strings.Contains(ans, string(out.Ticket)) {
		t.Fatalf("the requester should be told about the link to %s:\n%s", out.Ticket, ans)
	}
}

func TestNoAutomaticMailToNoReplyAndDailyCap(t *testing.T) {
	d := newDesk(t)
	r := d.deliver("From: no-reply@plataforma.gov.pt\nTo: servicedesk@spms.min-saude.pt\nSubject: CIT – Dúvidas/Pedido de informação gerais\nMessage-ID: <nr-1@x>\n\nDescrição detalhada: teste\n")
	if r.Kind != "ticket" || r.Answered {
		t.Fatalf("no-reply sender: %+v", r)
	}
	for i := range 7 {
		out := d.deliver(fmt.Sprintf("From: ana@usf.pt\nTo: servicedesk@spms.min-saude.pt\nSubject: CIT – Dúvidas/Pedido de informação gerais\nMessage-ID: <cap-%d@x>\n\nDescrição detalhada: pergunta %d\n", i, i))
		if want := i < 5; out.Answered != want {
			t.Fatalf("message %d answered=%v, want %v (cap of 5 a day)", i, out.Answered, want)
		}
	}
	d.clock.Advance(25 * time.Hour)
	if out := d.deliver("From: ana@usf.pt\nTo: servicedesk@spms.min-saude.pt\nSubject: CIT – Dúvidas/Pedido de informação gerais\nMessage-ID: <cap-next@x>\n\nDescrição detalhada: outra\n"); !out.Answered {
		t.Fatal("the cap should reset after 24 hours")
	}
}

func TestUnreadableAndLoopingMailIsQuarantined(t *testing.T) {
	d := newDesk(t)
	loop := d.deliver("From: servicedesk@spms.min-saude.pt\nTo: servicedesk@spms.min-saude.pt\nSubject: [#SD-2026-000001] x\nMessage-ID: <l@x>\nX-Balcao-Loop: balcao.test\n\nbody\n")
	if loop.Kind != "quarantine" || !strings.Contains(loop.Reason, "loop") {
		t.Fatalf("loop: %+v", loop)
	}
	q, _ := d.store.ListQuarantine(d.ctx, 10)
	if len(q) != 1 || len(q[0].Raw) == 0 {
		t.Fatalf("quarantine %+v", q)
	}
}

// TestNullSenderIsNeverAnswered: over SMTP, a message from the null sender
// (MAIL FROM:<>) is a bounce or an automatic answer whatever its headers
// say, so it never opens a ticket nor gets an answer; over IMAP, where the
// envelope is unknown, the same bytes are a person's request.
func TestNullSenderIsNeverAnswered(t *testing.T) {
	d := newDesk(t)
	raw := []byte(strings.ReplaceAll(strings.TrimLeft(completeD1, "\n"), "\n", "\r\n"))
	out, err := d.in.Deliver(d.ctx, balcao.Envelope{Source: "smtp", MailFrom: "", Recipients: []string{"servicedesk@spms.min-saude.pt"}}, raw)
	if err != nil {
		t.Fatal(err)
	}
	if out.Kind == "ticket" || out.Answered || len(d.outbox()) != 0 {
		t.Fatalf("null sender: %+v, %d answers", out, len(d.outbox()))
	}
	raw = []byte(strings.Replace(string(raw), "Message-ID: <", "Message-ID: <imap-", 1))
	out, err = d.in.Deliver(d.ctx, balcao.Envelope{Source: "imap:desk", Recipients: []string{"servicedesk@spms.min-saude.pt"}}, raw)
	if err != nil || out.Kind != "ticket" || !out.Answered {
		t.Fatalf("over IMAP: %+v %v", out, err)
	}
}
