package storetest

import (
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"balcao"
)

// RunDesk runs the tests of the console's storage (sessions, lockout
// counts, teams, queue views); Run calls it.
func RunDesk(t *testing.T, open Opener) {
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("LoginFailures", func(t *testing.T) { testLoginFailures(t, open) })
	t.Run("TeamMembers", func(t *testing.T) { testTeamMembers(t, open) })
	t.Run("DeskViews", func(t *testing.T) { testDeskViews(t, open) })
	t.Run("DeskFiltersAndPages", func(t *testing.T) { testDeskFiltersAndPages(t, open) })
	t.Run("AssignTicket", func(t *testing.T) { testAssignTicket(t, open) })
	t.Run("RecordEvent", func(t *testing.T) { testRecordEvent(t, open) })
	t.Run("ChangeTeam", func(t *testing.T) { testChangeTeam(t, open) })
}

func testSessions(t *testing.T, open Opener) {
	s, _ := open(t)
	u := &balcao.User{Email: "agente@desk.pt", Role: balcao.RoleAgent, PasswordHash: "old"}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, u))
	h1, h2 := sha256.Sum256([]byte("one")), sha256.Sum256([]byte("two"))
	for _, h := range [][32]byte{h1, h2} {
		must[struct{}](t)(struct{}{}, s.CreateSession(ctx, &balcao.Session{Hash: h, UserID: u.ID, CreatedAt: T0, ExpiresAt: T0.Add(12 * time.Hour)}))
	}
	wantCode(t, s.CreateSession(ctx, &balcao.Session{Hash: h1, UserID: u.ID, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}), balcao.ECONFLICT)
	sess, user, err := s.SessionByHash(ctx, h1, T0.Add(time.Hour))
	if err != nil || user.ID != u.ID || user.Email != "agente@desk.pt" || sess.UserID != u.ID || !sess.LastSeenAt.Equal(T0.Add(time.Hour)) {
		t.Fatalf("lookup: %+v %+v %v", sess, user, err)
	}
	// The last use is kept.
	sess, _, _ = s.SessionByHash(ctx, h1, T0.Add(time.Hour+time.Second))
	if !sess.LastSeenAt.Equal(T0.Add(time.Hour)) {
		t.Fatalf("last seen rewritten within a minute: %v", sess.LastSeenAt)
	}
	_, _, err = s.SessionByHash(ctx, h1, T0.Add(12*time.Hour))
	wantCode(t, err, balcao.ENOTFOUND)
	_, _, err = s.SessionByHash(ctx, sha256.Sum256([]byte("nope")), T0)
	wantCode(t, err, balcao.ENOTFOUND)

	must[struct{}](t)(struct{}{}, s.DeleteUserSessions(ctx, u.ID, h2))
	_, _, err = s.SessionByHash(ctx, h1, T0)
	wantCode(t, err, balcao.ENOTFOUND)
	must[*balcao.Session](t)(func() (*balcao.Session, error) { x, _, err := s.SessionByHash(ctx, h2, T0); return x, err }())
	must[struct{}](t)(struct{}{}, s.DeleteSession(ctx, h2))
	must[struct{}](t)(struct{}{}, s.DeleteSession(ctx, h2))
	_, _, err = s.SessionByHash(ctx, h2, T0)
	wantCode(t, err, balcao.ENOTFOUND)

	must[struct{}](t)(struct{}{}, s.CreateSession(ctx, &balcao.Session{Hash: h1, UserID: u.ID, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}))
	if n := must[int](t)(s.DeleteExpiredSessions(ctx, T0.Add(2*time.Hour))); n != 1 {
		t.Fatalf("expired sessions removed: %d", n)
	}
	must[struct{}](t)(struct{}{}, s.SetPasswordHash(ctx, u.ID, "new"))
	if got := must[*balcao.User](t)(s.UserByID(ctx, u.ID)); got.PasswordHash != "new" {
		t.Fatalf("hash %q", got.PasswordHash)
	}
	wantCode(t, s.SetPasswordHash(ctx, 999999, "x"), balcao.ENOTFOUND)

	// A disabled user's sessions do not sign in.
	d := &balcao.User{Email: "gone@desk.pt", Role: balcao.RoleAgent, Disabled: true}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, d))
	must[struct{}](t)(struct{}{}, s.CreateSession(ctx, &balcao.Session{Hash: h2, UserID: d.ID, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}))
	_, _, err = s.SessionByHash(ctx, h2, T0)
	wantCode(t, err, balcao.ENOTFOUND)
}

