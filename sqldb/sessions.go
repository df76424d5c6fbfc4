package sqldb

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"balcao"
)

// sessionSeenGranularity bounds how often a session's last use is written,
// so that browsing the console does not turn every page into a write.
const sessionSeenGranularity = time.Minute

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *balcao.Session) error {
	if s.UserID == 0 || s.ExpiresAt.IsZero() {
		return balcao.Errorf(balcao.EINVALID, "a session needs a user and an expiry")
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `INSERT INTO sessions (hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			s.Hash[:], s.UserID, db.d.t(s.CreatedAt), db.d.t(s.LastSeenAt), db.d.t(s.ExpiresAt))
		return err
	})
	return db.conflict(err, "session already exists")
}

// SessionByHash finds an unexpired session of an enabled user.
func (db *DB) SessionByHash(ctx context.Context, hash [32]byte, now time.Time) (*balcao.Session, *balcao.User, error) {
	s := &balcao.Session{Hash: hash}
	u := &balcao.User{}
	err := db.rrow(ctx, `SELECT s.user_id, s.created_at, s.last_seen_at, s.expires_at,
		u.id, u.email, u.name, u.role, u.organisation_id, u.language, u.password_hash, u.disabled, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`, hash[:]).
		Scan(&s.UserID, dbTime{&s.CreatedAt}, dbTime{&s.LastSeenAt}, dbTime{&s.ExpiresAt},
			&u.ID, &u.Email, &u.Name, &u.Role, idScan{&u.OrganisationID}, &u.Language, &u.PasswordHash, &u.Disabled, dbTime{&u.CreatedAt})
	if err != nil {
		return nil, nil, notFound(err, "no session")
	}
	if !now.Before(s.ExpiresAt) || u.Disabled {
		return nil, nil, balcao.Errorf(balcao.ENOTFOUND, "session expired")
	}
	if now.Sub(s.LastSeenAt) > sessionSeenGranularity {
		s.LastSeenAt = now
		err := db.tx(ctx, func(tx *sql.Tx) error {
			_, err := db.exec(ctx, tx, `UPDATE sessions SET last_seen_at = ? WHERE hash = ?`, db.d.t(now), hash[:])
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return s, u, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, hash [32]byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `DELETE FROM sessions WHERE hash = ?`, hash[:])
		return err
	})
}

// DeleteUserSessions ends a user's other sessions (after a password change).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, keep [32]byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ? AND hash <> ?`, userID, keep[:])
		return err
	})
}

// DeleteExpiredSessions removes the sessions expired before now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := db.exec(ctx, tx, `DELETE FROM sessions WHERE expires_at <= ?`, db.d.t(now))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// SetPasswordHash replaces a user's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := db.exec(ctx, tx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return balcao.Errorf(balcao.ENOTFOUND, "no user with id %d", userID)
		}
		return nil
	})
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// LoginFailures returns the failed sign-ins of an email since its last success.
func (db *DB) LoginFailures(ctx context.Context, email string) (int, time.Time, error) {
	var n int
	var last time.Time
	err := db.rrow(ctx, `SELECT failures, last_failure_at FROM login_failures WHERE email = ?`, normEmail(email)).Scan(&n, dbTime{&last})
	if err == sql.ErrNoRows {
		return 0, time.Time{}, nil
	}
	return n, last, err
}

// RecordLoginFailure counts a failed sign-in for an email.
func (db *DB) RecordLoginFailure(ctx context.Context, email string, now time.Time) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return db.qrow(ctx, tx, `INSERT INTO login_failures (email, failures, last_failure_at) VALUES (?, 1, ?)
			ON CONFLICT (email) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = excluded.last_failure_at
			RETURNING failures`, normEmail(email), db.d.t(now)).Scan(&n)
	})
	return n, err
}

// ClearLoginFailures forgets an email's failures.
func (db *DB) ClearLoginFailures(ctx context.Context, email string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `DELETE FROM login_failures WHERE email = ?`, normEmail(email))
		return err
	})
}

// AddTeamMember makes a user a member of a team.
func (db *DB) AddTeamMember(ctx context.Context, teamID, userID int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `INSERT INTO team_members (team_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, teamID, userID)
		return err
	})
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "foreign") {
		return balcao.Errorf(balcao.ENOTFOUND, "no team %d or no user %d", teamID, userID)
	}
	return err
}

func (db *DB) teams(ctx context.Context, query string, args ...any) ([]*balcao.Team, error) {
	rows, err := db.rquery(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Team
	for rows.Next() {
		t := &balcao.Team{}
		if err := rows.Scan(&t.ID, &t.Code, &t.Name, dbTime{&t.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// UserTeams lists a user's teams by name.
func (db *DB) UserTeams(ctx context.Context, userID int64) ([]*balcao.Team, error) {
	return db.teams(ctx, `SELECT t.id, t.code, t.name, t.created_at FROM teams t
		JOIN team_members m ON m.team_id = t.id WHERE m.user_id = ? ORDER BY t.name, t.id`, userID)
}

// ListTeams lists every team by name.
func (db *DB) ListTeams(ctx context.Context) ([]*balcao.Team, error) {
	return db.teams(ctx, `SELECT id, code, name, created_at FROM teams ORDER BY name, id`)
}

// TeamMembers lists a team's enabled staff by name.
func (db *DB) TeamMembers(ctx context.Context, teamID int64) ([]*balcao.User, error) {
	rows, err := db.rquery(ctx, `SELECT u.id, u.email, u.name, u.role, u.organisation_id, u.language, u.password_hash, u.disabled, u.created_at
		FROM users u JOIN team_members m ON m.user_id = u.id
		WHERE m.team_id = ? AND NOT u.disabled AND u.role IN ('agent', 'supervisor', 'admin') ORDER BY u.name, u.email`, teamID)
	if err != nil {
		return nil, err
	}
	return scanUsers(rows)
}
