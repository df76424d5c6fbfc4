package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"balcao"
	"balcao/postgres"
	"balcao/sqldb"
	"balcao/storetest"
)

var dbSeq atomic.Int64

// freshDatabase creates an empty database for one test on the server named
// by BALCAO_TEST_POSTGRES_URL and returns its URL. Without that variable the
// test is skipped, except in CI, where PostgreSQL must be tested.
func freshDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("BALCAO_TEST_POSTGRES_URL")
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("BALCAO_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests (see .ci/run)")
		}
		t.Skip("BALCAO_TEST_POSTGRES_URL not set; start one with .ci/postgres-start")
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := fmt.Sprintf("balcao_test_%d_%d", time.Now().UnixNano(), dbSeq.Add(1))
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func open(t testing.TB, u string) balcao.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), u, true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (balcao.Store, func(t *testing.T) balcao.Store) {
		u := freshDatabase(t)
		return open(t, u), func(t *testing.T) balcao.Store { return open(t, u) }
	})
}

func TestCheckMigrated(t *testing.T) {
	u := freshDatabase(t)
	s, err := postgres.Open(context.Background(), u, false, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckMigrated(context.Background()); err == nil {
		t.Fatal("an empty database reported as migrated")
	}
	if err := open(t, u).CheckMigrated(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentMigrate starts several instances on one empty database at
// once: the advisory lock lets exactly one apply the migrations.
func TestConcurrentMigrate(t *testing.T) {
	u := freshDatabase(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := postgres.Open(context.Background(), u, true, sqldb.Options{})
			if err == nil {
				err = s.CheckMigrated(context.Background())
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
