package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"balcao"
)

// testUpdate covers the transaction API intake uses: threading lookups,
// participants, data updates, links, and that a failing step rolls back
// everything before it.
func testUpdate(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	var tk *balcao.Ticket
	err := s.Update(ctx, func(tx balcao.Tx) error {
		nt := newTicket("ana@usf.pt", T0)
		nt.Participants = []string{"Chefe@USF.pt", "ti@usf.pt"}
		nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, Text: "pedido", MessageID: "in-1@usf.pt",
			To: []string{"servicedesk@spms.min-saude.pt"}, Cc: []string{"chefe@usf.pt"}, Raw: []byte("From: ana@usf.pt\r\n\r\npedido")}
		var err error
		if tk, err = tx.CreateTicket(nt); err != nil {
			return err
		}
		ack := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, Text: "recebido", MessageID: "sd-1.ack@balcao", Auto: true}
		if err := tx.AddMessage(tk.ID, ack, balcao.SystemActor); err != nil {
			return err
		}
		return tx.Enqueue(&balcao.OutboxItem{TicketID: tk.ID, MessageID: ack.MessageID, MailFrom: "servicedesk@spms.min-saude.pt",
			Recipients: []string{"Ana@usf.pt"}, Raw: []byte("raw ack"), Auto: true, CreatedAt: T0})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx balcao.Tx) error {
		got, err := tx.TicketByMessageIDs([]string{"unknown@x", "sd-1.ack@balcao"})
		if err != nil || got.ID != tk.ID {
			t.Errorf("threading by our Message-ID: %v %v", got, err)
		}
		if _, err := tx.TicketByMessageIDs([]string{"nope@x"}); balcao.ErrorCode(err) != balcao.ENOTFOUND {
			t.Errorf("unknown ids: %v", err)
		}
		for email, want := range map[string]bool{"ana@usf.pt": true, "CHEFE@usf.pt": true, "ti@usf.pt": true, "estranho@x.pt": false} {
			if ok, err := tx.IsParticipant(tk.ID, email); err != nil || ok != want {
				t.Errorf("IsParticipant(%s) = %v, %v", email, ok, err)
			}
		}
		if ok, _ := tx.MessageStored("in-1@usf.pt"); !ok {
			t.Error("MessageStored")
		}
		if n, err := tx.AutoMailCount("ana@usf.pt", T0.Add(-time.Hour)); err != nil || n != 1 {
			t.Errorf("AutoMailCount = %d, %v", n, err)
		}
		if n, _ := tx.AutoMailCount("ana@usf.pt", T0.Add(time.Hour)); n != 0 {
			t.Errorf("AutoMailCount after = %d", n)
		}
		f := map[string]string{"descricao": "Erro ao emitir CIT", "utente.nnu": "111156119", "utente.niss": "20000000001", "novo": "x"}
		return tx.SetTicketData(tk.ID, f, nil, balcao.Actor{Name: "ana@usf.pt"}, T0.Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	got := must[*balcao.Ticket](t)(s.TicketByNumber(ctx, tk.Number))
	if got.Fields["utente.niss"] != "20000000001" || got.Fields["cedula"] != "" || len(got.Missing) != 0 {
		t.Errorf("data after update: %v %v", got.Fields, got.Missing)
	}
	var changed []string
	for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, tk.ID)) {
		if e.Kind == balcao.EventField {
			changed = append(changed, e.Field+":"+e.From+">"+e.To)
		}
	}
	if want := []string{"cedula:45123>", "novo:>x", "utente.niss:11234567892>20000000001"}; !slices.Equal(changed, want) {
		t.Errorf("field events %v, want %v", changed, want)
	}
	msgs := must[[]*balcao.Message](t)(s.Messages(ctx, tk.ID))
	if len(msgs) != 2 || msgs[0].RawSHA256 == "" || !slices.Equal(msgs[0].Cc, []string{"chefe@usf.pt"}) {
		t.Fatalf("messages %+v", msgs[0])
	}
	if raw := must[[]byte](t)(s.Blob(ctx, msgs[0].RawSHA256)); !strings.HasPrefix(string(raw), "From: ana@usf.pt") {
		t.Errorf("raw message not kept: %q", raw)
	}

	// A failure inside Update rolls back what came before it.
	before := len(must[*balcao.TicketPage](t)(s.ListTickets(ctx, balcao.TicketFilter{})).Tickets)
	err = s.Update(ctx, func(tx balcao.Tx) error {
		if _, err := tx.CreateTicket(newTicket("b@usf.pt", T0)); err != nil {
			return err
		}
		return tx.AddMessage(tk.ID, &balcao.Message{Channel: balcao.ChannelEmail, MessageID: "in-1@usf.pt"}, balcao.SystemActor)
	})
	wantCode(t, err, balcao.ECONFLICT)
	if after := len(must[*balcao.TicketPage](t)(s.ListTickets(ctx, balcao.TicketFilter{})).Tickets); after != before {
		t.Fatalf("rolled-back Update left %d tickets, had %d", after, before)
	}
	if err := s.Update(ctx, func(tx balcao.Tx) error {
		other, err := tx.CreateTicket(newTicket("ana@usf.pt", T0))
		if err != nil {
			return err
		}
		return tx.LinkTickets(other.ID, tk.ID, "follows", T0)
	}); err != nil {
		t.Fatal(err)
	}
}

