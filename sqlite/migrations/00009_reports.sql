-- +goose Up
-- The supervisors' reports read only these covering indexes, never the
-- ticket rows (wide, with their structured fields): tickets received in a
-- period (by creation time) with their first response, tickets resolved in
-- a period (resolved_at stays set once closed), for the whole desk or one
-- team, and the open tickets' ages by state.
CREATE INDEX tickets_created ON tickets (created_at, team_id, service, request_type, first_response_at);
CREATE INDEX tickets_team_created ON tickets (team_id, created_at, service, request_type, first_response_at);
CREATE INDEX tickets_resolved_at ON tickets (resolved_at, team_id, service, created_at)
    WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_team_resolved ON tickets (team_id, resolved_at, service, created_at)
    WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_backlog ON tickets (status, team_id, service, created_at)
    WHERE status IN ('new', 'open', 'pending_requester', 'pending_approval');
