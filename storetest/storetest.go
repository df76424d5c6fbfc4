// Package storetest is the conformance suite every balcao.Store must pass.
// The sqlite and postgres packages run it against a real database each, so
// both behave the same way for the rest of the program.
package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"balcao"
)

// Opener returns a store on a fresh, migrated database. Calling the second
// function opens another, independent handle on that same database, as a
// second instance of the program would.
type Opener func(t *testing.T) (balcao.Store, func(t *testing.T) balcao.Store)

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	t.Run("Organisations", func(t *testing.T) { testOrganisations(t, open) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open) })
	t.Run("CreateTicket", func(t *testing.T) { testCreateTicket(t, open) })
	t.Run("CreateTicketAtomic", func(t *testing.T) { testCreateTicketAtomic(t, open) })
	t.Run("ListTickets", func(t *testing.T) { testListTickets(t, open) })
	t.Run("Queue", func(t *testing.T) { testQueue(t, open) })
	t.Run("ChangeStatus", func(t *testing.T) { testChangeStatus(t, open) })
	t.Run("AddMessage", func(t *testing.T) { testAddMessage(t, open) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, open) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("TryLock", func(t *testing.T) { testTryLock(t, open) })
	t.Run("StaleTickets", func(t *testing.T) { testStaleTickets(t, open) })
	t.Run("ChangePriority", func(t *testing.T) { testChangePriority(t, open) })
	t.Run("SLASchedule", func(t *testing.T) { testSLASchedule(t, open) })
	t.Run("SLARecords", func(t *testing.T) { testSLARecords(t, open) })
	t.Run("Ratings", func(t *testing.T) { testRatings(t, open) })
	t.Run("OriginalsComeBackWhole", func(t *testing.T) { testOriginalsComeBackWhole(t, open) })
	t.Run("Reports", func(t *testing.T) { testReports(t, open) })
	t.Run("ReportRollups", func(t *testing.T) { testReportRollups(t, open) })
	t.Run("ConcurrentNumbering", func(t *testing.T) { testConcurrentNumbering(t, open) })
	t.Run("ReservedNumbers", func(t *testing.T) { testReservedNumbers(t, open) })
	t.Run("AnswerInCreatingTransaction", func(t *testing.T) { testAnswerInCreatingTransaction(t, open) })
	t.Run("TeamRenamed", func(t *testing.T) { testTeamRenamed(t, open) })
	t.Run("ConcurrentNewRequester", func(t *testing.T) { testConcurrentNewRequester(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("Desk", func(t *testing.T) { RunDesk(t, open) })
	t.Run("Admin", func(t *testing.T) { RunAdmin(t, open) })
	t.Run("Actions", func(t *testing.T) { RunActions(t, open) })
}

var ctx = context.Background()

// T0 is the suite's reference time.
var T0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := balcao.ErrorCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

func testOrganisations(t *testing.T, open Opener) {
	s, _ := open(t)
	o := &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris", Kind: "health_unit", CreatedAt: T0}
	if err := s.CreateOrganisation(ctx, o); err != nil || o.ID == 0 {
		t.Fatalf("create: %v, id %d", err, o.ID)
	}
	wantCode(t, s.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "Outra"}), balcao.ECONFLICT)
	wantCode(t, s.CreateOrganisation(ctx, &balcao.Organisation{Code: "", Name: "Sem código"}), balcao.EINVALID)
	got := must[*balcao.Organisation](t)(s.OrganisationByCode(ctx, "3110511"))
	if got.Name != "USF Arco-Íris" || got.ID != o.ID || !got.CreatedAt.Equal(T0) {
		t.Fatalf("got %+v", got)
	}
	_, err := s.OrganisationByCode(ctx, "nope")
	wantCode(t, err, balcao.ENOTFOUND)
}

func testUsers(t *testing.T, open Opener) {
	s, _ := open(t)
	org := &balcao.Organisation{Code: "HSJ", Name: "Hospital de São João"}
	must[struct{}](t)(struct{}{}, s.CreateOrganisation(ctx, org))
	u := &balcao.User{Email: " Maria.Silva@HSJ.min-saude.pt ", Name: "Maria Silva", Role: balcao.RoleAgent, OrganisationID: org.ID, PasswordHash: "$argon2id$x", CreatedAt: T0}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if u.Email != "maria.silva@hsj.min-saude.pt" || u.Language != "pt-PT" {
		t.Fatalf("normalised user %+v", u)
	}
	wantCode(t, s.CreateUser(ctx, &balcao.User{Email: "MARIA.SILVA@hsj.min-saude.pt", Role: balcao.RoleAgent}), balcao.ECONFLICT)
	wantCode(t, s.CreateUser(ctx, &balcao.User{Email: "x@y.pt", Role: "root"}), balcao.EINVALID)
	wantCode(t, s.CreateUser(ctx, &balcao.User{Email: "not-an-email", Role: balcao.RoleAgent}), balcao.EINVALID)
	got := must[*balcao.User](t)(s.UserByEmail(ctx, "maria.silva@HSJ.min-saude.pt"))
	if got.ID != u.ID || got.OrganisationID != org.ID || got.Role != balcao.RoleAgent || got.PasswordHash != "$argon2id$x" {
		t.Fatalf("got %+v", got)
	}
	if got := must[*balcao.User](t)(s.UserByID(ctx, u.ID)); got.Email != u.Email {
		t.Fatalf("by id: %+v", got)
	}
	_, err := s.UserByID(ctx, 999999)
	wantCode(t, err, balcao.ENOTFOUND)
	if n := must[int](t)(s.CountUsers(ctx, balcao.RoleAdmin)); n != 0 {
		t.Fatalf("admins = %d", n)
	}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, &balcao.User{Email: "admin@desk.pt", Role: balcao.RoleAdmin}))
	if n := must[int](t)(s.CountUsers(ctx, balcao.RoleAdmin)); n != 1 {
		t.Fatalf("admins = %d", n)
	}
	team := &balcao.Team{Code: "cit", Name: "Equipa CIT"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, team))
	again := &balcao.Team{Code: "cit", Name: "Equipa CIT (N1)"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, again))
	if again.ID != team.ID {
		t.Fatalf("upsert made a second team: %d vs %d", again.ID, team.ID)
	}
	if got := must[*balcao.Team](t)(s.TeamByCode(ctx, "cit")); got.Name != "Equipa CIT (N1)" {
		t.Fatalf("team %+v", got)
	}
}

