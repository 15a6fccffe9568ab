-- Hania schema, PostgreSQL. Mirrors crates/hania-store-diesel/src/schema.rs.
-- Every list filter and look-up the ports make is backed by an index below;
-- each index says which query it serves.

CREATE TABLE workspaces (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    default_rate_limit_per_hour integer NOT NULL CHECK (default_rate_limit_per_hour > 0),
    created_at timestamptz NOT NULL
);

CREATE TABLE billing_accounts (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('active', 'suspended')),
    plan_name text NOT NULL,
    monthly_turn_allowance integer CHECK (monthly_turn_allowance >= 0),
    balance_micros bigint NOT NULL,
    period_start date NOT NULL,
    period_turns_used integer NOT NULL CHECK (period_turns_used >= 0),
    updated_at timestamptz NOT NULL
);

CREATE TABLE bots (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NOT NULL,
    slug text NOT NULL,
    system_prompt text NOT NULL,
    prompt_builder jsonb,
    settings jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('active', 'inactive')),
    bot_type text NOT NULL CHECK (bot_type IN ('chatbot', 'agent')),
    model text,
    temperature double precision CHECK (temperature >= 0 AND temperature <= 2),
    chat_greeting text,
    tts_provider text CHECK (tts_provider IN ('cartesia', 'deepgram')),
    tts_voice text,
    voice_greeting text,
    end_call_enabled boolean NOT NULL,
    call_transfer_enabled boolean NOT NULL,
    call_transfer_number text,
    outbound_calls_enabled boolean NOT NULL,
    max_call_seconds integer,
    schedule text,
    next_run_at timestamptz,
    last_run_at timestamptz,
    agent_goal text,
    output_config jsonb,
    max_iterations integer,
    timeout_seconds integer,
    metadata jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- Slug dialect look-up and slug uniqueness per workspace.
CREATE UNIQUE INDEX bots_workspace_slug ON bots (workspace_id, slug);
-- GET /api/v1/bots: a workspace's bots, oldest first.
CREATE INDEX bots_workspace_created ON bots (workspace_id, created_at, id);
-- Scheduled agents: the due ones, soonest first.
CREATE INDEX bots_next_run ON bots (next_run_at) WHERE next_run_at IS NOT NULL;

-- One row per metadata pair, kept in the bot's write transaction, so the
-- ?metadata.<k>=<v> filter is an index look-up on both backends.
CREATE TABLE bot_metadata (
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    key text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (bot_id, key)
);
-- The filter's EXISTS probe is served by the primary key (bot_id, key);
-- this one serves "which bots have key = value" from the pair side.
CREATE INDEX bot_metadata_pair ON bot_metadata (key, value);

CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL,
    family text NOT NULL CHECK (family IN ('account', 'widget')),
    display_prefix text NOT NULL,
    key_hash text NOT NULL,
    abilities jsonb NOT NULL,
    rate_limit_per_hour integer CHECK (rate_limit_per_hour > 0),
    expires_at timestamptz,
    revoked_at timestamptz,
    widget_bot_id uuid REFERENCES bots (id) ON DELETE CASCADE,
    allowed_domains jsonb NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamptz NOT NULL
);
-- Every authenticated request looks its key up by hash.
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
-- Key management lists a workspace's keys of one family.
CREATE INDEX api_keys_workspace_family ON api_keys (workspace_id, family, created_at);

