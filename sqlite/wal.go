package sqlite

import (
	"errors"
	"io/fs"
	"os"
	"sync"
)

// walFile syncs the database's write-ahead log to disk. SQLite keeps the
// same file while the database is open (it rewrites the log from its start
// after a checkpoint rather than replacing it), but it deletes the log when
// its last connection closes and makes a new one on the next write; so
// each sync checks that its descriptor still names the file at the path.
type walFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
	fi   os.FileInfo
}

// sync flushes the log's written pages (fdatasync on Linux). Before the
// first commit there is no log yet, and nothing to flush.
func (w *walFile) sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	fi, err := os.Stat(w.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if w.f == nil || !os.SameFile(fi, w.fi) {
		if w.f != nil {
			w.f.Close()
			w.f = nil
		}
		f, err := os.Open(w.path)
		if err != nil {
			return err
		}
		if w.fi, err = f.Stat(); err != nil {
			f.Close()
			return err
		}
		w.f = f
	}
	return datasync(w.f)
}

func (w *walFile) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