func testTokens(t *testing.T, open Opener) {
	s, _ := open(t)
	u := &balcao.User{Email: "api@rnu.pt", Role: balcao.RoleAgent}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, u))
	secret := sha256.Sum256([]byte("secret"))
	tok := &balcao.APIToken{UserID: u.ID, Name: "integração RNU", Hash: secret, CreatedAt: T0}
	must[struct{}](t)(struct{}{}, s.CreateToken(ctx, tok))
	wantCode(t, s.CreateToken(ctx, &balcao.APIToken{UserID: u.ID, Name: " ", Hash: sha256.Sum256([]byte("x"))}), balcao.EINVALID)
	got, user, err := s.TokenByHash(ctx, secret, T0.Add(time.Hour))
	if err != nil || got.ID != tok.ID || user.ID != u.ID || got.Name != "integração RNU" {
		t.Fatalf("lookup: %+v %+v %v", got, user, err)
	}
	_, _, err = s.TokenByHash(ctx, sha256.Sum256([]byte("other")), T0)
	wantCode(t, err, balcao.ENOTFOUND)
	list := must[[]*balcao.APIToken](t)(s.ListTokens(ctx))
	if len(list) != 1 || !list[0].LastUsedAt.Equal(T0.Add(time.Hour)) || list[0].UserEmail != "api@rnu.pt" {
		t.Fatalf("list %+v", list[0])
	}
	must[struct{}](t)(struct{}{}, s.RevokeToken(ctx, tok.ID, T0.Add(2*time.Hour)))
	wantCode(t, s.RevokeToken(ctx, tok.ID, T0.Add(3*time.Hour)), balcao.ENOTFOUND)
	_, _, err = s.TokenByHash(ctx, secret, T0.Add(4*time.Hour))
	wantCode(t, err, balcao.ENOTFOUND)
}

