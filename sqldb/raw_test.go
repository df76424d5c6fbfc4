package sqldb

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"balcao"
)

func att(data []byte) *balcao.Attachment {
	sum := sha256.Sum256(data)
	return &balcao.Attachment{Data: data, SHA256: hex.EncodeToString(sum[:])}
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func roundTrip(t *testing.T, raw []byte, atts ...*balcao.Attachment) (compact []byte, splices []balcao.RawSpan) {
	t.Helper()
	compact, splices = compactRaw(raw, balcao.FindRawSpans(raw, atts))
	blobs := map[string][]byte{}
	for _, a := range atts {
		blobs[a.SHA256] = a.Data
	}
	got, err := expandRaw(compact, splices, len(raw), func(sha string) ([]byte, error) {
		b, ok := blobs[sha]
		if !ok {
			return nil, fmt.Errorf("no blob %s", sha)
		}
		return b, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Fatalf("the original does not come back whole (%d bytes, want %d)", len(got), len(raw))
	}
	return compact, splices
}

func mime(eol string, parts ...string) []byte {
	var b strings.Builder
	b.WriteString("From: a@b.pt" + eol + "Subject: x" + eol + "Content-Type: multipart/mixed; boundary=B" + eol + eol)
	for _, p := range parts {
		b.WriteString("--B" + eol + "Content-Type: image/png" + eol + "Content-Transfer-Encoding: base64" + eol + eol + p + eol)
	}
	b.WriteString("--B--" + eol)
	return []byte(b.String())
}

func TestCompactOriginals(t *testing.T) {
	png, pdf := random(30<<10), random(5000)
	crlf := func(d []byte) string { return string(balcao.Base64Lines(d, 76, true)) }
	lf := func(d []byte) string { return string(balcao.Base64Lines(d, 76, false)) }

	raw := mime("\r\n", crlf(png), crlf(pdf))
	compact, splices := roundTrip(t, raw, att(png), att(pdf))
	if len(splices) != 2 || len(compact) > 1000 {
		t.Fatalf("CRLF: %d splices, %d bytes kept of %d", len(splices), len(compact), len(raw))
	}
	// LF line ends (IMAP servers on Unix store them so).
	raw = mime("\n", lf(png))
	if compact, splices = roundTrip(t, raw, att(png)); len(splices) != 1 || len(compact) > 1000 {
		t.Fatalf("LF: %d splices, %d bytes", len(splices), len(compact))
	}
	// The same image attached twice: both bodies go.
	raw = mime("\r\n", crlf(png), crlf(png))
	if _, splices = roundTrip(t, raw, att(png), att(png)); len(splices) != 2 {
		t.Fatalf("twice: %d splices", len(splices))
	}
	// Other line lengths, or a body that only starts like the encoding,
	// stay as they are.
	odd := strings.ReplaceAll(crlf(png), "\r\n", "")
	if _, splices = roundTrip(t, mime("\r\n", odd), att(png)); len(splices) != 0 {
		t.Fatal("an unwrapped body was cut out")
	}
	if _, splices = roundTrip(t, mime("\r\n", crlf(png)+"QUJD"), att(png)); len(splices) != 0 {
		t.Fatal("a longer body was cut out")
	}
	// Small attachments and attachments not in the original are left.
	small := random(100)
	if _, splices = roundTrip(t, mime("\r\n", crlf(small)), att(small), att(random(4000))); len(splices) != 0 {
		t.Fatal("a small attachment was cut out")
	}
	// A wrong blob is caught.
	compact, splices = compactRaw(mime("\r\n", crlf(png)), balcao.FindRawSpans(mime("\r\n", crlf(png)), []*balcao.Attachment{att(png)}))
	if _, err := expandRaw(compact, splices, 0, func(string) ([]byte, error) { return random(10), nil }); err == nil {
		t.Fatal("a wrong attachment rebuilt the original")
	}
}

func FuzzCompactOriginals(f *testing.F) {
	f.Add([]byte("From: a\r\n\r\nQUJD\r\n"), []byte("ABC"), 0)
	f.Add(mime("\r\n", string(balcao.Base64Lines(bytes.Repeat([]byte{7}, 2000), 76, true))), bytes.Repeat([]byte{7}, 2000), 3)
	f.Fuzz(func(t *testing.T, raw, data []byte, cut int) {
		a := att(data)
		if cut > 0 && cut < len(raw) {
			raw = append(append(append([]byte{}, raw[:cut]...), balcao.Base64Lines(data, 76, cut%2 == 0)...), raw[cut:]...)
		}
		roundTrip(t, raw, a)
	})
}
