package sqlite

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWALFileFollowsTheLogAcrossRecreation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db-wal")
	w := &walFile{path: path}
	defer w.close()
	// No log yet: nothing to flush, and no error.
	if err := w.sync(); err != nil || w.f != nil {
		t.Fatalf("sync without a log: err %v, open %v", err, w.f != nil)
	}
	if err := os.WriteFile(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil {
		t.Fatal(err)
	}
	first := w.fi
	// SQLite deletes the log when its last connection closes and writes a
	// new one later: the flush must follow the new file.
	os.Remove(path)
	if err := os.WriteFile(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil {
		t.Fatal(err)
	}
	now, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(first, w.fi) || !os.SameFile(now, w.fi) {
		t.Fatal("the flush still holds the deleted log")
	}
}
