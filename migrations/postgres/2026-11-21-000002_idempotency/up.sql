-- Idempotency keys of the chat endpoints: one row per (workspace, key).
-- The primary key makes claiming atomic (INSERT … ON CONFLICT DO NOTHING)
-- and serves every look-up.
CREATE TABLE idempotency_keys (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status integer,
    content_type text,
    body text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
