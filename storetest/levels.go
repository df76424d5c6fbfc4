package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"balcao"
)

func testSLASchedule(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	nt := newTicket("ana@usf.pt", T0)
	nt.DueAt, nt.FirstResponseDue = T0.Add(8*time.Hour), T0.Add(2*time.Hour)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if !got.DueAt.Equal(nt.DueAt) || !got.FirstResponseDue.Equal(nt.FirstResponseDue) || !got.SLACheckAt.Equal(T0) {
		t.Fatalf("new ticket: due %v, first response due %v, check %v", got.DueAt, got.FirstResponseDue, got.SLACheckAt)
	}
	if due := must[[]*balcao.Ticket](t)(s.SLADue(ctx, T0.Add(-time.Second), 10)); len(due) != 0 {
		t.Fatalf("due before its check time: %d", len(due))
	}
	// A channel that measured the ticket says when to look first.
	later := newTicket("rui@usf.pt", T0)
	later.SLACheckAt = T0.Add(time.Hour)
	lt := must[*balcao.Ticket](t)(s.CreateTicket(ctx, later))
	if got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, lt.Number)); !got.SLACheckAt.Equal(later.SLACheckAt) || !lt.SLACheckAt.Equal(later.SLACheckAt) {
		t.Fatalf("check time given at creation: %v", got.SLACheckAt)
	}
	due := must[[]*balcao.Ticket](t)(s.SLADue(ctx, T0, 10))
	if len(due) != 1 || due[0].ID != tk.ID {
		t.Fatalf("SLADue = %v", due)
	}
	next := T0.Add(6 * time.Hour)
	sched := balcao.SLASchedule{FirstResponseDue: T0.Add(time.Hour), ResolutionDue: T0.Add(7 * time.Hour), NextCheck: next,
		FirstResponseAt: T0.Add(30 * time.Minute)}
	if ok := must[bool](t)(s.SetSLASchedule(ctx, tk.ID, due[0].SLACheckAt, sched)); !ok {
		t.Fatal("schedule refused")
	}
	got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if !got.DueAt.Equal(sched.ResolutionDue) || !got.FirstResponseDue.Equal(sched.FirstResponseDue) || !got.SLACheckAt.Equal(next) ||
		!got.FirstResponseAt.Equal(sched.FirstResponseAt) {
		t.Fatalf("after schedule: %v %v %v", got.DueAt, got.FirstResponseDue, got.SLACheckAt)
	}
	// A stale read does not overwrite a newer mark.
	if ok := must[bool](t)(s.SetSLASchedule(ctx, tk.ID, T0, sched)); ok {
		t.Fatal("a schedule from a stale read was stored")
	}
	// A change of priority, of state, or a human answer marks the ticket
	// for a new measure at once; an automatic answer does not.
	at := T0.Add(time.Hour)
	must[*balcao.Ticket](t)(s.ChangePriority(ctx, tk.ID, 1, 1, balcao.SystemActor, "urgente por telefone", at))
	if got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.SLACheckAt.Equal(at) {
		t.Fatalf("priority change: check at %v, want %v", got.SLACheckAt, at)
	}
	must[bool](t)(s.SetSLASchedule(ctx, tk.ID, at, balcao.SLASchedule{}))
	if got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.SLACheckAt.IsZero() || !got.DueAt.IsZero() {
		t.Fatalf("cleared schedule: %v %v", got.SLACheckAt, got.DueAt)
	}
	auto := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Auto: true, Text: "recebido", CreatedAt: at.Add(time.Minute)}
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, auto, balcao.SystemActor))
	if got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.SLACheckAt.IsZero() {
		t.Fatal("an automatic answer marked the ticket")
	}
	human := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Text: "Estamos a analisar.", CreatedAt: at.Add(2 * time.Minute)}
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, human, balcao.SystemActor))
	if got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.SLACheckAt.Equal(human.CreatedAt) {
		t.Fatal("a human answer did not mark the ticket")
	}
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, tk.ID, balcao.StatusPendingRequester, balcao.SystemActor, "", at.Add(time.Hour)))
	if got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.SLACheckAt.Equal(at.Add(time.Hour)) {
		t.Fatal("a change of state did not mark the ticket")
	}
	agent := &balcao.User{Email: "rita@desk.pt", Role: balcao.RoleAgent}
	must[struct{}](t)(struct{}{}, s.CreateUser(ctx, agent))
	must[*balcao.Ticket](t)(s.AssignTicket(ctx, tk.ID, agent.ID, balcao.SystemActor, at.Add(2*time.Hour)))
	if got = must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number)); !got.SLACheckAt.Equal(at.Add(2 * time.Hour)) {
		t.Fatal("an assignment did not mark the ticket")
	}
}

