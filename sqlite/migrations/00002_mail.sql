-- +goose Up
-- Email: the original message kept whole, who was copied, outgoing mail,
-- quarantined messages and IMAP positions.
ALTER TABLE messages ADD COLUMN to_addrs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN cc_addrs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN raw_sha256 TEXT NOT NULL DEFAULT '';

CREATE TABLE ticket_participants (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    email TEXT NOT NULL,
    PRIMARY KEY (ticket_id, email)
);

CREATE TABLE ticket_links (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    other_id BIGINT NOT NULL REFERENCES tickets (id),
    kind TEXT NOT NULL,
    created_at INTEGER,
    PRIMARY KEY (ticket_id, other_id, kind)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    ticket_id BIGINT REFERENCES tickets (id),
    message_id TEXT NOT NULL DEFAULT '',
    mail_from TEXT NOT NULL,
    recipients TEXT NOT NULL,
    first_recipient TEXT NOT NULL,
    raw BLOB NOT NULL,
    auto BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);

CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_recipient ON outbox (first_recipient, created_at);

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    mail_from TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '[]',
    message_id TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    raw_sha256 TEXT NOT NULL REFERENCES blobs (sha256)
);

CREATE TABLE mailbox_cursors (
    mailbox TEXT PRIMARY KEY,
    uid_validity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    updated_at INTEGER
);
