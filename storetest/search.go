package storetest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"balcao"
)

// searchFixture is a few tickets with accents, identifiers in several
// shapes, several requesters and teams, notes and later messages.
type searchFixture struct {
	s             balcao.Store
	a, b, c, d    *balcao.Ticket
	team, support *balcao.Team
}

func newSearchFixture(t *testing.T, open Opener) *searchFixture {
	s, _ := open(t)
	f := &searchFixture{s: s, team: setupTeam(t, s), support: &balcao.Team{Code: "suporte", Name: "Suporte"}}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, f.support))
	must[struct{}](t)(struct{}{}, s.CreateOrganisation(ctx, &balcao.Organisation{Code: "3110511", Name: "USF Arco-Íris"}))
	create := func(nt *balcao.NewTicket) *balcao.Ticket {
		t.Helper()
		return must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	}
	msg := func(text string) *balcao.Message {
		return &balcao.Message{Channel: balcao.ChannelEmail, Subject: "pedido", Text: text}
	}

	a := newTicket("ana@usf.pt", T0)
	a.Subject = "Pedido de retificação de CIT"
	a.OrganisationCode = "3110511"
	a.Fields = map[string]string{"utente.niss": "11234567892", "utente.nnu": "111156119"}
	a.Message = msg("Bom dia, o certificado tem a data errada.")
	f.a = create(a)

	b := newTicket("joao@hsj.pt", T0.Add(time.Minute))
	b.RequesterName = "João Gonçalves"
	b.Subject = "Registo de óbito"
	b.Fields = map[string]string{"cpf": "529.982.247-25", "cnpj": "16.727.230/0001-97"}
	b.Message = msg("Solicito a correção do registo de ÓBITO.")
	f.b = create(b)

	c := newTicket("rita@usf.pt", T0.Add(2*time.Minute))
	c.RequesterName = "Rita Lopes"
	c.Subject = "Acesso à plataforma"
	c.TeamCode = "suporte"
	c.Fields = map[string]string{"cedula": "45123"}
	c.Message = msg("Não consigo entrar. O NNU do utente é 123456788.")
	f.c = create(c)
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, f.c.ID, &balcao.Message{Direction: balcao.DirectionNote, Channel: balcao.ChannelPortal,
		Text: "Nota interna: confirmar xyzzy com a equipa.", CreatedAt: T0.Add(3 * time.Minute)}, balcao.Actor{ID: 0, Name: "agente"}))
	must[struct{}](t)(struct{}{}, s.AddMessage(ctx, f.c.ID, &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail,
		Text: "Anexo a declaração de incapacidade temporária.", CreatedAt: T0.Add(4 * time.Minute)}, balcao.SystemActor))

	d := newTicket("rita@usf.pt", T0.Add(5*time.Minute))
	d.Subject = "Dúvida"
	d.Fields = map[string]string{"descricao": "A plataforma mostra um erro ao gravar."}
	f.d = create(d)
	return f
}

// search runs a query and returns the numbers found, in order.
func (f *searchFixture) search(t *testing.T, q balcao.SearchQuery) []balcao.TicketNumber {
	t.Helper()
	p, err := f.s.SearchTickets(ctx, q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Text, err)
	}
	var out []balcao.TicketNumber
	for _, tk := range p.Tickets {
		out = append(out, tk.Number)
	}
	return out
}

func numbers(ts ...*balcao.Ticket) []balcao.TicketNumber {
	var out []balcao.TicketNumber
	for _, t := range ts {
		out = append(out, t.Number)
	}
	return out
}

func (f *searchFixture) want(t *testing.T, text string, want ...*balcao.Ticket) {
	t.Helper()
	f.wantQ(t, balcao.SearchQuery{Text: text}, want...)
}

// wantQ checks the set of tickets found, in any order.
func (f *searchFixture) wantQ(t *testing.T, q balcao.SearchQuery, want ...*balcao.Ticket) {
	t.Helper()
	got := f.search(t, q)
	w := numbers(want...)
	slices.Sort(got)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Errorf("search %q (%+v): got %v, want %v", q.Text, q, got, w)
	}
}

