-- +goose Up
-- Who may approve or reject requests that need approval, per service
-- (e.g. CIT rectifications, models F and G).
CREATE TABLE approvers (
    user_id BIGINT NOT NULL REFERENCES users (id),
    service TEXT NOT NULL,
    PRIMARY KEY (user_id, service)
);
