-- +goose Up
-- The desk's own automatic answers (acknowledgements, approval notices) are
-- the same few sentences on every ticket: they are no longer indexed for
-- search (their words matched every ticket). Those indexed already leave
-- the index; the indexing job skips the others.
DELETE FROM message_search WHERE rowid IN (
    SELECT id FROM messages WHERE auto AND direction = 'out' AND id <= (SELECT messages FROM search_state));

-- +goose Down
INSERT INTO message_search (rowid, subject, body)
    SELECT m.id, replace(m.subject, t.subject, ''), m.body_text FROM messages m CROSS JOIN tickets t ON t.id = m.ticket_id
    WHERE m.auto AND m.direction = 'out' AND m.id <= (SELECT messages FROM search_state);
