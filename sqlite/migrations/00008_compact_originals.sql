-- +goose Up
-- An original email is stored without the base64 bodies of the attachments
-- that are stored on their own; splices (JSON) says where they go back.
ALTER TABLE blobs ADD COLUMN splices TEXT NOT NULL DEFAULT '';
