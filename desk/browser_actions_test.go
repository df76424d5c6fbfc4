package desk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"balcao"
	"balcao/desk"
)

// TestBrowserActions records a phone call, merges a duplicate into the
// ticket it opened, manages a canned response and closes tickets in bulk,
// in a real browser, checking each page with axe-core.
func TestBrowserActions(t *testing.T) {
	ctx := browser(t)
	axe := axeSource(t)
	e := newEnv(t, withReplier, func(s *desk.Server) { s.Catalog = testCatalog(t) })
	sup := e.user("supervisora@desk.pt", balcao.RoleSupervisor)
	if err := e.store.AddTeamMember(context.Background(), e.cit.ID, sup.ID); err != nil {
		t.Fatal(err)
	}
	dup := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Erro 500 outra vez" })

	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "supervisora@desk.pt"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.tickets`)),
		chromedp.Click(chromedp.Search(`//nav//a[text()="Registar chamada"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#number`)),
	)
	checkAxe(t, ctx, axe, "phone")
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#request_type`), "cit-d1"),
		chromedp.Click(chromedp.CSS(`form[action="/desk/phone"][method="get"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-descricao`)),
	)
	checkAxe(t, ctx, axe, "phone with a request type")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), "ana"),
		chromedp.SendKeys(chromedp.CSS(`#f-descricao`), "O CIT não imprime."),
		chromedp.SendKeys(chromedp.CSS(`#notes`), "Ligou às 10 h."),
		chromedp.Click(chromedp.CSS(`form[action="/desk/phone"][method="post"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#email-error`)),
	)
	checkAxe(t, ctx, axe, "phone with an error")
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#email`), "ana.costa@usf.min-saude.pt"),
		chromedp.Click(chromedp.CSS(`form[action="/desk/phone"][method="post"] button.primary`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="status" and contains(., "a partir da chamada")]`)),
	)
	phoneURL := run(t, ctx, chromedp.Location())
	number := phoneURL[strings.Index(phoneURL, "/desk/tickets/")+len("/desk/tickets/") : strings.Index(phoneURL, "?")]
	checkAxe(t, ctx, axe, "phone ticket")

	// The inputs of each field type, a repeatable group grown by its
	// button (no script involved) and an error in its second item.
	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/desk/phone?type=cit-a1"),
		chromedp.WaitVisible(chromedp.CSS(`#f-tipo_pedido`)),
		chromedp.SetValue(chromedp.CSS(`#f-tipo_pedido`), "Criação de acesso"),
		chromedp.SendKeys(chromedp.CSS(`[id="f-medicos.0.nome_completo"]`), "Rui Mendes Faria"),
		chromedp.SetValue(chromedp.CSS(`[id="f-medicos.0.data_nascimento"]`), "1980-02-29"),
	)
	checkAxe(t, ctx, axe, "phone with typed inputs")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`button[name="add"][value="medicos"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[id="f-medicos.1.cedula"]`)),
	)
	if got := run(t, ctx, chromedp.Evaluate[string](`document.getElementById("f-medicos.0.nome_completo").value + "|" + document.getElementById("f-medicos.0.data_nascimento").value + "|" + document.getElementById("f-tipo_pedido").value`)); got != "Rui Mendes Faria|1980-02-29|Criação de acesso" {
		t.Fatalf("values after adding a doctor: %q", got)
	}
	checkAxe(t, ctx, axe, "phone with two doctors")
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#email`), "ana.costa@usf.min-saude.pt"),
		chromedp.SendKeys(chromedp.CSS(`[id="f-medicos.1.cedula"]`), "45a23"),
		chromedp.Click(chromedp.CSS(`form[action="/desk/phone"][method="post"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`[id="f-medicos.1.cedula-error"]`)),
	)
	checkAxe(t, ctx, axe, "phone with an error in an item")
	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/desk/phone?type=teste-a"),
		chromedp.WaitVisible(chromedp.CSS(`#f-local-help`)),
	)
	checkAxe(t, ctx, axe, "phone with help texts")

	// Merge the duplicate into the phone ticket.
	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/desk/tickets/"+string(dup.Number)),
		chromedp.WaitVisible(chromedp.CSS(`#into`)),
		chromedp.SendKeys(chromedp.CSS(`#into`), number),
		chromedp.Click(chromedp.CSS(`form[action$="/merge"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="status" and contains(., "Pedido juntado")]`)),
		chromedp.WaitVisible(chromedp.Search(`//ul[@class="links"]//a[text()="`+string(dup.Number)+`"]`)),
	)
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelectorAll('details').forEach(d => d.open = true); true`))
	checkAxe(t, ctx, axe, "ticket after a merge")
	if got, _ := e.store.TicketByNumber(context.Background(), dup.Number); got.Status != balcao.StatusMerged {
		t.Fatalf("duplicate is %s", got.Status)
	}

	// Canned responses.
	do(t, ctx,
		chromedp.Click(chromedp.Search(`//nav//a[text()="Respostas-tipo"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#title`)),
		chromedp.Click(chromedp.CSS(`form[action="/desk/canned"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#title-error`)),
	)
	checkAxe(t, ctx, axe, "canned responses with errors")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#title`), "Captura de ecrã"),
		chromedp.SendKeys(chromedp.CSS(`#text-pt-PT`), "Envie uma captura do ecrã."),
		chromedp.SendKeys(chromedp.CSS(`#text-en`), "Please send a screenshot."),
		chromedp.Click(chromedp.CSS(`form[action="/desk/canned"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.canned`)),
	)
	checkAxe(t, ctx, axe, "canned responses")

	// Close the phone ticket in bulk, with a message.
	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/desk/?view=all"),
		chromedp.WaitVisible(chromedp.CSS(`#bulk`)),
		chromedp.Click(chromedp.CSS(`#sel-`+number)),
		chromedp.SetValue(chromedp.CSS(`#bulk_action`), "close"),
		chromedp.SendKeys(chromedp.CSS(`#bulk_text`), "Resolvido na versão 2.3."),
		chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.bulk-results`)),
	)
	checkAxe(t, ctx, axe, "bulk results")
	n, _ := balcao.ParseTicketNumber(number)
	if got, _ := e.store.TicketByNumber(context.Background(), n); got.Status != balcao.StatusClosed {
		t.Fatalf("phone ticket is %s after the bulk close", got.Status)
	}
}
