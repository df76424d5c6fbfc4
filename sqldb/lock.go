package sqldb

import (
	"context"
	"hash/fnv"
	"sync"
)

// TryLock takes a named lock for this instance. On PostgreSQL it is a
// session advisory lock, held on a connection of its own until release,
// so that among several instances one runs the job; on SQLite (one
// process per database file) an in-process lock.
func (db *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	if !db.d.Numbered {
		return db.locks.tryLock(name)
	}
	h := fnv.New64a()
	h.Write([]byte("balcao:" + name))
	key := int64(h.Sum64())
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return func() {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key)
		conn.Close()
	}, true, nil
}

type localLocks struct {
	mu   sync.Mutex
	held map[string]bool
}

func (l *localLocks) tryLock(name string) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[name] {
		return nil, false, nil
	}
	if l.held == nil {
		l.held = map[string]bool{}
	}
	l.held[name] = true
	return func() {
		l.mu.Lock()
		delete(l.held, name)
		l.mu.Unlock()
	}, true, nil
}
