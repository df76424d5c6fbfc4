// Package sqldb is the storage of Balcão written once in SQL that both
// SQLite and PostgreSQL run. The sqlite and postgres packages open their
// database, apply their own migrations and hand a Dialect to New; the SQL
// here avoids what the two disagree on (placeholders are rewritten, times are
// converted by the dialect, upserts use ON CONFLICT … RETURNING, which both
// support).
package sqldb

import (
	"fmt"
	"sync"
	"time"
)

// Dialect captures what differs between the databases at run time.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Numbered rewrites ? placeholders as $1, $2 … (PostgreSQL).
	Numbered bool
	// TimeValue converts a time for a query argument.
	TimeValue func(time.Time) any
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation func(err error) bool
	// GroupCommit funnels every write through one connection that commits
	// many callers' work in one transaction (SQLite has a single writer).
	GroupCommit bool
	// ReserveNumbers draws ticket numbers in a short transaction of their
	// own before the ticket's (PostgreSQL, where transactions run in
	// parallel and would otherwise queue on the counter row).
	ReserveNumbers bool
	// SyncLog, with GroupCommit, makes committed writes durable: the
	// database commits without waiting for the disk, and the committer
	// calls SyncLog before it tells callers their writes are done (SQLite:
	// fdatasync of the write-ahead log). Nil when a commit is durable by
	// itself.
	SyncLog func() error
	// SearchQueue: the full-text indexes are written behind from
	// search_queue, every second and before each search (SQLite).
	SearchQueue bool
	// LastInsertID: an insert's new id is read from the driver's result
	// instead of a RETURNING row (SQLite). A statement without rows saves
	// database/sql a watcher goroutine and the rows' round trip.
	LastInsertID bool
}

var rebound sync.Map // query text -> rewritten text

// q returns the query in the dialect's placeholder style. Queries are
// constants, so the rewrite is cached.
func (d *Dialect) q(query string) string {
	if !d.Numbered {
		return query
	}
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	s := renumber(query)
	rebound.Store(query, s)
	return s
}

// farFuture stands for "no due time" so that indexes can order tickets by
// due time with the ones that have none last, the same on both databases.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// t converts a time for a query; the zero time is NULL.
func (d *Dialect) t(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	return d.TimeValue(v.UTC())
}

// due converts a due time, storing "none" as farFuture.
func (d *Dialect) due(v time.Time) any {
	if v.IsZero() {
		return d.TimeValue(farFuture)
	}
	return d.TimeValue(v.UTC())
}

// dbTime scans a time stored as Unix microseconds (SQLite) or as a native
// timestamp (PostgreSQL). NULL and farFuture scan as the zero time.
type dbTime struct{ T *time.Time }

func (s dbTime) Scan(src any) error {
	var v time.Time
	switch x := src.(type) {
	case nil:
	case int64:
		v = time.UnixMicro(x).UTC()
	case time.Time:
		v = x.UTC()
	case string:
		p, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return err
		}
		v = p.UTC()
	case []byte:
		p, err := time.Parse(time.RFC3339Nano, string(x))
		if err != nil {
			return err
		}
		v = p.UTC()
	default:
		return &scanError{src}
	}
	if v.Year() >= 9999 {
		v = time.Time{}
	}
	*s.T = v
	return nil
}

type scanError struct{ src any }

func (e *scanError) Error() string { return fmt.Sprintf("sqldb: cannot scan %T", e.src) }

// nullID maps the domain's 0 ("none") to NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// idScan scans a nullable id into an int64 where NULL is 0.
type idScan struct{ P *int64 }

func (s idScan) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*s.P = 0
	case int64:
		*s.P = x
	case int32:
		*s.P = int64(x)
	default:
		return &scanError{src}
	}
	return nil
}
