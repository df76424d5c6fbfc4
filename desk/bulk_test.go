package desk_test

import (
	"net/http"
	"net/url"
	"testing"

	"balcao"
)

func TestBulk(t *testing.T) { onBothDatabases(t, testBulk, withReplier) }

func testBulk(t *testing.T, e *env) {
	a := e.ticket(nil)
	b := e.ticket(nil)
	hidden := e.ticket(func(nt *balcao.NewTicket) { nt.TeamCode = e.other.Code })
	c := e.signedIn("agente@desk.pt")
	q := e.get(c, "/desk/?view=team")
	wantBody(t, q, `name="t" value="`+string(a.Number)+`" form="bulk"`, `aria-label="Selecionar o pedido `+string(a.Number)+`"`, `<form method="post" action="/desk/bulk" id="bulk" class="stack bulk" hx-boost="false">`,
		`<option value="close">`)

	r := e.post(c, "/desk/bulk", url.Values{"bulk_action": {"assign"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Pedidos: selecione pelo menos um pedido na fila.", `href="#bulk_tickets"`)
	r = e.post(c, "/desk/bulk", url.Values{"t": {string(a.Number)}, "bulk_action": {"status"}, "bulk_status": {"merged"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Novo estado: escolha um estado da lista.")
	r = e.post(c, "/desk/bulk", url.Values{"t": {string(a.Number)}, "bulk_action": {"close"}, "bulk_text": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Mensagem ao requerente: escreva a mensagem", `href="#bulk_text"`)

	r = e.post(c, "/desk/bulk", url.Values{"t": {string(a.Number), string(b.Number), string(hidden.Number)}, "bulk_action": {"assign"}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "2 de 3 pedido(s) tratados.", "Não encontrado.")
	for _, tk := range []*balcao.Ticket{a, b} {
		if got, _ := e.store.TicketByNumber(ctx, tk.Number); got.AssigneeID != e.agent.ID {
			t.Fatalf("%s not assigned", tk.Number)
		}
	}
	if got, _ := e.store.TicketByNumber(ctx, hidden.Number); got.AssigneeID != 0 {
		t.Fatal("a ticket out of sight was assigned")
	}

	r = e.post(c, "/desk/bulk", url.Values{"t": {string(a.Number)}, "bulk_action": {"status"}, "bulk_status": {"open"}, "bulk_text": {"em análise"}})
	wantBody(t, r, "1 de 1 pedido(s) tratados.")

	r = e.post(c, "/desk/bulk", url.Values{"t": {string(a.Number), string(b.Number)}, "bulk_action": {"close"}, "bulk_text": {"Situação resolvida na versão 2.3."}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "2 de 2 pedido(s) tratados.")
	for _, tk := range []*balcao.Ticket{a, b} {
		got, _ := e.store.TicketByNumber(ctx, tk.Number)
		msgs, _ := e.store.Messages(ctx, tk.ID)
		if got.Status != balcao.StatusClosed || msgs[len(msgs)-1].Direction != balcao.DirectionOut {
			t.Fatalf("%s: %s", tk.Number, got.Status)
		}
	}
	// A ticket whose service takes no email cannot be closed with a message.
	triage := e.ticket(func(nt *balcao.NewTicket) { nt.RequestType, nt.Service = "", "" })
	r = e.post(c, "/desk/bulk", url.Values{"t": {string(triage.Number)}, "bulk_action": {"close"}, "bulk_text": {"x"}})
	wantBody(t, r, "0 de 1 pedido(s) tratados.", "Não alterado: o serviço deste pedido não recebe email")
	if got, _ := e.store.TicketByNumber(ctx, triage.Number); got.Status != balcao.StatusNew {
		t.Fatalf("triage ticket is %s", got.Status)
	}

	// Closed tickets are left as they are.
	r = e.post(c, "/desk/bulk", url.Values{"t": {string(a.Number)}, "bulk_action": {"close"}, "bulk_text": {"x"}})
	wantBody(t, r, "0 de 1 pedido(s) tratados.", "Não alterado: o pedido está em")
}
