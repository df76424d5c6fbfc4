package intake_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"balcao"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus-outcomes.txt from the current behaviour")

// TestCorpusOutcomes delivers every message of the shared corpus of real
// email (bounces, auto-replies, Outlook/Gmail/Apple output, broken MIME) to
// the desk: none may fail or panic, each ends as a ticket, a follow-up, a
// duplicate of an earlier one, or quarantine with a reason, and the outcome
// of each file is pinned in testdata/corpus-outcomes.txt (review changes to
// it like code: go test ./intake -run Corpus -update).
func TestCorpusOutcomes(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus", "email")
	var files []string
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && e.Name() != "LICENSE" && !strings.HasSuffix(e.Name(), ".md") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 500 {
		t.Fatalf("only %d corpus files under %s", len(files), root)
	}
	sort.Strings(files)
	d := newDesk(t)
	var lines []string
	counts := map[string]int{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		out, err := d.in.Deliver(d.ctx, balcao.Envelope{Source: "imap:corpus", Recipients: []string{"servicedesk@spms.min-saude.pt"}}, raw)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		switch out.Kind {
		case "ticket", "follow-up", "duplicate":
		case "quarantine":
			if out.Reason == "" {
				t.Errorf("%s: quarantined without a reason", rel)
			}
		default:
			t.Errorf("%s: outcome %q", rel, out.Kind)
		}
		// The original is kept byte for byte (its attachments' bodies are
		// stored once, and put back when it is read).
		sum := sha256.Sum256(raw)
		if kept, err := d.store.Blob(d.ctx, hex.EncodeToString(sum[:])); err == nil && !bytes.Equal(kept, raw) {
			t.Errorf("%s: the stored original differs from the bytes received", rel)
		} else if err != nil && balcao.ErrorCode(err) != balcao.ENOTFOUND {
			t.Errorf("%s: reading the original: %v", rel, err)
		}
		counts[out.Kind]++
		reason := out.Reason
		if i := strings.IndexAny(reason, ":("); i > 0 && out.Kind == "quarantine" {
			reason = strings.TrimSpace(reason[:i])
		}
		lines = append(lines, fmt.Sprintf("%s\t%s\t%s", rel, out.Kind, reason))
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join("testdata", "corpus-outcomes.txt")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < len(wl) && i < len(gl); i++ {
			if wl[i] != gl[i] {
				t.Errorf("outcome changed:\n  was %s\n  now %s", wl[i], gl[i])
			}
		}
		if len(wl) != len(gl) {
			t.Errorf("%d outcomes pinned, %d now", len(wl), len(gl))
		}
	}
	t.Logf("%d messages: %v", len(files), counts)
}
