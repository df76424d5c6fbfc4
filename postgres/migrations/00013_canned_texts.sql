-- +goose Up
-- A canned response has a text per language (pt-PT, pt-BR, en, es; at
-- least one). The single text of earlier responses becomes their pt-PT text,
-- the fallback of every language, so what agents insert does not change.
CREATE TABLE canned_response_texts (
    canned_id BIGINT NOT NULL REFERENCES canned_responses (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (canned_id, lang)
);
INSERT INTO canned_response_texts (canned_id, lang, body)
    SELECT id, 'pt-PT', body FROM canned_responses WHERE body <> '';
ALTER TABLE canned_responses DROP COLUMN body;
