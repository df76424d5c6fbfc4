package desk

import (
	"sync"
	"time"

	"balcao"
)

// reportCache keeps the figures of the reports page for a short while:
// supervisors open and reload the dashboard, and for a whole desk of
// 100,000 tickets the queries take hundreds of milliseconds. A minute-old
// figure is fresh enough for a dashboard, and the page says when it was
// computed.
type reportCache struct {
	mu      sync.Mutex
	entries map[reportKey]*reportData
}

type reportKey struct {
	from, to int64
	service  string
	team     int64
}

// reportCacheSize bounds the entries kept (one per period and selection).
const reportCacheSize = 64

func keyOf(f balcao.ReportFilter) reportKey {
	return reportKey{from: f.From.UnixNano(), to: f.To.UnixNano(), service: f.Service, team: f.TeamID}
}

// get returns the figures computed less than ttl before now, if any.
func (c *reportCache) get(f balcao.ReportFilter, now time.Time, ttl time.Duration) *reportData {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.entries[keyOf(f)]
	if d == nil || now.Sub(d.at) >= ttl || now.Before(d.at) {
		return nil
	}
	return d
}

// put keeps figures, dropping the expired ones (or, when none is, every
// entry) once the cache is full.
func (c *reportCache) put(f balcao.ReportFilter, d *reportData, now time.Time, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[reportKey]*reportData{}
	}
	if len(c.entries) >= reportCacheSize {
		for k, e := range c.entries {
			if now.Sub(e.at) >= ttl {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= reportCacheSize {
			clear(c.entries)
		}
	}
	c.entries[keyOf(f)] = d
}
