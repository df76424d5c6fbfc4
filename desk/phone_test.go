package desk_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"balcao"
)

func TestPhone(t *testing.T) { onBothDatabases(t, testPhone, withReplier) }

func testPhone(t *testing.T, e *env) {
	c := e.signedIn("agente@desk.pt")
	r := e.get(c, "/desk/phone")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<a href="/desk/phone">Registar chamada</a>`, `<label for="request_type">`, `action="/desk/phone/note"`)
	wantNotBody(t, r, `name="f.descricao"`, "/desk/canned")
	r = e.get(c, "/desk/phone?type=cit-d1")
	wantBody(t, r, `<input type="hidden" name="request_type" value="cit-d1">`, `name="f.descricao"`, `name="f.utente.nnu"`, `name="f.cit[0].boletim"`,
		`value="CIT – Problema/Erro aplicação local (SAM-CS)"`)

	// Errors name the field: the address, and a value given but not valid.
	form := url.Values{"request_type": {"cit-d1"}, "email": {"ana"}, "f.descricao": {"Erro ao imprimir o CIT"}, "f.cedula": {"45123"}, "f.utente.nnu": {"abc"}}
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Email do requerente: escreva um endereço válido", `href="#email"`, `href="#f-utente.nnu"`, "Identificação do utente – Número de utente (SNS): o número de utente tem 9 algarismos", `value="Erro ao imprimir o CIT"`)
	r = e.post(c, "/desk/phone", url.Values{"request_type": {"nope"}, "email": {"ana@usf.pt"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Tipo de pedido: escolha um tipo da lista.")

	// Missing data do not stop the ticket: it waits for the requester.
	form.Set("email", "Ana.Costa@usf.min-saude.pt")
	form.Del("f.utente.nnu")
	form.Set("name", "Ana Costa")
	form.Set("notes", "Ligou a dizer que o CIT não imprime.")
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusSeeOther)
	loc := r.h.Get("Location")
	if !strings.HasSuffix(loc, "?done=phone") {
		t.Fatalf("to %q", loc)
	}
	n, _ := balcao.ParseTicketNumber(strings.TrimSuffix(strings.TrimPrefix(loc, "/desk/tickets/"), "?done=phone"))
	tk, err := e.store.TicketByNumber(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != balcao.ChannelPhone || tk.Status != balcao.StatusPendingRequester || tk.RequesterEmail != "ana.costa@usf.min-saude.pt" ||
		tk.TeamID != e.cit.ID || tk.Fields["cedula"] != "45123" || len(tk.Missing) == 0 || tk.RequestType != "cit-d1" {
		t.Fatalf("phone ticket %+v", tk)
	}
	wantBody(t, e.get(c, loc), "Pedido registado a partir da chamada.", "Recebida · Telefone", "Ligou a dizer que o CIT não imprime.")

	// The WebRNU option: the caller is sent the subject and the mandatory data.
	r = e.post(c, "/desk/phone", url.Values{"request_type": {"webrnu-a"}, "email": {"rui@usf.min-saude.pt"}, "byemail": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	page, _ := e.store.ListTickets(ctx, balcao.TicketFilter{RequesterEmail: "rui@usf.min-saude.pt"})
	if len(page.Tickets) != 1 || page.Tickets[0].Status != balcao.StatusPendingRequester {
		t.Fatalf("byemail tickets %+v", page.Tickets)
	}
	msgs, _ := e.store.Messages(ctx, page.Tickets[0].ID)
	if len(msgs) != 1 || msgs[0].Direction != balcao.DirectionOut || !strings.Contains(msgs[0].Text, `"WebRNU – Criação de acesso"`) ||
		!strings.Contains(msgs[0].Text, "servicedesk@spms.min-saude.pt") || !strings.Contains(msgs[0].Text, "  - ") {
		t.Fatalf("message to the caller %+v", msgs)
	}

	// A call about an existing ticket.
	r = e.post(c, "/desk/phone/note", url.Values{"number": {"SD-2026-999999"}, "call_notes": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Número do pedido: não há nenhum pedido", "Notas da chamada: escreva o que foi dito", `href="#number"`, `href="#call_notes"`)
	r = e.post(c, "/desk/phone/note", url.Values{"number": {string(tk.Number)}, "call_notes": {"Voltou a ligar: urgente."}})
	wantStatus(t, r, http.StatusSeeOther)
	msgs, _ = e.store.Messages(ctx, tk.ID)
	last := msgs[len(msgs)-1]
	if last.Channel != balcao.ChannelPhone || last.Text != "Voltou a ligar: urgente." || last.AuthorID != e.agent.ID {
		t.Fatalf("call note %+v", last)
	}
}

func TestCannedManagement(t *testing.T) { onBothDatabases(t, testCannedManagement) }

func testCannedManagement(t *testing.T, e *env) {
	wantStatus(t, e.get(e.signedIn("agente@desk.pt"), "/desk/canned"), http.StatusForbidden)
	e.user("supervisora@desk.pt", balcao.RoleSupervisor)
	c := e.signedIn("supervisora@desk.pt")
	r := e.get(c, "/desk/canned")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<a href="/desk/canned">Respostas-tipo</a>`, "Ainda não há respostas-tipo.")

	r = e.post(c, "/desk/canned", url.Values{"request_type": {"nope"}, "title": {" "}, "text": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Tipo de pedido: escolha um tipo da lista.", "Título: dê um nome à resposta", "Texto: escreva o texto da resposta.",
		`href="#request_type"`, `href="#title"`, `href="#text"`)

	r = e.post(c, "/desk/canned", url.Values{"request_type": {"cit-d1"}, "title": {"Captura de ecrã"}, "text": {"Envie uma captura."}})
	wantStatus(t, r, http.StatusSeeOther)
	list, _ := e.store.CannedResponses(ctx, "", true)
	if len(list) != 1 || list[0].UpdatedBy != "supervisora" {
		t.Fatalf("saved %+v", list)
	}
	id := strconv.FormatInt(list[0].ID, 10)
	wantBody(t, e.get(c, "/desk/canned?done=canned_saved"), "Resposta-tipo guardada.", "Captura de ecrã", "Problema/Erro aplicação local (SAM-CS)")
	wantBody(t, e.get(c, "/desk/canned?edit="+id), `<input type="hidden" name="id" value="`+id+`">`, "Envie uma captura.</textarea>")
	r = e.post(c, "/desk/canned", url.Values{"id": {id}, "request_type": {""}, "title": {"Captura"}, "text": {"Envie uma captura do ecrã."}})
	wantStatus(t, r, http.StatusSeeOther)
	if list, _ := e.store.CannedResponses(ctx, "rnu-a", false); len(list) != 1 || list[0].Text != "Envie uma captura do ecrã." {
		t.Fatalf("edited %+v", list)
	}
	wantStatus(t, e.post(e.signedIn("agente@desk.pt"), "/desk/canned/"+id+"/delete", url.Values{}), http.StatusForbidden)
	wantStatus(t, e.post(c, "/desk/canned/"+id+"/delete", url.Values{}), http.StatusSeeOther)
	wantStatus(t, e.post(c, "/desk/canned/"+id+"/delete", url.Values{}), http.StatusNotFound)
}