func testOutbox(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0)))
	var items []*balcao.OutboxItem
	if err := s.Update(ctx, func(tx balcao.Tx) error {
		for i, rcpt := range []string{"ana@usf.pt", "b@usf.pt", "c@usf.pt"} {
			it := &balcao.OutboxItem{TicketID: tk.ID, MailFrom: "servicedesk@spms.min-saude.pt", Recipients: []string{rcpt},
				Raw: []byte("raw " + rcpt), CreatedAt: T0.Add(time.Duration(i) * time.Minute)}
			if err := tx.Enqueue(it); err != nil {
				return err
			}
			items = append(items, it)
		}
		return tx.Enqueue(&balcao.OutboxItem{MailFrom: "x@y"})
	}); balcao.ErrorCode(err) != balcao.EINVALID {
		t.Fatalf("an item without recipients must be refused: %v", err)
	}
	if err := s.Update(ctx, func(tx balcao.Tx) error {
		items = items[:0]
		for i, rcpt := range []string{"ana@usf.pt", "b@usf.pt", "c@usf.pt"} {
			it := &balcao.OutboxItem{TicketID: tk.ID, MailFrom: "servicedesk@spms.min-saude.pt", Recipients: []string{rcpt},
				Raw: []byte("raw " + rcpt), CreatedAt: T0.Add(time.Duration(i) * time.Minute)}
			if err := tx.Enqueue(it); err != nil {
				return err
			}
			items = append(items, it)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	due := must[[]*balcao.OutboxItem](t)(s.DueOutbox(ctx, T0.Add(90*time.Second), 10))
	if len(due) != 2 || due[0].ID != items[0].ID || string(due[0].Raw) != "raw ana@usf.pt" || due[0].Recipients[0] != "ana@usf.pt" {
		t.Fatalf("due %+v", due)
	}
	must[struct{}](t)(struct{}{}, s.MarkOutbox(ctx, items[0].ID, balcao.OutboxSent, "", T0, T0.Add(2*time.Minute)))
	must[struct{}](t)(struct{}{}, s.MarkOutbox(ctx, items[1].ID, balcao.OutboxPending, "451 try later", T0.Add(time.Hour), T0.Add(2*time.Minute)))
	must[struct{}](t)(struct{}{}, s.MarkOutbox(ctx, items[2].ID, balcao.OutboxFailed, "550 no such user", T0, T0.Add(2*time.Minute)))
	if due := must[[]*balcao.OutboxItem](t)(s.DueOutbox(ctx, T0.Add(10*time.Minute), 10)); len(due) != 0 {
		t.Fatalf("nothing should be due before the retry time: %+v", due)
	}
	if due := must[[]*balcao.OutboxItem](t)(s.DueOutbox(ctx, T0.Add(2*time.Hour), 10)); len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "451 try later" {
		t.Fatalf("retry: %+v", due)
	}
	failed := must[[]*balcao.OutboxItem](t)(s.ListOutbox(ctx, balcao.OutboxFailed, 10))
	if len(failed) != 1 || failed[0].LastError != "550 no such user" {
		t.Fatalf("failed: %+v", failed)
	}
	sent := must[[]*balcao.OutboxItem](t)(s.ListOutbox(ctx, balcao.OutboxSent, 10))
	if len(sent) != 1 || !sent[0].SentAt.Equal(T0.Add(2*time.Minute)) {
		t.Fatalf("sent: %+v", sent)
	}
	var failedEvent bool
	for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, tk.ID)) {
		failedEvent = failedEvent || (e.Kind == "mail_failed" && strings.Contains(e.Reason, "550"))
	}
	if !failedEvent {
		t.Error("a permanent delivery failure must be recorded on the ticket")
	}

	// Quarantine and IMAP cursors.
	q := &balcao.Quarantined{Envelope: balcao.Envelope{Source: "smtp", Recipients: []string{"servicedesk@spms.min-saude.pt"}},
		Reason: "not a MIME message", Raw: []byte("\x00garbage"), ReceivedAt: T0}
	must[struct{}](t)(struct{}{}, s.Update(ctx, func(tx balcao.Tx) error { return tx.Quarantine(q) }))
	ql := must[[]*balcao.Quarantined](t)(s.ListQuarantine(ctx, 10))
	if len(ql) != 1 || ql[0].Reason != "not a MIME message" || string(ql[0].Raw) != "\x00garbage" || ql[0].Envelope.Recipients[0] != "servicedesk@spms.min-saude.pt" {
		t.Fatalf("quarantine %+v", ql)
	}
	if v, u, err := s.MailboxCursor(ctx, "spms"); v != 0 || u != 0 || err != nil {
		t.Fatalf("unknown cursor: %d %d %v", v, u, err)
	}
	must[struct{}](t)(struct{}{}, s.SetMailboxCursor(ctx, "spms", 4000000000, 17, T0))
	must[struct{}](t)(struct{}{}, s.SetMailboxCursor(ctx, "spms", 4000000000, 42, T0))
	if v, u, _ := s.MailboxCursor(ctx, "spms"); v != 4000000000 || u != 42 {
		t.Fatalf("cursor %d %d", v, u)
	}
}

