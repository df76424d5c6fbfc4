package sqldb

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// teamCacheFor is how long a team read for a new ticket is used again
// without reading it. A team's id never changes and teams are not
// deleted; only its name can, by UpsertTeam, which clears the entry here
// (another instance's rename shows within this time).
const teamCacheFor = time.Minute

// teamCache keeps the teams new tickets go to: nearly every new ticket
// names one, and reading it was a statement of its own in every ticket's
// transaction.
type teamCache struct {
	mu sync.Mutex
	m  map[string]cachedTeam
}

type cachedTeam struct {
	id         int64
	code, name string
	read       time.Time
}

// teamForTicket returns a team by code, from the cache when read lately.
func (db *DB) teamForTicket(ctx context.Context, tx *sql.Tx, code string) (id int64, c, name string, err error) {
	db.teamCache.mu.Lock()
	t, ok := db.teamCache.m[code]
	db.teamCache.mu.Unlock()
	if ok && time.Since(t.read) < teamCacheFor {
		return t.id, t.code, t.name, nil
	}
	if err := db.qrow(ctx, tx, `SELECT id, code, name FROM teams WHERE code = ?`, code).Scan(&id, &c, &name); err != nil {
		return 0, "", "", err
	}
	db.teamCache.mu.Lock()
	if db.teamCache.m == nil {
		db.teamCache.m = map[string]cachedTeam{}
	}
	db.teamCache.m[code] = cachedTeam{id: id, code: c, name: name, read: time.Now()}
	db.teamCache.mu.Unlock()
	return id, c, name, nil
}

// forgetTeam drops a team from the cache after it was written.
func (db *DB) forgetTeam(code string) {
	db.teamCache.mu.Lock()
	delete(db.teamCache.m, code)
	db.teamCache.mu.Unlock()
}