func testSLARecords(t *testing.T, open Opener) {
	s, _ := open(t)
	team := setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	agent := &balcao.User{Email: "agente@desk.pt", Role: balcao.RoleAgent}
	sup := &balcao.User{Email: "chefe@desk.pt", Role: balcao.RoleSupervisor}
	other := &balcao.User{Email: "outro@desk.pt", Role: balcao.RoleAgent}
	for _, u := range []*balcao.User{agent, sup, other} {
		must[struct{}](t)(struct{}{}, s.CreateUser(ctx, u))
	}
	must[struct{}](t)(struct{}{}, s.AddTeamMember(ctx, team.ID, agent.ID))
	must[struct{}](t)(struct{}{}, s.AddTeamMember(ctx, team.ID, sup.ID))
	must[struct{}](t)(struct{}{}, s.AddTeamMember(ctx, team.ID, sup.ID)) // twice is no error
	staff := must[[]*balcao.User](t)(s.TeamMembers(ctx, team.ID))
	var emails []string
	for _, u := range staff {
		emails = append(emails, u.Email)
	}
	if !slices.Equal(emails, []string{"agente@desk.pt", "chefe@desk.pt"}) {
		t.Fatalf("team staff = %v", emails)
	}

	rec := func(clock, kind string, at time.Time) bool {
		var inserted bool
		err := s.Update(ctx, func(tx balcao.Tx) error {
			var err error
			inserted, err = tx.RecordSLA(&balcao.SLARecord{TicketID: tk.ID, Clock: clock, Kind: kind, DueAt: T0.Add(time.Hour),
				RecordedAt: at, TeamID: team.ID, Service: "cit", Priority: 2})
			if err != nil || !inserted {
				return err
			}
			return tx.Notify(&balcao.Notification{UserID: agent.ID, TicketID: tk.ID, Kind: "sla_" + kind, Body: clock + " " + kind, CreatedAt: at})
		})
		if err != nil {
			t.Fatal(err)
		}
		return inserted
	}
	if !rec(balcao.SLAFirstResponse, balcao.SLAWarning, T0.Add(48*time.Minute)) || !rec(balcao.SLAFirstResponse, balcao.SLABreach, T0.Add(61*time.Minute)) {
		t.Fatal("records not inserted")
	}
	if rec(balcao.SLAFirstResponse, balcao.SLABreach, T0.Add(2*time.Hour)) {
		t.Fatal("the same breach was recorded twice")
	}
	if !rec(balcao.SLAResolution, balcao.SLABreach, T0.Add(9*time.Hour)) {
		t.Fatal("resolution breach not recorded")
	}
	sum := must[*balcao.SLASummary](t)(s.SLASummary(ctx, balcao.ReportFilter{Service: "cit"}))
	if *sum != (balcao.SLASummary{FirstResponseWarnings: 1, FirstResponseBreaches: 1, ResolutionBreaches: 1}) {
		t.Fatalf("summary = %+v", sum)
	}
	sum = must[*balcao.SLASummary](t)(s.SLASummary(ctx, balcao.ReportFilter{From: T0.Add(2 * time.Hour), TeamID: team.ID}))
	if *sum != (balcao.SLASummary{ResolutionBreaches: 1}) {
		t.Fatalf("summary from T0+2h = %+v", sum)
	}
	if sum = must[*balcao.SLASummary](t)(s.SLASummary(ctx, balcao.ReportFilter{Service: "webrnu"})); *sum != (balcao.SLASummary{}) {
		t.Fatalf("other service = %+v", sum)
	}

	ns := must[[]*balcao.Notification](t)(s.Notifications(ctx, agent.ID, true, 10))
	if len(ns) != 3 || ns[0].TicketNumber != tk.Number || ns[0].Kind != "sla_breach" || ns[0].Body != "resolution breach" {
		t.Fatalf("notifications = %+v", ns)
	}
	must[struct{}](t)(struct{}{}, s.MarkNotificationsRead(ctx, agent.ID, ns[1].ID, T0.Add(10*time.Hour)))
	if unread := must[[]*balcao.Notification](t)(s.Notifications(ctx, agent.ID, true, 10)); len(unread) != 1 || unread[0].ID != ns[0].ID {
		t.Fatalf("unread after marking = %+v", unread)
	}
	if all := must[[]*balcao.Notification](t)(s.Notifications(ctx, agent.ID, false, 10)); len(all) != 3 || all[2].ReadAt.IsZero() {
		t.Fatalf("all = %+v", all)
	}
	if ns := must[[]*balcao.Notification](t)(s.Notifications(ctx, other.ID, false, 10)); len(ns) != 0 {
		t.Fatal("another user sees the notifications")
	}
}

