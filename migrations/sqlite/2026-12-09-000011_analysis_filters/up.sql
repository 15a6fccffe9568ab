-- Analysed conversations per workspace, bot, channel and post-call
-- analysis values ('' where a value is absent), kept by triggers in the
-- same transaction as the row they count: a list filtered by analysis
-- values (with or without a bot and a channel) takes its exact total
-- (X-Total-Count) from here instead of counting every match. Only a
-- conversation with at least one analysis value is counted, and a row
-- that falls to zero goes, so there is one row per combination in use.
CREATE TABLE conversation_analysis_counts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    channel text NOT NULL,
    sentiment text NOT NULL,
    topic text NOT NULL,
    outcome text NOT NULL,
    conversations integer NOT NULL,
    PRIMARY KEY (workspace_id, sentiment, topic, outcome, bot_id, channel)
);
CREATE INDEX conversation_analysis_counts_topic ON conversation_analysis_counts (workspace_id, topic);
CREATE INDEX conversation_analysis_counts_outcome ON conversation_analysis_counts (workspace_id, outcome);

INSERT INTO conversation_analysis_counts
    (workspace_id, bot_id, channel, sentiment, topic, outcome, conversations)
SELECT workspace_id, bot_id, channel, coalesce(analysis_sentiment, ''),
    coalesce(analysis_topic, ''), coalesce(analysis_outcome, ''), count(*)
FROM conversations
WHERE analysis_sentiment IS NOT NULL OR analysis_topic IS NOT NULL OR analysis_outcome IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER conversation_analysis_counts_insert AFTER INSERT ON conversations
WHEN NEW.analysis_sentiment IS NOT NULL OR NEW.analysis_topic IS NOT NULL
    OR NEW.analysis_outcome IS NOT NULL
BEGIN
    INSERT INTO conversation_analysis_counts
        (workspace_id, bot_id, channel, sentiment, topic, outcome, conversations)
    VALUES (NEW.workspace_id, NEW.bot_id, NEW.channel, coalesce(NEW.analysis_sentiment, ''),
        coalesce(NEW.analysis_topic, ''), coalesce(NEW.analysis_outcome, ''), 1)
    ON CONFLICT (workspace_id, sentiment, topic, outcome, bot_id, channel)
    DO UPDATE SET conversations = conversations + 1;
END;

CREATE TRIGGER conversation_analysis_counts_delete AFTER DELETE ON conversations
WHEN OLD.analysis_sentiment IS NOT NULL OR OLD.analysis_topic IS NOT NULL
    OR OLD.analysis_outcome IS NOT NULL
BEGIN
    UPDATE conversation_analysis_counts SET conversations = conversations - 1
    WHERE workspace_id = OLD.workspace_id AND sentiment = coalesce(OLD.analysis_sentiment, '')
        AND topic = coalesce(OLD.analysis_topic, '') AND outcome = coalesce(OLD.analysis_outcome, '')
        AND bot_id = OLD.bot_id AND channel = OLD.channel;
    DELETE FROM conversation_analysis_counts
    WHERE workspace_id = OLD.workspace_id AND sentiment = coalesce(OLD.analysis_sentiment, '')
        AND topic = coalesce(OLD.analysis_topic, '') AND outcome = coalesce(OLD.analysis_outcome, '')
        AND bot_id = OLD.bot_id AND channel = OLD.channel AND conversations <= 0;
END;

-- An update counts the row out of its old combination and into its new
-- one; the turn's counter updates set none of these columns, so they
-- fire no trigger.
CREATE TRIGGER conversation_analysis_counts_move_out
AFTER UPDATE OF workspace_id, bot_id, channel, analysis_sentiment, analysis_topic, analysis_outcome
ON conversations
WHEN OLD.analysis_sentiment IS NOT NULL OR OLD.analysis_topic IS NOT NULL
    OR OLD.analysis_outcome IS NOT NULL
BEGIN
    UPDATE conversation_analysis_counts SET conversations = conversations - 1
    WHERE workspace_id = OLD.workspace_id AND sentiment = coalesce(OLD.analysis_sentiment, '')
        AND topic = coalesce(OLD.analysis_topic, '') AND outcome = coalesce(OLD.analysis_outcome, '')
        AND bot_id = OLD.bot_id AND channel = OLD.channel;
    DELETE FROM conversation_analysis_counts
    WHERE workspace_id = OLD.workspace_id AND sentiment = coalesce(OLD.analysis_sentiment, '')
        AND topic = coalesce(OLD.analysis_topic, '') AND outcome = coalesce(OLD.analysis_outcome, '')
        AND bot_id = OLD.bot_id AND channel = OLD.channel AND conversations <= 0;
END;

CREATE TRIGGER conversation_analysis_counts_move_in
AFTER UPDATE OF workspace_id, bot_id, channel, analysis_sentiment, analysis_topic, analysis_outcome
ON conversations
WHEN NEW.analysis_sentiment IS NOT NULL OR NEW.analysis_topic IS NOT NULL
    OR NEW.analysis_outcome IS NOT NULL
BEGIN
    INSERT INTO conversation_analysis_counts
        (workspace_id, bot_id, channel, sentiment, topic, outcome, conversations)
    VALUES (NEW.workspace_id, NEW.bot_id, NEW.channel, coalesce(NEW.analysis_sentiment, ''),
        coalesce(NEW.analysis_topic, ''), coalesce(NEW.analysis_outcome, ''), 1)
    ON CONFLICT (workspace_id, sentiment, topic, outcome, bot_id, channel)
    DO UPDATE SET conversations = conversations + 1;
END;

-- Each analysis value alone, and each combination of them, has an index
-- that gives its matches newest first (the list's order, `id` included),
-- so a page reads only the rows it returns however rare the combination.
-- They are partial: a conversation enters them when it is analysed, and
-- the turn's inserts and counter updates touch none of them.
DROP INDEX conversations_ws_sentiment;
DROP INDEX conversations_ws_topic;
DROP INDEX conversations_ws_outcome;
CREATE INDEX conversations_ws_sentiment
    ON conversations (workspace_id, analysis_sentiment, started_at DESC, id DESC)
    WHERE analysis_sentiment IS NOT NULL;
CREATE INDEX conversations_ws_topic
    ON conversations (workspace_id, analysis_topic, started_at DESC, id DESC)
    WHERE analysis_topic IS NOT NULL;
CREATE INDEX conversations_ws_outcome
    ON conversations (workspace_id, analysis_outcome, started_at DESC, id DESC)
    WHERE analysis_outcome IS NOT NULL;
CREATE INDEX conversations_ws_sentiment_topic
    ON conversations (workspace_id, analysis_sentiment, analysis_topic, started_at DESC, id DESC)
    WHERE analysis_sentiment IS NOT NULL AND analysis_topic IS NOT NULL;
CREATE INDEX conversations_ws_sentiment_outcome
    ON conversations (workspace_id, analysis_sentiment, analysis_outcome, started_at DESC, id DESC)
    WHERE analysis_sentiment IS NOT NULL AND analysis_outcome IS NOT NULL;
CREATE INDEX conversations_ws_topic_outcome
    ON conversations (workspace_id, analysis_topic, analysis_outcome, started_at DESC, id DESC)
    WHERE analysis_topic IS NOT NULL AND analysis_outcome IS NOT NULL;
CREATE INDEX conversations_ws_sentiment_topic_outcome
    ON conversations (workspace_id, analysis_sentiment, analysis_topic, analysis_outcome,
        started_at DESC, id DESC)
    WHERE analysis_sentiment IS NOT NULL AND analysis_topic IS NOT NULL
        AND analysis_outcome IS NOT NULL;