func newTicket(email string, now time.Time) *balcao.NewTicket {
	return &balcao.NewTicket{
		Subject:        "CIT – Problema/Erro aplicação local (SAM-CS)",
		RequestType:    "cit-d1",
		Service:        "cit",
		Channel:        balcao.ChannelEmail,
		RequesterEmail: email,
		RequesterName:  "Ana Costa",
		TeamCode:       "cit",
		Impact:         2, Urgency: 1,
		Fields: map[string]string{"descricao": "Erro ao emitir CIT", "utente.nnu": "111156119", "utente.niss": "11234567892", "cedula": "45123"},
		Now:    now,
	}
}

// twoHandles opens a database twice, as two instances would, with the
// team tickets go to.
func twoHandles(t *testing.T, open Opener) (balcao.Store, balcao.Store) {
	s1, again := open(t)
	s2 := again(t)
	setupTeam(t, s1)
	return s1, s2
}

func setupTeam(t *testing.T, s balcao.Store) *balcao.Team {
	team := &balcao.Team{Code: "cit", Name: "Equipa CIT"}
	if err := s.UpsertTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	return team
}

func testCreateTicket(t *testing.T, open Opener) {
	s, _ := open(t)
	team := setupTeam(t, s)
	org := &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}
	must[struct{}](t)(struct{}{}, s.CreateOrganisation(ctx, org))
	png := []byte("\x89PNG\r\n\x1a\n fake screenshot")
	nt := newTicket("Ana.Costa@usf.min-saude.pt", T0)
	nt.OrganisationCode = "3110511"
	nt.Status = balcao.StatusPendingRequester
	nt.Missing = []balcao.FieldProblem{{Key: "utente.niss", Label: "NISS ou nº de beneficiário", Problem: "em falta", Code: "required"}}
	nt.DueAt = T0.Add(72 * time.Hour)
	nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, FromAddr: "ana.costa@usf.min-saude.pt", Subject: nt.Subject,
		Text: "Bom dia,\nsegue o pedido.", MessageID: "abc@usf.min-saude.pt",
		Attachments: []*balcao.Attachment{{Filename: "erro.png", MediaType: "image/png", Data: png}, {Filename: "erro-copia.png", MediaType: "image/png", Data: png}}}
	tk, err := s.CreateTicket(ctx, nt)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != "SD-2026-000001" {
		t.Errorf("first number %q", tk.Number)
	}
	if tk.Status != balcao.StatusPendingRequester || tk.Priority != 2 || tk.TeamID != team.ID || tk.TeamCode != "cit" ||
		tk.OrganisationCode != "3110511" || tk.RequesterEmail != "ana.costa@usf.min-saude.pt" || tk.RequesterName != "Ana Costa" ||
		!tk.CreatedAt.Equal(T0) || !tk.DueAt.Equal(T0.Add(72*time.Hour)) || tk.Language != "pt-PT" {
		t.Errorf("ticket %+v", tk)
	}
	if tk.Fields["utente.niss"] != "11234567892" || len(tk.Fields) != 4 {
		t.Errorf("fields %v", tk.Fields)
	}
	if len(tk.Missing) != 1 || tk.Missing[0].Key != "utente.niss" || tk.Missing[0].Label != "NISS ou nº de beneficiário" {
		t.Errorf("missing %+v", tk.Missing)
	}
	byNum := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if !reflect.DeepEqual(byNum, tk) {
		t.Fatalf("the ticket CreateTicket returned differs from the stored one:\n%+v\n%+v", tk, byNum)
	}
	_, err = s.TicketByNumber(ctx, "SD-2026-999999")
	wantCode(t, err, balcao.ENOTFOUND)

	msgs := must[[]*balcao.Message](t)(s.Messages(ctx, tk.ID))
	if len(msgs) != 1 || msgs[0].Text != "Bom dia,\nsegue o pedido." || msgs[0].Direction != balcao.DirectionIn || len(msgs[0].Attachments) != 2 {
		t.Fatalf("messages %+v", msgs)
	}
	a := msgs[0].Attachments
	if a[0].SHA256 != a[1].SHA256 || a[0].Size != int64(len(png)) || a[1].Filename != "erro-copia.png" {
		t.Fatalf("attachments %+v %+v", a[0], a[1])
	}
	data := must[[]byte](t)(s.Blob(ctx, a[0].SHA256))
	if string(data) != string(png) {
		t.Fatal("blob content")
	}
	_, err = s.Blob(ctx, strings.Repeat("0", 64))
	wantCode(t, err, balcao.ENOTFOUND)
	evs := must[[]*balcao.Event](t)(s.Events(ctx, tk.ID))
	if len(evs) != 1 || evs[0].Kind != balcao.EventCreated || evs[0].To != "pending_requester" || evs[0].ActorName != "system" {
		t.Fatalf("events %+v", evs)
	}

	// A second ticket in another year restarts the sequence of that year.
	nt2 := newTicket("ana.costa@usf.min-saude.pt", T0.AddDate(1, 0, 0))
	tk2 := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt2))
	if tk2.Number != "SD-2027-000001" || tk2.RequesterID != tk.RequesterID {
		t.Fatalf("second ticket %s requester %d/%d", tk2.Number, tk2.RequesterID, tk.RequesterID)
	}
	// The requester inherits the organisation recorded on the user, not the
	// one of an earlier ticket.
	if tk2.OrganisationID != 0 {
		t.Fatalf("organisation leaked: %d", tk2.OrganisationID)
	}
	tk3 := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("outra@usf.pt", T0)))
	if tk3.Number != "SD-2026-000002" {
		t.Fatalf("third number %s", tk3.Number)
	}
}

