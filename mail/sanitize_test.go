package mail

import (
	"strings"
	"testing"
)

func TestSanitizeHTML(t *testing.T) {
	cid := func(id string) string { return "/anexos/" + strings.ReplaceAll(id, "@", "%40") }
	tests := []struct {
		name    string
		in      string
		want    []string
		wantNot []string
	}{
		{"script and handlers",
			`<p onclick="x()">Olá<script>alert(1)</script></p><img src=x onerror=alert(1)>`,
			[]string{"<p>Olá</p>"}, []string{"script", "onclick", "onerror", "alert"}},
		{"style and forms",
			`<style>body{display:none}</style><form action="https://evil"><input name=p></form><p style="color:red">t</p>`,
			[]string{"<p>t</p>"}, []string{"style", "form", "input", "display"}},
		{"tables kept",
			`<table border=1><tr><th colspan="2">CIT registado</th></tr><tr><td>Nº</td><td>1</td></tr></table>`,
			[]string{"<table>", `<th colspan="2">CIT registado</th>`, "<td>Nº</td>"}, nil},
		{"cid image rewritten",
			`<img src="cid:image001.png@01DC8F2B.5E2C1A40" alt="logo" width="120">`,
			[]string{`src="/anexos/image001.png%4001DC8F2B.5E2C1A40"`, `alt="logo"`}, []string{"cid:"}},
		{"tracking pixel dropped",
			`<p>a</p><img src="https://tracker.example.com/open.gif?u=1" width=1 height=1>`,
			[]string{"<p>a</p>"}, []string{"tracker", "<img"}},
		{"data uri dropped",
			`<img src="data:image/png;base64,AAAA">`,
			nil, []string{"data:", "<img"}},
		{"links",
			`<a href="https://cit.min-saude.pt/cit/">CIT</a> <a href="javascript:alert(1)">x</a> <a href="mailto:a@b.pt">a</a>`,
			[]string{`href="https://cit.min-saude.pt/cit/"`, `rel="nofollow noopener"`, `target="_blank"`, `href="mailto:a@b.pt"`}, []string{"javascript"}},
		{"iframes and objects",
			`<iframe src="https://x"></iframe><object data="x"></object><embed src="x"><p>ok</p>`,
			[]string{"<p>ok</p>"}, []string{"iframe", "object", "embed"}},
		{"outlook conditional comments",
			`<!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]--><p class=MsoNormal>ok<o:p></o:p></p>`,
			[]string{"ok"}, []string{"xml", "mso", "class"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SanitizeHTML(tc.in, cid)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q: %s", w, got)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("holds %q: %s", w, got)
				}
			}
		})
	}
	// cidURL may refuse, or answer with something unsafe: the image goes.
	for _, f := range []func(string) string{
		nil,
		func(string) string { return "" },
		func(string) string { return "javascript:alert(1)" },
		func(string) string { return "//evil.example.com/x.png" },
	} {
		got := SanitizeHTML(`<p>a</p><img src="cid:x@y">`, f)
		if strings.Contains(got, "<img") {
			t.Errorf("image kept: %s", got)
		}
	}
	if got := SanitizeHTML(`<img src="cid:x@y">`, func(string) string { return "https://desk.example.pt/a/1" }); !strings.Contains(got, `src="https://desk.example.pt/a/1"`) {
		t.Errorf("absolute cid URL refused: %s", got)
	}
}
