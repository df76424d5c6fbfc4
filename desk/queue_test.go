package desk_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"balcao"
)

// ticket opens a CIT problem ticket in the agent's team; mod may change it.
func (e *env) ticket(mod func(*balcao.NewTicket)) *balcao.Ticket {
	e.t.Helper()
	nt := &balcao.NewTicket{
		Subject: "CIT – Problema/Erro aplicação local (SAM-CS)", RequestType: "cit-d1", Service: "cit",
		Channel: balcao.ChannelEmail, RequesterEmail: "ana.costa@usf.min-saude.pt", RequesterName: "Ana Costa",
		TeamCode: e.cit.Code, Impact: 2, Urgency: 2, Now: e.clock.Now(), DueAt: e.clock.Now().Add(8 * time.Hour),
		Fields: map[string]string{"descricao": "Erro 500 ao emitir o CIT", "unidade": "USF Arco-Íris", "cedula": "12"},
		Missing: []balcao.FieldProblem{
			{Key: "cedula", Label: "Cédula profissional", Problem: "a cédula tem 5 ou 6 dígitos"},
			{Key: "utente.nnu", Label: "Nº de utente", Problem: "indique o número de utente"},
		},
		Message: &balcao.Message{Channel: balcao.ChannelEmail, FromAddr: "ana.costa@usf.min-saude.pt", FromName: "Ana Costa",
			Subject:     "CIT – Problema/Erro aplicação local (SAM-CS)",
			Text:        "Bom dia,\nO CIT dá erro 500.\n\nCumprimentos,\nAna\n\n> mensagem anterior citada\n> mais citação",
			HTML:        `<p>Bom dia,</p><p>O CIT dá <b>erro 500</b>.</p><script>alert(1)</script><img src="https://tracker.example/p.gif">`,
			Attachments: []*balcao.Attachment{{Filename: "erro.png", MediaType: "image/png", Data: []byte("\x89PNG fake")}}},
	}
	if mod != nil {
		mod(nt)
	}
	t, err := e.store.CreateTicket(ctx, nt)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

func TestQueue(t *testing.T) { onBothDatabases(t, testQueue) }

func testQueue(t *testing.T, e *env) {
	if err := e.store.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}); err != nil {
		t.Fatal(err)
	}
	mine := e.ticket(func(nt *balcao.NewTicket) {
		nt.Subject = "Pedido meu"
		nt.DueAt = T0.Add(time.Hour)
		nt.OrganisationCode = "3110511"
	})
	if _, err := e.store.AssignTicket(ctx, mine.ID, e.agent.ID, balcao.SystemActor, T0); err != nil {
		t.Fatal(err)
	}
	open := e.ticket(func(nt *balcao.NewTicket) {
		nt.Subject = "Pedido livre"
		nt.Channel = balcao.ChannelPhone
		nt.Message = nil
	})
	waiting := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido à espera"; nt.Status = balcao.StatusPendingRequester })
	approval := e.ticket(func(nt *balcao.NewTicket) {
		nt.Subject = "Pedido para aprovar"
		nt.Status = balcao.StatusPendingApproval
		nt.Impact, nt.Urgency = 1, 1
	})
	late := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido atrasado"; nt.DueAt = T0.Add(-2 * time.Hour) })
	hidden := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido de outra equipa"; nt.TeamCode = e.other.Code })
	c := e.signedIn("agente@desk.pt")

	r := e.get(c, "/desk/")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<th scope="col">Número</th>`, `<th scope="col">Tempo até ao prazo</th>`)
	// "mine" is the default view; counts are shown for every view.
	wantBody(t, r, "Os meus pedidos: 1 pedido(s)", string(mine.Number), "Pedido meu", "Ana Costa", "USF Arco-Íris",
		"Problema/Erro aplicação local (SAM-CS)", "faltam 1 h 00 min", `id="view-mine" aria-current="page">Os meus pedidos <span class="count">1</span>`,
		`Sem responsável <span class="count">4</span>`, `Aguarda requerente <span class="count">1</span>`,
		`Aguarda aprovação <span class="count">1</span>`, `SLA em risco <span class="count">2</span>`, `Todos <span class="count">5</span>`,
		`SPMS – CIT <span class="count">5</span>`)
	wantNotBody(t, r, "Pedido livre", "Pedido de outra equipa", "SPMS – RNU")

	views := map[string][]string{
		"unassigned":        {"Pedido livre", "Pedido à espera", "Pedido para aprovar", "Pedido atrasado"},
		"pending_requester": {"Pedido à espera"},
		"pending_approval":  {"Pedido para aprovar"},
		"due_soon":          {"Pedido atrasado", "Pedido meu"},
		"all":               {"Pedido meu", "Pedido livre", "Pedido à espera", "Pedido para aprovar", "Pedido atrasado"},
		"team":              {"Pedido meu", "Pedido livre"},
	}
	for view, want := range views {
		r := e.get(c, "/desk/?view="+view)
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, want...)
		wantNotBody(t, r, "Pedido de outra equipa")
	}
	r = e.get(c, "/desk/?view=due_soon")
	if strings.Index(r.body, "Pedido atrasado") > strings.Index(r.body, "Pedido meu") {
		t.Fatalf("soonest due first:\n%s", r.body)
	}
	wantBody(t, r, `class="late">atrasado 2 h 00 min`)

	filters := map[string]string{
		"channel=phone":            "Pedido livre",
		"priority=1":               "Pedido para aprovar",
		"org=3110511":              "Pedido meu",
		"status=pending_requester": "Pedido à espera",
	}
	for q, want := range filters {
		r := e.get(c, "/desk/?view=all&"+q)
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, want, "Todos: 1 pedido(s)")
	}
	r = e.get(c, "/desk/?view=all&type=cit-d1&service=cit&sort=updated")
	wantBody(t, r, "Todos: 5 pedido(s)", `<option value="updated" selected>`, `<option value="cit-d1" selected>`)
	// A value out of the list names its filter and shows the rest.
	r = e.get(c, "/desk/?view=all&priority=9&channel=fax")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Filtro «Prioridade»: o valor não é válido", "Filtro «Canal»", `href="#priority"`, "Todos: 5 pedido(s)")

	// Following the next links shows every ticket once.
	var seen []string
	next := "/desk/?view=all"
	for range 5 {
		r := e.get(c, next)
		for _, tk := range []*balcao.Ticket{mine, open, waiting, approval, late} {
			if strings.Contains(r.body, ">"+string(tk.Number)+"<") {
				seen = append(seen, string(tk.Number))
			}
		}
		i := strings.Index(r.body, `rel="next"`)
		if i < 0 {
			break
		}
		j := strings.LastIndex(r.body[:i], `href="`)
		next = strings.ReplaceAll(r.body[j+6:i-2], "&amp;", "&")
	}
	if len(seen) != 5 {
		t.Fatalf("pages showed %v", seen)
	}
	r = e.get(c, "/desk/?view=all&after=garbage")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Essa página já não existe", "Pedido meu")

	// An admin sees every team.
	e.user("admin@desk.pt", balcao.RoleAdmin)
	r = e.get(e.signedIn("admin@desk.pt"), "/desk/?view=team&team="+e.other.Code)
	wantBody(t, r, "Pedido de outra equipa", "SPMS – RNU: 1 pedido(s)")
	_ = hidden
}

func TestQueuePaging(t *testing.T) {
	e := newEnv(t)
	for i := range 55 {
		e.ticket(func(nt *balcao.NewTicket) { nt.DueAt = T0.Add(time.Duration(i+1) * time.Hour); nt.Message = nil })
	}
	c := e.signedIn("agente@desk.pt")
	r := e.get(c, "/desk/?view=unassigned")
	if n := strings.Count(r.body, `<td class="nowrap"><a href="/desk/tickets/`); n != 50 {
		t.Fatalf("first page has %d rows", n)
	}
	i := strings.Index(r.body, `" rel="next"`)
	j := strings.LastIndex(r.body[:i], `href="`)
	next := strings.ReplaceAll(r.body[j+6:i], "&amp;", "&")
	r = e.get(c, next)
	if n := strings.Count(r.body, `<td class="nowrap"><a href="/desk/tickets/`); n != 5 {
		t.Fatalf("second page has %d rows", n)
	}
	wantBody(t, r, "Primeira página")
	wantNotBody(t, r, `rel="next"`)
}