func testCreateTicketAtomic(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	nt := newTicket("a@b.pt", T0)
	nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, Text: "x", MessageID: "dup@b.pt"}
	first := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))

	// The same Message-ID again is a conflict, and nothing of it remains.
	again := newTicket("a@b.pt", T0)
	again.Message = &balcao.Message{Channel: balcao.ChannelEmail, Text: "x", MessageID: "dup@b.pt"}
	_, err := s.CreateTicket(ctx, again)
	wantCode(t, err, balcao.ECONFLICT)

	bad := newTicket("a@b.pt", T0)
	bad.TeamCode = "nao-existe"
	_, err = s.CreateTicket(ctx, bad)
	wantCode(t, err, balcao.EINVALID)
	if !strings.Contains(balcao.ErrorMessage(err), "nao-existe") {
		t.Errorf("message %q should name the team", balcao.ErrorMessage(err))
	}
	for _, mutate := range []func(*balcao.NewTicket){
		func(n *balcao.NewTicket) { n.RequesterEmail = "" },
		func(n *balcao.NewTicket) { n.Channel = "fax" },
		func(n *balcao.NewTicket) { n.Status = balcao.StatusClosed },
		func(n *balcao.NewTicket) { n.Impact = 7 },
		func(n *balcao.NewTicket) { n.OrganisationCode = "nope" },
	} {
		n := newTicket("a@b.pt", T0)
		mutate(n)
		_, err := s.CreateTicket(ctx, n)
		wantCode(t, err, balcao.EINVALID)
	}
	page := must[*balcao.TicketPage](t)(s.ListTickets(ctx, balcao.TicketFilter{}))
	if len(page.Tickets) != 1 || page.Tickets[0].ID != first.ID {
		t.Fatalf("failed creations left tickets behind: %d", len(page.Tickets))
	}
	next := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("a@b.pt", T0)))
	if next.Number == first.Number {
		t.Fatal("number reused")
	}
}

