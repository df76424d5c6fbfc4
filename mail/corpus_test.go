package mail

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir holds the shared corpus of real messages; it is read in place,
// never copied into the project.
const corpusDir = "../../shared/corpus/email"

const expectationsFile = "testdata/corpus-expectations.txt"

var update = flag.Bool("update", false, "rewrite testdata/corpus-expectations.txt from the current results")

// corpusFiles lists the corpus messages (relative paths, sorted).
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("corpus not found at %s: %v", corpusDir, err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() == "LICENSE" || d.Name() == "README.md" {
			return nil
		}
		rel, err := filepath.Rel(corpusDir, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// corpusResult is one line of the expectations file.
type corpusResult struct {
	result string // "ok" or "error: …"
	auto   string // the AutoKind, "-" for a person
}

func (r corpusResult) String() string { return r.result + "\t" + r.auto }

func parseCorpusFile(tb testing.TB, rel string) (*Message, corpusResult) {
	raw, err := os.ReadFile(filepath.Join(corpusDir, rel))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := Parse(raw)
	if err != nil {
		return nil, corpusResult{result: "error: " + strings.ReplaceAll(err.Error(), "\t", " "), auto: "-"}
	}
	auto := string(m.Auto)
	if auto == "" {
		auto = "-"
	}
	return m, corpusResult{result: "ok", auto: auto}
}

// TestCorpus parses every message of the shared corpus: none may panic,
// each must give the result recorded in testdata/corpus-expectations.txt
// (regenerate with `go test -run TestCorpus -update` and review the diff),
// and the invariants of Message must hold.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	results := map[string]corpusResult{}
	msgs := map[string]*Message{}
	for _, rel := range files {
		m, r := parseCorpusFile(t, rel)
		results[rel] = r
		msgs[rel] = m
		if m == nil {
			continue
		}
		checkInvariants(t, rel, m)
	}

	if *update {
		var b strings.Builder
		b.WriteString("# Parse results for ../../shared/corpus/email, one file a line:\n")
		b.WriteString("# path<TAB>ok or error: reason<TAB>AutoKind (- for a person).\n")
		b.WriteString("# Regenerate with: go test ./mail/ -run TestCorpus -update (then review the diff).\n")
		for _, rel := range files {
			b.WriteString(rel + "\t" + results[rel].String() + "\n")
		}
		if err := os.WriteFile(expectationsFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := readExpectations(t)
	for _, rel := range files {
		w, ok := want[rel]
		if !ok {
			t.Errorf("%s: not in %s", rel, expectationsFile)
			continue
		}
		if got := results[rel]; got != w {
			t.Errorf("%s: got %q, want %q", rel, got, w)
		}
	}
	for rel := range want {
		if _, ok := results[rel]; !ok {
			t.Errorf("%s: in %s but not in the corpus", rel, expectationsFile)
		}
	}

	// Counts, for the record.
	counts := map[string]int{}
	errs := 0
	for _, r := range results {
		if r.result != "ok" {
			errs++
			continue
		}
		counts[r.auto]++
	}
	t.Logf("corpus: %d files, %d parsed, %d errors; by kind: %v", len(files), len(files)-errs, errs, counts)

	// The bounce collection: everything but the RFC 3834 auto-replies is a
	// delivery or feedback report and must almost always be seen as one.
	var sisimai, bounces, autoReplies, rfc3834 int
	for _, rel := range files {
		if !strings.HasPrefix(rel, "sisimai-bounces/") {
			continue
		}
		if strings.HasPrefix(rel, "sisimai-bounces/rfc3834-") {
			rfc3834++
			if results[rel].auto == string(AutoReply) {
				autoReplies++
			}
			continue
		}
		sisimai++
		if results[rel].auto == string(Bounce) {
			bounces++
		}
	}
	t.Logf("sisimai-bounces: %d of %d reports recognised as bounces (%.1f%%); %d of %d RFC 3834 auto-replies as auto_reply",
		bounces, sisimai, 100*float64(bounces)/float64(max(sisimai, 1)), autoReplies, rfc3834)
	if bounces*100 < sisimai*95 {
		t.Errorf("only %d of %d sisimai reports recognised as bounces", bounces, sisimai)
	}
	if autoReplies != rfc3834 {
		t.Errorf("%d of %d RFC 3834 messages recognised as auto-replies", autoReplies, rfc3834)
	}
	if r := results["flanker/disposition-notification.eml"]; r.auto != string(ReadReceipt) {
		t.Errorf("flanker/disposition-notification.eml: %v, want read_receipt", r)
	}
	for _, rel := range []string{"flanker/bounce/gmail-invalid-address.eml", "flanker/bounce/office365.eml", "mikel-mail/multipart_report_emails/report_530.eml"} {
		if m := msgs[rel]; m == nil || len(m.Bounced) == 0 {
			t.Errorf("%s: no bounced recipient read", rel)
		}
	}

	// Messages a machine marked as automatic (Auto-Submitted other than
	// "no", X-Autoreply) are never taken for a person's; those that are not
	// delivery reports are auto-replies.
	for _, rel := range files {
		raw, _ := os.ReadFile(filepath.Join(corpusDir, rel))
		h := topHeader(raw)
		as := strings.ToLower(strings.TrimSpace(h["auto-submitted"]))
		_, xar := h["x-autoreply"]
		if (as == "" || as == "no") && !xar {
			continue
		}
		got := results[rel].auto
		if got == "-" {
			t.Errorf("%s: marked automatic (%q) but parsed as a person's", rel, as)
		}
		report := strings.Contains(strings.ToLower(h["content-type"]), "multipart/report") || h["x-failed-recipients"] != "" ||
			strings.Contains(strings.ToLower(h["from"]), "mailer-daemon") || strings.Contains(strings.ToLower(h["from"]), "postmaster") ||
			strings.Trim(h["return-path"], "<> ") == "" && h["return-path"] != ""
		if !report && got != string(AutoReply) && got != string(Bounce) {
			t.Errorf("%s: Auto-Submitted %q parsed as %s", rel, as, got)
		}
	}
}

// topHeader reads the first header block of raw leniently into a map of
// lowercased names to unfolded values (first occurrence wins).
func topHeader(raw []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(trimMboxLine(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	last := ""
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if l == "" {
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && last != "" {
			out[last] += " " + strings.TrimSpace(l)
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			last = ""
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := out[k]; dup {
			last = ""
			continue
		}
		out[k] = strings.TrimSpace(v)
		last = k
	}
	return out
}

func readExpectations(t *testing.T) map[string]corpusResult {
	data, err := os.ReadFile(expectationsFile)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	out := map[string]corpusResult{}
	for i, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			t.Fatalf("%s:%d: want 3 tab-separated fields: %q", expectationsFile, i+1, l)
		}
		out[f[0]] = corpusResult{result: f[1], auto: f[2]}
	}
	return out
}

// checkInvariants asserts what every parsed Message guarantees.
func checkInvariants(tb testing.TB, name string, m *Message) {
	tb.Helper()
	fail := func(format string, args ...any) {
		tb.Helper()
		tb.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if !strings.HasPrefix(m.Text, m.Reply) {
		fail("Reply is not a prefix of Text")
	}
	for _, s := range []string{m.Subject, m.Text, m.HTML, m.Reply, m.From.Name, m.From.Addr} {
		if !isValidUTF8(s) {
			fail("invalid UTF-8 in %q", clip(s, 40))
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		fail("Subject has a line break: %q", m.Subject)
	}
	if strings.ContainsAny(m.MessageID, "<> ") {
		fail("MessageID %q", m.MessageID)
	}
	if m.From.Addr != strings.ToLower(m.From.Addr) {
		fail("From.Addr not lowercased: %q", m.From.Addr)
	}
	if _, ch := RedactPasswords(m.Text); ch {
		fail("a password survives in Text")
	}
	if _, ch := RedactPasswords(m.Reply); ch {
		fail("a password survives in Reply")
	}
	for _, a := range m.Attachments {
		if a.Filename == "" || a.Filename != SafeFilename(a.Filename) || strings.ContainsAny(a.Filename, "/\\") {
			fail("unsafe attachment name %q", a.Filename)
		}
		if a.MediaType == "" || strings.ContainsAny(a.ContentID, "<>") {
			fail("attachment %q: type %q cid %q", a.Filename, a.MediaType, a.ContentID)
		}
	}
	if m.Auto != Human && m.AutoReason == "" {
		fail("Auto %q without a reason", m.Auto)
	}
	if m.Forwarded != nil {
		checkInvariants(tb, name+" (forwarded)", m.Forwarded)
	}
	_ = Pairs(m)
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
