package desk_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"balcao"
	"balcao/charts"
)

func TestSearch(t *testing.T) { onBothDatabases(t, testSearch) }

func testSearch(t *testing.T, e *env) {
	ours := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Retificação do CIT da equipa" })
	theirs := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Retificação noutra equipa"; nt.TeamCode = e.other.Code })
	triage := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Retificação por triar"; nt.TeamCode = "" })
	e.user("admin@desk.pt", balcao.RoleAdmin)

	agent := e.signedIn("agente@desk.pt")
	r := e.get(agent, "/desk/")
	wantBody(t, r, `action="/desk/search"`, `id="header-q"`)

	// Accents do not matter; the other team's ticket stays hidden.
	r = e.get(agent, "/desk/search?q=retificacao")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, string(ours.Number), string(triage.Number), "Retificação do CIT",
		`<th scope="col">Número</th>`, `<th scope="col">Tempo até ao prazo</th>`)
	wantNotBody(t, r, string(theirs.Number))

	// Few matches: ranked; only an admin is told how many (an agent's
	// count would include tickets out of scope).
	wantBody(t, r, "Mais relevantes primeiro.", `aria-describedby="search-summary"`)
	wantNotBody(t, r, "Pedidos encontrados")

	admin := e.signedIn("admin@desk.pt")
	r = e.get(admin, "/desk/search?q=retificacao")
	wantBody(t, r, string(ours.Number), string(theirs.Number), string(triage.Number), "Pedidos encontrados: 3. Mais relevantes primeiro.")

	// A ticket number opens the ticket, in any case and without padding.
	loose := strings.ToLower(strings.Replace(string(ours.Number), "-00000", "-", 1))
	r = e.get(agent, "/desk/search?q="+url.QueryEscape(loose))
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.h.Get("Location"); loc != "/desk/tickets/"+string(ours.Number) {
		t.Fatalf("number search went to %q", loc)
	}
	// ... but not one the agent may not see.
	r = e.get(agent, "/desk/search?q="+url.QueryEscape(string(theirs.Number)))
	wantStatus(t, r, http.StatusOK)
	wantNotBody(t, r, "/desk/tickets/"+string(theirs.Number))

	// An empty search names the field.
	r = e.get(agent, "/desk/search?q=+")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `id="q-error"`, `aria-invalid="true"`)
	r = e.get(agent, "/desk/search?q="+strings.Repeat("a", 300))
	wantBody(t, r, `id="q-error"`, "300")

	// Pages follow a cursor; an agent's scope reads larger pages.
	for i := 0; i < 30; i++ {
		e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Lote de pedidos" })
	}
	r = e.get(agent, "/desk/search?q=lote")
	wantNotBody(t, r, `rel="next"`)
	if n := strings.Count(r.body, "Lote de pedidos"); n != 30 {
		t.Fatalf("the agent's page holds %d tickets", n)
	}
	r = e.get(admin, "/desk/search?q=lote")
	wantBody(t, r, `rel="next"`)
	i := strings.Index(r.body, `/desk/search?after=`)
	if i < 0 {
		t.Fatalf("no next link:\n%s", r.body)
	}
	next := r.body[i:]
	next = strings.ReplaceAll(next[:strings.IndexByte(next, '"')], "&amp;", "&")
	r2 := e.get(admin, next)
	wantStatus(t, r2, http.StatusOK)
	wantBody(t, r2, `id="first-page"`, "Lote de pedidos")
	if strings.Count(r.body, "Lote de pedidos")+strings.Count(r2.body, "Lote de pedidos") != 30 {
		t.Fatalf("the two pages hold %d and %d tickets", strings.Count(r.body, "Lote de pedidos"), strings.Count(r2.body, "Lote de pedidos"))
	}
}

func TestSearchManyMatches(t *testing.T) { onBothDatabases(t, testSearchManyMatches) }

// testSearchManyMatches: words found in more tickets than a search ranks
// give the newest first, and the page says so.
func testSearchManyMatches(t *testing.T, e *env) {
	e.user("admin@desk.pt", balcao.RoleAdmin)
	e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido habitual" })
	var wg sync.WaitGroup
	var left atomic.Int64
	left.Store(balcao.SearchManyMatches)
	for range 8 {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				_, err := e.store.CreateTicket(ctx, &balcao.NewTicket{Subject: "Pedido habitual", RequestType: "cit-d1", Service: "cit",
					Channel: balcao.ChannelEmail, RequesterEmail: "ana.costa@usf.min-saude.pt", TeamCode: e.cit.Code,
					Impact: 2, Urgency: 2, Now: e.clock.Now()})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	newest := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido habitual, o último" })

	admin := e.signedIn("admin@desk.pt")
	r := e.get(admin, "/desk/search?q=habitual")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Mais de "+charts.FormatNumber(1000, 0, "pt-PT")+" correspondências. Mais recentes primeiro:", `rel="next"`)
	if i := strings.Index(r.body, `href="/desk/tickets/`); i < 0 || !strings.HasPrefix(r.body[i+len(`href="/desk/tickets/`):], string(newest.Number)) {
		t.Errorf("the newest ticket %s is not first", newest.Number)
	}
	wantStatus(t, e.post(admin, "/lang", url.Values{"lang": {"en"}, "next": {"/desk/"}}), http.StatusSeeOther)
	r = e.get(admin, "/desk/search?q=habitual")
	wantBody(t, r, "More than 1,000 matches. Newest first:")

	agent := e.signedIn("agente@desk.pt")
	r = e.get(agent, "/desk/search?q=habitual")
	wantBody(t, r, "Mais recentes primeiro:", string(newest.Number))
	wantNotBody(t, r, "correspondências.")
}

func TestNotifications(t *testing.T) { onBothDatabases(t, testNotifications) }

func testNotifications(t *testing.T, e *env) {
	tk := e.ticket(nil)
	for _, kind := range []string{"sla_warning", "sla_breach"} {
		err := e.store.Update(ctx, func(tx balcao.Tx) error {
			return tx.Notify(&balcao.Notification{UserID: e.agent.ID, TicketID: tk.ID, Kind: kind, Body: "Pedido " + string(tk.Number) + " " + kind, CreatedAt: T0})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c := e.signedIn("agente@desk.pt")
	r := e.get(c, "/desk/")
	wantBody(t, r, `href="/desk/notifications"`, "(2 por ler)")

	r = e.get(c, "/desk/notifications")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "SLA em risco", "SLA ultrapassado", `href="/desk/tickets/`+string(tk.Number)+`"`, "Notificações por ler: 2.", `id="mark-read"`)
	i := strings.Index(r.body, `name="up_to" value="`)
	upTo := r.body[i+len(`name="up_to" value="`):]
	upTo = upTo[:strings.IndexByte(upTo, '"')]

	r = e.post(c, "/desk/notifications/read", url.Values{"up_to": {upTo}})
	wantStatus(t, r, http.StatusSeeOther)
	r = e.get(c, r.h.Get("Location"))
	wantBody(t, r, "Notificações marcadas como lidas.", "Notificações por ler: 0.")
	wantNotBody(t, r, "por ler)", `id="mark-read"`)
	ns, err := e.store.Notifications(ctx, e.agent.ID, true, 10)
	if err != nil || len(ns) != 0 {
		t.Fatalf("unread after marking: %v %v", ns, err)
	}
}
