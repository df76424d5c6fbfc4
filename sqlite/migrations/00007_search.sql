-- +goose Up
-- Full-text search. Two FTS5 indexes, contentless (the text stays in the
-- tables only) with deletes allowed so that rows can be reindexed:
--   ticket_search, rowid = tickets.id: subject; requester and organisation
--     (name, email, code); the structured values; and "ids", each value that
--     looks like an identifier with its spaces, dots, dashes and slashes
--     removed ("529.982.247-25" is indexed as 52998224725).
--   message_search, rowid = messages.id: subject (without the ticket's
--     subject, which ticket_search holds) and text of each message.
-- unicode61 with remove_diacritics 2 folds case and accents, so
-- "retificacao" finds "Retificação".
--
-- The indexes are written behind, in batches, every second and before each
-- search: new tickets and messages are those above the last ids indexed
-- (search_state; ids only grow, and nothing is deleted); changes to indexed
-- rows are noted by triggers in search_queue. FTS5 writes its pending terms
-- out at every savepoint, and group commit runs each ticket in one, so
-- indexing inside the ticket's transaction wrote an index segment per
-- ticket and cut ticket creation throughput by about 45 %.
CREATE VIRTUAL TABLE ticket_search USING fts5(
    subject, people, fields, ids,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE message_search USING fts5(
    subject, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- kind: 'T' a changed ticket, 'M' a changed message.
CREATE TABLE search_queue (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    id INTEGER NOT NULL
);

-- The highest ticket and message ids indexed.
CREATE TABLE search_state (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    tickets INTEGER NOT NULL,
    messages INTEGER NOT NULL
);

-- What ticket_search holds for each ticket, in its column order.
CREATE VIEW ticket_search_source AS
SELECT t.id AS id, t.requester_id AS requester_id, t.organisation_id AS organisation_id,
    t.subject AS subject,
    u.name || ' ' || u.email || COALESCE(' ' || o.name || ' ' || o.code, '') AS people,
    (SELECT COALESCE(group_concat(value, ' '), '') FROM json_each(t.fields)) AS fields,
    (SELECT COALESCE(group_concat(v, ' '), '') FROM (
        SELECT replace(replace(replace(replace(value, ' ', ''), '.', ''), '-', ''), '/', '') AS v FROM json_each(t.fields)
        WHERE length(value) <= 40 AND value GLOB '*[0-9]*'
    ) WHERE v NOT GLOB '*[^0-9A-Za-z]*') AS ids
FROM tickets t
JOIN users u ON u.id = t.requester_id
LEFT JOIN organisations o ON o.id = t.organisation_id;

-- Only the columns the index reads: status changes and the like do not
-- reindex.
-- +goose StatementBegin
CREATE TRIGGER tickets_search_update AFTER UPDATE OF subject, fields, requester_id, organisation_id ON tickets
BEGIN
    INSERT INTO search_queue (kind, id) VALUES ('T', NEW.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_search_update AFTER UPDATE OF name, email ON users
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email
BEGIN
    INSERT INTO search_queue (kind, id) SELECT 'T', id FROM tickets WHERE requester_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER organisations_search_update AFTER UPDATE OF name, code ON organisations
WHEN OLD.name IS NOT NEW.name OR OLD.code IS NOT NEW.code
BEGIN
    INSERT INTO search_queue (kind, id) SELECT 'T', id FROM tickets WHERE organisation_id = NEW.id;
END;
-- +goose StatementEnd

-- Messages are not edited today; a redaction must leave nothing findable.
-- +goose StatementBegin
CREATE TRIGGER messages_search_update AFTER UPDATE OF subject, body_text ON messages
BEGIN
    INSERT INTO search_queue (kind, id) VALUES ('M', NEW.id);
END;
-- +goose StatementEnd

INSERT INTO ticket_search (rowid, subject, people, fields, ids)
    SELECT id, subject, people, fields, ids FROM ticket_search_source;
INSERT INTO message_search (rowid, subject, body)
    SELECT m.id, replace(m.subject, t.subject, ''), m.body_text FROM messages m JOIN tickets t ON t.id = m.ticket_id;
INSERT INTO search_state (one, tickets, messages)
    VALUES (1, (SELECT COALESCE(MAX(id), 0) FROM tickets), (SELECT COALESCE(MAX(id), 0) FROM messages));
