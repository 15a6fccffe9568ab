-- Conversations per workspace, bot and channel, kept by a trigger in the
-- same transaction as the row it counts: a list filtered by nothing, a
-- bot or a channel takes its exact total (X-Total-Count) from here
-- instead of counting a million index entries.
CREATE TABLE conversation_counts (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    channel text NOT NULL,
    conversations bigint NOT NULL,
    PRIMARY KEY (workspace_id, bot_id, channel)
);

INSERT INTO conversation_counts (workspace_id, bot_id, channel, conversations)
SELECT workspace_id, bot_id, channel, count(*) FROM conversations
GROUP BY workspace_id, bot_id, channel;

CREATE FUNCTION conversation_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE conversation_counts SET conversations = conversations - 1
        WHERE workspace_id = OLD.workspace_id AND bot_id = OLD.bot_id AND channel = OLD.channel;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO conversation_counts (workspace_id, bot_id, channel, conversations)
        VALUES (NEW.workspace_id, NEW.bot_id, NEW.channel, 1)
        ON CONFLICT (workspace_id, bot_id, channel)
        DO UPDATE SET conversations = conversation_counts.conversations + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversation_counts_track
AFTER INSERT OR DELETE OR UPDATE OF workspace_id, bot_id, channel ON conversations
FOR EACH ROW EXECUTE FUNCTION conversation_counts_track();

-- A bot's conversations newest first, whatever their channel (the bot
-- filter alone, and its deep pages).
CREATE INDEX conversations_ws_bot_started ON conversations (workspace_id, bot_id, started_at DESC, id DESC);
