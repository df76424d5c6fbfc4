package desk_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"balcao"
	"balcao/desk"
	"balcao/intake"
)

// chromiumPath finds Debian's chromium. Without it the browser tests skip,
// except in CI (CI set), where they fail: .ci/run installs it.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: CI must run the browser tests (apt-get install chromium; see .ci/run)")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// axeSource is axe-core from npm (desk/testdata, installed by scripts/test).
func axeSource(t *testing.T) string {
	b, err := os.ReadFile("testdata/node_modules/axe-core/axe.min.js")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is not installed: run npm ci --prefix desk/testdata (scripts/test does): %v", err)
		}
		t.Skipf("axe-core is not installed (npm ci --prefix desk/testdata): %v", err)
	}
	return string(b)
}

func browser(t *testing.T) context.Context {
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("accept-lang", "pt-PT,pt"),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	// Every document records the Content-Security-Policy violations it
	// meets, so that checkAxe can fail on them.
	watch := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`})
		return chromedp.Void{}, err
	}
	if err := chromedp.Do(tctx, watch); err != nil {
		t.Fatal(err)
	}
	return tctx
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes []struct {
		ID string `json:"id"`
	} `json:"passes"`
}

// checkAxe runs axe-core on the page shown and fails on any WCAG 2.1 A or
// AA violation.
func checkAxe(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("%s: loading axe: %v", page, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, iframes: false})`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", page, err)
	}
	csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`))
	if err != nil || len(csp) > 0 {
		t.Errorf("%s: Content-Security-Policy violations %v (%v)", page, csp, err)
	}
	if htmx, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof htmx`)); htmx != "object" {
		t.Errorf("%s: htmx did not load (%s)", page, htmx)
	}
	if len(res.Passes) == 0 {
		t.Fatalf("%s: axe ran no check", page)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		t.Errorf("%s: %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

// do runs browser steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowser signs in with a real browser, opens the queue and a ticket,
// uses the keyboard, and checks each page with axe-core.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	axe := axeSource(t)
	e := newEnv(t, func(s *desk.Server) {
		s.Replier = intake.New(intake.Config{Catalog: s.Catalog, Store: s.Store, Clock: s.Clock, Host: "desk.example"})
	})
	if err := e.store.CreateOrganisation(context.Background(), &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}); err != nil {
		t.Fatal(err)
	}
	tk := e.ticket(func(nt *balcao.NewTicket) {
		nt.OrganisationCode = "3110511"
		nt.Fields["utente.niss"] = "11234567892"
		nt.Message.Text = "CPF do pai: 529.982.247-25\n" + nt.Message.Text // found only in the message
	})
	e.ticket(func(nt *balcao.NewTicket) {
		nt.Subject = "Pedido atrasado"
		nt.DueAt = T0.Add(-time.Hour)
		nt.Status = balcao.StatusPendingRequester
	})
	e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido sem prazo"; nt.DueAt = time.Time{}; nt.Message = nil })

	do(t, ctx, chromedp.Navigate(e.srv.URL+"/desk/?view=all"), chromedp.WaitVisible(chromedp.CSS(`#email`)))
	if url := run(t, ctx, chromedp.Location()); !strings.Contains(url, "/login?next=") {
		t.Fatalf("not sent to sign in: %s", url)
	}
	checkAxe(t, ctx, axe, "login")

	// A wrong password: the error summary names the field.
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), "agente@desk.pt"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "errada-errada"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.errors`)),
	)
	if summary := run(t, ctx, chromedp.Text(chromedp.CSS(`.errors`))); !strings.Contains(summary, "palavra-passe não estão corretos") {
		t.Fatalf("summary %q", summary)
	}
	checkAxe(t, ctx, axe, "login with an error")

	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.tickets`)),
	)
	if url := run(t, ctx, chromedp.Location()); !strings.HasSuffix(url, "/desk/?view=all") {
		t.Fatalf("after sign-in at %s", url)
	}
	checkAxe(t, ctx, axe, "queue")

	// The first Tab reaches the skip link.
	do(t, ctx, chromedp.KeyEvent("\t"))
	if focused := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.className`)); focused != "skip" {
		t.Fatalf("first Tab focuses %q, want the skip link", focused)
	}

	// Filters (through htmx when it runs) keep the page usable.
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#status`), "pending_requester"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.Search(`//caption[contains(., ": 1 pedido")]`)),
	)
	// htmx swapped the queue in place; keyboard focus stays on the button.
	if focused := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "apply-filters" {
		t.Errorf("after filtering, focus is on %q, want the apply button", focused)
	}
	checkAxe(t, ctx, axe, "filtered queue")

	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/desk/?view=all"),
		chromedp.WaitVisible(chromedp.CSS(`table.tickets`)),
		chromedp.Click(chromedp.Search(`//a[text()="`+string(tk.Number)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions`)),
	)
	if title := run(t, ctx, chromedp.Title()); !strings.HasPrefix(title, "Pedido "+string(tk.Number)) {
		t.Fatalf("ticket page title %q", title)
	}
	// Open the folded parts so that axe checks them too.
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelectorAll('details').forEach(d => d.open = true); true`))
	checkAxe(t, ctx, axe, "ticket")

	// A masked identifier is shown on request.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/reveal"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//td[text()="11234567892"]`)),
	)
	// And so is one found only in a message.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`.hidden-ids form[action$="/reveal"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//div[@class="text" and contains(., "CPF do pai: 529.982.247-25")]`)),
	)

	// Assign to me with the keyboard only: focus the button, press Enter.
	do(t, ctx,
		chromedp.Focus(chromedp.CSS(`form[action$="/assign"] button`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`p.status`)),
	)
	if status := run(t, ctx, chromedp.Text(chromedp.CSS(`p.status`))); !strings.Contains(status, "atribuído") {
		t.Fatalf("status %q", status)
	}
	checkAxe(t, ctx, axe, "ticket after an action")

	// Reply, waiting for the requester; an empty reply first shows its error.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form.reply button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#reply-error`)),
	)
	checkAxe(t, ctx, axe, "ticket with a form error")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#reply`), "Bom dia, falta o número de utente."),
		chromedp.Click(chromedp.CSS(`#wait`)),
		chromedp.Click(chromedp.CSS(`form.reply button[type=submit]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="status" and contains(., "fila de envio")]`)),
	)
	if got, _ := e.store.TicketByNumber(context.Background(), tk.Number); got.Status != balcao.StatusPendingRequester {
		t.Fatalf("after the reply the ticket is %s", got.Status)
	}

	// The English console, and the password page.
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#lang`), "en"),
		chromedp.Click(chromedp.CSS(`form.lang button`)),
		chromedp.WaitVisible(chromedp.Search(`//h2[text()="Actions"]`)),
		chromedp.Navigate(e.srv.URL+"/desk/password"),
		chromedp.WaitVisible(chromedp.CSS(`#current`)),
	)
	checkAxe(t, ctx, axe, "password (en)")
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[action="/desk/password"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.errors`)),
	)
	checkAxe(t, ctx, axe, "password with errors (en)")
	do(t, ctx, chromedp.Navigate(e.srv.URL+"/desk/tickets/SD-2026-999999"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	checkAxe(t, ctx, axe, "not found (en)")
}

// TestBrowserReports checks the reports page with axe-core: the charts,
// their tables, and the form with an error, in two languages.
func TestBrowserReports(t *testing.T) {
	ctx := browser(t)
	axe := axeSource(t)
	e := newEnv(t)
	sup := e.user("supervisora@desk.pt", balcao.RoleSupervisor)
	if err := e.store.AddTeamMember(context.Background(), e.cit.ID, sup.ID); err != nil {
		t.Fatal(err)
	}
	e.ticket(nil)
	e.ticket(func(nt *balcao.NewTicket) { nt.RequestType = "cit-d2"; nt.Message = nil })

	do(t, ctx,
		chromedp.Navigate(e.srv.URL+"/desk/reports"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "supervisora@desk.pt"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-received svg`)),
	)
	checkAxe(t, ctx, axe, "reports")
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#from`), "2026-03-02"),
		chromedp.SetValue(chromedp.CSS(`#to`), "2026-02-01"),
		chromedp.Click(chromedp.CSS(`#show-reports`)),
		chromedp.WaitVisible(chromedp.CSS(`.errors`)),
	)
	checkAxe(t, ctx, axe, "reports with an error")
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#lang`), "en"),
		chromedp.Click(chromedp.CSS(`form.lang button`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="Reports"]`)),
		chromedp.Navigate(e.srv.URL+"/desk/reports?period=90"),
		chromedp.WaitVisible(chromedp.CSS(`#report-ratings svg`)),
	)
	checkAxe(t, ctx, axe, "reports, 90 days (en)")
}
