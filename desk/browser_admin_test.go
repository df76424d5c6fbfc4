package desk_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"balcao"
)

// TestBrowserAdmin checks the search, notification and administration
// pages with axe-core, with their forms in error and after success.
func TestBrowserAdmin(t *testing.T) {
	bctx := browser(t)
	axe := axeSource(t)
	e := newEnv(t)
	admin := e.user("admin@desk.pt", balcao.RoleAdmin)
	if err := e.store.AddTeamMember(ctx, e.cit.ID, admin.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}); err != nil {
		t.Fatal(err)
	}
	tk := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Retificação do CIT" })
	e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Retificação da baixa" })
	if err := e.store.Update(ctx, func(tx balcao.Tx) error {
		return tx.Notify(&balcao.Notification{UserID: admin.ID, TicketID: tk.ID, Kind: "sla_warning", Body: "SLA em risco", CreatedAt: T0})
	}); err != nil {
		t.Fatal(err)
	}

	do(t, bctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@desk.pt"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.tickets`)),
		// Search from the header.
		chromedp.SendKeys(chromedp.CSS(`#header-q`), "retificacao"),
		chromedp.Click(chromedp.CSS(`form.search-box button`)),
		chromedp.WaitVisible(chromedp.CSS(`#q`)),
	)
	checkAxe(t, bctx, axe, "search results")
	do(t, bctx, chromedp.Navigate(e.srv.URL+"/desk/search?q="), chromedp.WaitVisible(chromedp.CSS(`#q-error`)))
	checkAxe(t, bctx, axe, "search with an error")
	do(t, bctx, chromedp.Navigate(e.srv.URL+"/desk/notifications"), chromedp.WaitVisible(chromedp.CSS(`#mark-read`)))
	checkAxe(t, bctx, axe, "notifications")

	for _, p := range adminPaths {
		do(t, bctx, chromedp.Navigate(e.srv.URL+p), chromedp.WaitVisible(chromedp.CSS(`.admin-nav`)))
		checkAxe(t, bctx, axe, p)
	}
	do(t, bctx,
		chromedp.Navigate(e.srv.URL+"/desk/admin/users"),
		chromedp.WaitVisible(chromedp.CSS(`#create-user`)),
		chromedp.Click(chromedp.CSS(`#create-user`)),
		chromedp.WaitVisible(chromedp.CSS(`#email-error`)),
	)
	checkAxe(t, bctx, axe, "users with an error")
	do(t, bctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), "nova@desk.pt"),
		chromedp.Click(chromedp.CSS(`#team-`+e.cit.Code)),
		chromedp.Click(chromedp.CSS(`#create-user`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-password`)),
	)
	checkAxe(t, bctx, axe, "users with a new password")
	do(t, bctx,
		chromedp.Navigate(e.srv.URL+"/desk/admin/tokens"),
		chromedp.WaitVisible(chromedp.CSS(`#create-token`)),
		chromedp.Click(chromedp.CSS(`#create-token`)),
		chromedp.WaitVisible(chromedp.CSS(`#token-name-error`)),
	)
	checkAxe(t, bctx, axe, "tokens with an error")
	do(t, bctx,
		chromedp.SendKeys(chromedp.CSS(`#token-name`), "Portal"),
		chromedp.Click(chromedp.CSS(`#create-token`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-token`)),
	)
	checkAxe(t, bctx, axe, "tokens with a new secret")
	do(t, bctx,
		chromedp.Navigate(e.srv.URL+"/desk/admin/teams"),
		chromedp.WaitVisible(chromedp.CSS(`.admin-nav`)),
		chromedp.Click(chromedp.CSS(`form[action$="/members"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
	)
	checkAxe(t, bctx, axe, "teams with an error")
}