func testListTickets(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	var all []*balcao.Ticket
	for i := range 23 {
		nt := newTicket(fmt.Sprintf("req%d@usf.pt", i%3), T0.Add(time.Duration(i/2)*time.Minute)) // pairs share updated_at
		if i%4 == 0 {
			nt.RequestType = "webrnu-a"
		}
		all = append(all, must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt)))
	}
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, all[5].ID, balcao.StatusOpen, balcao.SystemActor, "", T0.Add(time.Hour)))

	var seen []int64
	cur := ""
	for {
		page := must[*balcao.TicketPage](t)(s.ListTickets(ctx, balcao.TicketFilter{Limit: 5, Cursor: cur}))
		for _, tk := range page.Tickets {
			seen = append(seen, tk.ID)
		}
		if page.Next == "" {
			break
		}
		cur = page.Next
	}
	if len(seen) != 23 {
		t.Fatalf("paged through %d tickets, want 23", len(seen))
	}
	if seen[0] != all[5].ID {
		t.Fatalf("most recently updated ticket should come first, got id %d", seen[0])
	}
	uniq := slices.Clone(seen)
	slices.Sort(uniq)
	if len(slices.Compact(uniq)) != 23 {
		t.Fatal("a ticket appeared on two pages")
	}
	// Within one updated_at the newer id comes first.
	if !slices.Equal(seen[1:3], []int64{all[22].ID, all[21].ID}) {
		t.Fatalf("order within equal timestamps: %v", seen[1:3])
	}

	count := func(f balcao.TicketFilter) int {
		f.Limit = 200
		return len(must[*balcao.TicketPage](t)(s.ListTickets(ctx, f)).Tickets)
	}
	if n := count(balcao.TicketFilter{Statuses: []balcao.Status{balcao.StatusOpen}}); n != 1 {
		t.Errorf("status filter: %d", n)
	}
	if n := count(balcao.TicketFilter{RequesterEmail: "REQ1@usf.pt"}); n != 8 {
		t.Errorf("requester filter: %d", n)
	}
	if n := count(balcao.TicketFilter{RequestType: "webrnu-a"}); n != 6 {
		t.Errorf("request type filter: %d", n)
	}
	if n := count(balcao.TicketFilter{UpdatedSince: T0.Add(10 * time.Minute)}); n != 4 {
		t.Errorf("updated_since filter: %d", n)
	}
	_, err := s.ListTickets(ctx, balcao.TicketFilter{Cursor: "garbage!"})
	wantCode(t, err, balcao.EINVALID)
	_, err = s.ListTickets(ctx, balcao.TicketFilter{Statuses: []balcao.Status{"bogus"}})
	wantCode(t, err, balcao.EINVALID)
}

func testQueue(t *testing.T, open Opener) {
	s, _ := open(t)
	team := setupTeam(t, s)
	other := &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, other))
	mk := func(team string, due time.Duration) *balcao.Ticket {
		nt := newTicket("q@usf.pt", T0)
		nt.TeamCode = team
		if due != 0 {
			nt.DueAt = T0.Add(due)
		}
		return must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	}
	late := mk("cit", 48*time.Hour)
	none := mk("cit", 0)
	soon := mk("cit", 2*time.Hour)
	mk("rnu", time.Hour)
	done := mk("cit", time.Minute)
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, done.ID, balcao.StatusResolved, balcao.SystemActor, "", T0))
	q := must[[]*balcao.Ticket](t)(s.Queue(ctx, balcao.QueueFilter{TeamID: team.ID}))
	var got []int64
	for _, tk := range q {
		got = append(got, tk.ID)
	}
	if want := []int64{soon.ID, late.ID, none.ID}; !slices.Equal(got, want) {
		t.Fatalf("queue %v, want %v (soonest due first, no due time last, resolved and other teams out)", got, want)
	}
	if !q[2].DueAt.IsZero() {
		t.Fatalf("no due time should read back as zero, got %v", q[2].DueAt)
	}
}

