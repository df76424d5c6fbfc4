package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
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

// compactRaw returns the stored form of an original and the spans cut
// out of it (nil when nothing was, and compact is raw itself). spans are
// where the attachments' base64 lies (balcao.FindRawSpans).
func compactRaw(raw []byte, spans []balcao.RawSpan) (compact []byte, cut []balcao.RawSpan) {
	if len(spans) == 0 {
		return raw, nil
	}
	size := len(raw)
	for _, s := range spans {
		size -= s.Len
	}
	compact = make([]byte, 0, max(size, 0))
	prev := 0
	for _, s := range spans {
		if s.At < prev || s.At+s.Len > len(raw) {
			// Not what FindRawSpans returns: keep the original whole.
			return raw, nil
		}
		compact = append(compact, raw[prev:s.At]...)
		prev = s.At + s.Len
	}
	return append(compact, raw[prev:]...), spans
}

// expandRaw rebuilds an original from its stored form.
func expandRaw(compact []byte, splices []balcao.RawSpan, size int, blob func(sha string) ([]byte, error)) ([]byte, error) {
	out := make([]byte, 0, size)
	c := 0
	for _, s := range splices {
		n := s.At - len(out)
		if n < 0 || c+n > len(compact) {
			return nil, errf("stored original: splice at %d out of range", s.At)
		}
		out = append(out, compact[c:c+n]...)
		c += n
		data, err := blob(s.SHA256)
		if err != nil {
			return nil, err
		}
		enc := balcao.Base64Lines(data, s.Wrap, s.CRLF)
		if len(enc) != s.Len {
			return nil, errf("stored original: attachment %s encodes to %d bytes, not %d", s.SHA256, len(enc), s.Len)
		}
		out = append(out, enc...)
	}
	return append(out, compact[c:]...), nil
}

// putRaw stores an original email in its compact form, given where it
// holds its attachments' base64.
func (db *DB) putRaw(ctx context.Context, tx *sql.Tx, sum string, raw []byte, spans []balcao.RawSpan, now time.Time) error {
	b, err := rawBlob(sum, raw, spans)
	if err != nil {
		return err
	}
	return db.putBlobs(ctx, tx, now, b)
}

// rawBlob is the stored form of an original: without the spans it holds
// the attachments' encodings, which are listed in splices.
func rawBlob(sum string, raw []byte, spans []balcao.RawSpan) (blobRow, error) {
	compact, splices := compactRaw(raw, spans)
	if splices == nil {
		return blobRow{sum: sum, size: len(raw), data: raw}, nil
	}
	list, err := json.Marshal(splices)
	return blobRow{sum: sum, size: len(raw), data: compact, splices: string(list)}, err
}

// blobRow is one row of blobs: stored content by its SHA-256.
type blobRow struct {
	sum     string
	size    int
	data    []byte
	splices string
}

// putBlobs stores content not stored yet, in one statement.
func (db *DB) putBlobs(ctx context.Context, tx *sql.Tx, now time.Time, rows ...blobRow) error {
	if len(rows) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO blobs (sha256, size, data, created_at, splices) VALUES `)
	args := make([]any, 0, 5*len(rows))
	at := db.d.t(now)
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, r.sum, r.size, r.data, at, r.splices)
	}
	q.WriteString(` ON CONFLICT (sha256) DO NOTHING`)
	_, err := db.exec(ctx, tx, q.String(), args...)
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
	var splices []balcao.RawSpan
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
