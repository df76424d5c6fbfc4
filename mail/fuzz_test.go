package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// addMessageSeeds adds the hand-written messages and the shared corpus.
func addMessageSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if _, err := os.Stat(corpusDir); err == nil {
		_ = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == "LICENSE" || d.Name() == "README.md" {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
			return nil
		})
	}
	f.Add([]byte(""))
	f.Add([]byte("Subject: x\r\n\r\nSenha: abc123\r\n"))
	f.Add([]byte("Content-Type: text/html\r\n\r\n<table><tr><td>Senha</td><td>Xy9</td></tr></table>"))
}

// survivingPassword finds "senha: x1" style values (letters and digits
// with at least one digit) that redaction should always have removed.
var survivingPassword = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}_])(?:senha|password|palavra-passe)[ \t]*[:=]+[ \t]*([\p{L}\p{N}]*\p{N}[\p{L}\p{N}]*)(?:[^\p{L}\p{N}_]|$)`)

// FuzzParse: Parse never panics (its own recover would turn a panic into
// a "parser failure" error), Reply stays a prefix of Text, and no
// password survives.
func FuzzParse(f *testing.F) {
	addMessageSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if strings.Contains(err.Error(), "parser failure") {
				t.Fatalf("panic: %v", err)
			}
			return
		}
		checkInvariants(t, "fuzz", m)
		for _, s := range []string{m.Text, m.Reply, m.HTML} {
			if mm := survivingPassword.FindStringSubmatch(s); mm != nil {
				t.Fatalf("password %q survives in %q", mm[1], clip(s, 200))
			}
		}
	})
}

// FuzzNormalizeSubject: the key is idempotent, valid UTF-8 and trimmed.
func FuzzNormalizeSubject(f *testing.F) {
	for _, s := range []string{
		"RE: Fwd: [#SD-2026-000001] CIT — Retificação  de CIT", "Resposta automática: x", "[EXTERNAL] Re: x",
		"Re：x", "İstanbul ℃ ﬁ", "\xff\xfe", "[#sd - 2026 - 1] re:re: -re:", "Re[2]:(3) [a]b",
	} {
		f.Add(s, "SD")
	}
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, s, prefix string) {
		n := NormalizeSubject(s, prefix)
		if again := NormalizeSubject(n, prefix); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, again)
		}
		if !utf8.ValidString(n) || n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("bad key %q", n)
		}
	})
}

// FuzzPairs: Pairs never panics and gives non-empty labels and values.
func FuzzPairs(f *testing.F) {
	f.Add("Nome: Maria\n- NISS: 1\nNome completo\nRui\nPerfil:\n- a\n- b", "<table><tr><td>a</td><td>b</td></tr></table>")
	f.Add("a\tb\tc\n1\t2\t3", "<table><tr><th colspan=3>x</th></tr><tr><td>a<td>b<td>c<tr><td>1<td>2<td>3</table>")
	f.Add("Identificação:\n\nNome:\n\n", "<b>Secção</b><p>Nome: x</p><div class=gmail_quote>y: z</div>")
	f.Fuzz(func(t *testing.T, text, html string) {
		m := &Message{Text: text, Reply: StripQuoted(text), HTML: html}
		for _, p := range Pairs(m) {
			if p.Label == "" || p.Value == "" || p.Line < 1 {
				t.Fatalf("bad pair %+v", p)
			}
		}
	})
}

// FuzzRedactPasswords: redaction is idempotent and keeps line structure.
func FuzzRedactPasswords(f *testing.F) {
	for _, s := range []string{"Senha: abc", "a minha senha é X1", "pwd=1&x=2", "Senha:\nAbc1", "senha provisória Ab1-2", `senha: "a b"`, "[palavra-passe removida]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ch := RedactPasswords(s)
		if ch != (r != s) {
			t.Fatalf("changed = %v for %q -> %q", ch, s, r)
		}
		if r2, ch2 := RedactPasswords(r); ch2 || r2 != r {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, r, r2)
		}
		if strings.Count(r, "\n") != strings.Count(s, "\n") {
			t.Fatalf("line count changed: %q -> %q", s, r)
		}
	})
}

// FuzzDecodeQP: the one-pass quoted-printable decoder agrees with
// mime/quotedprintable whenever it accepts its input.
func FuzzDecodeQP(f *testing.F) {
	for _, s := range []string{"a=3Db\r\nc=\r\nd", "ol=C3=A1  \n", "=\n", "x=4", "=zz", "tab\there\t\r\n", "=c3=a1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := decodeQP(b)
		if !ok {
			return
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(l) > 3000 {
				return // the standard reader splits lines over its 4 KB buffer; enmime cleans them first
			}
		}
		want, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("decodeQP(%q) = %q, mime/quotedprintable = %q, %v", b, got, want, err)
		}
	})
}

// FuzzDecodeBase64: the line-by-line decoder agrees with the standard
// decoder whenever it accepts its input.
func FuzzDecodeBase64(f *testing.F) {
	for _, s := range []string{"aGVsbG8=\r\n", "aGVs\r\nbG8=", "aGVsbG8gd29ybGQ=\n\n", "aGV\nsbG8=", "aGVsbG8=\naGVsbG8="} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := decodeBase64(b)
		if !ok {
			return
		}
		want, err := base64.StdEncoding.DecodeString(string(bytes.TrimRight(b, " \t\r\n")))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("decodeBase64(%q) = %q, standard = %q, %v", b, got, want, err)
		}
	})
}