func testTryLock(t *testing.T, open Opener) {
	s1, again := open(t)
	rel, ok, err := s1.TryLock(ctx, "outbox")
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	if _, ok, _ := s1.TryLock(ctx, "outbox"); ok {
		t.Fatal("the same lock granted twice")
	}
	if r, ok, _ := s1.TryLock(ctx, "imap:spms"); !ok {
		t.Fatal("an unrelated lock refused")
	} else {
		r()
	}
	if d, isD := s1.(interface{ Dialect() string }); isD && d.Dialect() == "postgres" {
		// Another instance on the same database is refused too.
		s2 := again(t)
		if _, ok, _ := s2.TryLock(ctx, "outbox"); ok {
			t.Fatal("a second instance got the lock")
		}
		rel()
		r2, ok, err := s2.TryLock(ctx, "outbox")
		if err != nil || !ok {
			t.Fatalf("after release: %v %v", ok, err)
		}
		r2()
		return
	}
	rel()
	if r, ok, _ := s1.TryLock(ctx, "outbox"); !ok {
		t.Fatal("lock not released")
	} else {
		r()
	}
}

// testStaleTickets checks the clocks of the 30-day and 10-day rules: a
// ticket waiting on the requester is stale 30 days after the later of its
// state change and the requester's last message; an automatic message does
// not restart that clock.
func testStaleTickets(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	day := 24 * time.Hour
	mk := func() *balcao.Ticket {
		nt := newTicket("ana@usf.pt", T0)
		nt.Status = balcao.StatusPendingRequester
		return must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	}
	silent, answered, auto := mk(), mk(), mk()
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, answered.ID, &balcao.Message{Channel: balcao.ChannelEmail, Text: "ainda falta", CreatedAt: T0.Add(20 * day)}, balcao.SystemActor))
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, auto.ID, &balcao.Message{Channel: balcao.ChannelEmail, Auto: true, Text: "ausente", CreatedAt: T0.Add(20 * day)}, balcao.SystemActor))
	resolved := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("rui@usf.pt", T0)))
	must[*balcao.Ticket](t)(s.ChangeStatus(ctx, resolved.ID, balcao.StatusResolved, balcao.SystemActor, "", T0.Add(5*day)))

	// ids lists the tickets stale at now under the rule's length.
	ids := func(st balcao.Status, now time.Time) []int64 {
		before := now.Add(-30 * day)
		if st == balcao.StatusResolved {
			before = now.Add(-10 * day)
		}
		var out []int64
		for _, tk := range must[[]*balcao.Ticket](t)(s.StaleTickets(ctx, balcao.StaleFilter{Status: st, Before: before, Limit: 100})) {
			out = append(out, tk.ID)
		}
		return out
	}
	if got := ids(balcao.StatusPendingRequester, T0.Add(29*day)); len(got) != 0 {
		t.Fatalf("stale before 30 days: %v", got)
	}
	if got, want := ids(balcao.StatusPendingRequester, T0.Add(31*day)), []int64{silent.ID, auto.ID}; !slices.Equal(got, want) {
		t.Fatalf("stale after 30 days: %v, want %v (the requester's message restarts the clock, an automatic one does not)", got, want)
	}
	if got, want := ids(balcao.StatusPendingRequester, T0.Add(51*day)), []int64{silent.ID, answered.ID, auto.ID}; !slices.Equal(got, want) {
		t.Fatalf("stale after 50 days: %v, want %v", got, want)
	}
	if got := ids(balcao.StatusResolved, T0.Add(14*day)); len(got) != 0 {
		t.Fatalf("resolved stale too early: %v", got)
	}
	if got := ids(balcao.StatusResolved, T0.Add(16*day)); !slices.Equal(got, []int64{resolved.ID}) {
		t.Fatalf("resolved after 10 days: %v", got)
	}
	// By service: the rules are per service.
	other := newTicket("eva@usf.pt", T0)
	other.Service, other.Status = "webrnu", balcao.StatusPendingRequester
	web := must[*balcao.Ticket](t)(s.CreateTicket(ctx, other))
	count := func(f balcao.StaleFilter) []int64 {
		f.Status, f.Before = balcao.StatusPendingRequester, T0.Add(time.Hour)
		var out []int64
		for _, tk := range must[[]*balcao.Ticket](t)(s.StaleTickets(ctx, f)) {
			out = append(out, tk.ID)
		}
		return out
	}
	if got := count(balcao.StaleFilter{Services: []string{"webrnu"}}); !slices.Equal(got, []int64{web.ID}) {
		t.Fatalf("webrnu only: %v", got)
	}
	if got := count(balcao.StaleFilter{ExceptServices: []string{"webrnu"}}); !slices.Equal(got, []int64{silent.ID, auto.ID}) {
		t.Fatalf("all but webrnu: %v", got)
	}
	if got := count(balcao.StaleFilter{Services: []string{}}); len(got) != 0 {
		t.Fatalf("an empty list of services selects %v", got)
	}
	if got := count(balcao.StaleFilter{Limit: 2}); len(got) != 2 {
		t.Fatalf("limit 2: %v", got)
	}
}

