package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"balcao"
)

func postForm(t *testing.T, u string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var ratingLinkRe = regexp.MustCompile(`https?://\S+/avaliar/[A-Za-z0-9_-]{43}`)

// TestSatisfactionByLink: a ticket resolved while the desk was down gets
// its satisfaction link at start (catch-up); the requester rates it on
// the page of the link, without an account, in the ticket's language; a
// missing score is refused naming the field; the rating can be changed;
// the API shows it to the requester and the supervisors' report counts it.
func TestSatisfactionByLink(t *testing.T) {
	for name, setup := range databases(t) {
		t.Run(name, func(t *testing.T) {
			environ, open := setup(t)
			balcaoCmd(t, environ, "", "migrate")
			store := open()
			defer store.Close()
			ctx := context.Background()
			now := time.Now().UTC()
			tk, err := store.CreateTicket(ctx, &balcao.NewTicket{Subject: "WebRNU – Criação de acesso", RequestType: "webrnu-a", Service: "webrnu",
				Channel: balcao.ChannelEmail, Language: "pt-PT", RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusNew, Now: now.Add(-time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.ChangeStatus(ctx, tk.ID, balcao.StatusResolved, balcao.SystemActor, "", now.Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
			srv := startServer(t, environ)
			var link string
			for deadline := time.Now().Add(20 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				ob, _ := store.ListOutbox(ctx, balcao.OutboxPending, 10)
				for _, o := range ob {
					if m := ratingLinkRe.FindString(decodeQP(string(o.Raw))); m != "" && o.Recipients[0] == "ana@usf.min-saude.pt" {
						link = m
					}
				}
			}
			if link == "" {
				t.Fatalf("no satisfaction link was sent\n%s", srv.logs())
			}
			page := srv.base + link[strings.Index(link, "/avaliar/"):]
			code, h, body := get(t, page, "")
			if code != 200 || !strings.Contains(string(body), `<html lang="pt-PT">`) || !strings.Contains(string(body), "Muito satisfeito") ||
				h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("page: %d %v\n%s", code, h, body)
			}
			if code, _, _ := get(t, srv.base+"/avaliar/"+strings.Repeat("x", 43), ""); code != 404 {
				t.Fatalf("unknown link: %d", code)
			}
			if code, body := postForm(t, page, url.Values{"comment": {"sem nota"}}, nil); code != 422 || !strings.Contains(body, "Satisfação: escolha uma opção de 1 a 5") ||
				!strings.Contains(body, "sem nota") {
				t.Fatalf("without a score: %d\n%s", code, body)
			}
			if code, _ := postForm(t, page, url.Values{"score": {"5"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); code != 403 {
				t.Fatalf("cross-site post: %d", code)
			}
			if code, body := postForm(t, page, url.Values{"score": {"2"}, "comment": {"Demorou."}}, nil); code != 200 || !strings.Contains(body, "A sua avaliação foi registada") {
				t.Fatalf("rate: %d\n%s", code, body)
			}
			if code, body := postForm(t, page+"?lang=en", url.Values{"score": {"4"}, "comment": {"Resolved after all."}}, nil); code != 200 || !strings.Contains(body, "Your current rating: 4 out of 5") {
				t.Fatalf("change: %d\n%s", code, body)
			}

			balcaoCmd(t, environ, "", "user", "create", "--email", "chefe@spms.pt", "--role", "supervisor")
			boss := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "chefe@spms.pt", "--name", "t").stdout)
			ana := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "ana@usf.min-saude.pt", "--name", "t").stdout)
			code, _, body = get(t, srv.base+"/api/v1/tickets/"+string(tk.Number)+"/rating", ana)
			var r struct {
				Rating struct {
					Score   int
					Comment string
				}
				Open bool
			}
			if code != 200 || json.Unmarshal(body, &r) != nil || r.Rating.Score != 4 || r.Rating.Comment != "Resolved after all." || !r.Open {
				t.Fatalf("rating through the API: %d %s", code, body)
			}
			if code, body := putJSON(t, srv.base+"/api/v1/tickets/"+string(tk.Number)+"/rating", boss, `{"score":5}`); code != 403 {
				t.Fatalf("a supervisor rates: %d %s", code, body)
			}
			if code, body := putJSON(t, srv.base+"/api/v1/tickets/"+string(tk.Number)+"/rating", ana, `{"score":9}`); code != 422 || !strings.Contains(body, "score") {
				t.Fatalf("score 9: %d %s", code, body)
			}
			code, _, body = get(t, srv.base+"/api/v1/reports/ratings?service=webrnu", boss)
			if code != 200 || !strings.Contains(string(body), `"count":1`) || !strings.Contains(string(body), `"average":4`) {
				t.Fatalf("report: %d %s", code, body)
			}
			if code, _, _ := get(t, srv.base+"/api/v1/reports/ratings", ana); code != 403 {
				t.Fatalf("a requester reads the report: %d", code)
			}
			if code, _, body := get(t, srv.base+"/api/v1/reports/sla?from=ontem", boss); code != 422 || !strings.Contains(string(body), "from") {
				t.Fatalf("bad date: %d %s", code, body)
			}
		})
	}
}

func putJSON(t *testing.T, u, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestJobsRunOnceAcrossInstances starts two instances on one PostgreSQL
// after downtime: the overdue work (auto-close after 30 days, close after
// the 10-day reopen window, service-level breaches, satisfaction links) is
// done at start, and exactly once, whichever instance does it.
func TestJobsRunOnceAcrossInstances(t *testing.T) {
	setup, ok := databases(t)["postgres"]
	if !ok {
		t.Skip("BALCAO_TEST_POSTGRES_URL not set (CI sets it)")
	}
	environ, open := setup(t)
	balcaoCmd(t, environ, "", "migrate")
	balcaoCmd(t, environ, "", "user", "create", "--email", "rita@spms.pt", "--role", "agent")
	balcaoCmd(t, environ, "", "team", "add-member", "--team", "spms-rnu", "--email", "rita@spms.pt")
	store := open()
	defer store.Close()
	ctx := context.Background()
	now := time.Now().UTC()
	day := 24 * time.Hour
	mk := func(st balcao.Status, at time.Time) *balcao.Ticket {
		tk, err := store.CreateTicket(ctx, &balcao.NewTicket{Subject: "WebRNU – Criação de acesso", RequestType: "webrnu-a", Service: "webrnu",
			TeamCode: "spms-rnu", Impact: 1, Urgency: 1, Channel: balcao.ChannelEmail, Language: "pt-PT",
			RequesterEmail: "ana@usf.min-saude.pt", Status: st, Now: at})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	const n = 10
	var waiting, resolved, late []*balcao.Ticket
	for range n {
		waiting = append(waiting, mk(balcao.StatusPendingRequester, now.Add(-40*day)))
		r := mk(balcao.StatusNew, now.Add(-20*day))
		store.ChangeStatus(ctx, r.ID, balcao.StatusResolved, balcao.SystemActor, "", now.Add(-12*day))
		resolved = append(resolved, r)
		late = append(late, mk(balcao.StatusNew, now.Add(-5*day))) // P1: 1 h first response, long gone
	}
	fresh := mk(balcao.StatusNew, now) // resolved now: its link goes out, its window is open
	store.ChangeStatus(ctx, fresh.ID, balcao.StatusResolved, balcao.SystemActor, "", now)

	var wg sync.WaitGroup
	servers := make([]*server, 2)
	for i := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); servers[i] = startServer(t, environ) }()
	}
	wg.Wait()

	settled := func() bool {
		for _, tk := range append(append([]*balcao.Ticket{}, waiting...), resolved...) {
			got, _ := store.TicketByNumber(ctx, tk.Number)
			if got.Status != balcao.StatusClosed {
				return false
			}
		}
		for _, tk := range late {
			got, _ := store.TicketByNumber(ctx, tk.Number)
			if !got.SLACheckAt.IsZero() && !got.SLACheckAt.After(now) {
				return false
			}
		}
		msgs, _ := store.Messages(ctx, fresh.ID)
		return len(msgs) > 0
	}
	deadline := time.Now().Add(30 * time.Second)
	for !settled() {
		if time.Now().After(deadline) {
			t.Fatalf("the overdue work was not done\n%s\n%s", servers[0].logs(), servers[1].logs())
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // let a duplicate show, if any

	for _, tk := range waiting {
		evs, _ := store.Events(ctx, tk.ID)
		closes := 0
		for _, e := range evs {
			if e.Kind == balcao.EventStatus && e.To == "closed" {
				closes++
			}
		}
		msgs, _ := store.Messages(ctx, tk.ID)
		notices := 0
		for _, m := range msgs {
			if m.Direction == balcao.DirectionOut && strings.Contains(m.Text, "30 dias") {
				notices++
			}
		}
		if closes != 1 || notices != 1 {
			t.Fatalf("%s: closed %d times, %d notices", tk.Number, closes, notices)
		}
	}
	rita, _ := store.UserByEmail(ctx, "rita@spms.pt")
	// The first look at a late ticket finds both clocks breached: one
	// first-response breach and one resolution breach each, no warning,
	// told once to the team. The resolved tickets' breaches and the
	// first-response breaches of those waiting on the requester are
	// recorded too (the latter told only if still open when measured).
	ns, _ := store.Notifications(ctx, rita.ID, false, 500)
	perTicket := map[balcao.TicketNumber]int{}
	for _, x := range ns {
		perTicket[x.TicketNumber]++
	}
	for _, tk := range late {
		if perTicket[tk.Number] != 2 {
			t.Fatalf("%s: %d notifications, want 2", tk.Number, perTicket[tk.Number])
		}
	}
	for _, tk := range append(waiting, resolved...) {
		if perTicket[tk.Number] > 1 || (slices.Contains(resolved, tk) && perTicket[tk.Number] != 0) {
			t.Fatalf("%s: %d notifications", tk.Number, perTicket[tk.Number])
		}
	}
	sum, _ := store.SLASummary(ctx, balcao.ReportFilter{})
	if want := (balcao.SLASummary{FirstResponseBreaches: 3 * n, ResolutionBreaches: 2 * n}); *sum != want {
		t.Fatalf("records %+v, want %+v", sum, want)
	}
	// Each resolved ticket gets at most one satisfaction link (those closed
	// at start may have been closed before theirs went out); the ticket
	// resolved just now gets exactly one.
	for _, tk := range append(resolved, fresh) {
		msgs, _ := store.Messages(ctx, tk.ID)
		links := 0
		for _, m := range msgs {
			if ratingLinkRe.MatchString(m.Text) {
				links++
			}
		}
		if links > 1 || (tk == fresh && links != 1) {
			t.Fatalf("%s got %d satisfaction links", tk.Number, links)
		}
	}
}

// TestReopenThroughAPI: a requester reopens their resolved ticket within
// the 10 days, keeping its number; not twice, not after the window, not
// someone else's.
func TestReopenThroughAPI(t *testing.T) {
	for name, setup := range databases(t) {
		t.Run(name, func(t *testing.T) {
			environ, open := setup(t)
			srv := startServer(t, environ)
			store := open()
			defer store.Close()
			ctx := context.Background()
			now := time.Now().UTC()
			mk := func(resolvedAgo time.Duration) *balcao.Ticket {
				tk, err := store.CreateTicket(ctx, &balcao.NewTicket{Subject: "WebRNU – Criação de acesso", RequestType: "webrnu-a", Service: "webrnu",
					Channel: balcao.ChannelEmail, Language: "pt-PT", RequesterEmail: "ana@usf.min-saude.pt", Status: balcao.StatusNew, Now: now.Add(-20 * 24 * time.Hour)})
				if err != nil {
					t.Fatal(err)
				}
				store.ChangeStatus(ctx, tk.ID, balcao.StatusResolved, balcao.SystemActor, "", now.Add(-resolvedAgo))
				return tk
			}
			recent, old := mk(2*24*time.Hour), mk(10*24*time.Hour+time.Hour)
			balcaoCmd(t, environ, "", "user", "create", "--email", "rui@usf.pt", "--role", "requester")
			ana := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "ana@usf.min-saude.pt", "--name", "portal").stdout)
			rui := strings.TrimSpace(balcaoCmd(t, environ, "", "token", "create", "--email", "rui@usf.pt", "--name", "portal").stdout)
			reopen := func(tk *balcao.Ticket, token, body string) (int, string) {
				code, b := post(t, srv.base+"/api/v1/tickets/"+string(tk.Number)+"/reopen", token, "application/json", []byte(body), "")
				return code, string(b)
			}
			if code, _ := reopen(recent, rui, `{"reason":"x"}`); code != 404 {
				t.Fatalf("someone else's ticket: %d", code)
			}
			if code, body := reopen(recent, ana, `{"reason":"  "}`); code != 422 || !strings.Contains(body, "reason") {
				t.Fatalf("without a reason: %d %s", code, body)
			}
			code, body := reopen(recent, ana, `{"reason":"O erro voltou a acontecer."}`)
			if code != 200 || !strings.Contains(body, `"status":"open"`) || !strings.Contains(body, `"reopen_count":1`) || !strings.Contains(body, string(recent.Number)) {
				t.Fatalf("reopen: %d %s", code, body)
			}
			if code, _ := reopen(recent, ana, `{"reason":"de novo"}`); code != 409 {
				t.Fatalf("reopening an open ticket: %d", code)
			}
			if code, body := reopen(old, ana, `{"reason":"O erro voltou."}`); code != 409 || !strings.Contains(body, "open a new request") {
				t.Fatalf("after 10 days: %d %s", code, body)
			}
		})
	}
}
