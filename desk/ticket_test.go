package desk_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"balcao"
)

func TestTicketPage(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	r := e.get(c, path)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "<title>Pedido "+string(tk.Number)+" · Balcão</title>",
		// header
		"Problema/Erro aplicação local (SAM-CS)", "Em análise", "Novo", "3 – Média", "SPMS – CIT", "Ninguém", "faltam 8 h 00 min",
		"Ana Costa &lt;ana.costa@usf.min-saude.pt&gt;",
		// fields, marked from the ticket's problems, in catalogue order
		"2 dado(s) em falta ou inválido(s)", "Descrição", `<span class="badge badge-ok">Válido</span>`,
		`<span class="badge badge-invalid">Inválido</span> a cédula tem 5 ou 6 dígitos`,
		`<span class="badge badge-missing">Em falta</span> indique o número de utente`,
		// thread: the reply without its quoted history, the whole text folded
		"Recebida · Email", "O CIT dá erro 500.", "Mostrar a mensagem completa", "&gt; mensagem anterior citada",
		`<iframe sandbox="" src="`+path+`/messages/`, `title="Conteúdo HTML da mensagem de Ana Costa"`,
		`download>erro.png</a>`,
		// history
		"Pedido criado: Novo",
	)
	if a, b, c := strings.Index(r.body, "<code>descricao</code>"), strings.Index(r.body, "<code>cedula</code>"), strings.Index(r.body, "<code>utente.nnu</code>"); a < 0 || a > b || b > c {
		t.Fatal("fields out of catalogue order")
	}

	msgs, _ := e.store.Messages(ctx, tk.ID)
	h := e.get(c, path+"/messages/"+strconv.FormatInt(msgs[0].ID, 10)+"/html")
	wantStatus(t, h, http.StatusOK)
	if csp := h.h.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("frame CSP %q", csp)
	}
	wantBody(t, h, "<b>erro 500</b>")
	wantNotBody(t, h, "<script", "tracker.example")

	a := e.get(c, path+"/attachments/"+strconv.FormatInt(msgs[0].Attachments[0].ID, 10))
	wantStatus(t, a, http.StatusOK)
	if a.body != "\x89PNG fake" || !strings.HasPrefix(a.h.Get("Content-Disposition"), "attachment") || a.h.Get("Content-Type") != "image/png" {
		t.Fatalf("attachment %q %v", a.body, a.h)
	}
	wantStatus(t, e.get(c, path+"/attachments/999999"), http.StatusNotFound)
	wantNotBody(t, r, `<option value="merged">`)
	wantStatus(t, e.get(c, "/desk/tickets/SD-2026-999999"), http.StatusNotFound)
	wantStatus(t, e.get(c, "/desk/tickets/nonsense"), http.StatusNotFound)

	// A ticket of a team the agent is not in answers as if it did not exist.
	other := e.ticket(func(nt *balcao.NewTicket) { nt.TeamCode = e.other.Code })
	r = e.get(c, "/desk/tickets/"+string(other.Number))
	wantStatus(t, r, http.StatusNotFound)
	wantNotBody(t, r, other.Subject)
}

func TestTicketActions(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)

	r := e.post(c, path+"/assign", url.Values{})
	wantStatus(t, r, http.StatusSeeOther)
	if r.h.Get("Location") != path+"?done=assigned#actions" {
		t.Fatalf("to %q", r.h.Get("Location"))
	}
	r = e.get(c, path+"?done=assigned")
	wantBody(t, r, `role="status">O pedido foi-lhe atribuído.`, "Deixar sem responsável", "agente")

	r = e.post(c, path+"/status", url.Values{"status": {"closed"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Novo estado: não é possível a partir do estado atual", `href="#status"`)
	wantStatus(t, e.post(c, path+"/status", url.Values{"status": {"open"}, "reason": {"a analisar"}}), http.StatusSeeOther)

	r = e.post(c, path+"/note", url.Values{"text": {"   "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Texto da nota: escreva o texto da nota")
	wantStatus(t, e.post(c, path+"/note", url.Values{"text": {"Ligar à unidade amanhã."}}), http.StatusSeeOther)

	r = e.get(c, path)
	wantBody(t, r, "Nota interna · Portal", "Ligar à unidade amanhã.", "Estado: Novo → Em análise — Motivo: a analisar",
		"Responsável: — → agente@desk.pt")
	got, _ := e.store.TicketByNumber(ctx, tk.Number)
	if got.Status != balcao.StatusOpen || got.AssigneeID != e.agent.ID {
		t.Fatalf("ticket %s assigned %d", got.Status, got.AssigneeID)
	}
	wantStatus(t, e.post(c, path+"/assign", url.Values{"to": {"none"}}), http.StatusSeeOther)
	got, _ = e.store.TicketByNumber(ctx, tk.Number)
	if got.AssigneeID != 0 {
		t.Fatal("still assigned")
	}
}