CREATE TABLE tool_configurations (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NOT NULL,
    tool_type text NOT NULL,
    config jsonb NOT NULL,
    parameters jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- Tool names are function names: unique per workspace; also the list order.
CREATE UNIQUE INDEX tool_configurations_workspace_name ON tool_configurations (workspace_id, name);

CREATE TABLE post_call_hooks (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    tool_configuration_id uuid NOT NULL REFERENCES tool_configurations (id) ON DELETE RESTRICT,
    run_order integer NOT NULL,
    enabled boolean NOT NULL,
    params_template jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- A hook is unique per (bot, tool); it also serves a bot's hook list.
CREATE UNIQUE INDEX post_call_hooks_bot_tool ON post_call_hooks (bot_id, tool_configuration_id);
-- "Is this tool still used?" before deleting a tool.
CREATE INDEX post_call_hooks_tool ON post_call_hooks (tool_configuration_id);

CREATE TABLE conversations (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    channel text NOT NULL CHECK (channel IN ('web', 'sms', 'whatsapp', 'api', 'agent', 'voice', 'post_call')),
    customer_id text,
    external_call_id text,
    external_linked_id text,
    source_conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
    message_count integer NOT NULL DEFAULT 0,
    trace_step_count integer NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    last_message_at timestamptz,
    last_message_preview text,
    analysis_sentiment text,
    analysis_topic text,
    analysis_outcome text,
    analysis_summary text
);
-- The list is newest first within a workspace. Each index below starts
-- with workspace_id, has the filter column(s) next and ends with
-- (started_at, id) so the planner reads rows already in list order and stops
-- after limit + offset rows, and the count is an index-only range.
-- No filter, or only since/until.
CREATE INDEX conversations_ws_started ON conversations (workspace_id, started_at DESC, id DESC);
-- bot_id, and bot_id + channel (the common dashboard query).
CREATE INDEX conversations_ws_bot_channel_started
    ON conversations (workspace_id, bot_id, channel, started_at DESC, id DESC);
-- channel alone.
CREATE INDEX conversations_ws_channel_started ON conversations (workspace_id, channel, started_at DESC, id DESC);
-- Exact external identifiers (one or a handful of rows each).
CREATE INDEX conversations_ws_external_call ON conversations (workspace_id, external_call_id)
    WHERE external_call_id IS NOT NULL;
CREATE INDEX conversations_ws_external_linked ON conversations (workspace_id, external_linked_id)
    WHERE external_linked_id IS NOT NULL;
-- source_conversation_id filter, and ON DELETE SET NULL of the source.
CREATE INDEX conversations_source ON conversations (source_conversation_id)
    WHERE source_conversation_id IS NOT NULL;
-- Post-call analysis filters.
CREATE INDEX conversations_ws_sentiment ON conversations (workspace_id, analysis_sentiment, started_at DESC)
    WHERE analysis_sentiment IS NOT NULL;
CREATE INDEX conversations_ws_topic ON conversations (workspace_id, analysis_topic, started_at DESC)
    WHERE analysis_topic IS NOT NULL;
CREATE INDEX conversations_ws_outcome ON conversations (workspace_id, analysis_outcome, started_at DESC)
    WHERE analysis_outcome IS NOT NULL;
-- Resolution by external_user_id: the user's newest open conversation.
CREATE INDEX conversations_open_by_customer
    ON conversations (workspace_id, bot_id, channel, customer_id, started_at DESC)
    WHERE ended_at IS NULL AND customer_id IS NOT NULL;

CREATE TABLE messages (
    id uuid PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position integer NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content text NOT NULL,
    metadata jsonb,
    created_at timestamptz NOT NULL
);
-- Messages in order, the recent-history window, and the cascade delete.
CREATE UNIQUE INDEX messages_conversation_position ON messages (conversation_id, position);

CREATE TABLE trace_steps (
    id uuid PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    step_number integer NOT NULL,
    action_type text NOT NULL,
    action_name text NOT NULL,
    result_summary text,
    items_count integer,
    started_at timestamptz NOT NULL,
    completed_at timestamptz,
    duration_ms bigint,
    error_message text,
    model text,
    prompt_tokens integer,
    completion_tokens integer,
    total_tokens integer,
    tool_function text,
    tool_execution_ms bigint
);
-- The trace in order, and the cascade delete.
CREATE UNIQUE INDEX trace_steps_conversation_step ON trace_steps (conversation_id, step_number);

CREATE TABLE ledger_entries (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('charge', 'top_up', 'adjustment')),
    amount_micros bigint NOT NULL,
    balance_after_micros bigint NOT NULL,
    conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
    message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
    model text,
    prompt_tokens integer NOT NULL,
    completion_tokens integer NOT NULL,
    description text NOT NULL,
    created_at timestamptz NOT NULL
);
-- The ledger page, newest first.
CREATE INDEX ledger_entries_ws_created ON ledger_entries (workspace_id, created_at DESC, id DESC);
-- ON DELETE SET NULL when a conversation or message is deleted.
CREATE INDEX ledger_entries_conversation ON ledger_entries (conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX ledger_entries_message ON ledger_entries (message_id) WHERE message_id IS NOT NULL;
