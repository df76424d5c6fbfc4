package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"balcao"
)

// Options configure a store.
type Options struct {
	// NumberPrefix prefixes ticket numbers (default "SD").
	NumberPrefix string
	// MaxAttachmentBytes caps one attachment (default 25 MiB).
	MaxAttachmentBytes int64
	// NumberPool, when set, is a small separate pool on which numbers are
	// reserved from inside another transaction (PostgreSQL).
	NumberPool *sql.DB
	// CheckMigrated reports whether the schema is current.
	CheckMigrated func(ctx context.Context) error
}

// DB is a balcao.Store over database/sql.
type DB struct {
	write     *sql.DB // the writer; for SQLite a single connection
	read      *sql.DB // readers; the same pool as write on PostgreSQL
	d         Dialect
	opt       Options
	group     *groupCommitter
	stmts     stmtCache
	locks     localLocks
	numbers   numberBlocks // ticket numbers drawn ahead in blocks
	teamCache teamCache    // the teams new tickets go to
	closeFn   func() error

	stopSearch, searchDone chan struct{} // the search indexing loop, when SearchQueue
}

var _ balcao.Store = (*DB)(nil)

// New wraps open database handles. closeFn, when set, is called by Close
// after the store has stopped writing.
func New(write, read *sql.DB, d Dialect, opt Options, closeFn func() error) *DB {
	if opt.NumberPrefix == "" {
		opt.NumberPrefix = balcao.DefaultNumberPrefix
	}
	if opt.MaxAttachmentBytes == 0 {
		opt.MaxAttachmentBytes = 25 << 20
	}
	db := &DB{write: write, read: read, d: d, opt: opt, closeFn: closeFn}
	if d.GroupCommit {
		db.group = newGroupCommitter(write, 128, d.SyncLog)
	}
	if d.SearchQueue {
		db.stopSearch, db.searchDone = make(chan struct{}), make(chan struct{})
		go db.searchLoop(time.Second, db.stopSearch, db.searchDone)
	}
	return db
}

// Dialect returns the store's dialect name.
func (db *DB) Dialect() string { return db.d.Name }

// Close stops the writer and closes the database.
func (db *DB) Close() error {
	if db.stopSearch != nil {
		close(db.stopSearch)
		<-db.searchDone
	}
	if db.group != nil {
		db.group.close()
	}
	db.closeStmts()
	if db.closeFn != nil {
		return db.closeFn()
	}
	return nil
}

// WaitDurable returns once every write committed before the call is on
// disk (see balcao.Store).
func (db *DB) WaitDurable(ctx context.Context) error {
	if db.group == nil {
		return nil
	}
	return db.group.waitDurable(ctx)
}

// WriteStats counts the single writer's batches and flushes (SQLite); false
// when writes are not grouped (PostgreSQL).
func (db *DB) WriteStats() (balcao.WriteStats, bool) {
	if db.group == nil {
		return balcao.WriteStats{}, false
	}
	return db.group.stats(), true
}

// BetweenWrites runs fn with the writer's pool. With group commit (SQLite's
// single writer) fn runs on the committer's goroutine between two batches:
// no write transaction of the store is open meanwhile, and writes wait for
// it, so it must be short. Without group commit (PostgreSQL) it runs at
// once, beside any transactions.
func (db *DB) BetweenWrites(ctx context.Context, fn func(ctx context.Context, w *sql.DB) error) error {
	if db.group == nil {
		return fn(ctx, db.write)
	}
	return db.group.betweenWrites(ctx, fn)
}

