package desk_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"balcao"
	"balcao/desk"
	"balcao/intake"
)

func withReplier(s *desk.Server) {
	s.Replier = intake.New(intake.Config{Catalog: s.Catalog, Store: s.Store, Clock: s.Clock, Host: "desk.example"})
}

func (e *env) outboxText() string {
	e.t.Helper()
	out, err := e.store.ListOutbox(ctx, balcao.OutboxPending, 50)
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, it := range out {
		b.Write(it.Raw)
	}
	return b.String()
}

func TestAskForMissing(t *testing.T) { onBothDatabases(t, testAskForMissing, withReplier) }

func testAskForMissing(t *testing.T, e *env) {
	tk := e.ticket(func(nt *balcao.NewTicket) { nt.Language = "pt-PT" })
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	wantBody(t, e.get(c, path), `action="`+path+`/ask#reply"`, "Pedir os dados em falta")

	r := e.get(c, path+"/ask")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "A mensagem com os dados em falta está no campo de resposta",
		"Para o podermos tratar, faltam ou não estão corretos os seguintes dados:",
		"  - Cédula profissional: a cédula tem 5 ou 6 dígitos", "  - Nº de utente: indique o número de utente",
		`name="wait" type="checkbox" value="1" checked`)

	// The agent edits the message and sends it through the reply path.
	r = e.post(c, path+"/reply", url.Values{"text": {"Bom dia,\nfalta a cédula profissional (5 ou 6 dígitos)."}, "wait": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	got, _ := e.store.TicketByNumber(ctx, tk.Number)
	if got.Status != balcao.StatusPendingRequester {
		t.Fatalf("status %s", got.Status)
	}
	if !strings.Contains(e.outboxText(), "falta a c=C3=A9dula") && !strings.Contains(e.outboxText(), "falta a cédula") {
		t.Fatalf("outbox: %s", e.outboxText())
	}

	// A complete ticket offers no such button.
	done := e.ticket(func(nt *balcao.NewTicket) { nt.Missing = nil })
	wantNotBody(t, e.get(c, "/desk/tickets/"+string(done.Number)), "/ask#reply")
}

func TestAskForMissingWithoutReplier(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	wantStatus(t, e.get(c, "/desk/tickets/"+string(tk.Number)+"/ask"), http.StatusNotFound)
}

func TestApproval(t *testing.T) { onBothDatabases(t, testApproval, withReplier) }

func testApproval(t *testing.T, e *env) {
	approver := e.user("aprovador@desk.pt", balcao.RoleAgent)
	if err := e.store.AddTeamMember(ctx, e.cit.ID, approver.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.GrantApprover(ctx, approver.ID, "cit"); err != nil {
		t.Fatal(err)
	}
	pending := func() *balcao.Ticket {
		return e.ticket(func(nt *balcao.NewTicket) {
			nt.RequestType, nt.Status, nt.Missing, nt.Language = "cit-f", balcao.StatusPendingApproval, nil, "pt-PT"
		})
	}
	tk := pending()
	path := "/desk/tickets/" + string(tk.Number)

	// An agent without the permission sees no form and is refused.
	agent := e.signedIn("agente@desk.pt")
	r := e.get(agent, path)
	wantNotBody(t, r, `action="`+path+`/approval"`)
	wantBody(t, r, "Este pedido aguarda a decisão de um aprovador do serviço")
	r = e.post(agent, path+"/approval", url.Values{"decision": {"approve"}, "decision_reason": {"ok"}})
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, "Decisão: não tem a permissão de aprovador deste serviço", `href="#decision"`)

	c := e.signedIn("aprovador@desk.pt")
	wantBody(t, e.get(c, path), `action="`+path+`/approval"`, `<label for="decision_reason">`)
	r = e.post(c, path+"/approval", url.Values{"decision": {"approve"}, "decision_reason": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Motivo: diga porque aprova ou rejeita", `href="#decision_reason"`)
	r = e.post(c, path+"/approval", url.Values{"decision": {"maybe"}, "decision_reason": {"x"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Decisão: escolha aprovar ou rejeitar.")

	r = e.post(c, path+"/approval", url.Values{"decision": {"approve"}, "decision_reason": {"Documentação conforme."}})
	wantStatus(t, r, http.StatusSeeOther)
	if r.h.Get("Location") != path+"?done=approved#actions" {
		t.Fatalf("to %q", r.h.Get("Location"))
	}
	got, _ := e.store.TicketByNumber(ctx, tk.Number)
	if got.Status != balcao.StatusOpen {
		t.Fatalf("status %s", got.Status)
	}
	wantBody(t, e.get(c, path+"?done=approved"), "Pedido aprovado; o requerente foi avisado.", "aprovado: Documentação conforme.")
	if out := e.outboxText(); !strings.Contains(out, "aprovado") || !strings.Contains(out, "Documenta") {
		t.Fatalf("requester not told: %s", out)
	}
	// Decided once: a second decision is refused.
	r = e.post(c, path+"/approval", url.Values{"decision": {"reject"}, "decision_reason": {"x"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Decisão: o pedido já não aguarda aprovação.")

	// An admin may reject without the permission.
	e.user("admin@desk.pt", balcao.RoleAdmin)
	tk2 := pending()
	r = e.post(e.signedIn("admin@desk.pt"), "/desk/tickets/"+string(tk2.Number)+"/approval", url.Values{"decision": {"reject"}, "decision_reason": {"Falta o parecer."}})
	wantStatus(t, r, http.StatusSeeOther)
	if got, _ := e.store.TicketByNumber(ctx, tk2.Number); got.Status != balcao.StatusCancelled {
		t.Fatalf("status %s", got.Status)
	}
}

func TestMergeAndLinks(t *testing.T) { onBothDatabases(t, testMergeAndLinks, withReplier) }

func testMergeAndLinks(t *testing.T, e *env) {
	into := e.ticket(nil)
	dup := e.ticket(func(nt *balcao.NewTicket) {
		nt.RequesterEmail, nt.Language = "rui@usf.min-saude.pt", "pt-PT"
		nt.Message.FromAddr, nt.Message.Text, nt.Message.HTML, nt.Message.Attachments = "rui@usf.min-saude.pt", "Também tenho o erro 500.", "", nil
	})
	hidden := e.ticket(func(nt *balcao.NewTicket) { nt.TeamCode = e.other.Code })
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(dup.Number)
	wantBody(t, e.get(c, path), `<label for="into">`, "Nenhum pedido relacionado.")

	for _, bad := range []string{"", "nonsense", "SD-2026-999999", string(hidden.Number)} {
		r := e.post(c, path+"/merge", url.Values{"into": {bad}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, "Número do pedido que fica: não há nenhum pedido com esse número que possa ver", `href="#into"`)
	}
	r := e.post(c, path+"/merge", url.Values{"into": {string(dup.Number)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Número do pedido que fica: tem de ser outro pedido, ainda em curso.")

	r = e.post(c, path+"/merge", url.Values{"into": {strings.ToLower(string(into.Number))}})
	wantStatus(t, r, http.StatusSeeOther)
	intoPath := "/desk/tickets/" + string(into.Number)
	if r.h.Get("Location") != intoPath+"?done=merged#actions" {
		t.Fatalf("to %q", r.h.Get("Location"))
	}
	got, _ := e.store.TicketByNumber(ctx, dup.Number)
	if got.Status != balcao.StatusMerged || got.MergedInto != into.ID {
		t.Fatalf("duplicate %s into %d", got.Status, got.MergedInto)
	}
	page := e.get(c, intoPath+"?done=merged")
	wantBody(t, page, "Pedido juntado", "Também tenho o erro 500.", "Recebeu o duplicado", string(dup.Number), "Junção: "+string(dup.Number)+" juntado a "+string(into.Number)+" (1 mensagem(ns) recebida(s))")
	wantBody(t, e.get(c, path), "Fundido em", "Fundido noutro pedido")
	if out := e.outboxText(); !strings.Contains(out, "rui@usf.min-saude.pt") || !strings.Contains(out, string(into.Number)) {
		t.Fatalf("duplicate's requester not told: %s", out)
	}
	// A merged ticket merges no more.
	r = e.post(c, path+"/merge", url.Values{"into": {string(into.Number)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)

	// Links show on both tickets.
	other := e.ticket(nil)
	r = e.post(c, intoPath+"/link", url.Values{"link_to": {string(into.Number)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Número do pedido relacionado: escreva o número de outro pedido.", `href="#link_to"`)
	r = e.post(c, intoPath+"/link", url.Values{"link_to": {"SD-2026-999999"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Número do pedido relacionado: não há nenhum pedido")
	r = e.post(c, intoPath+"/link", url.Values{"link_to": {string(other.Number)}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, intoPath), "Relacionado com <a href=\"/desk/tickets/"+string(other.Number)+"\">")
	wantBody(t, e.get(c, "/desk/tickets/"+string(other.Number)), "Relacionado com <a href=\""+intoPath+"\">", "Relação: Relacionado com "+string(into.Number))

	// A linked ticket out of the agent's sight is not shown.
	if err := e.store.Update(ctx, func(tx balcao.Tx) error { return tx.LinkTickets(other.ID, hidden.ID, balcao.LinkRelated, T0) }); err != nil {
		t.Fatal(err)
	}
	wantNotBody(t, e.get(c, "/desk/tickets/"+string(other.Number)), string(hidden.Number))
}

func TestChangeRequestType(t *testing.T) { onBothDatabases(t, testChangeRequestType) }

func testChangeRequestType(t *testing.T, e *env) {
	tk := e.ticket(func(nt *balcao.NewTicket) { nt.Language = "pt-PT" })
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	wantBody(t, e.get(c, path), `<option value="cit-d1" selected>`)
	r := e.post(c, path+"/type", url.Values{"request_type": {"no-such-type"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Tipo de pedido: escolha um tipo da lista.", `href="#request_type"`)

	r = e.post(c, path+"/type", url.Values{"request_type": {"cit-d2"}})
	wantStatus(t, r, http.StatusSeeOther)
	got, _ := e.store.TicketByNumber(ctx, tk.Number)
	if got.RequestType != "cit-d2" || got.TeamID != e.cit.ID || len(got.Missing) == 0 {
		t.Fatalf("after the change: %s team %d missing %v", got.RequestType, got.TeamID, got.Missing)
	}
	wantBody(t, e.get(c, path+"?done=type"), "Tipo de pedido alterado", "Tipo de pedido: Problema/Erro aplicação local (SAM-CS) → Problema/Erro aplicação central", "Problema/Erro aplicação central")
}

func TestCannedInsert(t *testing.T) { onBothDatabases(t, testCannedInsert, withReplier) }

func testCannedInsert(t *testing.T, e *env) {
	cr := &balcao.CannedResponse{RequestType: "cit-d1", Title: "Captura de ecrã", UpdatedAt: T0, Texts: map[string]string{
		"pt-PT": "Envie uma captura do ecrã com o erro.", "pt-BR": "Envie um print da tela com o erro.", "en": "Send a screenshot of the error."}}
	other := &balcao.CannedResponse{RequestType: "rnu-a", Title: "Outro", Texts: map[string]string{"pt-PT": "x"}, UpdatedAt: T0}
	// For every type, without Spanish: the service's language decides.
	thanks := &balcao.CannedResponse{Title: "Agradecimento", UpdatedAt: T0, Texts: map[string]string{"pt-PT": "Obrigado pelo contacto.", "pt-BR": "Obrigado pelo contato."}}
	english := &balcao.CannedResponse{Title: "Only English", UpdatedAt: T0, Texts: map[string]string{"en": "Thank you."}}
	for _, x := range []*balcao.CannedResponse{cr, other, thanks, english} {
		if err := e.store.SaveCannedResponse(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	page := e.get(c, path)
	wantBody(t, page, `<option value="`+strconv.FormatInt(cr.ID, 10)+`">Captura de ecrã</option>`, `formaction="`+path+`/canned#reply"`)
	wantNotBody(t, page, ">Outro</option>")
	r := e.post(c, path+"/canned", url.Values{"text": {"Bom dia,"}, "canned": {strconv.FormatInt(cr.ID, 10)}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Bom dia,\n\nEnvie uma captura do ecrã com o erro.</textarea>")
	r = e.post(c, path+"/canned", url.Values{"text": {"Bom dia,"}, "canned": {strconv.FormatInt(other.ID, 10)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Resposta-tipo: escolha uma das respostas da lista.", "Bom dia,</textarea>")

	// The text in the requester's language, then the service's, then
	// pt-PT, then any.
	insert := func(mod func(*balcao.NewTicket), canned *balcao.CannedResponse, want string) {
		t.Helper()
		tk := e.ticket(mod)
		r := e.post(c, "/desk/tickets/"+string(tk.Number)+"/canned", url.Values{"canned": {strconv.FormatInt(canned.ID, 10)}})
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, ">"+want+"</textarea>")
	}
	inEnglish := func(nt *balcao.NewTicket) { nt.Language = "en" }
	spanish := func(nt *balcao.NewTicket) { nt.Language = "es" }
	brazil := func(nt *balcao.NewTicket) { nt.Language = "pt-BR" }
	spanishInBrazil := func(nt *balcao.NewTicket) {
		nt.Language, nt.RequestType, nt.Service = "es", "comprasgov-erro-siasg", "comprasgov"
		nt.Subject = "Erro no SIASG"
	}
	insert(inEnglish, cr, "Send a screenshot of the error.")
	insert(brazil, cr, "Envie um print da tela com o erro.")
	insert(spanish, cr, "Envie uma captura do ecrã com o erro.") // cit is a pt-PT service
	insert(spanishInBrazil, thanks, "Obrigado pelo contato.")
	insert(spanish, thanks, "Obrigado pelo contacto.")
	insert(brazil, english, "Thank you.")
}
