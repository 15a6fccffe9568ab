-- The tools a bot offers the model. Deleting the bot or the tool detaches
-- it; the primary key makes attaching idempotent and serves a bot's list.
CREATE TABLE bot_tools (
    bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    tool_configuration_id TEXT NOT NULL REFERENCES tool_configurations (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    attached_at TEXT NOT NULL,
    PRIMARY KEY (bot_id, tool_configuration_id)
);
-- Serves the cascade when a tool is deleted.
CREATE INDEX bot_tools_tool ON bot_tools (tool_configuration_id);
