package desk

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"balcao"
)

// The reports page renders in every language without a missing key, and
// its numbers are written the language's way.
func TestReportsRenderInEveryLanguage(t *testing.T) {
	s := &Server{}
	s.Handler()
	d := &reportData{
		received: &balcao.DailyReceived{Days: []string{"2026-03-01", "2026-03-02"}, Types: []string{"", "cit-d1"},
			Counts: [][]int{{1200, 3}, {0, 4}}, Total: 1207},
		backlog: &balcao.BacklogReport{ByStatus: map[balcao.Status]int{balcao.StatusNew: 2},
			Cells: map[balcao.Status][balcao.BacklogBuckets]int{balcao.StatusNew: {1, 1, 0, 0, 0}}, Total: 2},
		sla:     &balcao.SLACompliance{Resolved: 3, ResolvedInTime: 2, FirstResponseInTime: 3},
		times:   &balcao.ResponseTimes{FirstResponse: balcao.Durations{Count: 3, Median: 90 * time.Minute, P90: 3 * time.Hour}},
		ratings: &balcao.RatingSummary{Count: 2, Average: 4.5, ByScore: [5]int{0, 0, 0, 1, 1}},
		records: &balcao.SLASummary{ResolutionBreaches: 1},
	}
	want := map[string]string{"pt-PT": "1\u00a0207", "pt-BR": "1.207", "en": "1,207", "es": "1.207"}
	missing := regexp.MustCompile(`\[[a-z_]+\.[a-z_.0-9]+\]`)
	for _, lang := range languages {
		l := Localizer{Lang: lang}
		p := &reportsPage{page: page{L: l, Title: l.T("reports.title"), Here: "/desk/reports"}, Scope: "x"}
		p.Sections = s.reportSections(l, d)
		w := httptest.NewRecorder()
		s.render(w, 200, "reports", p)
		body := w.Body.String()
		if w.Code != 200 || missing.MatchString(body) {
			t.Errorf("%s: %d, a key is missing:\n%s", lang, w.Code, body)
		}
		if !strings.Contains(body, want[lang]) || strings.Count(body, "<svg") != 5 || strings.Count(body, "<caption>") != 6 {
			t.Errorf("%s: numbers or tables wrong:\n%s", lang, body)
		}
	}
}
