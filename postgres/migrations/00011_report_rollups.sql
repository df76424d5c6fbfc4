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
--
-- Each trigger below takes the transaction-level advisory lock 4815162342
-- in shared mode before it reads rolled_to, and the reports job takes it
-- exclusively (sqldb/rollup.go, reportLockKey): a write whose trigger read
-- the old rolled_to commits before the job reads the tickets, and a later
-- one waits for the job and reads the new rolled_to.
-- The whole desk's backlog counts each open state's tickets between two
-- creation times: one range of this index per state and age bucket (a
-- team's reads tickets_backlog, team first).
CREATE INDEX tickets_open_age ON tickets (status, created_at, service)
    WHERE status IN ('new', 'open', 'pending_requester', 'pending_approval');

CREATE TABLE report_hours (
    hour TIMESTAMPTZ NOT NULL,
    team_id BIGINT NOT NULL,
    service TEXT NOT NULL,
    request_type TEXT NOT NULL,
    received INTEGER NOT NULL,
    first_response BYTEA NOT NULL,
    resolved INTEGER NOT NULL,
    resolved_in_time INTEGER NOT NULL,
    first_response_in_time INTEGER NOT NULL,
    resolution BYTEA NOT NULL,
    PRIMARY KEY (hour, team_id, service, request_type)
);

-- The same per UTC day, summed from the hours once a day is wholly summed
-- up: a month is 30 rows per team, service and type instead of 720.
CREATE TABLE report_days (
    day TIMESTAMPTZ NOT NULL,
    team_id BIGINT NOT NULL,
    service TEXT NOT NULL,
    request_type TEXT NOT NULL,
    received INTEGER NOT NULL,
    first_response BYTEA NOT NULL,
    resolved INTEGER NOT NULL,
    resolved_in_time INTEGER NOT NULL,
    first_response_in_time INTEGER NOT NULL,
    resolution BYTEA NOT NULL,
    PRIMARY KEY (day, team_id, service, request_type)
);

CREATE TABLE report_state (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    rolled_to TIMESTAMPTZ NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);
INSERT INTO report_state (one, rolled_to, computed_at) VALUES (1, TIMESTAMPTZ '1970-01-01 00:00:00+00', TIMESTAMPTZ '1970-01-01 00:00:00+00');

-- Hours before rolled_to whose summaries a change made wrong: the reports
-- read them from the tickets until the job writes them again.
CREATE TABLE report_dirty (
    hour TIMESTAMPTZ PRIMARY KEY
);

-- +goose StatementBegin
CREATE FUNCTION report_mark(hours TIMESTAMPTZ[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_dirty (hour)
    SELECT DISTINCT date_bin('1 hour', h, TIMESTAMPTZ '1970-01-01 00:00:00+00') FROM unnest(hours) AS h
    WHERE h < (SELECT rolled_to FROM report_state)
    ON CONFLICT DO NOTHING
$$;
-- +goose StatementEnd

-- A ticket written with a creation or resolution time already summed up
-- (not the intake's: its tickets are created now, so only the comparison
-- runs).
-- +goose StatementBegin
CREATE FUNCTION tickets_report_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(4815162342);
    IF NEW.created_at < (SELECT rolled_to FROM report_state) OR NEW.resolved_at < (SELECT rolled_to FROM report_state) THEN
        PERFORM report_mark(ARRAY[NEW.created_at, NEW.resolved_at]);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER tickets_report_insert AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_report_insert();

-- A change of what the summaries group by or measure: the hour the ticket
-- was created in (received, first response) and the hours it was and is
-- resolved in (resolution, breaches). Changes of state only matter through
-- resolved_at.
-- +goose StatementBegin
CREATE FUNCTION tickets_report_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(4815162342);
    PERFORM report_mark(ARRAY[
        CASE WHEN OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.service IS DISTINCT FROM NEW.service
            OR OLD.request_type IS DISTINCT FROM NEW.request_type OR OLD.created_at IS DISTINCT FROM NEW.created_at
            OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at THEN OLD.created_at END,
        CASE WHEN OLD.created_at IS DISTINCT FROM NEW.created_at THEN NEW.created_at END,
        OLD.resolved_at, NEW.resolved_at]);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER tickets_report_update AFTER UPDATE OF team_id, service, request_type, created_at, first_response_at, resolved_at ON tickets
    FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.service IS DISTINCT FROM NEW.service
        OR OLD.request_type IS DISTINCT FROM NEW.request_type OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at)
    EXECUTE FUNCTION tickets_report_update();

-- A breach recorded for a ticket already resolved changes its hour's
-- compliance.
-- +goose StatementBegin
CREATE FUNCTION sla_records_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(4815162342);
    PERFORM report_mark(ARRAY(SELECT t.resolved_at FROM tickets t WHERE t.id = NEW.ticket_id AND t.resolved_at IS NOT NULL));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER sla_records_report AFTER INSERT ON sla_records
    FOR EACH ROW WHEN (NEW.kind = 'breach')
    EXECUTE FUNCTION sla_records_report();
