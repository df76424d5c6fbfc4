package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"balcao"
	"balcao/sqldb"
	"balcao/sqlite"
	"balcao/storetest"
)

func open(t testing.TB, path string) balcao.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (balcao.Store, func(t *testing.T) balcao.Store) {
		path := filepath.Join(t.TempDir(), "balcao.db")
		return open(t, path), func(t *testing.T) balcao.Store { return open(t, path) }
	})
}

func TestCheckMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "balcao.db")
	s, err := sqlite.Open(context.Background(), path, false, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckMigrated(context.Background()); err == nil {
		t.Fatal("an empty database reported as migrated")
	}
	m := open(t, path)
	if err := m.CheckMigrated(context.Background()); err != nil {
		t.Fatal(err)
	}
}
