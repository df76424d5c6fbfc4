package mail

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestFastPathMatchesEnmime checks that, for every message the fast MIME
// path accepts, it finds the same bodies and attachments as enmime.
func TestFastPathMatchesEnmime(t *testing.T) {
	var files []string
	for _, rel := range corpusFiles(t) {
		files = append(files, filepath.Join(corpusDir, rel))
	}
	local, _ := filepath.Glob("testdata/*.eml")
	files = append(files, local...)
	fast := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw = trimMboxLine(raw)
		if tooComplex(raw) != "" {
			continue
		}
		fp, ok := fastParse(raw, 0)
		if !ok {
			continue
		}
		fast++
		ep, err := enmimeParse(raw)
		if err != nil {
			t.Errorf("%s: fast path accepted what enmime refuses: %v", f, err)
			continue
		}
		fb, eb := collectBody(fp), collectBody(ep)
		if fb.text != eb.text {
			t.Errorf("%s: text differs:\nfast   %q\nenmime %q", f, clip(fb.text, 300), clip(eb.text, 300))
		}
		if fb.html != eb.html {
			t.Errorf("%s: HTML differs", f)
		}
		if fb.hints != eb.hints || len(fb.rfc822) != len(eb.rfc822) {
			t.Errorf("%s: hints %+v/%d vs %+v/%d", f, fb.hints, len(fb.rfc822), eb.hints, len(eb.rfc822))
		}
		if len(fb.attachments) != len(eb.attachments) {
			t.Errorf("%s: %d attachments vs %d", f, len(fb.attachments), len(eb.attachments))
			continue
		}
		for i := range fb.attachments {
			a, b := fb.attachments[i], eb.attachments[i]
			if a.Filename != b.Filename || a.MediaType != b.MediaType || a.ContentID != b.ContentID || a.Inline != b.Inline || !bytes.Equal(a.Data, b.Data) {
				t.Errorf("%s: attachment %d: %s vs %s", f, i, attDesc(a), attDesc(b))
			}
		}
	}
	t.Logf("fast path taken for %d of %d messages", fast, len(files))
	if fast < len(files)/2 {
		t.Errorf("fast path taken for only %d of %d messages", fast, len(files))
	}
}

func attDesc(a Attachment) string {
	return fmt.Sprintf("{%q %q %q %v %d}", a.Filename, a.MediaType, a.ContentID, a.Inline, len(a.Data))
}