func testLoginFailures(t *testing.T, open Opener) {
	s, _ := open(t)
	n, last, err := s.LoginFailures(ctx, "ninguem@desk.pt")
	if err != nil || n != 0 || !last.IsZero() {
		t.Fatalf("none yet: %d %v %v", n, last, err)
	}
	for i := 1; i <= 3; i++ {
		if got := must[int](t)(s.RecordLoginFailure(ctx, " Ninguem@Desk.pt", T0.Add(time.Duration(i)*time.Minute))); got != i {
			t.Fatalf("failure %d counted as %d", i, got)
		}
	}
	n, last, err = s.LoginFailures(ctx, "ninguem@desk.pt")
	if err != nil || n != 3 || !last.Equal(T0.Add(3*time.Minute)) {
		t.Fatalf("after 3: %d %v %v", n, last, err)
	}
	must[struct{}](t)(struct{}{}, s.ClearLoginFailures(ctx, "NINGUEM@desk.pt"))
	if n, _, _ := s.LoginFailures(ctx, "ninguem@desk.pt"); n != 0 {
		t.Fatalf("after clear: %d", n)
	}
}

func testTeamMembers(t *testing.T, open Opener) {
	s, _ := open(t)
	cit := setupTeam(t, s)
	rnu := &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, rnu))
	arq := &balcao.Team{Code: "arq", Name: "Arquivo"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, arq))
	u := &balcao.User{Email: "agente@desk.pt", Name: "Carla", Role: balcao.RoleAgent}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, u))
	for _, tm := range []*balcao.Team{rnu, cit, rnu} {
		must[struct{}](t)(struct{}{}, s.AddTeamMember(ctx, tm.ID, u.ID))
	}
	got := must[[]*balcao.Team](t)(s.UserTeams(ctx, u.ID))
	if len(got) != 2 || got[0].Code != "cit" || got[1].Code != "rnu" {
		t.Fatalf("user teams %+v", got)
	}
	all := must[[]*balcao.Team](t)(s.ListTeams(ctx))
	if len(all) != 3 || all[0].Code != "arq" {
		t.Fatalf("teams %+v", all)
	}
	for _, u := range []*balcao.User{
		{Email: "bruno@desk.pt", Name: "Bruno", Role: balcao.RoleSupervisor},
		{Email: "saiu@desk.pt", Name: "Saiu", Role: balcao.RoleAgent, Disabled: true},
		{Email: "req@usf.pt", Name: "Requerente", Role: balcao.RoleRequester},
	} {
		must[struct{}](t)(struct{}{}, s.CreateUser(ctx, u))
		must[struct{}](t)(struct{}{}, s.AddTeamMember(ctx, cit.ID, u.ID))
	}
	var members []string
	for _, u := range must[[]*balcao.User](t)(s.TeamMembers(ctx, cit.ID)) {
		members = append(members, u.Email)
	}
	if want := []string{"bruno@desk.pt", "agente@desk.pt"}; !slices.Equal(members, want) {
		t.Fatalf("members %v, want %v (enabled staff, by name)", members, want)
	}
}

// deskFixture makes tickets in two teams and triage, in several states.
type deskFixture struct {
	agent, other                  *balcao.User
	cit, rnu                      *balcao.Team
	mineSoon, citNew, rnuNew      *balcao.Ticket
	triage, pendingReq, pendingAp *balcao.Ticket
	resolved                      *balcao.Ticket
}

func makeDeskFixture(t *testing.T, s balcao.Store) *deskFixture {
	f := &deskFixture{}
	f.cit = setupTeam(t, s)
	f.rnu = &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, f.rnu))
	must[struct{}](t)(struct{}{}, s.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}))
	f.agent = &balcao.User{Email: "agente@desk.pt", Name: "Agente", Role: balcao.RoleAgent}
	f.other = &balcao.User{Email: "outro@desk.pt", Name: "Outro", Role: balcao.RoleAgent}
	for _, u := range []*balcao.User{f.agent, f.other} {
		must[struct{}](t)(struct{}{}, s.CreateUser(ctx, u))
	}
	mk := func(team string, due time.Duration, status balcao.Status, mod func(*balcao.NewTicket)) *balcao.Ticket {
		nt := newTicket("req@usf.pt", T0)
		nt.TeamCode = team
		if due != 0 {
			nt.DueAt = T0.Add(due)
		}
		if status != "" {
			nt.Status = status
		}
		if mod != nil {
			mod(nt)
		}
		return must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	}
	f.mineSoon = mk("cit", time.Hour, "", func(nt *balcao.NewTicket) { nt.OrganisationCode = "3110511" })
	must[*balcao.Ticket](t)(s.AssignTicket(ctx, f.mineSoon.ID, f.agent.ID, balcao.SystemActor, T0))
	f.citNew = mk("cit", 48*time.Hour, "", func(nt *balcao.NewTicket) { nt.Channel = balcao.ChannelPhone; nt.Impact = 1 })
	f.rnuNew = mk("rnu", 2*time.Hour, "", func(nt *balcao.NewTicket) { nt.Service = "rnu"; nt.RequestType = "rnu-a" })
	f.triage = mk("", 0, "", func(nt *balcao.NewTicket) { nt.RequestType = ""; nt.Service = "" })
	f.pendingReq = mk("cit", 3*time.Hour, balcao.StatusPendingRequester, nil)
	f.pendingAp = mk("cit", 5*time.Hour, balcao.StatusPendingApproval, nil)
	f.resolved = mk("cit", 30*time.Minute, "", nil)
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, f.resolved.ID, balcao.StatusResolved, balcao.SystemActor, "", T0))
	return f
}

