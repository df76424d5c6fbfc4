package sqldb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"balcao"
)

// An original email carries its attachments base64-encoded, and the
// attachments are also stored decoded, once each, as blobs of their own.
// To keep the original whole without writing every attachment twice, its
// stored form leaves out each base64 body that is exactly the standard
// encoding of a stored attachment (lines of 76 characters, CRLF or LF
// ends) and records where it was; reading the original puts them back.
// Anything else (other line lengths, stray spaces, another encoding) stays
// in place, so the bytes read back are always the bytes received: the
// stored form is checked against the original's SHA-256 on every read.

// splice is one base64 body cut out of a stored original.
type splice struct {
	At   int    `json:"at"`   // offset in the original
	Len  int    `json:"len"`  // length of the text cut out
	SHA  string `json:"sha"`  // the attachment's blob
	Wrap int    `json:"wrap"` // line length
	CRLF bool   `json:"crlf"` // line ends
}

// minSplice is the smallest attachment worth cutting out.
const minSplice = 1024

// wrapBase64 is the standard encoding of data in lines of wrap characters.
func wrapBase64(data []byte, wrap int, crlf bool) []byte {
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

// compactRaw returns the stored form of an original and its splices (nil
// when nothing was cut out, and compact is raw itself).
func compactRaw(raw []byte, atts []*balcao.Attachment) (compact []byte, splices []splice) {
	seen := map[string]bool{}
	for _, a := range atts {
		if len(a.Data) < minSplice || seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		for _, crlf := range []bool{true, false} {
			enc := wrapBase64(a.Data, 76, crlf)
			found := false
			for from := 0; ; {
				i := bytes.Index(raw[from:], enc)
				if i < 0 {
					break
				}
				at := from + i
				// The encoding must end its line: a longer body that
				// merely starts with it is something else.
				if end := at + len(enc); end == len(raw) || raw[end] == '\r' || raw[end] == '\n' {
					splices = append(splices, splice{At: at, Len: len(enc), SHA: a.SHA256, Wrap: 76, CRLF: crlf})
					found = true
				}
				from = at + len(enc)
			}
			if found {
				break
			}
		}
	}
	if len(splices) == 0 {
		return raw, nil
	}
	slices.SortFunc(splices, func(a, b splice) int { return a.At - b.At })
	// Keep the spans that do not overlap (the same bytes cannot be two
	// attachments' encodings, but be strict).
	kept := splices[:0]
	end := 0
	for _, s := range splices {
		if s.At >= end {
			kept = append(kept, s)
			end = s.At + s.Len
		}
	}
	splices = kept
	compact = make([]byte, 0, len(raw))
	prev := 0
	for _, s := range splices {
		compact = append(compact, raw[prev:s.At]...)
		prev = s.At + s.Len
	}
	return append(compact, raw[prev:]...), splices
}

// expandRaw rebuilds an original from its stored form.
func expandRaw(compact []byte, splices []splice, size int, blob func(sha string) ([]byte, error)) ([]byte, error) {
	out := make([]byte, 0, size)
	c := 0
	for _, s := range splices {
		n := s.At - len(out)
		if n < 0 || c+n > len(compact) {
			return nil, errf("stored original: splice at %d out of range", s.At)
		}
		out = append(out, compact[c:c+n]...)
		c += n
		data, err := blob(s.SHA)
		if err != nil {
			return nil, err
		}
		enc := wrapBase64(data, s.Wrap, s.CRLF)
		if len(enc) != s.Len {
			return nil, errf("stored original: attachment %s encodes to %d bytes, not %d", s.SHA, len(enc), s.Len)
		}
		out = append(out, enc...)
	}
	return append(out, compact[c:]...), nil
}

// putRaw stores an original email in its compact form.
func (db *DB) putRaw(ctx context.Context, tx *sql.Tx, sum string, raw []byte, atts []*balcao.Attachment, now time.Time) error {
	compact, splices := compactRaw(raw, atts)
	if splices == nil {
		return db.putBlob(ctx, tx, sum, raw, now)
	}
	list, err := json.Marshal(splices)
	if err != nil {
		return err
	}
	_, err = db.exec(ctx, tx, `INSERT INTO blobs (sha256, size, data, created_at, splices) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		sum, len(raw), compact, db.d.t(now), string(list))
	return err
}

// Blob returns stored content by SHA-256: an attachment, or an original
// email rebuilt whole and checked against its SHA-256.
func (db *DB) Blob(ctx context.Context, sum string) ([]byte, error) {
	return db.blob(ctx, strings.ToLower(sum), 0)
}

func (db *DB) blob(ctx context.Context, sum string, depth int) ([]byte, error) {
	if depth > 2 {
		return nil, errf("stored original %s: attachments nested too deep", sum)
	}
	var data []byte
	var size int
	var list string
	err := db.rrow(ctx, `SELECT data, size, splices FROM blobs WHERE sha256 = ?`, sum).Scan(&data, &size, &list)
	if err != nil {
		return nil, notFound(err, "no content with SHA-256 %s", sum)
	}
	if list == "" {
		return data, nil
	}
	var splices []splice
	if err := json.Unmarshal([]byte(list), &splices); err != nil {
		return nil, errf("stored original %s: %v", sum, err)
	}
	raw, err := expandRaw(data, splices, size, func(sha string) ([]byte, error) {
		return db.blob(ctx, sha, depth+1)
	})
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(raw); hex.EncodeToString(got[:]) != sum {
		return nil, errf("stored original %s does not rebuild to its SHA-256", sum)
	}
	return raw, nil
}
