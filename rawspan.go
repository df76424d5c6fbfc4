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
	return disjointSpans(spans)
}

// disjointSpans sorts spans by position and keeps those that do not
// overlap an earlier one (the same bytes cannot be two attachments'
// encodings, but be strict). It reuses spans' array.
func disjointSpans(spans []RawSpan) []RawSpan {
	slices.SortFunc(spans, func(a, b RawSpan) int { return a.At - b.At })
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

// encodedSpans returns the spans of the attachments that carry their
// encoding's place in raw (Attachment.Encoded), each checked to be exactly
// what FindRawSpans looks for. ok is false when an attachment FindRawSpans
// would consider has no such span; the caller then searches.
func encodedSpans(raw []byte, atts []*Attachment) (spans []RawSpan, ok bool) {
	for _, a := range atts {
		if len(a.Data) < minRawSpan || a.SHA256 == "" {
			continue
		}
		s, ok := encodedSpan(raw, a.Encoded, a.Data)
		if !ok {
			return nil, false
		}
		s.SHA256 = a.SHA256
		spans = append(spans, s)
	}
	slices.SortFunc(spans, func(a, b RawSpan) int { return a.At - b.At })
	for i := 1; i < len(spans); i++ {
		if spans[i].At < spans[i-1].At+spans[i-1].Len {
			return nil, false
		}
	}
	return spans, true
}

// encodedSpan checks that enc, a slice of raw, is Base64Lines(data, 76,
// crlf) followed only by line ends or spaces, and returns where it lies.
// data must be what a strict decoder (the standard library's, a line at a
// time) made of enc. Then every line but the last is 76 characters that
// gave at most 57 bytes, and the last the rest: when those add up to data,
// each full line gave exactly 57, so it holds only the alphabet and is the
// canonical encoding of its bytes. Only the last line is encoded again and
// compared, which also rejects bits set after the data's end.
func encodedSpan(raw, enc, data []byte) (RawSpan, bool) {
	enc = bytes.TrimRight(enc, " \t\r\n")
	if len(enc) == 0 || len(data) == 0 || cap(enc) > cap(raw) {
		return RawSpan{}, false
	}
	at := cap(raw) - cap(enc)
	if at >= len(raw) || at+len(enc) > len(raw) || &raw[at] != &enc[0] {
		return RawSpan{}, false // not a slice of raw
	}
	if end := at + len(enc); end < len(raw) && raw[end] != '\r' && raw[end] != '\n' {
		return RawSpan{}, false
	}
	crlf := false
	off := 0 // bytes of data the full lines stand for
	rest := enc
	for first := true; ; first = false {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break // rest is the last line
		}
		line := rest[:i]
		lineCRLF := len(line) > 0 && line[len(line)-1] == '\r'
		if lineCRLF {
			line = line[:len(line)-1]
		}
		if first {
			crlf = lineCRLF
		}
		if lineCRLF != crlf || len(line) != 76 {
			return RawSpan{}, false
		}
		off += 57
		rest = rest[i+1:]
	}
	tail := data[min(off, len(data)):]
	if len(tail) == 0 || len(tail) > 57 || off+len(tail) != len(data) || len(rest) != base64.StdEncoding.EncodedLen(len(tail)) {
		return RawSpan{}, false
	}
	var last [76]byte
	base64.StdEncoding.Encode(last[:len(rest)], tail)
	if !bytes.Equal(last[:len(rest)], rest) {
		return RawSpan{}, false
	}
	return RawSpan{At: at, Len: len(enc), Wrap: 76, CRLF: crlf}, true
}
