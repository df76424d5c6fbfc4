package balcao

import "context"

// UserFilter selects users for the administration pages. Zero values do
// not filter.
type UserFilter struct {
	Roles []Role
	Limit int // 1..1000, default 200
}

// AdminStore is what the administration pages need from storage beyond
// the rest of Store.
type AdminStore interface {
	// ListUsers lists users by email.
	ListUsers(ctx context.Context, f UserFilter) ([]*User, error)
	// SetUserDisabled disables or enables a user; disabling ends the
	// user's sessions. Disabling the last enabled admin is ECONFLICT.
	SetUserDisabled(ctx context.Context, userID int64, disabled bool) error
	// SetUserRole changes a user's role; taking the admin role from the
	// last enabled admin is ECONFLICT, an unknown role EINVALID.
	SetUserRole(ctx context.Context, userID int64, role Role) error
	// RemoveTeamMember takes a user out of a team; one who is not in it
	// is no error.
	RemoveTeamMember(ctx context.Context, teamID, userID int64) error
	// ListOrganisations lists the organisations by name, at most limit
	// (1..5000, default 1000).
	ListOrganisations(ctx context.Context, limit int) ([]*Organisation, error)
}
