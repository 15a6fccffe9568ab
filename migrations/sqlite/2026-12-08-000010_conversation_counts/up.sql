-- Conversations per workspace, bot and channel, kept by triggers in the
-- same transaction as the row they count: a list filtered by nothing, a
-- bot or a channel takes its exact total (X-Total-Count) from here
-- instead of counting a million index entries.
CREATE TABLE conversation_counts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    channel text NOT NULL,
    conversations integer NOT NULL,
    PRIMARY KEY (workspace_id, bot_id, channel)
);

INSERT INTO conversation_counts (workspace_id, bot_id, channel, conversations)
SELECT workspace_id, bot_id, channel, count(*) FROM conversations
GROUP BY workspace_id, bot_id, channel;

CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO conversation_counts (workspace_id, bot_id, channel, conversations)
    VALUES (NEW.workspace_id, NEW.bot_id, NEW.channel, 1)
    ON CONFLICT (workspace_id, bot_id, channel)
    DO UPDATE SET conversations = conversations + 1;
END;

CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations
BEGIN
    UPDATE conversation_counts SET conversations = conversations - 1
    WHERE workspace_id = OLD.workspace_id AND bot_id = OLD.bot_id AND channel = OLD.channel;
END;

CREATE TRIGGER conversation_counts_move AFTER UPDATE OF workspace_id, bot_id, channel ON conversations
BEGIN
    UPDATE conversation_counts SET conversations = conversations - 1
    WHERE workspace_id = OLD.workspace_id AND bot_id = OLD.bot_id AND channel = OLD.channel;
    INSERT INTO conversation_counts (workspace_id, bot_id, channel, conversations)
    VALUES (NEW.workspace_id, NEW.bot_id, NEW.channel, 1)
    ON CONFLICT (workspace_id, bot_id, channel)
    DO UPDATE SET conversations = conversations + 1;
END;

-- A bot's conversations newest first, whatever their channel (the bot
-- filter alone, and its deep pages).
CREATE INDEX conversations_ws_bot_started ON conversations (workspace_id, bot_id, started_at DESC, id DESC);