// Ping checks that both pools answer, and that no flush of the log has
// failed (after one, no write is called durable until a restart).
func (db *DB) Ping(ctx context.Context) error {
	if db.group != nil {
		if err := db.group.flushError(); err != nil {
			return err
		}
	}
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// CheckMigrated returns an error unless every migration has been applied.
func (db *DB) CheckMigrated(ctx context.Context) error {
	if db.opt.CheckMigrated == nil {
		return nil
	}
	return db.opt.CheckMigrated(ctx)
}

// tx runs fn in a write transaction (possibly shared through group commit).
func (db *DB) tx(ctx context.Context, fn txFunc) error {
	if db.group != nil {
		return db.group.do(ctx, fn)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return balcao.Errorf(balcao.ENOTFOUND, format, args...)
	}
	return err
}

func (db *DB) conflict(err error, format string, args ...any) error {
	if err != nil && db.d.IsUniqueViolation(err) {
		return balcao.Errorf(balcao.ECONFLICT, format, args...)
	}
	return err
}

// messageConflict is conflict for the one unique key that means "this
// message is already stored": its Message-ID. Any other unique failure in
// the same transaction (a ticket number given twice, say) stays an error
// of its own, so that a caller never mistakes it for a duplicate message
// and drops the message.
func (db *DB) messageConflict(err error, messageID string) error {
	if err != nil && db.d.IsUniqueViolation(err) && strings.Contains(err.Error(), "message_id") {
		return balcao.Errorf(balcao.ECONFLICT, "message %s is already stored", messageID)
	}
	return err
}

// --- organisations ---

// CreateOrganisation stores o and sets its ID.
func (db *DB) CreateOrganisation(ctx context.Context, o *balcao.Organisation) error {
	o.Code = strings.TrimSpace(o.Code)
	if o.Code == "" || strings.TrimSpace(o.Name) == "" {
		return balcao.Errorf(balcao.EINVALID, "an organisation needs a code and a name")
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return db.qrow(ctx, tx, (`INSERT INTO organisations (code, name, kind, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			o.Code, o.Name, o.Kind, db.d.t(o.CreatedAt)).Scan(&o.ID)
	})
	return db.conflict(err, "an organisation with code %q already exists", o.Code)
}

// OrganisationByCode finds an organisation by its code.
func (db *DB) OrganisationByCode(ctx context.Context, code string) (*balcao.Organisation, error) {
	o := &balcao.Organisation{}
	err := db.rrow(ctx, (`SELECT id, code, name, kind, created_at FROM organisations WHERE code = ?`), code).
		Scan(&o.ID, &o.Code, &o.Name, &o.Kind, dbTime{&o.CreatedAt})
	if err != nil {
		return nil, notFound(err, "no organisation with code %q", code)
	}
	return o, nil
}

// --- users ---

const userCols = `id, email, name, role, organisation_id, language, password_hash, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (*balcao.User, error) {
	u := &balcao.User{}
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, idScan{&u.OrganisationID}, &u.Language, &u.PasswordHash, &u.Disabled, dbTime{&u.CreatedAt})
	return u, err
}

// CreateUser stores u (email lowercased) and sets its ID.
func (db *DB) CreateUser(ctx context.Context, u *balcao.User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return balcao.Errorf(balcao.EINVALID, "email: %q is not an email address", u.Email)
	}
	if !u.Role.Valid() {
		return balcao.Errorf(balcao.EINVALID, "role: %q is not a role; use one of requester, org_manager, agent, supervisor, admin", u.Role)
	}
	if u.Language == "" {
		u.Language = "pt-PT"
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return db.qrow(ctx, tx, (`INSERT INTO users (email, name, role, organisation_id, language, password_hash, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			u.Email, u.Name, string(u.Role), nullID(u.OrganisationID), u.Language, u.PasswordHash, u.Disabled, db.d.t(u.CreatedAt)).Scan(&u.ID)
	})
	return db.conflict(err, "a user with email %s already exists", u.Email)
}

// UserByEmail finds a user by email, case-insensitively.
func (db *DB) UserByEmail(ctx context.Context, email string) (*balcao.User, error) {
	u, err := scanUser(db.rrow(ctx, (`SELECT ` + userCols + ` FROM users WHERE email = ?`), strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return nil, notFound(err, "no user with email %s", email)
	}
	return u, nil
}

// UserByID finds a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (*balcao.User, error) {
	u, err := scanUser(db.rrow(ctx, (`SELECT ` + userCols + ` FROM users WHERE id = ?`), id))
	if err != nil {
		return nil, notFound(err, "no user with id %d", id)
	}
	return u, nil
}

// CountUsers counts enabled users with a role.
func (db *DB) CountUsers(ctx context.Context, role balcao.Role) (int, error) {
	var n int
	err := db.rrow(ctx, (`SELECT COUNT(*) FROM users WHERE role = ? AND NOT disabled`), string(role)).Scan(&n)
	return n, err
}

// GrantApprover records that a user may approve a service's requests.
func (db *DB) GrantApprover(ctx context.Context, userID int64, service string) error {
	if strings.TrimSpace(service) == "" {
		return balcao.Errorf(balcao.EINVALID, "service: name the catalogue service, e.g. cit")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `INSERT INTO approvers (user_id, service) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, service)
		return err
	})
}

// IsApprover reports whether a user may approve a service's requests.
func (db *DB) IsApprover(ctx context.Context, userID int64, service string) (bool, error) {
	var n int
	err := db.rrow(ctx, `SELECT COUNT(*) FROM approvers WHERE user_id = ? AND service = ?`, userID, service).Scan(&n)
	return n > 0, err
}

// --- teams ---

// UpsertTeam creates a team or renames the one with the same code, and sets t.ID.
func (db *DB) UpsertTeam(ctx context.Context, t *balcao.Team) error {
	if strings.TrimSpace(t.Code) == "" || strings.TrimSpace(t.Name) == "" {
		return balcao.Errorf(balcao.EINVALID, "a team needs a code and a name")
	}
	defer db.forgetTeam(t.Code)
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.qrow(ctx, tx, (`INSERT INTO teams (code, name, created_at) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id`),
			t.Code, t.Name, db.d.t(t.CreatedAt)).Scan(&t.ID)
	})
}

// TeamByCode finds a team by code.
func (db *DB) TeamByCode(ctx context.Context, code string) (*balcao.Team, error) {
	t := &balcao.Team{}
	err := db.rrow(ctx, (`SELECT id, code, name, created_at FROM teams WHERE code = ?`), code).
		Scan(&t.ID, &t.Code, &t.Name, dbTime{&t.CreatedAt})
	if err != nil {
		return nil, notFound(err, "no team with code %q", code)
	}
	return t, nil
}

// --- API tokens ---

// CreateToken stores a token (its hash only) and sets its ID.
func (db *DB) CreateToken(ctx context.Context, t *balcao.APIToken) error {
	if strings.TrimSpace(t.Name) == "" {
		return balcao.Errorf(balcao.EINVALID, "name: a token needs a name that says what uses it")
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return db.qrow(ctx, tx, (`INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			t.UserID, t.Name, t.Hash[:], db.d.t(t.CreatedAt)).Scan(&t.ID)
	})
	return db.conflict(err, "token already exists")
}

// tokenUseGranularity bounds how often a token's last use is written, so
// that reading the API does not turn every request into a write.
const tokenUseGranularity = time.Minute

// TokenByHash finds a valid token by the SHA-256 of its secret.
func (db *DB) TokenByHash(ctx context.Context, hash [32]byte, now time.Time) (*balcao.APIToken, *balcao.User, error) {
	// One query for the token and its user: this runs on every API request.
	t := &balcao.APIToken{}
	u := &balcao.User{}
	row := db.rrow(ctx, `SELECT t.id, t.name, t.created_at, t.last_used_at, t.revoked_at,
		u.id, u.email, u.name, u.role, u.organisation_id, u.language, u.password_hash, u.disabled, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`, hash[:])
	err := row.Scan(&t.ID, &t.Name, dbTime{&t.CreatedAt}, dbTime{&t.LastUsedAt}, dbTime{&t.RevokedAt},
		&u.ID, &u.Email, &u.Name, &u.Role, idScan{&u.OrganisationID}, &u.Language, &u.PasswordHash, &u.Disabled, dbTime{&u.CreatedAt})
	if err != nil {
		return nil, nil, notFound(err, "unknown token")
	}
	t.Hash, t.UserID, t.UserEmail = hash, u.ID, u.Email
	if !t.RevokedAt.IsZero() {
		return nil, nil, balcao.Errorf(balcao.ENOTFOUND, "token revoked")
	}
	if u.Disabled {
		return nil, nil, balcao.Errorf(balcao.ENOTFOUND, "user disabled")
	}
	if now.Sub(t.LastUsedAt) > tokenUseGranularity {
		t.LastUsedAt = now
		err := db.tx(ctx, func(tx *sql.Tx) error {
			_, err := db.exec(ctx, tx, (`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), db.d.t(now), t.ID)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return t, u, nil
}

// ListTokens lists every token, newest first, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]*balcao.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.user_id, u.email, t.name, t.created_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.APIToken
	for rows.Next() {
		t := &balcao.APIToken{}
		if err := rows.Scan(&t.ID, &t.UserID, &t.UserEmail, &t.Name, dbTime{&t.CreatedAt}, dbTime{&t.LastUsedAt}, dbTime{&t.RevokedAt}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token; revoking twice is an error that says so.
func (db *DB) RevokeToken(ctx context.Context, id int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := db.exec(ctx, tx, (`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), db.d.t(now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return balcao.Errorf(balcao.ENOTFOUND, "no valid token with id %d", id)
		}
		return nil
	})
}

func errf(format string, args ...any) error { return fmt.Errorf("sqldb: "+format, args...) }
