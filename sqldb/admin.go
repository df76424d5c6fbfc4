package sqldb

import (
	"context"
	"database/sql"

	"balcao"
)

// ListUsers lists users by email, of the roles asked for.
func (db *DB) ListUsers(ctx context.Context, f balcao.UserFilter) ([]*balcao.User, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q := `SELECT ` + userCols + ` FROM users`
	var args []any
	if len(f.Roles) > 0 {
		for _, r := range f.Roles {
			if !r.Valid() {
				return nil, balcao.Errorf(balcao.EINVALID, "role: %q is not a role; use one of requester, org_manager, agent, supervisor, admin", r)
			}
			args = append(args, string(r))
		}
		q += ` WHERE role IN (` + placeholders(len(f.Roles)) + `)`
	}
	args = append(args, f.Limit)
	rows, err := db.rquery(ctx, q+` ORDER BY email LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	return scanUsers(rows)
}

// otherAdmins counts the enabled admins other than a user, inside a
// write transaction, so that the last one is never locked out.
func (db *DB) otherAdmins(ctx context.Context, tx *sql.Tx, userID int64) (int, error) {
	var n int
	err := db.qrow(ctx, tx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled AND id <> ?`, userID).Scan(&n)
	return n, err
}

// userRole reads a user's role and state inside a write transaction.
func (db *DB) userRole(ctx context.Context, tx *sql.Tx, userID int64) (balcao.Role, bool, error) {
	var role balcao.Role
	var disabled bool
	err := db.qrow(ctx, tx, `SELECT role, disabled FROM users WHERE id = ?`, userID).Scan(&role, &disabled)
	if err != nil {
		return "", false, notFound(err, "no user with id %d", userID)
	}
	return role, disabled, nil
}

// SetUserDisabled disables or enables a user; disabling ends the user's
// sessions, and is refused for the last enabled admin.
func (db *DB) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		role, _, err := db.userRole(ctx, tx, userID)
		if err != nil {
			return err
		}
		if disabled && role == balcao.RoleAdmin {
			n, err := db.otherAdmins(ctx, tx, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return balcao.Errorf(balcao.ECONFLICT, "user %d is the last enabled admin; make another admin first", userID)
			}
		}
		if _, err := db.exec(ctx, tx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID); err != nil {
			return err
		}
		if disabled {
			_, err = db.exec(ctx, tx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		}
		return err
	})
}

// SetUserRole changes a user's role; the last enabled admin keeps theirs.
func (db *DB) SetUserRole(ctx context.Context, userID int64, role balcao.Role) error {
	if !role.Valid() {
		return balcao.Errorf(balcao.EINVALID, "role: %q is not a role; use one of requester, org_manager, agent, supervisor, admin", role)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		was, disabled, err := db.userRole(ctx, tx, userID)
		if err != nil {
			return err
		}
		if was == balcao.RoleAdmin && role != balcao.RoleAdmin && !disabled {
			n, err := db.otherAdmins(ctx, tx, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return balcao.Errorf(balcao.ECONFLICT, "user %d is the last enabled admin; make another admin first", userID)
			}
		}
		_, err = db.exec(ctx, tx, `UPDATE users SET role = ? WHERE id = ?`, string(role), userID)
		return err
	})
}

// RemoveTeamMember takes a user out of a team.
func (db *DB) RemoveTeamMember(ctx context.Context, teamID, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := db.exec(ctx, tx, `DELETE FROM team_members WHERE team_id = ? AND user_id = ?`, teamID, userID)
		return err
	})
}

// ListOrganisations lists the organisations by name.
func (db *DB) ListOrganisations(ctx context.Context, limit int) ([]*balcao.Organisation, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := db.rquery(ctx, `SELECT id, code, name, kind, created_at FROM organisations ORDER BY name, code LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*balcao.Organisation
	for rows.Next() {
		o := &balcao.Organisation{}
		if err := rows.Scan(&o.ID, &o.Code, &o.Name, &o.Kind, dbTime{&o.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// scanUsers reads every user of rows and closes them.
func scanUsers(rows *sql.Rows) ([]*balcao.User, error) {
	defer rows.Close()
	var out []*balcao.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
