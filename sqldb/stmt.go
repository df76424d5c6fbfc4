package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// Statements are prepared once per pool and reused: parsing SQL dominated
// the cost of a write before (measured: 38% of CPU when creating tickets).
// database/sql re-prepares a Stmt lazily on each connection it runs on, and
// Tx.StmtContext reuses the connection's prepared statement.
type stmtCache struct {
	mu sync.Mutex
	m  map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	pool  *sql.DB
	query string
}

func (db *DB) prepared(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	k := stmtKey{pool, query}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	if st, ok := db.stmts.m[k]; ok {
		return st, nil
	}
	st, err := pool.PrepareContext(ctx, db.d.q(query))
	if err != nil {
		return nil, err
	}
	if db.stmts.m == nil {
		db.stmts.m = map[stmtKey]*sql.Stmt{}
	}
	db.stmts.m[k] = st
	return st, nil
}

func (db *DB) closeStmts() {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	for _, st := range db.stmts.m {
		st.Close()
	}
	db.stmts.m = nil
}

// errRow lets a preparation error surface from Scan, like sql.Row does.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type scanner interface{ Scan(...any) error }

// qrow runs a one-row query in a write transaction.
func (db *DB) qrow(ctx context.Context, tx *sql.Tx, query string, args ...any) scanner {
	st, err := db.prepared(ctx, db.write, query)
	if err != nil {
		return errRow{err}
	}
	ctx = db.writeCtx(ctx)
	return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// writeCtx is the context of a statement in a write transaction. On
// SQLite the group committer runs every request to its end once it is
// queued, so a statement has nothing to cancel, and a context that can end
// costs each statement a goroutine in the driver and each query's rows
// another in database/sql.
func (db *DB) writeCtx(ctx context.Context) context.Context {
	if db.group != nil {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// exec runs a statement in a write transaction.
func (db *DB) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := db.prepared(ctx, db.write, query)
	if err != nil {
		return nil, err
	}
	ctx = db.writeCtx(ctx)
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// insert runs an INSERT … RETURNING id in a write transaction and returns
// the new row's id.
func (db *DB) insert(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	if !db.d.LastInsertID {
		var id int64
		err := db.qrow(ctx, tx, query, args...).Scan(&id)
		return id, err
	}
	stripped, ok := strings.CutSuffix(query, " RETURNING id")
	if !ok {
		return 0, fmt.Errorf("sqldb: insert: %q does not end in RETURNING id", query)
	}
	res, err := db.exec(ctx, tx, stripped, args...)
	if err != nil {
		return 0, err
	}
	// A trigger's inserts do not change it once the trigger has ended.
	return res.LastInsertId()
}

// rrow runs a one-row query on the read pool.
func (db *DB) rrow(ctx context.Context, query string, args ...any) scanner {
	st, err := db.prepared(ctx, db.read, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// rquery runs a query on the read pool.
func (db *DB) rquery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, db.read, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}
