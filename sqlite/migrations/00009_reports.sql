-- +goose Up
-- The supervisors' reports: tickets received in a period (by creation
-- time), resolved in a period (resolved_at stays set once closed), and the
-- backlog by age (a covering index over the open tickets).
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_resolved_at ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_backlog ON tickets (team_id, service, status, created_at)
    WHERE status IN ('new', 'open', 'pending_requester', 'pending_approval');