func testRatings(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	a := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	b := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("rui@usf.pt", T0)))
	if got := must[[]*balcao.Ticket](t)(s.RatingsToRequest(ctx, T0.Add(time.Hour), 10)); len(got) != 0 {
		t.Fatal("open tickets asked for a rating")
	}
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, a.ID, balcao.StatusResolved, balcao.SystemActor, "", T0.Add(time.Hour)))
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, b.ID, balcao.StatusResolved, balcao.SystemActor, "", T0.Add(2*time.Hour)))
	got := must[[]*balcao.Ticket](t)(s.RatingsToRequest(ctx, T0.Add(90*time.Minute), 10))
	if len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("to request = %v", got)
	}
	secret := sha256.Sum256([]byte("segredo do link"))
	err := s.Update(ctx, func(tx balcao.Tx) error { return tx.CreateRatingLink(a.ID, secret, T0.Add(90*time.Minute)) })
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx balcao.Tx) error { return tx.CreateRatingLink(a.ID, sha256.Sum256([]byte("outro")), T0) })
	wantCode(t, err, balcao.ECONFLICT)
	if got := must[[]*balcao.Ticket](t)(s.RatingsToRequest(ctx, T0.Add(3*time.Hour), 10)); len(got) != 1 || got[0].ID != b.ID {
		t.Fatalf("to request after link = %v", got)
	}
	if tk := must[*balcao.Ticket](t)(s.TicketByRatingHash(ctx, secret)); tk.ID != a.ID {
		t.Fatal("link finds another ticket")
	}
	_, err = s.TicketByRatingHash(ctx, sha256.Sum256([]byte("não existe")))
	wantCode(t, err, balcao.ENOTFOUND)

	_, err = s.Rating(ctx, a.ID)
	wantCode(t, err, balcao.ENOTFOUND)
	wantCode(t, s.SetRating(ctx, &balcao.Rating{TicketID: a.ID, Score: 6}, balcao.SystemActor, T0), balcao.EINVALID)
	wantCode(t, s.SetRating(ctx, &balcao.Rating{TicketID: a.ID, Score: 0}, balcao.SystemActor, T0), balcao.EINVALID)
	actor := balcao.Actor{ID: a.RequesterID, Name: "Ana Costa"}
	must[struct{}](t)(struct{}{}, s.SetRating(ctx, &balcao.Rating{TicketID: a.ID, Score: 2, Comment: " demorou "}, actor, T0.Add(4*time.Hour)))
	must[struct{}](t)(struct{}{}, s.SetRating(ctx, &balcao.Rating{TicketID: a.ID, Score: 4, Comment: "afinal resolveu"}, actor, T0.Add(5*time.Hour)))
	must[struct{}](t)(struct{}{}, s.SetRating(ctx, &balcao.Rating{TicketID: b.ID, Score: 5}, balcao.SystemActor, T0.Add(5*time.Hour)))
	r := must[*balcao.Rating](t)(s.Rating(ctx, a.ID))
	if r.Score != 4 || r.Comment != "afinal resolveu" || !r.CreatedAt.Equal(T0.Add(4*time.Hour)) || !r.UpdatedAt.Equal(T0.Add(5*time.Hour)) {
		t.Fatalf("rating = %+v", r)
	}
	var changes []string
	for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, a.ID)) {
		if e.Kind == balcao.EventRating {
			changes = append(changes, e.From+">"+e.To)
		}
	}
	if !slices.Equal(changes, []string{">2", "2>4"}) {
		t.Fatalf("rating events = %v", changes)
	}
	sum := must[*balcao.RatingSummary](t)(s.RatingSummary(ctx, balcao.ReportFilter{}))
	if sum.Count != 2 || sum.Average != 4.5 || sum.ByScore != [5]int{0, 0, 0, 1, 1} {
		t.Fatalf("summary = %+v", sum)
	}
	if sum = must[*balcao.RatingSummary](t)(s.RatingSummary(ctx, balcao.ReportFilter{To: T0.Add(time.Hour)})); sum.Count != 0 {
		t.Fatalf("summary before any rating = %+v", sum)
	}
}

