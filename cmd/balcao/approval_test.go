package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"balcao"
)

// TestApproval: a CIT rectification waiting for approval is decided only by
// a user with the approver permission for the CIT service; the decision and
// its reason go into the history and to the requester.
func TestApproval(t *testing.T) {
	for name, setup := range databases(t) {
		t.Run(name, func(t *testing.T) {
			environ, open := setup(t)
			srv := startServer(t, environ)
			for _, u := range []string{"chefe@spms.pt", "agente@spms.pt"} {
				balcaoCmd(t, environ, "", "user", "create", "--email", u, "--role", "agent")
			}
			if r := balcaoCmd(t, environ, "", "approver", "add", "--email", "chefe@spms.pt", "--service", "cit"); r.code != 0 {
				t.Fatalf("approver add: %+v", r)
			}
			if r := balcaoCmd(t, environ, "", "approver", "add", "--email", "chefe@spms.pt", "--service", "nada"); r.code != 1 || !strings.Contains(r.stderr, "nada") {
				t.Fatalf("unknown service: %+v", r)
			}
			chefe := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "chefe@spms.pt", "--name", "t").stdout)
			agente := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "agente@spms.pt", "--name", "t").stdout)

			store := open()
			defer store.Close()
			ctx := context.Background()
			mk := func() *balcao.Ticket {
				tk, err := store.CreateTicket(ctx, &balcao.NewTicket{Subject: "CIT – Retificação de CIT", RequestType: "cit-f", Service: "cit",
					Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusPendingApproval, Now: time.Now().UTC()})
				if err != nil {
					t.Fatal(err)
				}
				return tk
			}
			a, b := mk(), mk()
			url := func(tk *balcao.Ticket) string { return srv.base + "/api/v1/tickets/" + string(tk.Number) + "/approval" }

			if code, body := post(t, url(a), agente, "application/json", []byte(`{"decision":"approve","reason":"ok"}`), ""); code != 403 || !strings.Contains(string(body), "approver") {
				t.Fatalf("without the permission: %d %s", code, body)
			}
			if code, body := post(t, url(a), chefe, "application/json", []byte(`{"decision":"approve","reason":" "}`), ""); code != 422 || !strings.Contains(string(body), "reason") {
				t.Fatalf("without a reason: %d %s", code, body)
			}
			code, body := post(t, url(a), chefe, "application/json", []byte(`{"decision":"approve","reason":"Força maior fundamentada."}`), "")
			var d struct {
				Status string `json:"status"`
				Events []struct{ Actor, To, Reason string }
			}
			if code != 200 || json.Unmarshal(body, &d) != nil || d.Status != "open" {
				t.Fatalf("approve: %d %s", code, body)
			}
			last := d.Events[len(d.Events)-2] // the status change, then the message to the requester
			if last.Actor != "chefe@spms.pt" || last.To != "open" || !strings.Contains(last.Reason, "Força maior") {
				t.Fatalf("history %+v", d.Events)
			}
			if code, _ := post(t, url(a), chefe, "application/json", []byte(`{"decision":"reject","reason":"x"}`), ""); code != 409 {
				t.Fatalf("deciding twice: %d", code)
			}
			code, body = post(t, url(b), chefe, "application/json", []byte(`{"decision":"reject","reason":"O prazo de alteração ainda não terminou."}`), "")
			if code != 200 || !strings.Contains(string(body), `"status":"cancelled"`) {
				t.Fatalf("reject: %d %s", code, body)
			}
			ob, _ := store.ListOutbox(ctx, balcao.OutboxPending, 10)
			if len(ob) != 2 || ob[0].Recipients[0] != "ana@usf.min-saude.pt" || !strings.Contains(decodeQP(string(ob[0].Raw)), "não foi aprovado") {
				t.Fatalf("the requester was not told: %d mails", len(ob))
			}
		})
	}
}

