package storetest

import (
	"testing"
	"time"

	"balcao"
)

// RunActions runs the tests of the console's ticket actions (merge, links,
// request type, canned responses); Run calls it.
func RunActions(t *testing.T, open Opener) {
	t.Run("MergeTicket", func(t *testing.T) { testMergeTicket(t, open) })
	t.Run("TicketLinks", func(t *testing.T) { testTicketLinks(t, open) })
	t.Run("ChangeRequestType", func(t *testing.T) { testChangeRequestType(t, open) })
	t.Run("CannedResponses", func(t *testing.T) { testCannedResponses(t, open) })
}

func testMergeTicket(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	into := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	nt := newTicket("rui@usf.pt", T0.Add(time.Minute))
	nt.Message = &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail, FromAddr: "rui@usf.pt", Text: "outra vez o erro", CreatedAt: T0.Add(time.Minute)}
	dup := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	actor := balcao.Actor{ID: 0, Name: "Agente"}
	now := T0.Add(time.Hour)

	update := func(fn func(tx balcao.Tx) error) error { return s.Update(ctx, fn) }
	wantCode(t, update(func(tx balcao.Tx) error { return tx.MergeTicket(dup.ID, dup.ID, actor, now) }), balcao.EINVALID)
	if err := update(func(tx balcao.Tx) error { return tx.MergeTicket(dup.ID, into.ID, actor, now) }); err != nil {
		t.Fatal(err)
	}
	got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, dup.Number))
	if got.Status != balcao.StatusMerged || got.MergedInto != into.ID {
		t.Fatalf("duplicate: %s into %d", got.Status, got.MergedInto)
	}
	if msgs := must[[]*balcao.Message](t)(s.Messages(ctx, dup.ID)); len(msgs) != 0 {
		t.Fatalf("duplicate still holds %d messages", len(msgs))
	}
	msgs := must[[]*balcao.Message](t)(s.Messages(ctx, into.ID))
	if len(msgs) != 1 || msgs[0].Text != "outra vez o erro" {
		t.Fatalf("messages of the ticket merged into: %+v", msgs)
	}
	for id, field := range map[int64]string{dup.ID: "merged_into", into.ID: "merged_from"} {
		found := false
		for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, id)) {
			found = found || (e.Kind == balcao.EventMerge && e.Field == field && e.From == string(dup.Number) && e.To == string(into.Number) && e.Reason == "1")
		}
		if !found {
			t.Errorf("no %s event on ticket %d", field, id)
		}
	}
	links := must[[]*balcao.TicketLink](t)(s.TicketLinks(ctx, into.ID))
	if len(links) != 1 || links[0].Kind != balcao.LinkMerged || !links[0].Incoming || links[0].Number != dup.Number || links[0].Status != balcao.StatusMerged {
		t.Fatalf("links: %+v", links)
	}
	// The duplicate's requester may write into the ticket that took it.
	if err := update(func(tx balcao.Tx) error {
		ok, err := tx.IsParticipant(into.ID, "rui@usf.pt")
		if err == nil && !ok {
			t.Error("the duplicate's requester is not a participant")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A merged ticket is final: it merges no more, and nothing merges into it.
	other := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("eva@usf.pt", T0)))
	wantCode(t, update(func(tx balcao.Tx) error { return tx.MergeTicket(dup.ID, other.ID, actor, now) }), balcao.EINVALID)
	wantCode(t, update(func(tx balcao.Tx) error { return tx.MergeTicket(other.ID, dup.ID, actor, now) }), balcao.EINVALID)
	wantCode(t, update(func(tx balcao.Tx) error { return tx.MergeTicket(other.ID, 999999, actor, now) }), balcao.ENOTFOUND)
}

