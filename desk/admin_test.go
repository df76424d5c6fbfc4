package desk_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/secret"
)

// adminPaths are the administration pages, each shown to admins only.
var adminPaths = []string{"/desk/admin/", "/desk/admin/users", "/desk/admin/teams", "/desk/admin/organisations",
	"/desk/admin/tokens", "/desk/admin/mail", "/desk/admin/catalogue"}

func TestAdminRefusesOthers(t *testing.T) {
	e := newEnv(t)
	e.user("super@desk.pt", balcao.RoleSupervisor)
	for _, email := range []string{"agente@desk.pt", "super@desk.pt"} {
		c := e.signedIn(email)
		for _, p := range adminPaths {
			r := e.get(c, p)
			wantStatus(t, r, http.StatusForbidden)
			wantBody(t, r, "reservada aos administradores")
		}
		for _, p := range []string{"/desk/admin/users", "/desk/admin/tokens", "/desk/admin/users/1/disable", "/desk/admin/tokens/1/revoke",
			"/desk/admin/teams/spms-cit/members"} {
			wantStatus(t, e.post(c, p, url.Values{"email": {email}, "name": {"x"}, "role": {"admin"}}), http.StatusForbidden)
		}
		r := e.get(c, "/desk/")
		wantNotBody(t, r, `href="/desk/admin/"`)
	}
	if u, _ := e.store.UserByEmail(ctx, "agente@desk.pt"); u.Role != balcao.RoleAgent || u.Disabled {
		t.Fatalf("an agent changed: %+v", u)
	}
	// Signed out: sent to sign in.
	r := e.get(e.client(), "/desk/admin/users")
	wantStatus(t, r, http.StatusSeeOther)
}

func TestAdminPages(t *testing.T) { onBothDatabases(t, testAdminPages) }

func testAdminPages(t *testing.T, e *env) {
	e.user("admin@desk.pt", balcao.RoleAdmin)
	if err := e.store.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris", Kind: "health_unit"}); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn("admin@desk.pt")
	r := e.get(c, "/desk/")
	wantBody(t, r, `href="/desk/admin/"`)
	for _, p := range adminPaths {
		r := e.get(c, p)
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, `class="admin-nav"`)
	}
	wantBody(t, e.get(c, "/desk/admin/users"), "agente@desk.pt", "SPMS – CIT", "admin@desk.pt")
	wantBody(t, e.get(c, "/desk/admin/organisations"), "3110511", "USF Arco-Íris", "health_unit")
	r = e.get(c, "/desk/admin/catalogue")
	wantBody(t, r, "cit-d1", "A verificação não encontrou problemas.")
	wantBody(t, e.get(c, "/desk/admin/teams"), "SPMS – RNU", "agente@desk.pt")
}

func TestAdminUsers(t *testing.T) { onBothDatabases(t, testAdminUsers) }