func ids(tt []*balcao.Ticket) []int64 {
	var out []int64
	for _, t := range tt {
		out = append(out, t.ID)
	}
	return out
}

func testDeskViews(t *testing.T, open Opener) {
	s, _ := open(t)
	f := makeDeskFixture(t, s)
	all := balcao.DeskScope{All: true}
	agentScope := balcao.DeskScope{UserID: f.agent.ID, TeamIDs: []int64{f.cit.ID}}
	due := T0.Add(4 * time.Hour)
	cases := []struct {
		name string
		f    balcao.DeskFilter
		want []int64
	}{
		{"mine", balcao.DeskFilter{Scope: all, View: balcao.ViewMine, UserID: f.agent.ID}, []int64{f.mineSoon.ID}},
		{"unassigned", balcao.DeskFilter{Scope: all, View: balcao.ViewUnassigned}, []int64{f.rnuNew.ID, f.pendingReq.ID, f.pendingAp.ID, f.citNew.ID, f.triage.ID}},
		{"unassigned in the agent's scope", balcao.DeskFilter{Scope: agentScope, View: balcao.ViewUnassigned}, []int64{f.pendingReq.ID, f.pendingAp.ID, f.citNew.ID, f.triage.ID}},
		{"team", balcao.DeskFilter{Scope: all, View: balcao.ViewTeam, TeamID: f.rnu.ID}, []int64{f.rnuNew.ID}},
		{"team out of scope", balcao.DeskFilter{Scope: agentScope, View: balcao.ViewTeam, TeamID: f.rnu.ID}, nil},
		{"pending requester", balcao.DeskFilter{Scope: all, View: balcao.ViewPendingRequester}, []int64{f.pendingReq.ID}},
		{"pending approval", balcao.DeskFilter{Scope: all, View: balcao.ViewPendingApproval}, []int64{f.pendingAp.ID}},
		{"due soon", balcao.DeskFilter{Scope: all, View: balcao.ViewDueSoon, DueBefore: due}, []int64{f.mineSoon.ID, f.rnuNew.ID, f.pendingReq.ID}},
		{"all by due", balcao.DeskFilter{Scope: all, View: balcao.ViewAll}, []int64{f.resolved.ID, f.mineSoon.ID, f.rnuNew.ID, f.pendingReq.ID, f.pendingAp.ID, f.citNew.ID, f.triage.ID}},
		{"other agent sees triage only", balcao.DeskFilter{Scope: balcao.DeskScope{UserID: f.other.ID}, View: balcao.ViewAll}, []int64{f.triage.ID}},
	}
	for _, c := range cases {
		p, err := s.DeskTickets(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := ids(p.Tickets); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	_, err := s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, View: balcao.ViewTeam})
	wantCode(t, err, balcao.EINVALID)
	_, err = s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, View: "nope"})
	wantCode(t, err, balcao.EINVALID)

	teams := []int64{f.cit.ID, f.rnu.ID}
	c := must[*balcao.DeskCounts](t)(s.DeskCounts(ctx, balcao.DeskFilter{Scope: all, UserID: f.agent.ID, DueBefore: due, TeamID: f.cit.ID}, teams))
	want := map[balcao.DeskView]int{balcao.ViewAll: 7, balcao.ViewMine: 1, balcao.ViewUnassigned: 5, balcao.ViewPendingRequester: 1,
		balcao.ViewPendingApproval: 1, balcao.ViewDueSoon: 3, balcao.ViewTeam: 4}
	for v, n := range want {
		if c.Views[v] != n {
			t.Errorf("count %s = %d, want %d", v, c.Views[v], n)
		}
	}
	if c.Teams[f.cit.ID] != 4 || c.Teams[f.rnu.ID] != 1 {
		t.Errorf("team counts %v", c.Teams)
	}
	c = must[*balcao.DeskCounts](t)(s.DeskCounts(ctx, balcao.DeskFilter{Scope: agentScope, UserID: f.agent.ID, DueBefore: due}, teams))
	if c.Views[balcao.ViewAll] != 6 || c.Teams[f.rnu.ID] != 0 || c.Views[balcao.ViewDueSoon] != 2 {
		t.Errorf("scoped counts %v %v", c.Views, c.Teams)
	}
	// Filters apply to the counts.
	c = must[*balcao.DeskCounts](t)(s.DeskCounts(ctx, balcao.DeskFilter{Scope: all, UserID: f.agent.ID, DueBefore: due, Channel: balcao.ChannelPhone}, teams))
	if c.Views[balcao.ViewAll] != 1 || c.Views[balcao.ViewUnassigned] != 1 || c.Views[balcao.ViewMine] != 0 || c.Teams[f.cit.ID] != 1 {
		t.Errorf("filtered counts %v %v", c.Views, c.Teams)
	}
	// Counting stops past the cap.
	c = must[*balcao.DeskCounts](t)(s.DeskCounts(ctx, balcao.DeskFilter{Scope: all, UserID: f.agent.ID, DueBefore: due, CountLimit: 2}, teams))
	if c.Views[balcao.ViewAll] != 3 || c.Views[balcao.ViewMine] != 1 || c.Teams[f.cit.ID] != 3 || c.Teams[f.rnu.ID] != 1 {
		t.Errorf("capped counts %v %v", c.Views, c.Teams)
	}
}

