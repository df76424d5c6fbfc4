// Package postgres opens Balcão's shared database for several instances:
// PostgreSQL through pgx's database/sql driver. Migrations run under a
// session advisory lock, so instances may start at the same time.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"balcao/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at url, applies the migrations when migrate
// is true, and returns the store.
func Open(ctx context.Context, url string, migrate bool, opt sqldb.Options) (*sqldb.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: cannot reach the database: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, err
	}
	sub, _ := fs.Sub(migrations, "migrations")
	prov, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, err
	}
	if migrate {
		if _, err := prov.Up(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("postgres: migrate: %w", err)
		}
	}
	opt.CheckMigrated = func(ctx context.Context) error {
		var v int64
		err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
		if err != nil {
			return fmt.Errorf("schema not migrated: %w", err)
		}
		var want int64
		for _, s := range prov.ListSources() {
			want = max(want, s.Version)
		}
		if v < want {
			return fmt.Errorf("schema at version %d, want %d: run balcao migrate", v, want)
		}
		return nil
	}
	d := sqldb.Dialect{
		Name:              "postgres",
		Numbered:          true,
		TimeValue:         func(t time.Time) any { return t },
		IsUniqueViolation: isUniqueViolation,
		ReserveNumbers:    true,
	}
	// A small pool of its own for drawing ticket numbers from inside another
	// transaction, so that it can never wait for a connection held by that
	// transaction's own pool.
	numbers, err := sql.Open("pgx", url)
	if err != nil {
		db.Close()
		return nil, err
	}
	numbers.SetMaxOpenConns(4)
	opt.NumberPool = numbers
	return sqldb.New(db, db, d, opt, func() error { return errors.Join(numbers.Close(), db.Close()) }), nil
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}
