// Package sqlite opens Balcão's embedded database: a SQLite file in WAL
// mode through the pure-Go modernc driver, with one writer connection (all
// writes go through group commit) and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"balcao/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating if needed) the database file at path, applies the
// migrations when migrate is true, and returns the store.
func Open(ctx context.Context, path string, migrate bool, opt sqldb.Options) (*sqldb.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: data directory: %w", err)
		}
	}
	// Pages keep SQLite's default size, 4 KiB: 16 KiB pages measured slower
	// for intake (every index page a ticket touches is written whole to the
	// WAL).
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	// The writer does not checkpoint on commit (wal_autocheckpoint(0)):
	// a checkpoint syncs the database file, and doing it inside a commit
	// held every writer waiting. A background loop checkpoints instead
	// (checkpoint.go), and journal_size_limit cuts a log that a burst made
	// long back to 64 MiB when it starts again.
	//
	// Durability: the writer commits with synchronous(NORMAL), which writes
	// the WAL without syncing it, and the group committer then syncs the
	// WAL itself (SyncLog) before it tells any caller its write is done; a
	// commit is thus on disk before it is acknowledged, as with
	// synchronous(FULL), but the sync no longer holds the writer: the next
	// batch runs while the previous one is being synced. NORMAL still syncs
	// the WAL before each checkpoint and the database after it.
	if err := registerWALVFS(); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", u+"?vfs="+walVFSName+"&"+common+"&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)&_pragma=temp_store(2)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	// Every write transaction runs on the group committer's goroutine, one
	// at a time. The second connection only prepares statements: preparing
	// needs a connection while the first one is inside a transaction.
	write.SetMaxOpenConns(2)
	write.SetMaxIdleConns(2)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", u+"?"+common+"&_pragma=synchronous(FULL)&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	wal := &walFile{path: path + "-wal"}
	ckpt := &checkpointer{write: write}
	closeAll := func() error {
		ckpt.stop()
		return errors.Join(read.Close(), write.Close(), wal.close())
	}

	sub, _ := fs.Sub(migrations, "migrations")
	prov, err := goose.NewProvider(goose.DialectSQLite3, write, sub)
	if err != nil {
		closeAll()
		return nil, err
	}
	if migrate {
		if _, err := prov.Up(ctx); err != nil {
			closeAll()
			return nil, fmt.Errorf("sqlite: migrate: %w", err)
		}
	}
	opt.CheckMigrated = func(ctx context.Context) error {
		// Read the version table through the reader pool so that a
		// readiness probe never waits behind the writer.
		var v int64
		err := read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
		if err != nil {
			return fmt.Errorf("schema not migrated: %w", err)
		}
		if want := latest(prov); v < want {
			return fmt.Errorf("schema at version %d, want %d: run balcao migrate", v, want)
		}
		return nil
	}
	d := sqldb.Dialect{
		Name:              "sqlite",
		TimeValue:         func(t time.Time) any { return t.UnixMicro() },
		IsUniqueViolation: isUniqueViolation,
		GroupCommit:       true,
		SearchQueue:       true,
		LastInsertID:      true,
		SyncLog:           wal.sync,
	}
	db := sqldb.New(write, read, d, opt, closeAll)
	ckpt.start(db.BetweenWrites, checkpointInterval)
	return db, nil
}

func latest(p *goose.Provider) int64 {
	var v int64
	for _, s := range p.ListSources() {
		v = max(v, s.Version)
	}
	return v
}

func isUniqueViolation(err error) bool {
	var e *sqlite3.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