func testTicketLinks(t *testing.T, open Opener) {
	s, _ := open(t)
	team := setupTeam(t, s)
	a := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	b := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	c := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	if err := s.Update(ctx, func(tx balcao.Tx) error {
		if err := tx.LinkTickets(a.ID, b.ID, balcao.LinkRelated, T0.Add(time.Minute)); err != nil {
			return err
		}
		if err := tx.LinkTickets(c.ID, a.ID, balcao.LinkFollows, T0.Add(2*time.Minute)); err != nil {
			return err
		}
		return tx.LinkTickets(a.ID, b.ID, balcao.LinkRelated, T0.Add(3*time.Minute)) // twice is once
	}); err != nil {
		t.Fatal(err)
	}
	links := must[[]*balcao.TicketLink](t)(s.TicketLinks(ctx, a.ID))
	if len(links) != 2 || links[0].Number != b.Number || links[0].Incoming || links[0].Kind != balcao.LinkRelated ||
		links[1].Number != c.Number || !links[1].Incoming || links[1].Kind != balcao.LinkFollows || links[0].Subject != b.Subject || links[0].TeamID != team.ID || links[0].AssigneeID != 0 {
		t.Fatalf("links of a: %+v", links)
	}
	if links := must[[]*balcao.TicketLink](t)(s.TicketLinks(ctx, 999999)); len(links) != 0 {
		t.Fatalf("links of nothing: %+v", links)
	}
}

func testChangeRequestType(t *testing.T, open Opener) {
	s, _ := open(t)
	team := setupTeam(t, s)
	other := &balcao.Team{Code: "rnu", Name: "Equipa RNU"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, other))
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	actor := balcao.Actor{Name: "Agente"}
	missing := []balcao.FieldProblem{{Key: "utente.nome", Label: "Nome", Problem: "indique o nome"}}
	if err := s.Update(ctx, func(tx balcao.Tx) error {
		return tx.ChangeRequestType(tk.ID, "rnu-a", "rnu", other.ID, map[string]string{"descricao": "Erro ao emitir CIT"}, missing, actor, T0.Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if got.RequestType != "rnu-a" || got.Service != "rnu" || got.TeamID != other.ID || len(got.Missing) != 1 || got.Missing[0].Key != "utente.nome" ||
		len(got.Fields) != 1 {
		t.Fatalf("after the change: %+v", got)
	}
	kinds := map[balcao.EventKind]int{}
	for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, tk.ID)) {
		kinds[e.Kind]++
		if e.Kind == balcao.EventRequestType && (e.From != "cit-d1" || e.To != "rnu-a") {
			t.Errorf("request type event %+v", e)
		}
		if e.Kind == balcao.EventTeam && (e.From != team.Code || e.To != other.Code) {
			t.Errorf("team event %+v", e)
		}
	}
	if kinds[balcao.EventRequestType] != 1 || kinds[balcao.EventTeam] != 1 || kinds[balcao.EventField] != 3 {
		t.Fatalf("events %v", kinds)
	}
	wantCode(t, s.Update(ctx, func(tx balcao.Tx) error {
		return tx.ChangeRequestType(tk.ID, "rnu-a", "rnu", 999999, nil, nil, actor, T0.Add(time.Hour))
	}), balcao.EINVALID)
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, tk.ID, balcao.StatusCancelled, actor, "", T0.Add(2*time.Hour)))
	wantCode(t, s.Update(ctx, func(tx balcao.Tx) error {
		return tx.ChangeRequestType(tk.ID, "cit-d1", "cit", team.ID, nil, nil, actor, T0.Add(3*time.Hour))
	}), balcao.EINVALID)
}

