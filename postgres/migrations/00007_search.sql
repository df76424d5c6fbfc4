-- +goose Up
-- Full-text search. pt_unaccent is the portuguese configuration with words
-- passed through unaccent before the stemmer, so "retificacao" finds
-- "Retificação". Text is indexed with ASCII punctuation turned into spaces
-- (as SQLite's unicode61 tokenizer does), so that e-mail addresses,
-- hyphenated words and punctuated numbers are found word by word on both
-- databases.
--   tickets.search_vec: subject (weight A), requester and organisation
--     (name, email, code; B), structured values (C). Kept by a trigger, since
--     it reads the requester's and the organisation's rows.
--   tickets.search_ids: each structured value that looks like an identifier,
--     upper case, without spaces, dots, dashes and slashes (generated).
--   messages.search_vec: subject (B) and text (D) of each message (generated).
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION pt_unaccent (COPY = portuguese);
ALTER TEXT SEARCH CONFIGURATION pt_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem;
ALTER TEXT SEARCH CONFIGURATION pt_unaccent
    ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;

-- +goose StatementBegin
CREATE FUNCTION search_field_ids(fields JSONB) RETURNS TEXT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT v), '{}')
    FROM (SELECT upper(translate(value, ' .-/', '')) AS v FROM jsonb_each_text(fields) WHERE length(value) <= 40) s
    WHERE v ~ '^[0-9A-Z]*[0-9][0-9A-Z]*$'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tickets_search_vec() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people TEXT;
    vals TEXT;
BEGIN
    SELECT u.name || ' ' || u.email || COALESCE(' ' || o.name || ' ' || o.code, '') INTO people
    FROM users u LEFT JOIN organisations o ON o.id = NEW.organisation_id
    WHERE u.id = NEW.requester_id;
    SELECT COALESCE(string_agg(value, ' '), '') INTO vals FROM jsonb_each_text(NEW.fields);
    NEW.search_vec :=
        setweight(to_tsvector('pt_unaccent', translate(NEW.subject, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')), 'A') ||
        setweight(to_tsvector('pt_unaccent', translate(COALESCE(people, ''), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')), 'B') ||
        setweight(to_tsvector('pt_unaccent', translate(vals, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')), 'C');
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

ALTER TABLE tickets ADD COLUMN search_vec TSVECTOR;
ALTER TABLE tickets ADD COLUMN search_ids TEXT[] GENERATED ALWAYS AS (search_field_ids(fields)) STORED;

-- Only the columns the vector reads: status changes and the like do not
-- recompute it.
CREATE TRIGGER tickets_search BEFORE INSERT OR UPDATE OF subject, fields, requester_id, organisation_id ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_search_vec();

-- A renamed requester or organisation: recompute their tickets' vectors.
-- +goose StatementBegin
CREATE FUNCTION users_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET requester_id = requester_id WHERE requester_id = NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER users_search AFTER UPDATE OF name, email ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION users_search_touch();

-- +goose StatementBegin
CREATE FUNCTION organisations_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET organisation_id = organisation_id WHERE organisation_id = NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER organisations_search AFTER UPDATE OF name, code ON organisations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION organisations_search_touch();

ALTER TABLE messages ADD COLUMN search_vec TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('pt_unaccent', translate(subject, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')), 'B') ||
    setweight(to_tsvector('pt_unaccent', translate(body_text, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')), 'D')
) STORED;

UPDATE tickets SET subject = subject;

CREATE INDEX tickets_search ON tickets USING GIN (search_vec);
CREATE INDEX tickets_search_ids ON tickets USING GIN (search_ids);
CREATE INDEX messages_search ON messages USING GIN (search_vec);