func testDeskFiltersAndPages(t *testing.T, open Opener) {
	s, _ := open(t)
	f := makeDeskFixture(t, s)
	all := balcao.DeskScope{All: true}
	cases := []struct {
		name string
		f    balcao.DeskFilter
		want []int64
	}{
		{"service", balcao.DeskFilter{Service: "rnu"}, []int64{f.rnuNew.ID}},
		{"request type", balcao.DeskFilter{RequestType: "rnu-a"}, []int64{f.rnuNew.ID}},
		{"status", balcao.DeskFilter{Status: balcao.StatusResolved}, []int64{f.resolved.ID}},
		{"priority", balcao.DeskFilter{Priority: 1}, []int64{f.citNew.ID}},
		{"organisation", balcao.DeskFilter{OrganisationCode: "3110511"}, []int64{f.mineSoon.ID}},
		{"unknown organisation", balcao.DeskFilter{OrganisationCode: "nope"}, nil},
		{"channel", balcao.DeskFilter{Channel: balcao.ChannelPhone}, []int64{f.citNew.ID}},
	}
	for _, c := range cases {
		c.f.Scope = all
		p, err := s.DeskTickets(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := ids(p.Tickets); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	_, err := s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Status: "nope"})
	wantCode(t, err, balcao.EINVALID)
	_, err = s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Channel: "fax"})
	wantCode(t, err, balcao.EINVALID)

	// Pages of two, both orders, join up to the whole list without overlap.
	for _, sort := range []balcao.DeskSort{balcao.SortDue, balcao.SortUpdated} {
		whole := must[*balcao.TicketPage](t)(s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Sort: sort, Limit: 200}))
		var got []int64
		cur := ""
		for range 10 {
			p := must[*balcao.TicketPage](t)(s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Sort: sort, Limit: 2, Cursor: cur}))
			got = append(got, ids(p.Tickets)...)
			if cur = p.Next; cur == "" {
				break
			}
		}
		if !slices.Equal(got, ids(whole.Tickets)) || len(got) != 7 {
			t.Errorf("%s pages %v, whole %v", sort, got, ids(whole.Tickets))
		}
		if sort == balcao.SortUpdated && got[0] != f.mineSoon.ID && got[0] != f.resolved.ID {
			t.Errorf("latest update first: %v", got)
		}
		_, err := s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Sort: sort, Cursor: "garbage"})
		wantCode(t, err, balcao.EINVALID)
	}
	p := must[*balcao.TicketPage](t)(s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Sort: balcao.SortDue, Limit: 2}))
	_, err = s.DeskTickets(ctx, balcao.DeskFilter{Scope: all, Sort: balcao.SortUpdated, Cursor: p.Next})
	wantCode(t, err, balcao.EINVALID)
}