func testCannedResponses(t *testing.T, open Opener) {
	s, _ := open(t)
	a := &balcao.CannedResponse{RequestType: "cit-d1", Title: " Pedido de print ", Texts: map[string]string{"pt-PT": "Envie uma captura do ecrã.", "en": " Send a screenshot. ", "es": "  "},
		UpdatedBy: "Sara", UpdatedAt: T0}
	b := &balcao.CannedResponse{Title: "Agradecimento", Texts: map[string]string{"pt-BR": "Obrigado pelo contato."}, UpdatedAt: T0}
	c := &balcao.CannedResponse{RequestType: "rnu-a", Title: "RNU", Texts: map[string]string{"pt-PT": "Texto RNU."}, UpdatedAt: T0}
	for _, x := range []*balcao.CannedResponse{a, b, c} {
		must[struct{}](t)(struct{}{}, s.SaveCannedResponse(ctx, x))
	}
	wantCode(t, s.SaveCannedResponse(ctx, &balcao.CannedResponse{Title: " ", Texts: map[string]string{"pt-PT": "x"}, UpdatedAt: T0}), balcao.EINVALID)
	wantCode(t, s.SaveCannedResponse(ctx, &balcao.CannedResponse{Title: "x", Texts: map[string]string{"pt-PT": " ", "en": ""}, UpdatedAt: T0}), balcao.EINVALID)
	wantCode(t, s.SaveCannedResponse(ctx, &balcao.CannedResponse{Title: "x", UpdatedAt: T0}), balcao.EINVALID)
	wantCode(t, s.SaveCannedResponse(ctx, &balcao.CannedResponse{Title: "x", Texts: map[string]string{"fr": "Bonjour"}, UpdatedAt: T0}), balcao.EINVALID)
	wantCode(t, s.SaveCannedResponse(ctx, &balcao.CannedResponse{ID: 999999, Title: "x", Texts: map[string]string{"pt-PT": "y"}, UpdatedAt: T0}), balcao.ENOTFOUND)
	list := must[[]*balcao.CannedResponse](t)(s.CannedResponses(ctx, "cit-d1", false))
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID || list[1].Title != "Pedido de print" || list[1].UpdatedBy != "Sara" || !list[1].UpdatedAt.Equal(T0) {
		t.Fatalf("for cit-d1: %+v", list)
	}
	// Texts trimmed, blank ones left out.
	if got := list[1].Texts; len(got) != 2 || got["pt-PT"] != "Envie uma captura do ecrã." || got["en"] != "Send a screenshot." {
		t.Fatalf("texts of a: %q", got)
	}
	if got := list[0].Texts; len(got) != 1 || got["pt-BR"] != "Obrigado pelo contato." {
		t.Fatalf("texts of b: %q", got)
	}
	if all := must[[]*balcao.CannedResponse](t)(s.CannedResponses(ctx, "", true)); len(all) != 3 {
		t.Fatalf("all: %d", len(all))
	}
	// An edit replaces the texts: a language removed is gone.
	a.Texts, a.UpdatedAt = map[string]string{"pt-PT": "Envie uma captura do ecrã inteiro.", "pt-BR": "Envie um print da tela inteira."}, T0.Add(time.Hour)
	must[struct{}](t)(struct{}{}, s.SaveCannedResponse(ctx, a))
	must[struct{}](t)(struct{}{}, s.DeleteCannedResponse(ctx, b.ID))
	wantCode(t, s.DeleteCannedResponse(ctx, b.ID), balcao.ENOTFOUND)
	list = must[[]*balcao.CannedResponse](t)(s.CannedResponses(ctx, "cit-d1", false))
	if len(list) != 1 || len(list[0].Texts) != 2 || list[0].Texts["pt-PT"] != "Envie uma captura do ecrã inteiro." || list[0].Texts["pt-BR"] != "Envie um print da tela inteira." ||
		!list[0].UpdatedAt.Equal(T0.Add(time.Hour)) {
		t.Fatalf("after edit and delete: %+v", list)
	}
	// A deleted response leaves no text behind: a new one with the same
	// texts reads back only its own.
	d := &balcao.CannedResponse{Title: "Agradecimento", Texts: map[string]string{"es": "Gracias."}, UpdatedAt: T0}
	must[struct{}](t)(struct{}{}, s.SaveCannedResponse(ctx, d))
	for _, x := range must[[]*balcao.CannedResponse](t)(s.CannedResponses(ctx, "", true)) {
		if x.ID == d.ID && (len(x.Texts) != 1 || x.Texts["es"] != "Gracias.") {
			t.Fatalf("new response: %+v", x)
		}
	}
}
