package mail

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHostileInputs feeds shapes that make naive parsers quadratic or
// exponential. Each must finish quickly; the MIME ones must be caught by
// the structure limits and kept as text.
func TestHostileInputs(t *testing.T) {
	// Generous enough for the race detector; the failures this guards
	// against took minutes.
	const limit = 30 * time.Second
	nested := func(depth int, closed bool) string {
		var b strings.Builder
		b.WriteString("Subject: x\r\nContent-Type: multipart/mixed; boundary=b000\r\n\r\n")
		for i := 1; i < depth; i++ {
			fmt.Fprintf(&b, "--b%03d\r\nContent-Type: multipart/mixed; boundary=b%03d\r\n\r\n", i-1, i)
		}
		fmt.Fprintf(&b, "--b%03d\r\nContent-Type: text/plain\r\n\r\n%s", depth-1, strings.Repeat("texto texto texto\r\n", 2000))
		if closed {
			for i := 0; i < depth; i++ {
				fmt.Fprintf(&b, "X-Fake: --b%03d--\r\n", i)
			}
		}
		return b.String()
	}
	parseCases := []struct {
		name, raw, warning string
	}{
		{"unclosed nesting", nested(40, false), "nested"},
		{"fake-closed nesting", nested(40, true), "nested"},
		{"many parts", "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + strings.Repeat("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n", 5000), "MIME parts"},
		{"many multipart declarations", "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + strings.Repeat("--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n", 200), "multipart declarations"},
		{"html soup", "Subject: x\r\nContent-Type: text/html\r\n\r\n" + strings.Repeat("<table><tr><td><p>Senha</p><td>", 20000), ""},
		{"forward chain", "Subject: Fwd: x\r\n\r\n" + strings.Repeat("---------- Forwarded message ---------\nFrom: a@b.pt\nSubject: x\n\n", 5000), ""},
	}
	for _, tc := range parseCases {
		start := time.Now()
		m, err := Parse([]byte(tc.raw))
		if d := time.Since(start); d > limit {
			t.Errorf("%s: Parse took %v", tc.name, d)
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tc.warning != "" && !strings.Contains(strings.Join(m.Warnings, "|"), tc.warning) {
			t.Errorf("%s: warnings %q lack %q", tc.name, m.Warnings, tc.warning)
		}
		if m.Subject != "x" && !strings.HasPrefix(m.Subject, "Fwd") {
			t.Errorf("%s: Subject %q", tc.name, m.Subject)
		}
	}
	// A proper nesting of ordinary depth is parsed, not refused.
	m, err := Parse([]byte(nested(4, false)))
	if err != nil || len(m.Warnings) > 0 && strings.Contains(strings.Join(m.Warnings, "|"), "nested") || !strings.Contains(m.Text, "texto") {
		t.Errorf("depth 4 refused: %v %q", err, m.Warnings)
	}

	funcCases := map[string]func(){
		"redact labels": func() { RedactPasswords(strings.Repeat("senha:a1 senha ", 50000)) },
		"pairs seps":    func() { s := "Nome: " + strings.Repeat("a; ", 100000); Pairs(&Message{Text: s, Reply: s}) },
		"pairs labels":  func() { s := strings.Repeat("Nome:\n", 100000); Pairs(&Message{Text: s, Reply: s}) },
		"strip headers": func() { StripQuoted(strings.Repeat("De: x\n", 100000)) },
		"strip html":    func() { StripQuotedHTML(strings.Repeat(`<blockquote type="cite"><div>`, 50000)) },
		"subject":       func() { NormalizeSubject(strings.Repeat("Re: [x] ", 50000)+"y", "SD") },
		"html tables":   func() { htmlLines(strings.Repeat("<table><tr><td>", 50000), true) },
		"sanitize nests": func() {
			SanitizeHTML(strings.Repeat("<div><img src=cid:a>", 20000), func(string) string { return "/a" })
		},
	}
	for name, f := range funcCases {
		start := time.Now()
		f()
		if d := time.Since(start); d > limit {
			t.Errorf("%s took %v", name, d)
		}
	}
}
