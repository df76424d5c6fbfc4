-- +goose Up
-- Service levels: when the first response is due, and when the SLA job is
-- to look at a ticket next (a change of state, priority, assignee or a
-- human answer sets it to "now"; the job sets it to the next warning or
-- due time). Warnings and breaches are recorded once per ticket and clock,
-- for the reports.
ALTER TABLE tickets ADD COLUMN first_response_due INTEGER;
ALTER TABLE tickets ADD COLUMN sla_check_at INTEGER;
UPDATE tickets SET sla_check_at = created_at
    WHERE status IN ('new', 'open', 'pending_requester', 'pending_approval');
CREATE INDEX tickets_sla_check ON tickets (sla_check_at)
    WHERE sla_check_at IS NOT NULL;

CREATE TABLE sla_records (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    clock TEXT NOT NULL CHECK (clock IN ('first_response', 'resolution')),
    kind TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
    due_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    team_id INTEGER REFERENCES teams (id),
    service TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL,
    UNIQUE (ticket_id, clock, kind)
);
CREATE INDEX sla_records_recorded ON sla_records (recorded_at);

-- What the console shows a member of staff: warnings, breaches.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    ticket_id INTEGER REFERENCES tickets (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);

-- Satisfaction: one rating per ticket, changeable while it can be reopened.
-- The requester reaches it through a link whose secret is stored only as
-- its SHA-256.
CREATE TABLE rating_links (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE ratings (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ratings_updated ON ratings (updated_at);
CREATE INDEX tickets_resolved ON tickets (resolved_at) WHERE status = 'resolved';
