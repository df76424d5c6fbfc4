package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"balcao/postgres"
	"balcao/sqldb"
	"balcao/sqlite"
)

var dbSeq atomic.Int64

// Databases returns, for tests outside the storage packages that must run
// on both databases, an opener per database: SQLite always, PostgreSQL on
// the server named by BALCAO_TEST_POSTGRES_URL (required when CI is set).
// Each call of an opener gives a fresh, migrated database.
func Databases(t *testing.T) map[string]func(t *testing.T) *sqldb.DB {
	dbs := map[string]func(t *testing.T) *sqldb.DB{
		"sqlite": func(t *testing.T) *sqldb.DB {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"), true, sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	admin := os.Getenv("BALCAO_TEST_POSTGRES_URL")
	if admin == "" && os.Getenv("CI") != "" {
		t.Fatal("BALCAO_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests (see .ci/run)")
	}
	if admin != "" {
		dbs["postgres"] = func(t *testing.T) *sqldb.DB {
			db, err := sql.Open("pgx", admin)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			name := fmt.Sprintf("balcao_t_%d_%d", time.Now().UnixNano(), dbSeq.Add(1))
			if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(admin)
			u.Path = "/" + name
			s, err := postgres.Open(context.Background(), u.String(), true, sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				s.Close()
				if db, err := sql.Open("pgx", admin); err == nil {
					db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
					db.Close()
				}
			})
			return s
		}
	}
	return dbs
}
