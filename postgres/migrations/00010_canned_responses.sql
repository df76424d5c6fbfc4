-- +goose Up
-- Canned responses: texts agents insert into an answer, kept per request
-- type ('' for every type) by supervisors. Links between tickets gain an
-- index for the page that shows them from the other side.
CREATE TABLE canned_responses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_type TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX canned_responses_type ON canned_responses (request_type, title);
CREATE INDEX ticket_links_other ON ticket_links (other_id);