func testSearch(t *testing.T, open Opener) {
	t.Run("pages", func(t *testing.T) { testSearchPages(t, open) })
	t.Run("many matches", func(t *testing.T) { testSearchMany(t, open) })
	f := newSearchFixture(t, open)
	s := f.s

	t.Run("accents and case", func(t *testing.T) {
		f.want(t, "retificacao", f.a)
		f.want(t, "RETIFICAÇÃO", f.a)
		f.want(t, "Retificação", f.a)
		f.want(t, "obito", f.b)
		f.want(t, "Óbito", f.b)
		f.want(t, "correcao registo", f.b)
		f.want(t, "declaracao incapacidade temporaria", f.c)
	})
	t.Run("prefix of the last word", func(t *testing.T) {
		f.want(t, "retifica", f.a)
		f.want(t, "declaracao incapac", f.c)
		f.want(t, "plataf", f.c, f.d)
	})
	t.Run("every word must match", func(t *testing.T) {
		f.want(t, "certificado data", f.a)
		f.want(t, "certificado obito")
		f.want(t, "zzzz-nada-disto")
	})
	t.Run("requester and organisation", func(t *testing.T) {
		f.want(t, "goncalves", f.b)
		f.want(t, "João Gonçalves", f.b)
		f.want(t, "joao@hsj.pt", f.b)
		f.want(t, "arco iris", f.a)
		f.want(t, "USF Arco-Íris", f.a)
	})
	t.Run("ticket number", func(t *testing.T) {
		n := string(f.b.Number) // SD-2026-000002
		f.want(t, n, f.b)
		f.want(t, strings.ToLower(n), f.b)
		f.want(t, "#"+n, f.b)
		f.want(t, "sd-2026-2", f.b)
		f.want(t, "2026-000002", f.b)
		f.want(t, "SD-2026-999999")
		f.wantQ(t, balcao.SearchQuery{Text: n, RequesterEmail: "ana@usf.pt"})
		f.wantQ(t, balcao.SearchQuery{Text: n, RequesterEmail: "joao@hsj.pt"}, f.b)
	})
	t.Run("identifiers", func(t *testing.T) {
		f.want(t, "11234567892", f.a) // NISS
		f.want(t, "112 345 678 92", f.a)
		f.want(t, "111156119", f.a) // NNU
		f.want(t, "111 156 119", f.a)
		f.want(t, "529.982.247-25", f.b) // CPF
		f.want(t, "52998224725", f.b)
		f.want(t, "529 982 247 25", f.b)
		f.want(t, "16.727.230/0001-97", f.b) // CNPJ
		f.want(t, "16727230000197", f.b)
		f.want(t, "45123", f.c)     // cédula
		f.want(t, "123456788", f.c) // an NNU in a message's text
		f.want(t, "99999999999")
	})
	t.Run("notes are staff only", func(t *testing.T) {
		f.want(t, "xyzzy")
		f.wantQ(t, balcao.SearchQuery{Text: "xyzzy", IncludeNotes: true}, f.c)
	})
	t.Run("filters", func(t *testing.T) {
		f.wantQ(t, balcao.SearchQuery{Text: "plataforma", RequesterEmail: "RITA@usf.pt"}, f.c, f.d)
		f.wantQ(t, balcao.SearchQuery{Text: "plataforma", RequesterEmail: "ana@usf.pt"})
		f.wantQ(t, balcao.SearchQuery{Text: "obito", RequesterEmail: "ana@usf.pt"})
		f.wantQ(t, balcao.SearchQuery{Text: "plataforma", TeamID: f.support.ID}, f.c)
		f.wantQ(t, balcao.SearchQuery{Text: "plataforma", TeamID: f.team.ID}, f.d)
		must[*balcao.Ticket](t)(s.ChangeStatus(ctx, f.b.ID, balcao.StatusOpen, balcao.SystemActor, "", T0.Add(time.Hour)))
		f.wantQ(t, balcao.SearchQuery{Text: "obito", Statuses: []balcao.Status{balcao.StatusOpen}}, f.b)
		f.wantQ(t, balcao.SearchQuery{Text: "obito", Statuses: []balcao.Status{balcao.StatusNew, balcao.StatusResolved}})
		f.wantQ(t, balcao.SearchQuery{Text: "52998224725", Statuses: []balcao.Status{balcao.StatusNew}})
		f.wantQ(t, balcao.SearchQuery{Text: "obito", RequestType: "cit-d1"}, f.b)
		f.wantQ(t, balcao.SearchQuery{Text: "obito", RequestType: "outro"})
		_, err := s.SearchTickets(ctx, balcao.SearchQuery{Text: "obito", Statuses: []balcao.Status{"nope"}})
		wantCode(t, err, balcao.EINVALID)
	})
	t.Run("order", func(t *testing.T) {
		// c has the word in its subject, d in a structured value and was
		// updated later.
		if got := f.search(t, balcao.SearchQuery{Text: "plataforma"}); !slices.Equal(got, numbers(f.c, f.d)) {
			t.Errorf("by relevance: %v", got)
		}
		// Few matches: ranked and counted.
		p := must[*balcao.TicketPage](t)(s.SearchTickets(ctx, balcao.SearchQuery{Text: "plataforma", Limit: 1}))
		if p.Order != balcao.SearchByRelevance || p.ManyMatches || p.Matches != 2 || len(p.Tickets) != 1 {
			t.Errorf("order %q, many %v, matches %d, %d tickets", p.Order, p.ManyMatches, p.Matches, len(p.Tickets))
		}
		if got := f.search(t, balcao.SearchQuery{Text: "plataforma", Order: balcao.SearchByUpdate}); !slices.Equal(got, numbers(f.d, f.c)) {
			t.Errorf("by update: %v", got)
		}
	})
	t.Run("hostile input", func(t *testing.T) {
		for _, q := range []string{`"`, `""`, `*`, `AND`, `OR`, `NOT`, `NEAR(`, `NEAR(a b, 2)`, `'; drop table tickets; --`,
			`"retificacao`, `retificacao"`, `retif*`, `^retificacao`, `subject:retificacao`, `{subject fields}: obito`,
			`ação" OR "1"="1`, `a & b | !c`, `'`, `''`, `:*`, `\`, `%`, `_`, `$1`, `?`, "\x00", "obito\x00", `🙂`, `日本語 テスト`,
			`Ελληνικά`, strings.Repeat("(", 200), strings.Repeat("a ", 100), "\u0301", "SD-2026-", "SD-0000-000000",
			"1.2.3.4.5.6.7.8.9", "\xffobito", "-obito", "obito -", "+obito", "obito OR retificacao"} {
			p, err := s.SearchTickets(ctx, balcao.SearchQuery{Text: q})
			if err != nil && balcao.ErrorCode(err) != balcao.EINVALID {
				t.Errorf("search %q: %v", q, err)
				continue
			}
			if err == nil && p == nil {
				t.Errorf("search %q: nil page", q)
			}
		}
		// Operators are words, not syntax: "retif*" is the word "retif",
		// as a prefix since it is the last one.
		f.want(t, `"retificacao`, f.a)
		f.want(t, `retif*`, f.a)
		f.want(t, `NEAR(obito`)
		f.want(t, "obito OR retificacao")
		for _, q := range []string{"", "   ", "\t\n", strings.Repeat("x", balcao.MaxSearchLen+1)} {
			_, err := s.SearchTickets(ctx, balcao.SearchQuery{Text: q})
			wantCode(t, err, balcao.EINVALID)
		}
		for _, q := range []balcao.SearchQuery{{Text: "x", Limit: 201}, {Text: "x", Order: "random"}, {Text: "obito", Cursor: "garbage!"},
			{Text: "obito", Cursor: "MS4y"}, {Text: "obito", Order: balcao.SearchByUpdate, Cursor: "garbage!"}} {
			_, err := s.SearchTickets(ctx, q)
			wantCode(t, err, balcao.EINVALID)
		}
		// Every ticket is still there.
		f.want(t, "plataforma", f.c, f.d)
	})
	t.Run("kept in step", func(t *testing.T) {
		// New structured values replace the old ones in the index.
		err := s.Update(ctx, func(tx balcao.Tx) error {
			return tx.SetTicketData(f.a.ID, map[string]string{"utente.niss": "12003456789", "nota": "Reclamação urgente"}, nil,
				balcao.SystemActor, T0.Add(2*time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		f.want(t, "11234567892")
		f.want(t, "12003456789", f.a)
		f.want(t, "reclamacao", f.a)
		f.want(t, "retificacao", f.a)
		// Changed right after its creation, before any search.
		nt := newTicket("e@usf.pt", T0)
		nt.Subject = "Pedido"
		nt.Fields = map[string]string{"x": "valor antiquíssimo"}
		e := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
		if err := s.Update(ctx, func(tx balcao.Tx) error {
			return tx.SetTicketData(e.ID, map[string]string{"x": "valor novíssimo"}, nil, balcao.SystemActor, T0.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		f.want(t, "antiquissimo")
		f.want(t, "novissimo", e)
		// A later message is found.
		must[struct{}](t)(struct{}{}, s.AddMessage(ctx, f.b.ID, &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail,
			Text: "Enviámos o formulário de reclamação.", CreatedAt: T0.Add(3 * time.Hour)}, balcao.SystemActor))
		f.want(t, "formulario", f.b)
		f.want(t, "reclamacao", f.a, f.b)
		// The desk's own automatic answers are not indexed (the same
		// sentences on every ticket); incoming automatic mail is.
		must[struct{}](t)(struct{}{}, s.AddMessage(ctx, f.b.ID, &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail,
			Auto: true, Text: "Recebemos o seu pedido; guarde o número de ocorrência.", CreatedAt: T0.Add(4 * time.Hour)}, balcao.SystemActor))
		must[struct{}](t)(struct{}{}, s.AddMessage(ctx, f.b.ID, &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail,
			Auto: true, Text: "Resposta automática: ausente até segunda-feira.", CreatedAt: T0.Add(5 * time.Hour)}, balcao.SystemActor))
		f.want(t, "ocorrencia")
		f.want(t, "ausente", f.b)
		// A requester first known without a name is found by it once it
		// is learnt.
		nt = newTicket("sem.nome@usf.pt", T0)
		nt.RequesterName = ""
		first := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
		f.want(t, "Ninguém")
		nt = newTicket("sem.nome@usf.pt", T0)
		nt.RequesterName = "Zé Ninguém"
		second := must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
		f.want(t, "ninguem", first, second)
	})
}

func testSearchPages(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	var all []*balcao.Ticket
	for i := range 11 {
		nt := newTicket(fmt.Sprintf("p%d@usf.pt", i%3), T0.Add(time.Duration(i%4)*time.Minute))
		nt.Subject = "Paginação de resultados"
		if i%2 == 0 {
			nt.Subject += ": paginação"
		}
		nt.Fields = map[string]string{"utente.niss": "11234567892"}
		all = append(all, must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt)))
	}
	other := newTicket("p0@usf.pt", T0)
	other.Subject = "Outra coisa"
	must[*balcao.Ticket](t)(s.CreateTicket(ctx, other))
	for _, q := range []balcao.SearchQuery{
		{Text: "paginacao", Limit: 3},
		{Text: "paginacao", Limit: 3, Order: balcao.SearchByUpdate},
		{Text: "11234567892", Limit: 4},
		{Text: "resultados paginacao", Limit: 5, Statuses: []balcao.Status{balcao.StatusNew}},
		{Text: "paginacao", Limit: 2, RequesterEmail: "p1@usf.pt"},
	} {
		want := len(all) + 1
		if q.Text == "paginacao" || q.Text == "resultados paginacao" {
			want = len(all)
		}
		if q.RequesterEmail != "" {
			want = 4
		}
		var got []balcao.TicketNumber
		var pages int
		for {
			p, err := s.SearchTickets(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(p.Tickets) > q.Limit || (p.Next != "" && len(p.Tickets) != q.Limit) {
				t.Fatalf("%+v: page of %d with next %q", q, len(p.Tickets), p.Next)
			}
			for i, tk := range p.Tickets {
				got = append(got, tk.Number)
				if q.Order == balcao.SearchByUpdate && i > 0 && tk.UpdatedAt.After(p.Tickets[i-1].UpdatedAt) {
					t.Errorf("%+v: not newest first", q)
				}
			}
			if p.Next == "" {
				break
			}
			q.Cursor = p.Next
			if pages > 20 {
				t.Fatal("pagination does not end")
			}
		}
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != len(got) || len(got) != want {
			t.Errorf("%+v: %d tickets over %d pages, want %d without repeats: %v", q, len(got), pages, want, got)
		}
	}
	// The first page by relevance puts the tickets with the word twice first.
	p := must[*balcao.TicketPage](t)(s.SearchTickets(ctx, balcao.SearchQuery{Text: "paginacao", Limit: 6}))
	for _, tk := range p.Tickets {
		if !strings.Contains(tk.Subject, ": paginação") {
			t.Errorf("relevance: %q among the first six", tk.Subject)
		}
	}
}

// testSearchMany checks a search whose words match more than
// balcao.SearchManyMatches tickets: newest tickets first, each of them a
// match, every match reached page after page, the filters and notes
// applied; and that a rare word in the same store is still ranked.
func testSearchMany(t *testing.T, open Opener) {
	s, _ := open(t)
	setupTeam(t, s)
	support := &balcao.Team{Code: "suporte", Name: "Suporte"}
	must[struct{}](t)(struct{}{}, s.UpsertTeam(ctx, support))
	create := func(nt *balcao.NewTicket) *balcao.Ticket {
		t.Helper()
		return must[*balcao.Ticket](t)(s.CreateTicket(ctx, nt))
	}
	msg := func(tk *balcao.Ticket, dir balcao.Direction, text string) {
		t.Helper()
		must[struct{}](t)(struct{}{}, s.AddMessage(ctx, tk.ID, &balcao.Message{Direction: dir, Channel: balcao.ChannelEmail,
			Text: text, CreatedAt: T0.Add(time.Hour)}, balcao.SystemActor))
	}
	matching := map[int64]bool{}
	// The oldest ticket matches by its messages alone.
	nt := newTicket("antigo@usf.pt", T0)
	nt.Subject = "Assunto antigo"
	nt.TeamCode = "suporte"
	old := create(nt)
	msg(old, balcao.DirectionIn, "Um pedido frequente.")
	matching[old.ID] = true
	// The rare word: in one subject (the best match), then in a later
	// ticket's structured value.
	nt = newTicket("raro@usf.pt", T0)
	nt.Subject = "Pedido raríssimo"
	rareBest := create(nt)
	nt = newTicket("raro@usf.pt", T0)
	nt.Subject = "Outro pedido"
	nt.Fields = map[string]string{"descricao": "um caso rarissimo"}
	rareOther := create(nt)
	// More tickets with the common word in their subject than a search ranks.
	n := balcao.SearchManyMatches + 30
	var mu sync.Mutex
	add := func(i int64) error {
		nt := newTicket(fmt.Sprintf("f%d@usf.pt", i%7), T0.Add(time.Duration(i)*time.Second))
		nt.Subject = "Pedido frequente"
		if i%400 == 0 {
			nt.TeamCode = "suporte"
		}
		tk, err := s.CreateTicket(ctx, nt)
		if err != nil {
			return err
		}
		mu.Lock()
		matching[tk.ID] = true
		mu.Unlock()
		return nil
	}
	// Each requester's first ticket alone (two first tickets of a new
	// requester at once may collide on the new user), then the rest at once.
	for i := range int64(7) {
		must[struct{}](t)(struct{}{}, add(i+1))
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	next.Store(7)
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				if err := add(i); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// The newest ticket matches by its first message alone, and many newer
	// messages on the oldest ticket come first in the message index.
	nt = newTicket("novo@usf.pt", T0)
	nt.Subject = "Assunto novo"
	nt.TeamCode = "suporte"
	nt.Message = &balcao.Message{Channel: balcao.ChannelEmail, Subject: "Assunto novo", Text: "Mais um pedido frequente."}
	newest := create(nt)
	matching[newest.ID] = true
	for range 60 {
		msg(old, balcao.DirectionIn, "Continua frequente.")
	}
	// A ticket whose only match is an internal note.
	nt = newTicket("nota@usf.pt", T0)
	nt.Subject = "Assunto da nota"
	noted := create(nt)
	msg(noted, balcao.DirectionNote, "Caso frequente, ver com a equipa.")

	all := func(t *testing.T, q balcao.SearchQuery) []*balcao.Ticket {
		t.Helper()
		var got []*balcao.Ticket
		for pages := 0; ; pages++ {
			p := must[*balcao.TicketPage](t)(s.SearchTickets(ctx, q))
			if p.Order != balcao.SearchByNewest {
				t.Fatalf("%+v: order %q, want %q", q, p.Order, balcao.SearchByNewest)
			}
			if pages == 0 && q.Order != balcao.SearchByNewest && !p.ManyMatches {
				t.Errorf("%+v: first page not marked ManyMatches", q)
			}
			got = append(got, p.Tickets...)
			if p.Next == "" {
				return got
			}
			if pages > 2*n {
				t.Fatal("pagination does not end")
			}
			q.Cursor = p.Next
		}
	}
	checkNewestFirst := func(t *testing.T, name string, got []*balcao.Ticket, want map[int64]bool) {
		t.Helper()
		for i, tk := range got {
			if !want[tk.ID] {
				t.Errorf("%s: %s (%q) is not a match", name, tk.Number, tk.Subject)
			}
			if i > 0 && tk.ID >= got[i-1].ID {
				t.Errorf("%s: %s after %s: not newest first", name, tk.Number, got[i-1].Number)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d tickets, want %d", name, len(got), len(want))
		}
	}

	t.Run("common word newest first", func(t *testing.T) {
		p := must[*balcao.TicketPage](t)(s.SearchTickets(ctx, balcao.SearchQuery{Text: "frequente", Limit: 10}))
		if p.Order != balcao.SearchByNewest || !p.ManyMatches || p.Next == "" || len(p.Tickets) != 10 {
			t.Fatalf("order %q, many %v, next %q, %d tickets", p.Order, p.ManyMatches, p.Next, len(p.Tickets))
		}
		if p.Tickets[0].ID != newest.ID {
			t.Errorf("first %s, want the newest match %s", p.Tickets[0].Number, newest.Number)
		}
		checkNewestFirst(t, "limit 200", all(t, balcao.SearchQuery{Text: "frequente", Limit: 200}), matching)
		checkNewestFirst(t, "limit 7", all(t, balcao.SearchQuery{Text: "FREQUENTE", Limit: 7}), matching)
		// A prefix, and an order asked that the store cannot afford.
		checkNewestFirst(t, "prefix", all(t, balcao.SearchQuery{Text: "frequ", Limit: 200}), matching)
		checkNewestFirst(t, "by update", all(t, balcao.SearchQuery{Text: "frequente", Limit: 200, Order: balcao.SearchByUpdate}), matching)
	})
	t.Run("notes and filters", func(t *testing.T) {
		withNote := maps.Clone(matching)
		withNote[noted.ID] = true
		checkNewestFirst(t, "notes", all(t, balcao.SearchQuery{Text: "frequente", Limit: 200, IncludeNotes: true}), withNote)
		team := map[int64]bool{}
		for _, tk := range all(t, balcao.SearchQuery{Text: "frequente", Limit: 200}) {
			if tk.TeamCode == "suporte" {
				team[tk.ID] = true
			}
		}
		if len(team) != 4 {
			t.Fatalf("%d tickets of the support team, want 4", len(team))
		}
		// Filtered, the newest ticket's message comes after the oldest
		// ticket's later ones in the message index.
		checkNewestFirst(t, "team", all(t, balcao.SearchQuery{Text: "frequente", Limit: 1, TeamID: support.ID}), team)
		checkNewestFirst(t, "team", all(t, balcao.SearchQuery{Text: "frequente", Limit: 3, TeamID: support.ID}), team)
		checkNewestFirst(t, "asked", all(t, balcao.SearchQuery{Text: "raríssimo", Order: balcao.SearchByNewest}),
			map[int64]bool{rareBest.ID: true, rareOther.ID: true})
	})
	t.Run("a requester's own search is ranked", func(t *testing.T) {
		p := must[*balcao.TicketPage](t)(s.SearchTickets(ctx, balcao.SearchQuery{Text: "frequente", RequesterEmail: "f3@usf.pt", Limit: 200}))
		if p.Order != balcao.SearchByRelevance || p.ManyMatches || p.Matches != len(p.Tickets) || len(p.Tickets) < 100 {
			t.Errorf("order %q, many %v, matches %d, %d tickets", p.Order, p.ManyMatches, p.Matches, len(p.Tickets))
		}
		for _, tk := range p.Tickets {
			if tk.RequesterEmail != "f3@usf.pt" || !matching[tk.ID] {
				t.Errorf("%s of %s found", tk.Number, tk.RequesterEmail)
			}
		}
	})
	t.Run("rare word best match first", func(t *testing.T) {
		p := must[*balcao.TicketPage](t)(s.SearchTickets(ctx, balcao.SearchQuery{Text: "rarissimo"}))
		if p.Order != balcao.SearchByRelevance || p.ManyMatches || p.Matches != 2 {
			t.Errorf("order %q, many %v, matches %d", p.Order, p.ManyMatches, p.Matches)
		}
		if got := numbers(p.Tickets...); !slices.Equal(got, numbers(rareBest, rareOther)) {
			t.Errorf("got %v, want the subject's match first: %v", got, numbers(rareBest, rareOther))
		}
	})
}
