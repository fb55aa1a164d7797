-- +goose Up
-- Operator tokens authenticate the operator API. They are a table of their
-- own, not API tokens without an organization, so that one kind of secret
-- can never be taken for the other.
CREATE TABLE operator_tokens (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    secret_lookup TEXT NOT NULL UNIQUE,
    secret_hash   BLOB NOT NULL,
    created_at    BIGINT NOT NULL
);

-- The audit log: one row per change to a registered object, written in
-- the transaction that makes the change. before and after hold the object's
-- JSON, empty for none.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before      TEXT NOT NULL DEFAULT '',
    after       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_object ON audit_log (object_type, object_id, seq);
