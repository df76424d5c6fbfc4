package balcao

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"
)

// naiveRawSpans is the plain statement of FindRawSpans: encode each
// attachment whole and look for it.
func naiveRawSpans(raw []byte, atts []*Attachment) []RawSpan {
	var spans []RawSpan
	seen := map[string]bool{}
	for _, a := range atts {
		if len(a.Data) < minRawSpan || seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		for _, crlf := range []bool{true, false} {
			enc := Base64Lines(a.Data, 76, crlf)
			found := false
			for from := 0; ; {
				i := bytes.Index(raw[from:], enc)
				if i < 0 {
					break
				}
				at := from + i
				if end := at + len(enc); end == len(raw) || raw[end] == '\r' || raw[end] == '\n' {
					spans = append(spans, RawSpan{At: at, Len: len(enc), SHA256: a.SHA256, Wrap: 76, CRLF: crlf})
					found = true
				}
				from = at + len(enc)
			}
			if found {
				break
			}
		}
	}
	return disjointSpans(spans)
}

func attachmentOf(data []byte) *Attachment {
	sum := sha256.Sum256(data)
	return &Attachment{Data: data, SHA256: hex.EncodeToString(sum[:])}
}

func FuzzFindRawSpans(f *testing.F) {
	f.Add(bytes.Repeat([]byte{1, 2, 3}, 700), uint16(10), true, uint16(0))
	f.Add(bytes.Repeat([]byte{9}, 57*20), uint16(0), false, uint16(300))
	f.Add(bytes.Repeat([]byte{9}, 57*20+1), uint16(3), true, uint16(77))
	f.Fuzz(func(t *testing.T, data []byte, at uint16, crlf bool, flip uint16) {
		if len(data) < minRawSpan {
			data = append(data, bytes.Repeat([]byte{0x5a}, minRawSpan-len(data))...)
		}
		eol := "\n"
		if crlf {
			eol = "\r\n"
		}
		raw := []byte("Subject: x" + eol + eol + string(bytes.Repeat([]byte("a"), int(at%200))) + eol)
		raw = append(raw, Base64Lines(data, 76, crlf)...)
		raw = append(raw, eol+"--B--"+eol...)
		// A second copy, possibly damaged by one flipped byte.
		second := append([]byte(eol), Base64Lines(data, 76, !crlf)...)
		if int(flip) < len(second) && flip%3 == 0 {
			second[flip] ^= 1
		}
		raw = append(raw, second...)
		atts := []*Attachment{attachmentOf(data)}
		got, want := FindRawSpans(raw, atts), naiveRawSpans(raw, atts)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("FindRawSpans = %+v, want %+v", got, want)
		}
		if len(got) == 0 {
			t.Fatal("the first copy, exactly encoded, was not found")
		}
	})
}

func TestSealFindsAttachmentsInTheOriginal(t *testing.T) {
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 7, 8, 9}, 1000)
	raw := append([]byte("Content-Transfer-Encoding: base64\r\n\r\n"), Base64Lines(png, 76, true)...)
	raw = append(raw, "\r\n--B--\r\n"...)
	m := &Message{Raw: raw, Attachments: []*Attachment{{Data: png}}}
	m.Seal()
	if len(m.RawSpans) != 1 {
		t.Fatalf("RawSpans = %+v, want one", m.RawSpans)
	}
	s := m.RawSpans[0]
	if !bytes.Equal(raw[s.At:s.At+s.Len], Base64Lines(png, 76, true)) || !s.CRLF || s.SHA256 != m.Attachments[0].SHA256 {
		t.Fatalf("span %+v does not cover the attachment's encoding", s)
	}
}
