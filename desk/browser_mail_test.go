package desk_test

import (
	"context"
	"log/slog"
	"net"
	netsmtp "net/smtp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"balcao"
	"balcao/desk"
	"balcao/intake"
	"balcao/jobs"
	"balcao/mail"
	"balcao/smtp"
)

// TestBrowserMailToThreadedReply: a request arrives by email over SMTP with
// the NNU missing; an agent signs in, finds it with the search box by the
// NISS written in the email, asks for the missing data (the message is
// composed from the catalogue and edited before sending), then replies;
// both reach a local SMTP relay threaded under the request, after the
// acknowledgement.
func TestBrowserMailToThreadedReply(t *testing.T) {
	ctx := browser(t)
	axe := axeSource(t)
	var in *intake.Intake
	e := newEnv(t, func(s *desk.Server) {
		in = intake.New(intake.Config{Catalog: s.Catalog, Store: s.Store, Clock: s.Clock, Host: "desk.example", Logger: slog.New(slog.DiscardHandler)})
		s.Replier = in
	})

	// The desk's SMTP listener, and a relay that keeps what it receives.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.ServerConfig{Domain: "desk.example", Logger: slog.New(slog.DiscardHandler)}, in)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	sink := smtp.StartSink(t)
	outbox := &jobs.Outbox{Store: e.store, Sender: smtp.NewSender(smtp.RelayConfig{Addr: sink.Addr(), TLSPolicy: "none", HELO: "desk.example"}),
		IsPermanent: smtp.IsPermanent, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}
	deliver := func(want int) []smtp.SinkMessage {
		t.Helper()
		if _, _, err := outbox.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		return sink.Wait(want, 10*time.Second)
	}

	request := strings.ReplaceAll(`From: Ana Costa <ana.costa@usf-arco-iris.min-saude.pt>
To: servicedesk@spms.min-saude.pt
Subject: CIT – Problema/Erro aplicação local (SAM-CS)
Message-ID: <pedido-1@usf-arco-iris.min-saude.pt>
Content-Type: text/plain; charset=utf-8

Bom dia,

Descrição detalhada: ao emitir o CIT a aplicação devolve "Erro 500".
Designação do centro de saúde/unidade de saúde: USF Arco-Íris
Código da unidade de saúde: 3110511
Número da cédula profissional: 45123
NISS: 11234567892

Ana Costa
`, "\n", "\r\n")
	if err := netsmtp.SendMail(ln.Addr().String(), nil, "ana.costa@usf-arco-iris.min-saude.pt",
		[]string{"servicedesk@spms.min-saude.pt"}, []byte(request)); err != nil {
		t.Fatal(err)
	}
	ack := deliver(1)
	if len(ack) != 1 || !strings.Contains(string(ack[0].Raw), "In-Reply-To: <pedido-1@usf-arco-iris.min-saude.pt>") {
		t.Fatalf("acknowledgement: %d messages", len(ack))
	}
	page, _ := e.store.DeskTickets(context.Background(), balcao.DeskFilter{Scope: balcao.DeskScope{All: true}, View: balcao.ViewAll})
	if len(page.Tickets) != 1 || page.Tickets[0].Status != balcao.StatusPendingRequester {
		t.Fatalf("tickets after the email: %+v", page.Tickets)
	}
	number := string(page.Tickets[0].Number)

	do(t, ctx, chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "agente@desk.pt"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="q"]`)),
		// The NISS as people write it, with spaces.
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "112 345 678 92\r"),
		chromedp.WaitVisible(chromedp.Search(`//a[text()="`+number+`"]`)),
	)
	checkAxe(t, ctx, axe, "search results")
	do(t, ctx,
		chromedp.Click(chromedp.Search(`//a[text()="`+number+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions`)),
		chromedp.Click(chromedp.CSS(`form[action*="/ask"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#reply`)),
	)
	// The page with the draft replaces the ticket page (which has an empty
	// reply box too): wait for the draft.
	var draft string
	for deadline := time.Now().Add(10 * time.Second); draft == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		draft = run(t, ctx, chromedp.Evaluate[string](`location.pathname.endsWith('/ask') && document.querySelector('#reply') ? document.querySelector('#reply').value : ''`))
	}
	if !strings.Contains(draft, "Número de utente") {
		t.Fatalf("the request for missing data does not name the NNU:\n%s", draft)
	}
	checkAxe(t, ctx, axe, "ticket with the request for missing data")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form.reply button[type=submit]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="status" and contains(., "fila de envio")]`)),
	)
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#reply').value = ''; true`))
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#reply`), "Já pedimos à equipa técnica que analise o erro."),
		chromedp.Click(chromedp.CSS(`form.reply button[type=submit]`)),
	)
	// Both answers are queued once the second has been committed.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ob, _ := e.store.ListOutbox(context.Background(), balcao.OutboxPending, 10); len(ob) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second answer was not queued")
		}
	}
	got := deliver(3)
	if len(got) != 3 {
		t.Fatalf("the relay received %d messages, want 3", len(got))
	}
	for i, m := range got[1:] {
		parsed, err := mail.Parse(m.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if m.To[0] != "ana.costa@usf-arco-iris.min-saude.pt" || !strings.Contains(parsed.Subject, "[#"+number+"]") ||
			!slices.Contains(parsed.References, "pedido-1@usf-arco-iris.min-saude.pt") || parsed.Auto != "" {
			t.Fatalf("answer %d is not a person's answer threaded under the request:\n%s", i+1, m.Raw)
		}
	}
	if !strings.Contains(bodyOf(t, got[1].Raw), "Número de utente") || !strings.Contains(bodyOf(t, got[2].Raw), "equipa técnica") {
		t.Fatal("the answers do not carry what the agent sent")
	}
}

// bodyOf is the text of a message as its reader sees it.
func bodyOf(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m.Text
}
