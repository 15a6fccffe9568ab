-- Money held for model turns in flight: admitted against the balance
-- before the model call, released when the turn is recorded. A hold of a
-- crashed instance stops counting at expires_at.
CREATE TABLE turn_holds (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    amount_micros bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
-- Serves the sum of a workspace's live holds at admission.
CREATE INDEX turn_holds_workspace_expires ON turn_holds (workspace_id, expires_at);
