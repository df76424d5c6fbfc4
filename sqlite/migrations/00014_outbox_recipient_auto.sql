-- +goose Up
-- The daily cap of automatic answers counts a recipient's automatic mail
-- of the last day inside every intake transaction. With auto in the index
-- the count reads the index alone, not each outbox row (and its mail).
CREATE INDEX outbox_recipient_auto ON outbox (first_recipient, auto, created_at);
DROP INDEX outbox_recipient;

-- +goose Down
CREATE INDEX outbox_recipient ON outbox (first_recipient, created_at);
DROP INDEX outbox_recipient_auto;