func testChangePriority(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	tk := must[*balcao.Ticket](t)(s.CreateTicket(ctx, newTicket("ana@usf.pt", T0))) // impact 2, urgency 1
	wantCode(t, func() error { _, err := s.ChangePriority(ctx, tk.ID, 1, 1, balcao.SystemActor, " ", T0); return err }(), balcao.EINVALID)
	wantCode(t, func() error { _, err := s.ChangePriority(ctx, tk.ID, 4, 1, balcao.SystemActor, "x", T0); return err }(), balcao.EINVALID)
	got := must[*balcao.Ticket](t)(s.ChangePriority(ctx, tk.ID, 1, 1, balcao.Actor{Name: "Rui"}, "pedido urgente por telefone", T0.Add(time.Hour)))
	if got.Impact != 1 || got.Urgency != 1 || got.Priority != 1 {
		t.Fatalf("ticket %d/%d/%d", got.Impact, got.Urgency, got.Priority)
	}
	var changes []string
	for _, e := range must[[]*balcao.Event](t)(s.Events(ctx, tk.ID)) {
		if e.Kind == balcao.EventPriority {
			changes = append(changes, e.Field+":"+e.From+">"+e.To+":"+e.Reason)
		}
	}
	want := []string{"impact:2>1:pedido urgente por telefone", "priority:2>1:pedido urgente por telefone"}
	if !slices.Equal(changes, want) {
		t.Fatalf("history %v, want %v", changes, want)
	}
}