func testChangeStatus(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("c@usf.pt", T0)))
	agent := balcao.Actor{ID: 0, Name: "Rui (agente)"}
	step := func(to balcao.Status, at time.Duration) *balcao.Ticket {
		t.Helper()
		return must[*balcao.Ticket](t)(s.ChangeStatus(ctx, tk.ID, to, agent, "motivo "+string(to), T0.Add(at)))
	}
	step(balcao.StatusOpen, time.Minute)
	r := step(balcao.StatusResolved, time.Hour)
	if !r.ResolvedAt.Equal(T0.Add(time.Hour)) {
		t.Errorf("resolved_at %v", r.ResolvedAt)
	}
	_, err := s.ChangeStatus(ctx, tk.ID, balcao.StatusPendingApproval, agent, "", T0.Add(2*time.Hour))
	wantCode(t, err, balcao.EINVALID)
	if msg := balcao.ErrorMessage(err); !strings.Contains(msg, "open") || !strings.Contains(msg, "closed") {
		t.Errorf("refusal %q should list the possible moves", msg)
	}
	re := step(balcao.StatusOpen, 3*time.Hour)
	if re.ReopenCount != 1 || !re.ResolvedAt.IsZero() || !re.UpdatedAt.Equal(T0.Add(3*time.Hour)) {
		t.Errorf("reopen: count %d resolved_at %v", re.ReopenCount, re.ResolvedAt)
	}
	step(balcao.StatusResolved, 4*time.Hour)
	c := step(balcao.StatusClosed, 5*time.Hour)
	if !c.ClosedAt.Equal(T0.Add(5 * time.Hour)) {
		t.Errorf("closed_at %v", c.ClosedAt)
	}
	_, err = s.ChangeStatus(ctx, tk.ID, balcao.StatusOpen, agent, "", T0.Add(6*time.Hour))
	wantCode(t, err, balcao.EINVALID)
	_, err = s.ChangeStatus(ctx, 987654, balcao.StatusOpen, agent, "", T0)
	wantCode(t, err, balcao.ENOTFOUND)

	evs := must[[]*balcao.Event](t)(s.Events(ctx, tk.ID))
	var trail []string
	for _, e := range evs[1:] {
		trail = append(trail, e.From+">"+e.To)
		if e.ActorName != "Rui (agente)" || e.Kind != balcao.EventStatus || !strings.HasPrefix(e.Reason, "motivo ") {
			t.Errorf("event %+v", e)
		}
	}
	want := []string{"new>open", "open>resolved", "resolved>open", "open>resolved", "resolved>closed"}
	if !slices.Equal(trail, want) {
		t.Fatalf("history %v, want %v", trail, want)
	}
}

func testAddMessage(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("d@usf.pt", T0)))
	m := &balcao.Message{Direction: balcao.DirectionNote, Channel: balcao.ChannelPortal, Text: "nota interna", CreatedAt: T0.Add(time.Hour), MessageID: "n1@desk"}
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, m, balcao.Actor{Name: "Rui"}))
	wantCode(t, s.AddMessage(ctx, tk.ID, &balcao.Message{Channel: balcao.ChannelEmail, MessageID: "n1@desk"}, balcao.SystemActor), balcao.ECONFLICT)
	wantCode(t, s.AddMessage(ctx, 424242, &balcao.Message{Channel: balcao.ChannelEmail}, balcao.SystemActor), balcao.ENOTFOUND)
	wantCode(t, s.AddMessage(ctx, tk.ID, &balcao.Message{Channel: "pigeon"}, balcao.SystemActor), balcao.EINVALID)
	msgs := must[[]*balcao.Message](t)(s.Messages(ctx, tk.ID))
	if len(msgs) != 1 || msgs[0].Direction != balcao.DirectionNote || msgs[0].Text != "nota interna" {
		t.Fatalf("messages %+v", msgs)
	}
	got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if !got.UpdatedAt.Equal(T0.Add(time.Hour)) {
		t.Fatalf("updated_at %v", got.UpdatedAt)
	}
	// An automatic answer dated earlier does not move the update time back;
	// one dated the same changes nothing; a later one moves it on.
	for _, c := range []struct {
		at, want time.Time
	}{{T0.Add(30 * time.Minute), T0.Add(time.Hour)}, {T0.Add(time.Hour), T0.Add(time.Hour)}, {T0.Add(2 * time.Hour), T0.Add(2 * time.Hour)}} {
		auto := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Auto: true, Text: "recebido", CreatedAt: c.at}
		must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, auto, balcao.SystemActor))
		if got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.UpdatedAt.Equal(c.want) {
			t.Fatalf("automatic answer at %v: updated_at %v, want %v", c.at, got.UpdatedAt, c.want)
		}
	}
}