func testAdminUsers(t *testing.T, e *env) {
	admin := e.user("admin@desk.pt", balcao.RoleAdmin)
	if err := e.store.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn("admin@desk.pt")

	// Every field in error names itself and the fix.
	r := e.post(c, "/desk/admin/users", url.Values{"email": {"nao-e-email"}, "role": {"boss"}, "language": {"fr"},
		"organisation": {"999"}, "teams": {"nope"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `href="#email"`, "Email: escreva um endereço completo", `href="#role"`, "Papel: escolha",
		`href="#language"`, "Idioma: escolha", `href="#organisation"`, "código 999", `href="#teams"`, "a equipa nope não existe",
		`value="nao-e-email"`)
	r = e.post(c, "/desk/admin/users", url.Values{"email": {"agente@desk.pt"}, "role": {"agent"}, "language": {"pt-PT"}})
	wantBody(t, r, "já existe um utilizador com agente@desk.pt")
	r = e.post(c, "/desk/admin/users", url.Values{"email": {"rita@usf.pt"}, "role": {"requester"}, "language": {"pt-PT"}, "teams": {e.cit.Code}})
	wantBody(t, r, "só agentes, supervisores e administradores pertencem a equipas")

	// A new agent: the temporary password is shown once and signs in.
	r = e.post(c, "/desk/admin/users", url.Values{"email": {"nova@desk.pt"}, "name": {"Nova Agente"}, "role": {"agent"},
		"language": {"en"}, "organisation": {"3110511"}, "teams": {e.cit.Code, e.other.Code}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Utilizador nova@desk.pt criado.", `id="new-password"`)
	i := strings.Index(r.body, `id="new-password">`)
	pw := r.body[i+len(`id="new-password">`):]
	pw = pw[:strings.Index(pw, "<")]
	u, err := e.store.UserByEmail(ctx, "nova@desk.pt")
	if err != nil || u.Role != balcao.RoleAgent || u.Language != "en" || u.OrganisationID == 0 || u.Name != "Nova Agente" || !secret.CheckPassword(u.PasswordHash, pw) {
		t.Fatalf("created %+v %v", u, err)
	}
	if ts, _ := e.store.UserTeams(ctx, u.ID); len(ts) != 2 {
		t.Fatalf("teams %v", ts)
	}
	wantNotBody(t, e.get(c, "/desk/admin/users"), pw)
	nova := e.client()
	wantStatus(t, e.login(nova, "nova@desk.pt", pw), http.StatusSeeOther)

	// Role change, disable (ending the sessions), enable.
	id := strconv.FormatInt(u.ID, 10)
	r = e.post(c, "/desk/admin/users/"+id+"/role", url.Values{"role": {"supervisor"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, r.h.Get("Location")), "Papel alterado.")
	r = e.post(c, "/desk/admin/users/"+id+"/role", url.Values{"role": {"boss"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `href="#role-`+id+`"`)
	r = e.post(c, "/desk/admin/users/"+id+"/disable", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, r.h.Get("Location")), "Utilizador desativado")
	wantStatus(t, e.get(nova, "/desk/"), http.StatusSeeOther)
	wantStatus(t, e.login(e.client(), "nova@desk.pt", pw), http.StatusUnauthorized)
	wantStatus(t, e.post(c, "/desk/admin/users/"+id+"/enable", nil), http.StatusSeeOther)
	wantStatus(t, e.login(e.client(), "nova@desk.pt", pw), http.StatusSeeOther)
	if u, _ := e.store.UserByID(ctx, u.ID); u.Role != balcao.RoleSupervisor || u.Disabled {
		t.Fatalf("after the changes %+v", u)
	}

	// The admin neither disables themself nor leaves the desk without an admin.
	aid := strconv.FormatInt(admin.ID, 10)
	r = e.post(c, "/desk/admin/users/"+aid+"/disable", nil)
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, "Não pode desativar a sua própria conta")
	r = e.post(c, "/desk/admin/users/"+aid+"/role", url.Values{"role": {"agent"}})
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, "último administrador ativo")
	// A requester made an agent gets a temporary password.
	rita := e.user("rita@usf.pt", balcao.RoleRequester)
	if err := e.store.SetPasswordHash(ctx, rita.ID, ""); err != nil {
		t.Fatal(err)
	}
	r = e.post(c, "/desk/admin/users/"+strconv.FormatInt(rita.ID, 10)+"/role", url.Values{"role": {"agent"}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Papel alterado.", `id="new-password"`)
	i = strings.Index(r.body, `id="new-password">`)
	pw = r.body[i+len(`id="new-password">`):]
	pw = pw[:strings.Index(pw, "<")]
	wantStatus(t, e.login(e.client(), "rita@usf.pt", pw), http.StatusSeeOther)

	wantStatus(t, e.post(c, "/desk/admin/users/abc/disable", nil), http.StatusNotFound)
	wantStatus(t, e.post(c, "/desk/admin/users/999999/disable", nil), http.StatusNotFound)
}

func TestAdminTeams(t *testing.T) { onBothDatabases(t, testAdminTeams) }

func testAdminTeams(t *testing.T, e *env) {
	e.user("admin@desk.pt", balcao.RoleAdmin)
	e.user("rita@usf.pt", balcao.RoleRequester)
	c := e.signedIn("admin@desk.pt")
	base := "/desk/admin/teams/" + e.other.Code + "/members"
	r := e.post(c, base, url.Values{"email": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `href="#add-`+e.other.Code+`"`, "escreva o email de um agente")
	r = e.post(c, base, url.Values{"email": {"ninguem@desk.pt"}})
	wantBody(t, r, "não há utilizador com ninguem@desk.pt", `value="ninguem@desk.pt"`)
	r = e.post(c, base, url.Values{"email": {"rita@usf.pt"}})
	wantBody(t, r, "rita@usf.pt não é um membro ativo")

	r = e.post(c, base, url.Values{"email": {"agente@desk.pt"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, r.h.Get("Location")), "Membro acrescentado à equipa.")
	if ms, _ := e.store.TeamMembers(ctx, e.other.ID); len(ms) != 1 || ms[0].ID != e.agent.ID {
		t.Fatalf("members %v", ms)
	}
	r = e.post(c, base+"/"+strconv.FormatInt(e.agent.ID, 10)+"/remove", nil)
	wantStatus(t, r, http.StatusSeeOther)
	if ms, _ := e.store.TeamMembers(ctx, e.other.ID); len(ms) != 0 {
		t.Fatalf("members after removal %v", ms)
	}
	wantStatus(t, e.post(c, "/desk/admin/teams/nope/members", url.Values{"email": {"agente@desk.pt"}}), http.StatusNotFound)
}

func TestAdminTokens(t *testing.T) { onBothDatabases(t, testAdminTokens) }

func testAdminTokens(t *testing.T, e *env) {
	e.user("admin@desk.pt", balcao.RoleAdmin)
	c := e.signedIn("admin@desk.pt")
	r := e.post(c, "/desk/admin/tokens", url.Values{"name": {""}, "email": {"ninguem@desk.pt"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `href="#token-name"`, "Nome: diga o que vai usar o token", `href="#token-email"`, "não há utilizador com ninguem@desk.pt")

	r = e.post(c, "/desk/admin/tokens", url.Values{"name": {"Portal do SNS"}, "email": {"agente@desk.pt"}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `id="new-token"`, "Token «Portal do SNS» criado.")
	i := strings.Index(r.body, `id="new-token">`)
	token := r.body[i+len(`id="new-token">`):]
	token = token[:strings.Index(token, "<")]
	tk, u, err := e.store.TokenByHash(ctx, secret.TokenHash(token), T0)
	if err != nil || u.ID != e.agent.ID || tk.Name != "Portal do SNS" {
		t.Fatalf("token %+v %+v %v", tk, u, err)
	}
	r = e.get(c, "/desk/admin/tokens")
	wantBody(t, r, "Portal do SNS", "agente@desk.pt", "Válido")
	wantNotBody(t, r, token)

	r = e.post(c, "/desk/admin/tokens/"+strconv.FormatInt(tk.ID, 10)+"/revoke", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, r.h.Get("Location")), "Token revogado.", "Revogado em")
	if _, _, err := e.store.TokenByHash(ctx, secret.TokenHash(token), T0.Add(time.Hour)); balcao.ErrorCode(err) != balcao.ENOTFOUND {
		t.Fatalf("revoked token still works: %v", err)
	}
	wantStatus(t, e.post(c, "/desk/admin/tokens/"+strconv.FormatInt(tk.ID, 10)+"/revoke", nil), http.StatusNotFound)
}

func TestAdminMail(t *testing.T) { onBothDatabases(t, testAdminMail) }

func testAdminMail(t *testing.T, e *env) {
	e.user("admin@desk.pt", balcao.RoleAdmin)
	c := e.signedIn("admin@desk.pt")
	r := e.get(c, "/desk/admin/mail")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Fila de envio", "Quarentena", "Nada em quarentena.", `aria-current="page">À espera`, "servicedesk@")

	tk := e.ticket(nil)
	item := &balcao.OutboxItem{TicketID: tk.ID, MessageID: "r1@balcao", MailFrom: "servicedesk@spms.min-saude.pt",
		Recipients: []string{"ana@usf.pt"}, Raw: []byte("Subject: =?UTF-8?Q?Retifica=C3=A7=C3=A3o?=\r\n\r\nola\r\n"), CreatedAt: T0, NextAttemptAt: T0}
	err := e.store.Update(ctx, func(tx balcao.Tx) error {
		if err := tx.Enqueue(item); err != nil {
			return err
		}
		return tx.Quarantine(&balcao.Quarantined{Envelope: balcao.Envelope{Source: "smtp", Recipients: []string{"cit@desk.pt"}, ReceivedAt: T0},
			Reason: "no sender", Raw: []byte("x"), ReceivedAt: T0})
	})
	if err != nil {
		t.Fatal(err)
	}
	wantBody(t, e.get(c, "/desk/admin/mail"), "ana@usf.pt", "Retificação")
	if err := e.store.MarkOutbox(ctx, item.ID, balcao.OutboxFailed, "550 5.1.1 mailbox unknown", T0, T0); err != nil {
		t.Fatal(err)
	}
	r = e.get(c, "/desk/admin/mail?status=failed")
	wantBody(t, r, `aria-current="page">Falhadas`, "550 5.1.1 mailbox unknown", "Retificação", "no sender", "&lt;&gt;", "cit@desk.pt")
	wantNotBody(t, e.get(c, "/desk/admin/mail"), "ana@usf.pt")
	for _, st := range []string{"failed", "sent", "bogus"} {
		wantStatus(t, e.get(c, "/desk/admin/mail?status="+st), http.StatusOK)
	}
}

// TestAdminPagesInEveryLanguage renders the new pages, forms in error
// included, in each language: no text is missing or short of arguments.
func TestAdminPagesInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin@desk.pt", balcao.RoleAdmin)
	tk := e.ticket(nil)
	if err := e.store.Update(ctx, func(tx balcao.Tx) error {
		return tx.Notify(&balcao.Notification{UserID: admin.ID, TicketID: tk.ID, Kind: "sla_breach", Body: "x", CreatedAt: T0})
	}); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn("admin@desk.pt")
	for _, lang := range []string{"pt-PT", "pt-BR", "en", "es"} {
		wantStatus(t, e.post(c, "/lang", url.Values{"lang": {lang}, "next": {"/desk/"}}), http.StatusSeeOther)
		var pages []resp
		for _, p := range append(adminPaths, "/desk/search?q=erro", "/desk/search?q=", "/desk/notifications", "/desk/admin/mail?status=failed") {
			pages = append(pages, e.get(c, p))
		}
		pages = append(pages,
			e.post(c, "/desk/admin/users", url.Values{"email": {"x"}, "role": {"x"}, "language": {"x"}, "organisation": {"x"}, "teams": {"x"}}),
			e.post(c, "/desk/admin/tokens", url.Values{"name": {strings.Repeat("n", 101)}, "email": {"x@y.pt"}}),
			e.post(c, "/desk/admin/teams/"+e.cit.Code+"/members", url.Values{"email": {"x@y.pt"}}),
			e.post(c, "/desk/admin/users/"+strconv.FormatInt(admin.ID, 10)+"/role", url.Values{"role": {"agent"}}))
		for _, r := range pages {
			if r.code >= 500 || strings.Contains(r.body, "%!") || !strings.Contains(r.body, `<html lang="`+lang+`"`) {
				t.Fatalf("%s: %d\n%s", lang, r.code, r.body)
			}
		}
	}
}