// TestUrgentByPhone: the requester calls quoting the ticket number; the agent
// raises the urgency with the reason, and the priority follows.
func TestUrgentByPhone(t *testing.T) {
	dir := t.TempDir()
	environ := env("BALCAO_DATA_DIR=" + dir)
	srv := startServer(t, environ)
	balcaoCmd(t, environ, "", "user", "create", "--email", "agente@spms.pt", "--role", "agent")
	balcaoCmd(t, environ, "", "user", "create", "--email", "ana@usf.pt", "--role", "requester")
	agente := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "agente@spms.pt", "--name", "t").stdout)
	ana := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "ana@usf.pt", "--name", "t").stdout)
	store, err := openStore(context.Background(), Config{DataDir: dir}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tk, err := store.CreateTicket(context.Background(), &balcao.NewTicket{Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.pt",
		Impact: 2, Urgency: 3, Now: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	url := srv.base + "/api/v1/tickets/" + string(tk.Number) + "/priority"
	if code, _ := post(t, url, ana, "application/json", []byte(`{"impact":1,"urgency":1,"reason":"já"}`), ""); code != 403 {
		t.Fatalf("a requester changed the priority: %d", code)
	}
	if code, body := post(t, url, agente, "application/json", []byte(`{"impact":2,"urgency":5,"reason":"x"}`), ""); code != 422 || !strings.Contains(string(body), "urgency") {
		t.Fatalf("urgency 5: %d %s", code, body)
	}
	code, body := post(t, url, agente, "application/json", []byte(`{"impact":2,"urgency":1,"reason":"Pedido de tratamento urgente por telefone"}`), "")
	if code != 200 || !strings.Contains(string(body), `"priority":2`) || !strings.Contains(string(body), "urgente por telefone") {
		t.Fatalf("raise urgency: %d %s", code, body)
	}
}

// TestSLAInTicket: a P3 ticket opened on Monday 2 March 2026 at 09:30 in
// Lisbon waits one hour on the requester. The first response is due 4
// business hours later (14:30, across the lunch break); the resolution, 24
// business hours plus the hour paused, on Thursday at 10:30.
func TestSLAInTicket(t *testing.T) {
	for name, setup := range databases(t) {
		t.Run(name, func(t *testing.T) {
			environ, open := setup(t)
			srv := startServer(t, environ)
			balcaoCmd(t, environ, "", "user", "create", "--email", "agente@spms.pt", "--role", "agent")
			token := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "agente@spms.pt", "--name", "t").stdout)
			store := open()
			defer store.Close()
			ctx := context.Background()
			t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
			tk, err := store.CreateTicket(ctx, &balcao.NewTicket{Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.pt",
				Impact: 2, Urgency: 2, Status: balcao.StatusPendingRequester, Now: t0})
			if err != nil {
				t.Fatal(err)
			}
			store.ChangeStatus(ctx, tk.ID, balcao.StatusOpen, balcao.SystemActor, "", t0.Add(time.Hour))
			code, _, body := get(t, srv.base+"/api/v1/tickets/"+string(tk.Number), token)
			var d struct {
				SLA struct {
					FirstResponseDue string                       `json:"first_response_due"`
					ResolutionDue    string                       `json:"resolution_due"`
					PausedSeconds    int64                        `json:"paused_seconds"`
					Calendar         string                       `json:"calendar"`
					FirstResponse    struct{ Met, Breached bool } `json:"first_response"`
					Resolution       struct{ Met, Breached bool }
				} `json:"sla"`
			}
			if code != 200 || json.Unmarshal(body, &d) != nil {
				t.Fatalf("%d %s", code, body)
			}
			s := d.SLA
			if s.FirstResponseDue != "2026-03-02T14:30:00Z" || s.ResolutionDue != "2026-03-05T10:30:00Z" || s.PausedSeconds != 3600 || s.Calendar != "PT" {
				t.Fatalf("sla %+v", s)
			}
			// Months later with no answer and no resolution, both targets are breached.
			if !s.FirstResponse.Breached || s.FirstResponse.Met || !s.Resolution.Breached {
				t.Fatalf("sla %+v", s)
			}
		})
	}
}
