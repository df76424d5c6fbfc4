package desk_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/desk"
	"balcao/intake"
)

func TestTicketPage(t *testing.T) { onBothDatabases(t, testTicketPage) }

func testTicketPage(t *testing.T, e *env) {
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	r := e.get(c, path)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "<title>Pedido "+string(tk.Number)+" · Balcão</title>",
		// header
		"Problema/Erro aplicação local (SAM-CS)", "Em análise", "Novo", "3 – Média", "SPMS – CIT", "Ninguém", "faltam 8 h 00 min",
		"Ana Costa &lt;ana.costa@usf.min-saude.pt&gt;",
		// fields, marked from the ticket's problems, in catalogue order
		"2 dado(s) em falta ou inválido(s)", "Descrição", `<span class="badge badge-ok">Válido</span>`,
		`<span class="badge badge-invalid">Inválido</span> a cédula tem 5 ou 6 dígitos`,
		`<span class="badge badge-missing">Em falta</span> indique o número de utente`,
		// thread: the reply without its quoted history, the whole text folded
		"Recebida · Email", "O CIT dá erro 500.", "Mostrar a mensagem completa", "&gt; mensagem anterior citada",
		`<iframe sandbox="" src="`+path+`/messages/`, `title="Conteúdo HTML da mensagem de Ana Costa"`,
		`download>erro.png</a>`,
		// history
		"Pedido criado: Novo",
	)
	if a, b, c := strings.Index(r.body, "<code>descricao</code>"), strings.Index(r.body, "<code>cedula</code>"), strings.Index(r.body, "<code>utente.nnu</code>"); a < 0 || a > b || b > c {
		t.Fatal("fields out of catalogue order")
	}

	msgs, _ := e.store.Messages(ctx, tk.ID)
	h := e.get(c, path+"/messages/"+strconv.FormatInt(msgs[0].ID, 10)+"/html")
	wantStatus(t, h, http.StatusOK)
	if csp := h.h.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("frame CSP %q", csp)
	}
	wantBody(t, h, "<b>erro 500</b>")
	wantNotBody(t, h, "<script", "tracker.example")

	a := e.get(c, path+"/attachments/"+strconv.FormatInt(msgs[0].Attachments[0].ID, 10))
	wantStatus(t, a, http.StatusOK)
	if a.body != "\x89PNG fake" || !strings.HasPrefix(a.h.Get("Content-Disposition"), "attachment") || a.h.Get("Content-Type") != "image/png" {
		t.Fatalf("attachment %q %v", a.body, a.h)
	}
	wantStatus(t, e.get(c, path+"/attachments/999999"), http.StatusNotFound)
	// Images are previewed in the thread; sent inline only when the bytes
	// are the image their type says ("\x89PNG fake" is not a PNG).
	wantBody(t, r, `<img class="preview" src="`+path+`/attachments/`+strconv.FormatInt(msgs[0].Attachments[0].ID, 10)+`?inline=1" alt="erro.png"`)
	fake := e.get(c, path+"/attachments/"+strconv.FormatInt(msgs[0].Attachments[0].ID, 10)+"?inline=1")
	if !strings.HasPrefix(fake.h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("a fake PNG was sent inline: %v", fake.h)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	shot := &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail, Text: "captura", CreatedAt: T0,
		Attachments: []*balcao.Attachment{{Filename: "captura.png", MediaType: "image/png", Data: png}}}
	if err := e.store.AddMessage(ctx, tk.ID, shot, balcao.SystemActor); err != nil {
		t.Fatal(err)
	}
	real := e.get(c, path+"/attachments/"+strconv.FormatInt(shot.Attachments[0].ID, 10)+"?inline=1")
	if real.h.Get("Content-Disposition") != "inline" || real.h.Get("Content-Type") != "image/png" || real.h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("a real PNG preview: %v", real.h)
	}
	wantNotBody(t, r, `<option value="merged">`)
	wantStatus(t, e.get(c, "/desk/tickets/SD-2026-999999"), http.StatusNotFound)
	wantStatus(t, e.get(c, "/desk/tickets/nonsense"), http.StatusNotFound)

	// A ticket of a team the agent is not in answers as if it did not exist.
	other := e.ticket(func(nt *balcao.NewTicket) { nt.TeamCode = e.other.Code })
	r = e.get(c, "/desk/tickets/"+string(other.Number))
	wantStatus(t, r, http.StatusNotFound)
	wantNotBody(t, r, other.Subject)
}

