-- +goose Up
-- When the state last changed and when the requester last wrote: the
-- 30-day auto-close of tickets waiting on the requester and the 10-day
-- reopen window count from these.
ALTER TABLE tickets ADD COLUMN status_changed_at INTEGER;
ALTER TABLE tickets ADD COLUMN requester_replied_at INTEGER;
UPDATE tickets SET status_changed_at = updated_at, requester_replied_at = created_at;
CREATE INDEX tickets_status_changed ON tickets (status, status_changed_at);
