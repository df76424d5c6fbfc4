package balcao

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"balcao/mail"
)

// sealedSpans parses raw as intake does and returns the spans Seal takes
// from the parser, whether it could, and the spans FindRawSpans finds.
func sealedSpans(t *testing.T, raw []byte) (fromParser []RawSpan, ok bool, searched []RawSpan) {
	t.Helper()
	msg, err := mail.ParseFrom(raw, "")
	if err != nil {
		return nil, false, nil
	}
	var atts []*Attachment
	for _, a := range msg.Attachments {
		sum := sha256.Sum256(a.Data)
		atts = append(atts, &Attachment{Data: a.Data, Encoded: a.Encoded, SHA256: hex.EncodeToString(sum[:])})
	}
	fromParser, ok = encodedSpans(raw, atts)
	return fromParser, ok, FindRawSpans(raw, atts)
}

// TestEncodedSpansAgreeWithSearch: wherever the parser's places of the
// attachments' base64 are taken, they are exactly what FindRawSpans finds
// by encoding the attachments again, over the whole shared corpus and
// messages made to be awkward.
func TestEncodedSpansAgreeWithSearch(t *testing.T) {
	data := make([]byte, 3000)
	for i := range data {
		data[i] = byte(i*31 + i/7)
	}
	wrap := func(enc string, n int, eol string) string {
		var b strings.Builder
		for len(enc) > n {
			b.WriteString(enc[:n] + eol)
			enc = enc[n:]
		}
		return b.String() + enc
	}
	enc := base64.StdEncoding.EncodeToString(data)
	msg := func(eol, body, ct string) []byte {
		return []byte(strings.ReplaceAll("From: a@b.pt\nSubject: x\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nola\n--B\n"+
			"Content-Type: "+ct+"\nContent-Disposition: attachment; filename=\"a.bin\"\nContent-Transfer-Encoding: base64\n\n", "\n", eol) + body + eol + "--B--" + eol)
	}
	full := data[:57*40] // its last line is a full one
	fullEnc := base64.StdEncoding.EncodeToString(full)
	// Bits set after the last byte ('B' carries one): the decoder takes
	// it, but it is not the canonical encoding of what it decodes to.
	short := base64.StdEncoding.EncodeToString(data[:2999])
	nonCanonical := short[:len(short)-2] + "B="
	cases := []struct {
		name   string
		raw    []byte
		parser bool // whether the parser's spans are taken
	}{
		{"crlf", msg("\r\n", wrap(enc, 76, "\r\n"), "application/octet-stream"), true},
		{"lf", msg("\n", wrap(enc, 76, "\n"), "application/octet-stream"), true},
		{"last line full", msg("\r\n", wrap(fullEnc, 76, "\r\n"), "image/png"), true},
		{"72 columns", msg("\r\n", wrap(enc, 72, "\r\n"), "image/png"), false},
		{"one line", msg("\r\n", enc, "image/png"), false},
		{"not canonical", msg("\r\n", wrap(nonCanonical, 76, "\r\n"), "image/png"), false},
		{"trailing space", msg("\r\n", strings.Replace(wrap(enc, 76, "\r\n"), "\r\n", " \r\n", 1), "image/png"), false},
		{"a stray character", msg("\r\n", strings.Replace(wrap(enc, 76, "\r\n"), "\r\n", "\r\n*", 1)[:len(wrap(enc, 76, "\r\n"))+1], "image/png"), false},
		{"padding inside", msg("\r\n", wrap(enc[:76*3-4]+"AA==", 76, "\r\n")+"\r\n"+wrap(enc[76*3:], 76, "\r\n"), "image/png"), false},
		{"mixed line ends", msg("\r\n", strings.Replace(wrap(enc, 76, "\r\n"), "\r\n", "\n", 1), "image/png"), false},
		{"latin-1 text", msg("\r\n", wrap(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("ação ", 400))), 76, "\r\n"), "text/plain; charset=iso-8859-1"), false},
		{"twice", []byte(strings.ReplaceAll(string(msg("\r\n", wrap(enc, 76, "\r\n"), "image/png")), "--B--", "--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"+wrap(enc, 76, "\r\n")+"\r\n--B--")), true},
	}
	for _, c := range cases {
		got, ok, want := sealedSpans(t, c.raw)
		if ok != c.parser {
			t.Errorf("%s: the parser's spans taken %v, want %v", c.name, ok, c.parser)
		}
		if ok && !slices.Equal(got, want) {
			t.Errorf("%s: parser %+v, search %+v", c.name, got, want)
		}
		for _, s := range got {
			if s.Wrap != 76 || !strings.HasPrefix(string(c.raw[s.At:]), enc[:76]) && !strings.HasPrefix(string(c.raw[s.At:]), fullEnc[:76]) {
				t.Errorf("%s: span %+v does not start at the encoding", c.name, s)
			}
		}
	}

	root := filepath.Join("..", "shared", "corpus", "email")
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 100 {
		t.Skipf("corpus not found at %s", root)
	}
	taken, withSpans := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, want := sealedSpans(t, raw)
		if !ok {
			continue
		}
		taken++
		if len(got) > 0 {
			withSpans++
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: parser %+v, search %+v", f, got, want)
		}
	}
	t.Logf("%d corpus files; parser's spans taken for %d, %d of them with attachments placed", len(files), taken, withSpans)
	if withSpans == 0 {
		t.Error("no corpus message had an attachment placed by the parser")
	}
}