func TestTicketActions(t *testing.T) { onBothDatabases(t, testTicketActions) }

func testTicketActions(t *testing.T, e *env) {
	tk := e.ticket(nil)
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)

	r := e.post(c, path+"/assign", url.Values{})
	wantStatus(t, r, http.StatusSeeOther)
	if r.h.Get("Location") != path+"?done=assigned#actions" {
		t.Fatalf("to %q", r.h.Get("Location"))
	}
	r = e.get(c, path+"?done=assigned")
	wantBody(t, r, `role="status">O pedido foi-lhe atribuído.`, "Deixar sem responsável", "agente")

	r = e.post(c, path+"/status", url.Values{"status": {"closed"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Novo estado: não é possível a partir do estado atual", `href="#status"`)
	wantStatus(t, e.post(c, path+"/status", url.Values{"status": {"open"}, "reason": {"a analisar"}}), http.StatusSeeOther)

	r = e.post(c, path+"/note", url.Values{"text": {"   "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Texto da nota: escreva o texto da nota")
	wantStatus(t, e.post(c, path+"/note", url.Values{"text": {"Ligar à unidade amanhã."}}), http.StatusSeeOther)

	r = e.get(c, path)
	wantBody(t, r, "Nota interna · Portal", "Ligar à unidade amanhã.", "Estado: Novo → Em análise — Motivo: a analisar",
		"Responsável: — → agente@desk.pt")
	got, _ := e.store.TicketByNumber(ctx, tk.Number)
	if got.Status != balcao.StatusOpen || got.AssigneeID != e.agent.ID {
		t.Fatalf("ticket %s assigned %d", got.Status, got.AssigneeID)
	}
	r = e.post(c, path+"/priority", url.Values{"impact": {"1"}, "urgency": {"1"}, "priority_reason": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Motivo da mudança de prioridade: diga porque muda", `href="#priority_reason"`)
	wantStatus(t, e.post(c, path+"/priority", url.Values{"impact": {"9"}, "urgency": {"1"}, "priority_reason": {"x"}}), http.StatusUnprocessableEntity)
	wantStatus(t, e.post(c, path+"/priority", url.Values{"impact": {"1"}, "urgency": {"1"}, "priority_reason": {"Urgente por telefone"}}), http.StatusSeeOther)
	wantBody(t, e.get(c, path+"?done=priority"), "Prioridade alterada.", "1 – Crítica", "priority: 3 → 1 — Motivo: Urgente por telefone")
	wantStatus(t, e.post(c, path+"/assign", url.Values{"to": {"none"}}), http.StatusSeeOther)
	if got, _ := e.store.TicketByNumber(ctx, tk.Number); got.AssigneeID != 0 {
		t.Fatal("still assigned")
	}

	// Assigning to a colleague of the team; not to someone outside it.
	colleague := e.user("colega@desk.pt", balcao.RoleAgent)
	e.store.AddTeamMember(ctx, e.cit.ID, colleague.ID)
	outsider := e.user("fora@desk.pt", balcao.RoleAgent)
	r = e.get(c, path)
	wantBody(t, r, `<label for="assignee">Atribuir a</label>`, "colega &lt;colega@desk.pt&gt;")
	wantNotBody(t, r, "fora@desk.pt")
	r = e.post(c, path+"/assign", url.Values{"to": {strconv.FormatInt(outsider.ID, 10)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Atribuir a: escolha alguém da equipa do pedido.")
	wantStatus(t, e.post(c, path+"/assign", url.Values{"to": {strconv.FormatInt(colleague.ID, 10)}}), http.StatusSeeOther)
	if got, _ := e.store.TicketByNumber(ctx, tk.Number); got.AssigneeID != colleague.ID {
		t.Fatalf("assigned to %d", got.AssigneeID)
	}

	// Routing: to a team the agent is not in, the ticket leaves their sight.
	r = e.post(c, path+"/team", url.Values{"team": {"nada"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Equipa: essa equipa não existe")
	r = e.post(c, path+"/team", url.Values{"team": {""}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, path), "Equipa: spms-cit → —")
	r = e.post(c, path+"/team", url.Values{"team": {e.other.Code}})
	if r.code != http.StatusSeeOther || r.h.Get("Location") != "/desk/?done=team" {
		t.Fatalf("moved out of sight: %d %s", r.code, r.h.Get("Location"))
	}
	wantBody(t, e.get(c, "/desk/?done=team"), `role="status">Pedido encaminhado.`)
	wantStatus(t, e.get(c, path), http.StatusNotFound)
}

func TestReply(t *testing.T) {
	onBothDatabases(t, testReply, func(s *desk.Server) {
		s.Replier = intake.New(intake.Config{Catalog: s.Catalog, Store: s.Store, Clock: s.Clock, Host: "desk.example"})
	})
}

func testReply(t *testing.T, e *env) {
	tk := e.ticket(func(nt *balcao.NewTicket) {
		nt.Message.MessageID = "pedido-1@usf.min-saude.pt"
		nt.Message.To = []string{"servicedesk@spms.min-saude.pt"}
	})
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	wantBody(t, e.get(c, path), `<label for="reply">Resposta (segue por email para o requerente)`, `<label for="wait">`)

	r := e.post(c, path+"/reply", url.Values{"text": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Resposta: escreva a resposta antes de a enviar.", `href="#reply"`)

	r = e.post(c, path+"/reply", url.Values{"text": {"Bom dia,\nfalta o número de utente."}, "wait": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, e.get(c, path+"?done=reply"), "Resposta guardada e posta na fila de envio.", "Enviada · Email", "falta o número de utente.")

	got, _ := e.store.TicketByNumber(ctx, tk.Number)
	if got.Status != balcao.StatusPendingRequester {
		t.Fatalf("status %s", got.Status)
	}
	msgs, _ := e.store.Messages(ctx, tk.ID)
	last := msgs[len(msgs)-1]
	if last.Direction != balcao.DirectionOut || last.AuthorID != e.agent.ID || last.Auto || last.To[0] != "ana.costa@usf.min-saude.pt" {
		t.Fatalf("stored answer %+v", last)
	}
	out, err := e.store.ListOutbox(ctx, balcao.OutboxPending, 10)
	if err != nil || len(out) != 1 {
		t.Fatalf("outbox %v %v", out, err)
	}
	raw := string(out[0].Raw)
	for _, want := range []string{"In-Reply-To: <pedido-1@usf.min-saude.pt>", "[#" + string(tk.Number) + "]", "servicedesk@spms.min-saude.pt"} {
		if !strings.Contains(raw, want) {
			t.Fatalf("queued mail lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "Auto-Submitted") || out[0].Auto {
		t.Fatalf("a person's answer marked automatic:\n%s", raw)
	}

	// A ticket of a service without email cannot be answered by email.
	triage := e.ticket(func(nt *balcao.NewTicket) {
		nt.RequestType = ""
		nt.Service = ""
		nt.Message.To = []string{"outro@exemplo.pt"}
	})
	r = e.post(c, "/desk/tickets/"+string(triage.Number)+"/reply", url.Values{"text": {"Olá"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "o serviço deste pedido não recebe email", ">Olá</textarea>")
}

func TestRevealIdentifier(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(func(nt *balcao.NewTicket) {
		nt.Fields["utente.niss"] = "11234567892"
		// The same NISS in the message, as people write it.
		nt.Message.Text = "Bom dia,\nNISS: 112 345 678 92\n\n> citação com 11234567892"
		nt.Message.HTML = "<p>NISS <b>11234567892</b></p>"
	})
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	r := e.get(c, path)
	wantBody(t, r, "••••••••892", "Os identificadores pessoais estão ocultos", `aria-label="Mostrar NISS (fica registado no histórico)"`,
		"NISS: ••• ••• ••8 92", "citação com ••••••••892")
	wantNotBody(t, r, "11234567892", "112 345 678 92")
	msgs, _ := e.store.Messages(ctx, tk.ID)
	frame := path + "/messages/" + strconv.FormatInt(msgs[0].ID, 10) + "/html"
	wantBody(t, e.get(c, frame), "<b>••••••••892</b>")

	wantStatus(t, e.post(c, path+"/reveal", url.Values{"field": {"descricao"}}), http.StatusNotFound)
	r = e.post(c, path+"/reveal", url.Values{"field": {"utente.niss"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = e.get(c, path)
	wantBody(t, r, "11234567892", "Identificador mostrado: utente.niss", "NISS: 112 345 678 92")
	wantBody(t, e.get(c, frame), "<b>11234567892</b>")

	// Someone else still sees it masked; the reveal lasts a while only.
	other := e.user("outro@desk.pt", balcao.RoleAdmin)
	_ = other
	wantNotBody(t, e.get(e.signedIn("outro@desk.pt"), path), "<td>11234567892")
	e.clock.Advance(16 * time.Minute)
	c = e.signedIn("agente@desk.pt")
	wantBody(t, e.get(c, path), "••••••••892")
	ev, _ := e.store.Events(ctx, tk.ID)
	if last := ev[len(ev)-1]; last.Kind != balcao.EventReveal || last.ActorID != e.agent.ID {
		t.Fatalf("last event %+v", last)
	}
}

// Identifiers no field holds are found in the messages by their check
// digit, masked in the text and the HTML, and revealed one by one, each
// reveal recorded.
func TestRevealIdentifierInMessage(t *testing.T) {
	e := newEnv(t)
	tk := e.ticket(func(nt *balcao.NewTicket) {
		nt.Message.Text = "Bom dia,\nNISS do utente: 120 034 567 89\nNIF errado 501964842\nTelefone: 912345675"
		nt.Message.HTML = "<p>CPF <b>529.982.247-25</b>, NISS 12003456789</p>"
	})
	c := e.signedIn("agente@desk.pt")
	path := "/desk/tickets/" + string(tk.Number)
	msgs, _ := e.store.Messages(ctx, tk.ID)
	id := strconv.FormatInt(msgs[0].ID, 10)
	frame := path + "/messages/" + id + "/html"

	r := e.get(c, path)
	wantBody(t, r, "NISS do utente: ••• ••• ••7 89", "NIF errado 501964842", "Telefone: 912345675",
		"Identificadores pessoais ocultos nesta mensagem:",
		`value="msg#`+id+`.niss.789"`, `value="msg#`+id+`.cpf.725"`,
		`aria-label="Mostrar NISS ••••••••789 (fica registado no histórico)"`,
		"Os identificadores pessoais estão ocultos")
	wantNotBody(t, r, "120 034 567 89", "12003456789", "52998224725")
	wantBody(t, e.get(c, frame), "<b>•••.•••.••7-25</b>", "NISS ••••••••789")
	wantNotBody(t, e.get(c, frame), "529.982.247-25")

	// Only an identifier the message holds can be revealed.
	for _, bad := range []string{"msg#" + id + ".niss.000", "msg#" + id + ".nif.842", "msg#999999.niss.789", "msg#" + id + ".phone.675"} {
		wantStatus(t, e.post(c, path+"/reveal", url.Values{"field": {bad}}), http.StatusNotFound)
	}
	r = e.post(c, path+"/reveal", url.Values{"field": {"msg#" + id + ".cpf.725"}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.h.Get("Location"); loc != path+"#msg-"+id {
		t.Fatalf("back to %q", loc)
	}
	ev, _ := e.store.Events(ctx, tk.ID)
	if last := ev[len(ev)-1]; last.Kind != balcao.EventReveal || last.ActorID != e.agent.ID || last.Field != "msg#"+id+".cpf.725" {
		t.Fatalf("last event %+v", last)
	}
	r = e.get(c, path)
	wantBody(t, r, "Identificador mostrado: CPF …725 da mensagem n.º "+id, "NISS do utente: ••• ••• ••7 89")
	wantNotBody(t, r, `value="msg#`+id+`.cpf.725"`)
	wantBody(t, e.get(c, frame), "<b>529.982.247-25</b>", "NISS ••••••••789")

	// Another agent still sees it masked; for this one it lasts a while.
	e.user("outro@desk.pt", balcao.RoleAdmin)
	wantNotBody(t, e.get(e.signedIn("outro@desk.pt"), frame), "529.982.247-25")
	e.clock.Advance(16 * time.Minute)
	wantNotBody(t, e.get(e.signedIn("agente@desk.pt"), frame), "529.982.247-25")
}
