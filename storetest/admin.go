package storetest

import (
	"crypto/sha256"
	"testing"
	"time"

	"balcao"
)

// RunAdmin runs the tests of the administration pages' storage; Run
// calls it.
func RunAdmin(t *testing.T, open Opener) {
	t.Run("ListUsers", func(t *testing.T) { testListUsers(t, open) })
	t.Run("DisableAndRoles", func(t *testing.T) { testDisableAndRoles(t, open) })
	t.Run("RemoveTeamMember", func(t *testing.T) { testRemoveTeamMember(t, open) })
	t.Run("ListOrganisations", func(t *testing.T) { testListOrganisations(t, open) })
}

func createUsers(t *testing.T, s balcao.Store, us ...*balcao.User) {
	t.Helper()
	for _, u := range us {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
}

func emails(us []*balcao.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Email)
	}
	return out
}

func testListUsers(t *testing.T, open Opener) {
	s, _ := open(t)
	createUsers(t, s,
		&balcao.User{Email: "zeca@desk.pt", Name: "Zeca", Role: balcao.RoleAgent, Language: "en"},
		&balcao.User{Email: "ana@desk.pt", Name: "Ana", Role: balcao.RoleAdmin},
		&balcao.User{Email: "rita@usf.pt", Role: balcao.RoleRequester},
		&balcao.User{Email: "bruno@desk.pt", Role: balcao.RoleSupervisor, Disabled: true},
	)
	all := must[[]*balcao.User](t)(s.ListUsers(ctx, balcao.UserFilter{}))
	if got := emails(all); len(got) != 4 || got[0] != "ana@desk.pt" || got[3] != "zeca@desk.pt" {
		t.Fatalf("all users %v", got)
	}
	if all[3].Language != "en" || all[3].Name != "Zeca" || all[3].Role != balcao.RoleAgent || !all[1].Disabled {
		t.Fatalf("fields: %+v %+v", all[3], all[1])
	}
	staff := must[[]*balcao.User](t)(s.ListUsers(ctx, balcao.UserFilter{Roles: []balcao.Role{balcao.RoleAgent, balcao.RoleSupervisor, balcao.RoleAdmin}}))
	if got := emails(staff); len(got) != 3 || got[2] != "zeca@desk.pt" {
		t.Fatalf("staff %v", got)
	}
	first := must[[]*balcao.User](t)(s.ListUsers(ctx, balcao.UserFilter{Limit: 1}))
	if len(first) != 1 || first[0].Email != "ana@desk.pt" {
		t.Fatalf("limit 1: %v", emails(first))
	}
	_, err := s.ListUsers(ctx, balcao.UserFilter{Roles: []balcao.Role{"boss"}})
	wantCode(t, err, balcao.EINVALID)
}

func testDisableAndRoles(t *testing.T, open Opener) {
	s, _ := open(t)
	admin := &balcao.User{Email: "admin@desk.pt", Role: balcao.RoleAdmin}
	agent := &balcao.User{Email: "agente@desk.pt", Role: balcao.RoleAgent}
	createUsers(t, s, admin, agent)
	h := sha256.Sum256([]byte("agent session"))
	must[struct{}](t)(struct{}{}, s.CreateSession(ctx, &balcao.Session{Hash: h, UserID: agent.ID, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}))

	// Disabling ends the sessions; enabling does not bring them back.
	must[struct{}](t)(struct{}{}, s.SetUserDisabled(ctx, agent.ID, true))
	if u := must[*balcao.User](t)(s.UserByID(ctx, agent.ID)); !u.Disabled {
		t.Fatal("not disabled")
	}
	_, _, err := s.SessionByHash(ctx, h, T0)
	wantCode(t, err, balcao.ENOTFOUND)
	must[struct{}](t)(struct{}{}, s.SetUserDisabled(ctx, agent.ID, false))
	if u := must[*balcao.User](t)(s.UserByID(ctx, agent.ID)); u.Disabled {
		t.Fatal("not enabled")
	}
	wantCode(t, s.SetUserDisabled(ctx, 999999, true), balcao.ENOTFOUND)

	// The last enabled admin can be neither disabled nor demoted.
	wantCode(t, s.SetUserDisabled(ctx, admin.ID, true), balcao.ECONFLICT)
	wantCode(t, s.SetUserRole(ctx, admin.ID, balcao.RoleAgent), balcao.ECONFLICT)
	wantCode(t, s.SetUserRole(ctx, agent.ID, "boss"), balcao.EINVALID)
	wantCode(t, s.SetUserRole(ctx, 999999, balcao.RoleAgent), balcao.ENOTFOUND)
	must[struct{}](t)(struct{}{}, s.SetUserRole(ctx, agent.ID, balcao.RoleAdmin))
	must[struct{}](t)(struct{}{}, s.SetUserRole(ctx, admin.ID, balcao.RoleSupervisor))
	if u := must[*balcao.User](t)(s.UserByID(ctx, admin.ID)); u.Role != balcao.RoleSupervisor {
		t.Fatalf("role %s", u.Role)
	}
	if n := must[int](t)(s.CountUsers(ctx, balcao.RoleAdmin)); n != 1 {
		t.Fatalf("%d admins", n)
	}
	wantCode(t, s.SetUserDisabled(ctx, agent.ID, true), balcao.ECONFLICT)
}

func testRemoveTeamMember(t *testing.T, open Opener) {
	s, _ := open(t)
	team := &balcao.Team{Code: "spms-cit", Name: "SPMS – CIT", CreatedAt: T0}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, team))
	a := &balcao.User{Email: "a@desk.pt", Name: "A", Role: balcao.RoleAgent}
	b := &balcao.User{Email: "b@desk.pt", Name: "B", Role: balcao.RoleAgent}
	createUsers(t, s, a, b)
	for _, u := range []*balcao.User{a, b} {
		must[struct{}](t)(struct{}{}, s.AddTeamMember(ctx, team.ID, u.ID))
	}
	must[struct{}](t)(struct{}{}, s.RemoveTeamMember(ctx, team.ID, a.ID))
	must[struct{}](t)(struct{}{}, s.RemoveTeamMember(ctx, team.ID, a.ID))
	if got := emails(must[[]*balcao.User](t)(s.TeamMembers(ctx, team.ID))); len(got) != 1 || got[0] != "b@desk.pt" {
		t.Fatalf("members %v", got)
	}
	if ts := must[[]*balcao.Team](t)(s.UserTeams(ctx, a.ID)); len(ts) != 0 {
		t.Fatalf("a still in %d teams", len(ts))
	}
}

func testListOrganisations(t *testing.T, open Opener) {
	s, _ := open(t)
	for _, o := range []*balcao.Organisation{
		{Code: "3110511", Name: "USF Arco-Íris", Kind: "health_unit", CreatedAt: T0},
		{Code: "spms", Name: "SPMS", Kind: "public_body", CreatedAt: T0},
		{Code: "1000001", Name: "ACES Lisboa Norte", CreatedAt: T0},
	} {
		must[struct{}](t)(struct{}{}, s.CreateOrganisation(ctx, o))
	}
	os := must[[]*balcao.Organisation](t)(s.ListOrganisations(ctx, 0))
	if len(os) != 3 || os[0].Name != "ACES Lisboa Norte" || os[2].Code != "3110511" || os[2].Kind != "health_unit" || !os[2].CreatedAt.Equal(T0) {
		t.Fatalf("organisations %+v", os)
	}
	if os := must[[]*balcao.Organisation](t)(s.ListOrganisations(ctx, 2)); len(os) != 2 {
		t.Fatalf("limit 2: %d", len(os))
	}
}
