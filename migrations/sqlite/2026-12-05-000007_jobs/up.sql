-- Background jobs (post-call processing), claimed by workers for a lease.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run_after TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- What workers look for: due queued jobs and lapsed claims.
CREATE INDEX jobs_claimable ON jobs (state, run_after) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_created ON jobs (created_at DESC);
-- One voice call per external call id and bot.
CREATE UNIQUE INDEX conversations_bot_voice_call ON conversations (bot_id, external_call_id)
    WHERE channel = 'voice' AND external_call_id IS NOT NULL;
