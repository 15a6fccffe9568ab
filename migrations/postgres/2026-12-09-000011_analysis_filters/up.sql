-- Analysed conversations per workspace, bot, channel and post-call
-- analysis values ('' where a value is absent), kept by triggers in the
-- same transaction as the row they count: a list filtered by analysis
-- values (with or without a bot and a channel) takes its exact total
-- (X-Total-Count) from here instead of counting every match. Only a
-- conversation with at least one analysis value is counted, and a row
-- that falls to zero goes, so there is one row per combination in use.
CREATE TABLE conversation_analysis_counts (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    channel text NOT NULL,
    sentiment text NOT NULL,
    topic text NOT NULL,
    outcome text NOT NULL,
    conversations bigint NOT NULL,
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

CREATE FUNCTION conversation_analysis_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND (OLD.analysis_sentiment IS NOT NULL
        OR OLD.analysis_topic IS NOT NULL OR OLD.analysis_outcome IS NOT NULL) THEN
        UPDATE conversation_analysis_counts SET conversations = conversations - 1
        WHERE workspace_id = OLD.workspace_id AND sentiment = coalesce(OLD.analysis_sentiment, '')
            AND topic = coalesce(OLD.analysis_topic, '') AND outcome = coalesce(OLD.analysis_outcome, '')
            AND bot_id = OLD.bot_id AND channel = OLD.channel;
        DELETE FROM conversation_analysis_counts
        WHERE workspace_id = OLD.workspace_id AND sentiment = coalesce(OLD.analysis_sentiment, '')
            AND topic = coalesce(OLD.analysis_topic, '') AND outcome = coalesce(OLD.analysis_outcome, '')
            AND bot_id = OLD.bot_id AND channel = OLD.channel AND conversations <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (NEW.analysis_sentiment IS NOT NULL
        OR NEW.analysis_topic IS NOT NULL OR NEW.analysis_outcome IS NOT NULL) THEN
        INSERT INTO conversation_analysis_counts
            (workspace_id, bot_id, channel, sentiment, topic, outcome, conversations)
        VALUES (NEW.workspace_id, NEW.bot_id, NEW.channel, coalesce(NEW.analysis_sentiment, ''),
            coalesce(NEW.analysis_topic, ''), coalesce(NEW.analysis_outcome, ''), 1)
        ON CONFLICT (workspace_id, sentiment, topic, outcome, bot_id, channel)
        DO UPDATE SET conversations = conversation_analysis_counts.conversations + 1;
    END IF;
    RETURN NULL;
END
$$;

-- Each trigger fires only for a row with analysis values, so inserting a
-- conversation without any (every turn that opens one) calls nothing,
-- and the turn's counter updates set none of these columns.
CREATE TRIGGER conversation_analysis_counts_insert AFTER INSERT ON conversations
FOR EACH ROW WHEN (NEW.analysis_sentiment IS NOT NULL OR NEW.analysis_topic IS NOT NULL
    OR NEW.analysis_outcome IS NOT NULL)
EXECUTE FUNCTION conversation_analysis_counts_track();

CREATE TRIGGER conversation_analysis_counts_delete AFTER DELETE ON conversations
FOR EACH ROW WHEN (OLD.analysis_sentiment IS NOT NULL OR OLD.analysis_topic IS NOT NULL
    OR OLD.analysis_outcome IS NOT NULL)
EXECUTE FUNCTION conversation_analysis_counts_track();

CREATE TRIGGER conversation_analysis_counts_update
AFTER UPDATE OF workspace_id, bot_id, channel, analysis_sentiment, analysis_topic, analysis_outcome
ON conversations
FOR EACH ROW WHEN (OLD.analysis_sentiment IS NOT NULL OR OLD.analysis_topic IS NOT NULL
    OR OLD.analysis_outcome IS NOT NULL OR NEW.analysis_sentiment IS NOT NULL
    OR NEW.analysis_topic IS NOT NULL OR NEW.analysis_outcome IS NOT NULL)
EXECUTE FUNCTION conversation_analysis_counts_track();

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
