-- +goose Up
-- The agent console: sessions (only the SHA-256 of the cookie's token is
-- kept), failed sign-ins per email for the lockout, and indexes for the
-- queue views.
CREATE TABLE sessions (
    hash BYTEA PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Keyed by the email typed, whether or not an account has it, so that the
-- lockout says nothing about which accounts exist.
CREATE TABLE login_failures (
    email TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX team_members_user ON team_members (user_id, team_id);

-- Queue views: every ticket by due time (all, SLA at risk), open tickets
-- by assignee (mine, unassigned), and by status and due time (pending views).
CREATE INDEX tickets_due ON tickets (due_at, id);
CREATE INDEX tickets_assignee_due ON tickets (assignee_id, due_at, id)
    WHERE status IN ('new', 'open', 'pending_requester', 'pending_approval');
CREATE INDEX tickets_status_due ON tickets (status, due_at, id);
-- The counts of the views read only this index (no table row per ticket).
CREATE INDEX tickets_counts ON tickets (status, team_id, assignee_id, due_at);
