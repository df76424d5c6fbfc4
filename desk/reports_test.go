package desk_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/desk"
)

// reportsEnv adds a supervisor of the agent's team and an admin, and three
// tickets: two in the supervisor's team (one resolved and rated 4), one in
// the other team.
func reportsEnv(t *testing.T, e *env) (sup, admin *http.Client) {
	t.Helper()
	s := e.user("supervisora@desk.pt", balcao.RoleSupervisor)
	if err := e.store.AddTeamMember(ctx, e.cit.ID, s.ID); err != nil {
		t.Fatal(err)
	}
	e.user("admin@desk.pt", balcao.RoleAdmin)
	e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido aberto"; nt.Message = nil })
	done := e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido resolvido"; nt.Message = nil })
	e.ticket(func(nt *balcao.NewTicket) {
		nt.Subject = "Pedido de outra equipa"
		nt.TeamCode = e.other.Code
		nt.Message = nil
	})
	e.clock.Advance(2 * time.Hour)
	for _, st := range []balcao.Status{balcao.StatusOpen, balcao.StatusResolved} {
		if _, err := e.store.ChangeStatus(ctx, done.ID, st, balcao.SystemActor, "", e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.SetRating(ctx, &balcao.Rating{TicketID: done.ID, Score: 4, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()},
		balcao.SystemActor, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return e.signedIn("supervisora@desk.pt"), e.signedIn("admin@desk.pt")
}

func TestReports(t *testing.T) { onBothDatabases(t, testReports) }

func testReports(t *testing.T, e *env) {
	sup, admin := reportsEnv(t, e)

	// Agents are refused, with a page that says who may see reports.
	agent := e.signedIn("agente@desk.pt")
	r := e.get(agent, "/desk/reports")
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, "reservados a supervisores e administradores")
	wantNotBody(t, e.get(agent, "/desk/"), `href="/desk/reports"`, `id="export-csv"`)

	// A supervisor sees their team only, with every chart and its table.
	r = e.get(sup, "/desk/reports")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `href="/desk/reports"`, `<h1>Relatórios</h1>`, `<label for="period">Período</label>`,
		`<option value="30" selected>Últimos 30 dias</option>`, `<option value="spms-cit" selected>SPMS – CIT</option>`,
		"Equipa: SPMS – CIT · Serviço: Todos os serviços · De 2026-02-01 a 2026-03-02",
		"2 pedidos recebidos em 30 dias.", "1 pedidos em aberto neste momento.",
		"1 pedidos resolvidos; primeira resposta a tempo em 100,0 %, resolução a tempo em 100,0 %.",
		"Média de 4,00 em 5, de 1 respostas.",
		`<caption>Pedidos recebidos por dia e tipo de pedido</caption>`, `<th scope="col">Dia</th>`,
		`<th scope="row">2026-03-02</th>`, `<th scope="row">30 dias ou mais</th>`, `<caption>Avisos e incumprimentos registados no período</caption>`,
		`<th scope="col">Percentil 90 (h)</th>`)
	wantNotBody(t, r, "SPMS – RNU", "Todas as equipas")
	for _, id := range []string{"received", "backlog", "sla", "times", "ratings"} {
		wantBody(t, r, `<section class="report" id="report-`+id+`"`)
	}
	if n := strings.Count(r.body, `<svg`); n != 5 {
		t.Fatalf("%d charts, want 5", n)
	}
	if n := strings.Count(r.body, `role="img"`); n < 5 {
		t.Fatalf("%d charts with role img", n)
	}

	// Another team is refused by name; the supervisor's own stays chosen.
	r = e.get(sup, "/desk/reports?team=spms-rnu&period=7")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `href="#team"`, "Equipa: SPMS – CIT", "2 pedidos recebidos em 7 dias.")

	// Dates: checked, and used in place of the period.
	r = e.get(sup, "/desk/reports?from=2026-03-02&to=2026-02-01")
	wantBody(t, r, `href="#to"`, "escolha uma data igual ou posterior", `aria-invalid="true" aria-describedby="to-error"`)
	r = e.get(sup, "/desk/reports?from=2026-13-01&to=2026-03-02")
	wantBody(t, r, `href="#from"`, "De (data): escreva uma data no formato AAAA-MM-DD")
	r = e.get(sup, "/desk/reports?from=2026-02-25&to=2026-03-01")
	wantBody(t, r, "De 2026-02-25 a 2026-03-01", "0 pedidos recebidos em 5 dias.")
	r = e.get(sup, "/desk/reports?service=nope")
	wantBody(t, r, `href="#service"`)

	// An admin sees every team, together or one by one, in English here.
	r = e.get(admin, "/desk/reports", "Cookie", "balcao_lang=en")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<option value="">All teams</option>`, "SPMS – RNU", "3 tickets received over 30 days.", "Average 4.00 out of 5, from 1 answers.")
	r = e.get(admin, "/desk/reports?team=spms-rnu&service=cit", "Cookie", "balcao_lang=en")
	wantBody(t, r, "1 tickets received over 30 days.", "No ratings in the period.", "Team: SPMS – RNU")
}

// TestReportsKeptForAMinute: the dashboard's figures are reused for a
// minute, and the page says when they were computed.
func TestReportsKeptForAMinute(t *testing.T) {
	e := newEnv(t)
	sup, _ := reportsEnv(t, e)
	r := e.get(sup, "/desk/reports")
	wantBody(t, r, "2 pedidos recebidos em 30 dias.", "Números calculados às "+e.clock.Now().In(lisbon(t)).Format("15:04"))
	e.ticket(func(nt *balcao.NewTicket) { nt.Subject = "Pedido novo"; nt.Message = nil })
	wantBody(t, e.get(sup, "/desk/reports"), "2 pedidos recebidos em 30 dias.")
	// Another period is computed at once.
	wantBody(t, e.get(sup, "/desk/reports?period=7"), "3 pedidos recebidos em 7 dias.")
	e.clock.Advance(61 * time.Second)
	wantBody(t, e.get(sup, "/desk/reports"), "3 pedidos recebidos em 30 dias.")
}

func lisbon(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Lisbon")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestReportsSayHowFarTheSummariesReach: before the reports job has run the
// page says every figure was counted ticket by ticket; after, up to which
// hour the hourly totals go and when the job ran, with the same figures.
func TestReportsSayHowFarTheSummariesReach(t *testing.T) {
	e := newEnv(t, func(s *desk.Server) { s.ReportCacheTTL = -1 })
	sup, _ := reportsEnv(t, e)
	wantBody(t, e.get(sup, "/desk/reports"), "2 pedidos recebidos em 30 dias.", "Ainda não há totais por hora")
	now := e.clock.Now()
	if _, err := e.store.RollUpReports(ctx, now); err != nil {
		t.Fatal(err)
	}
	loc := lisbon(t)
	hour := now.UTC().Truncate(time.Hour).In(loc)
	wantBody(t, e.get(sup, "/desk/reports"), "2 pedidos recebidos em 30 dias.",
		"totais por hora até às "+hour.Format("15:04")+" de "+hour.Format(time.DateOnly)+" (o trabalho de resumo correu às "+now.In(loc).Format("15:04")+")")
}
