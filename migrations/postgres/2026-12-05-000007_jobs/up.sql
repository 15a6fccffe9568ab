-- Background jobs (post-call processing), claimed by workers for a lease.
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL,
    state text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    run_after timestamptz NOT NULL,
    claimed_by text,
    claimed_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- What workers look for: due queued jobs and lapsed claims.
CREATE INDEX jobs_claimable ON jobs (state, run_after) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_created ON jobs (created_at DESC);
-- One voice call per external call id and bot.
CREATE UNIQUE INDEX conversations_bot_voice_call ON conversations (bot_id, external_call_id)
    WHERE channel = 'voice' AND external_call_id IS NOT NULL;