func testAssignTicket(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("a@usf.pt", T0)))
	ag := &balcao.User{Email: "agente@desk.pt", Name: "Agente", Role: balcao.RoleAgent}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, ag))
	actor := balcao.Actor{ID: ag.ID, Name: "Agente"}
	got := must[*balcao.Ticket](t)(s.AssignTicket(ctx, tk.ID, ag.ID, actor, T0.Add(time.Minute)))
	if got.AssigneeID != ag.ID || got.AssigneeEmail != "agente@desk.pt" || !got.UpdatedAt.Equal(T0.Add(time.Minute)) {
		t.Fatalf("assigned %+v", got)
	}
	// Assigning to the same person again changes nothing.
	must[*balcao.Ticket](t)(s.AssignTicket(ctx, tk.ID, ag.ID, actor, T0.Add(2*time.Minute)))
	_, err := s.AssignTicket(ctx, tk.ID, tk.RequesterID, actor, T0)
	wantCode(t, err, balcao.EINVALID)
	_, err = s.AssignTicket(ctx, 999999, ag.ID, actor, T0)
	wantCode(t, err, balcao.ENOTFOUND)
	got = must[*balcao.Ticket](t)(s.AssignTicket(ctx, tk.ID, 0, actor, T0.Add(3*time.Minute)))
	if got.AssigneeID != 0 {
		t.Fatalf("unassigned %+v", got)
	}
	ev := must[[]*balcao.Event](t)(s.Events(ctx, tk.ID))
	var assigns []string
	for _, e := range ev {
		if e.Kind == balcao.EventAssign {
			assigns = append(assigns, e.From+">"+e.To)
		}
	}
	if want := []string{">agente@desk.pt", "agente@desk.pt>"}; !slices.Equal(assigns, want) {
		t.Fatalf("assign events %v, want %v", assigns, want)
	}
}

func testRecordEvent(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("a@usf.pt", T0)))
	ag := &balcao.User{Email: "agente@desk.pt", Name: "Agente", Role: balcao.RoleAgent}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, ag))
	e := &balcao.Event{TicketID: tk.ID, ActorID: ag.ID, ActorName: "Agente", Kind: balcao.EventReveal, Field: "utente.niss", CreatedAt: T0.Add(time.Minute)}
	must[struct{}](t)(struct{}{}, s.RecordEvent(ctx, e))
	if e.ID == 0 {
		t.Fatal("no id")
	}
	ev := must[[]*balcao.Event](t)(s.Events(ctx, tk.ID))
	last := ev[len(ev)-1]
	if last.Kind != balcao.EventReveal || last.Field != "utente.niss" || last.ActorID != ag.ID || !last.CreatedAt.Equal(T0.Add(time.Minute)) {
		t.Fatalf("recorded %+v", last)
	}
	got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if !got.UpdatedAt.Equal(tk.UpdatedAt) {
		t.Fatalf("a reveal changed the ticket's update time: %v", got.UpdatedAt)
	}
	wantCode(t, s.RecordEvent(ctx, &balcao.Event{TicketID: tk.ID}), balcao.EINVALID)
	wantCode(t, s.RecordEvent(ctx, &balcao.Event{TicketID: 999999, Kind: balcao.EventReveal}), balcao.ENOTFOUND)
}

func testChangeTeam(t *testing.T, open Opener) {
	s, _ := open(t)
	cit := setupTeam(t, s)
	rnu := &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, rnu))
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("a@usf.pt", T0)))
	actor := balcao.Actor{Name: "Agente"}
	got := must[*balcao.Ticket](t)(s.ChangeTeam(ctx, tk.ID, rnu.ID, actor, T0.Add(time.Minute)))
	if got.TeamID != rnu.ID || got.TeamCode != "rnu" || !got.UpdatedAt.Equal(T0.Add(time.Minute)) {
		t.Fatalf("moved %+v", got)
	}
	must[*balcao.Ticket](t)(s.ChangeTeam(ctx, tk.ID, rnu.ID, actor, T0.Add(2*time.Minute)))
	got = must[*balcao.Ticket](t)(s.ChangeTeam(ctx, tk.ID, 0, actor, T0.Add(3*time.Minute)))
	if got.TeamID != 0 {
		t.Fatalf("to triage %+v", got)
	}
	_, err := s.ChangeTeam(ctx, tk.ID, 999999, actor, T0)
	wantCode(t, err, balcao.EINVALID)
	_, err = s.ChangeTeam(ctx, 999999, cit.ID, actor, T0)
	wantCode(t, err, balcao.ENOTFOUND)
	var moves []string
	for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, tk.ID)) {
		if e.Kind == balcao.EventTeam {
			moves = append(moves, e.From+">"+e.To)
		}
	}
	if want := []string{"cit>rnu", "rnu>"}; !slices.Equal(moves, want) {
		t.Fatalf("team events %v, want %v", moves, want)
	}
}
