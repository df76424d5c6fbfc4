-- +goose Up
-- Hourly summaries of the reports (docs/ARCHITECTURE.md, "Reports"): per
-- UTC hour, team (0: none), service and request type, the tickets created
-- in that hour (received, and a histogram of their times to first
-- response) and the tickets resolved in that hour (how many, how many with
-- no breach of each clock, a histogram of their times to resolution).
-- Histograms are bucket/count pairs (sqldb/rollup.go). The reports job
-- writes them for every hour before report_state.rolled_to; a report adds
-- the tickets since then, and the hours listed in report_dirty, read
-- directly.
-- The whole desk's backlog counts each open state's tickets between two
-- creation times: one range of this index per state and age bucket (a
-- team's reads tickets_backlog, team first).
CREATE INDEX tickets_open_age ON tickets (status, created_at, service)
    WHERE status IN ('new', 'open', 'pending_requester', 'pending_approval');

CREATE TABLE report_hours (
    hour INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    request_type TEXT NOT NULL,
    received INTEGER NOT NULL,
    first_response BLOB NOT NULL,
    resolved INTEGER NOT NULL,
    resolved_in_time INTEGER NOT NULL,
    first_response_in_time INTEGER NOT NULL,
    resolution BLOB NOT NULL,
    PRIMARY KEY (hour, team_id, service, request_type)
) WITHOUT ROWID;

-- The same per UTC day, summed from the hours once a day is wholly summed
-- up: a month is 30 rows per team, service and type instead of 720.
CREATE TABLE report_days (
    day INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    request_type TEXT NOT NULL,
    received INTEGER NOT NULL,
    first_response BLOB NOT NULL,
    resolved INTEGER NOT NULL,
    resolved_in_time INTEGER NOT NULL,
    first_response_in_time INTEGER NOT NULL,
    resolution BLOB NOT NULL,
    PRIMARY KEY (day, team_id, service, request_type)
) WITHOUT ROWID;

CREATE TABLE report_state (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    rolled_to INTEGER NOT NULL,
    computed_at INTEGER NOT NULL
);
INSERT INTO report_state (one, rolled_to, computed_at) VALUES (1, 0, 0);

-- Hours before rolled_to whose summaries a change made wrong: the reports
-- read them from the tickets until the job writes them again.
CREATE TABLE report_dirty (
    hour INTEGER PRIMARY KEY
);

-- A ticket written with a creation or resolution time already summed up
-- (not the intake's: its tickets are created now).
-- +goose StatementBegin
CREATE TRIGGER tickets_report_insert AFTER INSERT ON tickets
WHEN NEW.created_at < (SELECT rolled_to FROM report_state) OR NEW.resolved_at < (SELECT rolled_to FROM report_state)
BEGIN
    INSERT OR IGNORE INTO report_dirty (hour)
    SELECT h / 3600000000 * 3600000000 FROM (SELECT NEW.created_at AS h UNION ALL SELECT NEW.resolved_at)
    WHERE h < (SELECT rolled_to FROM report_state);
END;
-- +goose StatementEnd

-- A change of what the summaries group by or measure: the hour the ticket
-- was created in (received, first response) and the hours it was and is
-- resolved in (resolution, breaches). Changes of state only matter through
-- resolved_at.
-- +goose StatementBegin
CREATE TRIGGER tickets_report_update AFTER UPDATE OF team_id, service, request_type, created_at, first_response_at, resolved_at ON tickets
WHEN OLD.team_id IS NOT NEW.team_id OR OLD.service IS NOT NEW.service OR OLD.request_type IS NOT NEW.request_type
    OR OLD.created_at IS NOT NEW.created_at OR OLD.first_response_at IS NOT NEW.first_response_at OR OLD.resolved_at IS NOT NEW.resolved_at
BEGIN
    INSERT OR IGNORE INTO report_dirty (hour)
    SELECT h / 3600000000 * 3600000000 FROM (
        SELECT OLD.created_at AS h WHERE OLD.team_id IS NOT NEW.team_id OR OLD.service IS NOT NEW.service
            OR OLD.request_type IS NOT NEW.request_type OR OLD.created_at IS NOT NEW.created_at OR OLD.first_response_at IS NOT NEW.first_response_at
        UNION ALL SELECT NEW.created_at WHERE OLD.created_at IS NOT NEW.created_at
        UNION ALL SELECT OLD.resolved_at WHERE OLD.resolved_at IS NOT NULL
        UNION ALL SELECT NEW.resolved_at WHERE NEW.resolved_at IS NOT NULL)
    WHERE h < (SELECT rolled_to FROM report_state);
END;
-- +goose StatementEnd

-- A breach recorded for a ticket already resolved changes its hour's
-- compliance.
-- +goose StatementBegin
CREATE TRIGGER sla_records_report AFTER INSERT ON sla_records
WHEN NEW.kind = 'breach'
BEGIN
    INSERT OR IGNORE INTO report_dirty (hour)
    SELECT t.resolved_at / 3600000000 * 3600000000 FROM tickets t
    WHERE t.id = NEW.ticket_id AND t.resolved_at < (SELECT rolled_to FROM report_state);
END;
-- +goose StatementEnd
