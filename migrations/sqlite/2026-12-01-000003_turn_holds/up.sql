-- Money held for model turns in flight: admitted against the balance
-- before the model call, released when the turn is recorded. A hold of a
-- crashed instance stops counting at expires_at.
CREATE TABLE turn_holds (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    amount_micros BIGINT NOT NULL,
    expires_at TEXT NOT NULL
);
-- Serves the sum of a workspace's live holds at admission.
CREATE INDEX turn_holds_workspace_expires ON turn_holds (workspace_id, expires_at);
