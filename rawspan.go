package balcao

import (
	"bytes"
	"encoding/base64"
	"slices"
)

// RawSpan is a stretch of an original email that is exactly the standard
// base64 encoding of one of its attachments: lines of Wrap characters with
// CRLF (or LF) ends, the last line ending where a line ends in the
// original. A store can keep the original without those bytes, which it
// already holds decoded as the attachment, and rebuild them on reading.
// Stores keep spans as JSON with the message's stored form, hence the
// short names.
type RawSpan struct {
	At     int    `json:"at"`   // offset in the original
	Len    int    `json:"len"`  // length of the encoding
	SHA256 string `json:"sha"`  // the attachment's digest
	Wrap   int    `json:"wrap"` // line length
	CRLF   bool   `json:"crlf"` // line ends
}

// minRawSpan is the smallest attachment worth finding in the original.
const minRawSpan = 1024

// Base64Lines is the standard base64 encoding of data in lines of wrap
// characters, without an end after the last line.
func Base64Lines(data []byte, wrap int, crlf bool) []byte {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	base64.StdEncoding.Encode(enc, data)
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	out := make([]byte, 0, len(enc)+len(enc)/wrap*len(eol)+2)
	for len(enc) > wrap {
		out = append(append(out, enc[:wrap]...), eol...)
		enc = enc[wrap:]
	}
	return append(out, enc...)
}

// FindRawSpans returns where raw holds the 76-column base64 encoding of
// the attachments (each of at least 1 KiB and with its SHA256 set), sorted
// by offset and not overlapping. Anything encoded otherwise is not found,
// and stays part of the original as it is. It looks for the first line of
// each encoding and compares the rest line by line, so nothing is encoded
// whole or allocated but the result.
func FindRawSpans(raw []byte, atts []*Attachment) []RawSpan {
	var spans []RawSpan
	seen := map[string]bool{}
	var first [76]byte
	for _, a := range atts {
		if len(a.Data) < minRawSpan || a.SHA256 == "" || seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		base64.StdEncoding.Encode(first[:], a.Data[:57])
		for _, eol := range []string{"\r\n", "\n"} {
			found := false
			for from := 0; ; {
				i := bytes.Index(raw[from:], first[:])
				if i < 0 {
					break
				}
				at := from + i
				n, ok := matchBase64Lines(raw, at, a.Data, eol)
				if !ok {
					from = at + 1
					continue
				}
				// The encoding must end its line: a longer body that
				// merely starts with it is something else.
				if end := at + n; end == len(raw) || raw[end] == '\r' || raw[end] == '\n' {
					spans = append(spans, RawSpan{At: at, Len: n, SHA256: a.SHA256, Wrap: 76, CRLF: eol == "\r\n"})
					found = true
				}
				from = at + n
			}
			if found {
				break
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b RawSpan) int { return a.At - b.At })
	// Keep the spans that do not overlap (the same bytes cannot be two
	// attachments' encodings, but be strict).
	kept := spans[:0]
	end := 0
	for _, s := range spans {
		if s.At >= end {
			kept = append(kept, s)
			end = s.At + s.Len
		}
	}
	return kept
}

// matchBase64Lines reports whether raw holds Base64Lines(data, 76, eol is
// CRLF) at offset at, and its length.
func matchBase64Lines(raw []byte, at int, data []byte, eol string) (int, bool) {
	var line [76]byte
	pos := at
	for off := 0; off < len(data); off += 57 {
		chunk := data[off:min(off+57, len(data))]
		n := base64.StdEncoding.EncodedLen(len(chunk))
		base64.StdEncoding.Encode(line[:n], chunk)
		if pos+n > len(raw) || !bytes.Equal(raw[pos:pos+n], line[:n]) {
			return 0, false
		}
		pos += n
		if off+57 < len(data) {
			if !bytes.HasPrefix(raw[pos:], []byte(eol)) {
				return 0, false
			}
			pos += len(eol)
		}
	}
	return pos - at, true
}
