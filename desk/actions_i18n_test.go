package desk

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"balcao"
)

// The pages of the ticket actions render in every language without a
// missing key.
func TestActionPagesRenderInEveryLanguage(t *testing.T) {
	s := &Server{}
	s.Handler()
	missing := regexp.MustCompile(`\[[a-z_]+\.[a-z_.]+\]`)
	for _, lang := range languages {
		l := Localizer{Lang: lang}
		base := page{L: l, Title: l.T("phone.title"), Here: "/desk/phone", User: &balcao.User{Email: "s@desk.pt", Role: balcao.RoleSupervisor}}
		tk := &balcao.Ticket{Number: "SD-2026-000001", Status: balcao.StatusPendingApproval, Priority: 3, Channel: balcao.ChannelPhone}
		pages := map[string]any{
			"phone": &phonePage{page: base, Type: "x", TypeTitle: "X", Fields: []phoneNode{
				{Field: &phoneField{ID: "f-a", Name: "f.a", Label: "A", Short: "A", Error: "e", Input: "select", ChoiceNone: l.T("phone.choice.none"), Choices: []option{{"v", "V", false}}}},
				{Group: &phoneGroup{ID: "g-g", Key: "g", Label: "G", Count: 1, CanAdd: true, AddLabel: l.T("phone.add", "item"),
					Items: []phoneItem{{Legend: "Item 1", Nodes: []phoneNode{{Field: &phoneField{ID: "f-g[0].b", Name: "f.g[0].b", Label: "Item 1 – B", Short: "B", Input: "date", Help: "h"}}}}}}},
			}},
			"canned": &cannedPage{page: base, Rows: []cannedRow{{C: &balcao.CannedResponse{ID: 1, Title: "T", Texts: map[string]string{"en": "x"}}, Type: "y",
				Texts: cannedTexts(map[string]string{"en": "x"}, l, false)}}, Texts: cannedTexts(nil, l, true)},
			"bulk": &bulkPage{page: base, Outcomes: []bulkOutcome{{Number: "SD-2026-000001", Result: "ok", OK: true}}},
			"ticket": &ticketPage{page: base, T: tk, CanReply: true, X: actionsView{CanAsk: true, CanDecide: true, CanMerge: true,
				Links: []linkView{{Label: "l", Number: "SD-2026-000002"}}, Canned: []option{{"1", "c", false}}, Types: []optGroup{{Label: "g"}}}},
			"queue": &queuePage{page: base, Rows: []queueRow{{T: tk}}, B: bulkView{CanClose: true}},
		}
		for name, data := range pages {
			w := httptest.NewRecorder()
			s.render(w, 200, name, data)
			if body := w.Body.String(); w.Code != 200 || missing.MatchString(body) || strings.Contains(body, "%!") {
				t.Errorf("%s in %s: %d\n%s", name, lang, w.Code, body)
			}
		}
	}
}