// testConcurrentNewRequester: the first requests of one new requester,
// arriving together through two handles, all become tickets of one user.
func testConcurrentNewRequester(t *testing.T, open Opener) {
	s1, again := open(t)
	s2 := again(t)
	setupTeam(t, s1)
	const each = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	ids := make(chan int64, 2*each)
	for _, s := range []balcao.Store{s1, s2} {
		for range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, err := s.CreateTicket(ctx, newTicket("primeira.vez@usf.pt", T0))
				if err != nil {
					errs <- err
					return
				}
				ids <- tk.RequesterID
			}()
		}
	}
	wg.Wait()
	close(errs)
	close(ids)
	for err := range errs {
		t.Errorf("a first request failed: %v", err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Fatalf("the requester's tickets name %d users, want 1", len(seen))
	}
}

// testReservedNumbers mixes numbers drawn ahead (on two handles of one
// database, as two processes would) with numbers drawn in the ticket's
// transaction: every ticket gets the number reserved for it, no number is
// given twice, and a reserved number left unused is never given to
// another ticket.
func testReservedNumbers(t *testing.T, open Opener) {
	s1, s2 := twoHandles(t, open)
	const each = 200
	var mu sync.Mutex
	numbers := map[balcao.TicketNumber]string{}
	skipped := map[balcao.TicketNumber]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, 3*each)
	work := func(w int, s balcao.Store, reserve bool) {
		defer wg.Done()
		var last int64
		for i := range each {
			nt := newTicket(fmt.Sprintf("r%d-%d@usf.pt", w, i%20), T0)
			nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, Text: "pedido", MessageID: fmt.Sprintf("r%d-%d@test", w, i)}
			var want balcao.TicketNumber
			if reserve {
				seq, n, err := s.ReserveTicketNumber(ctx, T0.Year())
				if err != nil {
					errs <- err
					continue
				}
				if seq <= last {
					errs <- fmt.Errorf("worker %d: reserved %d after %d", w, seq, last)
				}
				last = seq
				if i%10 == 9 {
					mu.Lock()
					skipped[n] = true // reserved and never used
					mu.Unlock()
					continue
				}
				nt.Seq, want = seq, n
			}
			tk, err := s.CreateTicket(ctx, nt)
			if err != nil {
				errs <- err
				continue
			}
			if want != "" && tk.Number != want {
				errs <- fmt.Errorf("worker %d: ticket got %s, reserved %s", w, tk.Number, want)
			}
			mu.Lock()
			if other, dup := numbers[tk.Number]; dup {
				errs <- fmt.Errorf("number %s given to %s and %s", tk.Number, other, nt.RequesterEmail)
			}
			numbers[tk.Number] = nt.RequesterEmail
			mu.Unlock()
		}
	}
	wg.Add(3)
	go work(0, s1, true)
	go work(1, s2, true)
	go work(2, s1, false)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if want := 3*each - 2*each/10; len(numbers) != want {
		t.Fatalf("%d tickets, want %d", len(numbers), want)
	}
	for n := range skipped {
		if _, used := numbers[n]; used {
			t.Errorf("number %s was reserved and left unused, then given to a ticket", n)
		}
	}
	// Read back: each ticket is found by the number it was given.
	for n, who := range numbers {
		tk, err := s1.TicketByNumber(ctx, n)
		if err != nil {
			t.Fatalf("ticket %s: %v", n, err)
		}
		if tk.RequesterEmail != who {
			t.Fatalf("ticket %s belongs to %s, want %s", n, tk.RequesterEmail, who)
		}
	}
}