func testOriginalsComeBackWhole(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	png := make([]byte, 20000)
	for i := range png {
		png[i] = byte(i*7 + i/300)
	}
	sum := sha256.Sum256(png)
	enc := base64.StdEncoding.EncodeToString(png)
	var body strings.Builder
	for len(enc) > 76 {
		body.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	body.WriteString(enc)
	raw := []byte("From: ana@usf.pt\r\nSubject: print\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n" +
		"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body.String() + "\r\n--X--\r\n")
	m := &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail, Text: "print", Raw: raw, CreatedAt: T0,
		Attachments: []*balcao.Attachment{{Filename: "erro.png", MediaType: "image/png", Size: int64(len(png)), SHA256: fmt.Sprintf("%x", sum), Data: png}}}
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, m, balcao.SystemActor))
	got := must[[]byte](t)(s.Blob(ctx, m.RawSHA256))
	if !bytes.Equal(got, raw) {
		t.Fatalf("the original came back with %d bytes, want %d", len(got), len(raw))
	}
	if att := must[[]byte](t)(s.Blob(ctx, fmt.Sprintf("%x", sum))); !bytes.Equal(att, png) {
		t.Fatal("the attachment changed")
	}
	// The same file attached twice, and again in a later message: stored
	// once, listed each time.
	twice := &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail, Text: "outra vez", CreatedAt: T0.Add(time.Minute),
		Attachments: []*balcao.Attachment{
			{Filename: "erro.png", MediaType: "image/png", Data: png},
			{Filename: "erro-copia.png", MediaType: "image/png", Data: png}}}
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, twice, balcao.SystemActor))
	n := 0
	for _, m := range must[[]*balcao.Message](t)(s.Messages(ctx, tk.ID)) {
		n += len(m.Attachments)
	}
	if n != 3 {
		t.Fatalf("%d attachments listed, want 3", n)
	}
	if att := must[[]byte](t)(s.Blob(ctx, fmt.Sprintf("%x", sum))); !bytes.Equal(att, png) {
		t.Fatal("the attachment changed when stored again")
	}
}
