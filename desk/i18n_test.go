package desk

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"balcao"
)

var verbRE = regexp.MustCompile(`%[a-z]`)

// Every string exists in all four languages with the same verbs.
func TestMessagesComplete(t *testing.T) {
	for key, m := range messages {
		want := verbRE.FindAllString(m.PT, -1)
		for lang, s := range map[string]string{"pt-PT": m.PT, "pt-BR": m.BR, "en": m.EN, "es": m.ES} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: no %s text", key, lang)
			}
			if got := verbRE.FindAllString(s, -1); strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("%s: %s has verbs %v, pt-PT %v", key, lang, got, want)
			}
		}
	}
}

var templateKeyRE = regexp.MustCompile(`\.L\.T "([^"]+)"`)

// The templates and the code use only keys the table has, and every
// family of keys built at run time is complete.
func TestMessageKeysUsed(t *testing.T) {
	used := map[string]bool{}
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		b, _ := templateFS.ReadFile(p)
		for _, m := range templateKeyRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return nil
	})
	if len(used) < 40 {
		t.Fatalf("found only %d keys in the templates", len(used))
	}
	for _, v := range balcao.DeskViews {
		used["view."+string(v)] = true
	}
	for _, c := range balcao.Channels {
		used["channel."+string(c)] = true
	}
	for _, d := range []balcao.Direction{balcao.DirectionIn, balcao.DirectionOut, balcao.DirectionNote} {
		used["dir."+string(d)] = true
	}
	for _, k := range []string{"priority.1", "priority.2", "priority.3", "priority.4", "priority.5",
		"field.ok", "field.missing", "field.invalid", "field.warning", "sort.due", "sort.updated", "level.1", "level.2", "level.3",
		"done.assigned", "done.unassigned", "done.status", "done.note", "done.reply", "done.priority", "done.team", "done.assigned_other", "event.reveal", "events.system",
		"filter.service", "filter.request_type", "filter.status", "filter.priority", "filter.channel", "filter.sort"} {
		used[k] = true
	}
	for k := range used {
		if _, ok := messages[k]; !ok {
			t.Errorf("key %q is used but not defined", k)
		}
	}
}

// Every page renders in every language without a missing key.
func TestPagesRenderInEveryLanguage(t *testing.T) {
	s := &Server{}
	s.Handler()
	for _, lang := range languages {
		l := Localizer{Lang: lang}
		r := httptest.NewRequest("GET", "/login", nil)
		base := page{L: l, Title: l.T("login.title"), Here: "/login"}
		pages := map[string]any{
			"login":    &loginPage{page: base},
			"password": &passwordPage{page: base},
			"error":    &errorPage{page: base, Message: l.T("error.notfound")},
			"queue":    &queuePage{page: base, Caption: l.T("queue.caption", "x", "1")},
			"ticket":   &ticketPage{page: base, T: &balcao.Ticket{Number: "SD-2026-000001", Status: balcao.StatusNew, Priority: 3, Channel: balcao.ChannelEmail}},
		}
		_ = r
		for name, data := range pages {
			w := httptest.NewRecorder()
			s.render(w, 200, name, data)
			body := w.Body.String()
			if w.Code != 200 || strings.Contains(body, "[") && regexp.MustCompile(`\[[a-z_]+\.[a-z_.]+\]`).MatchString(body) {
				t.Errorf("%s in %s: %d, a key is missing:\n%s", name, lang, w.Code, body)
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s in %s: wrong lang attribute", name, lang)
			}
		}
	}
}

func TestLockWait(t *testing.T) {
	cases := map[int]string{0: "0s", 4: "0s", 5: "1m0s", 6: "2m0s", 7: "4m0s", 11: "1h0m0s", 50: "1h0m0s"}
	for n, want := range cases {
		if got := lockWait(n).String(); got != want {
			t.Errorf("lockWait(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	got := strings.Join(acceptLanguages("en;q=0.5, pt-BR, es;q=0.8, *;q=0.1, fr;q=0"), " ")
	if got != "pt-BR es en" {
		t.Fatalf("got %q", got)
	}
}