// testAnswerInCreatingTransaction: an automatic answer written with the
// ticket, at its creation time, leaves the ticket as it is; a later one in
// the same transaction moves its update time.
func testAnswerInCreatingTransaction(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	var ids [2]int64
	var numbers [2]balcao.TicketNumber
	err := s.Update(ctx, func(tx balcao.Tx) error {
		for i, later := range []time.Duration{0, time.Hour} {
			nt := newTicket("ana@usf.pt", T0)
			nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, Text: "pedido", MessageID: fmt.Sprintf("in-%d@usf.pt", i)}
			tk, err := tx.CreateTicket(nt)
			if err != nil {
				return err
			}
			ids[i], numbers[i] = tk.ID, tk.Number
			ack := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Text: "recebido",
				MessageID: fmt.Sprintf("ack-%d@balcao", i), Auto: true, CreatedAt: T0.Add(later)}
			if err := tx.AddMessage(tk.ID, ack, balcao.SystemActor); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []time.Time{T0, T0.Add(time.Hour)} {
		tk := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, numbers[i]))
		if !tk.UpdatedAt.Equal(want) {
			t.Errorf("ticket %d updated at %v, want %v", i, tk.UpdatedAt, want)
		}
		msgs := must[[]*balcao.Message](t)(s.Messages(ctx, ids[i]))
		if len(msgs) != 2 || msgs[1].Direction != balcao.DirectionOut || !msgs[1].Auto {
			t.Errorf("ticket %d messages %+v", i, msgs)
		}
	}
	wantCode(t, s.Update(ctx, func(tx balcao.Tx) error {
		return tx.AddMessage(987654, &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Auto: true, CreatedAt: T0}, balcao.SystemActor)
	}), balcao.ENOTFOUND)
}

// testTeamRenamed: a ticket created after its team was renamed carries the
// new name; an unknown team is refused.
func testTeamRenamed(t *testing.T, open Opener) {
	s, _ := open(t)
	team := setupTeam(t, s)
	before := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	if before.TeamID != team.ID || before.TeamName != "Equipa CIT" {
		t.Fatalf("team %d %q", before.TeamID, before.TeamName)
	}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, &balcao.Team{Code: "cit", Name: "Equipa de Certificados de Incapacidade"}))
	after := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	if after.TeamID != team.ID || after.TeamName != "Equipa de Certificados de Incapacidade" {
		t.Errorf("after the rename: team %d %q", after.TeamID, after.TeamName)
	}
	nt := newTicket("ana@usf.pt", T0)
	nt.TeamCode = "nenhuma"
	_, err := s.CreateTicket(ctx, nt)
	wantCode(t, err, balcao.EINVALID)
}

// testConcurrentNumbering is the acceptance test: two writers (two
// independent handles, as two instances would have) creating 1,000 tickets
// each get 2,000 distinct numbers and no error at all.
func testConcurrentNumbering(t *testing.T, open Opener) {
	s1, s2 := twoHandles(t, open)
	const each = 1000
	var mu sync.Mutex
	numbers := map[balcao.TicketNumber]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w, s := range []balcao.Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				nt := newTicket(fmt.Sprintf("w%d-%d@usf.pt", w, i%50), T0)
				nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, Text: "pedido", MessageID: fmt.Sprintf("w%d-%d@test", w, i)}
				tk, err := s.CreateTicket(ctx, nt)
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				numbers[tk.Number] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("create failed: %v", err)
	}
	if len(numbers) != 2*each {
		t.Fatalf("%d distinct numbers, want %d", len(numbers), 2*each)
	}
	for i := 1; i <= 2*each; i++ {
		if !numbers[balcao.FormatTicketNumber("SD", 2026, int64(i))] {
			t.Fatalf("number %d missing: the sequence has a gap", i)
		}
	}
}
