DROP INDEX conversations_ws_sentiment_topic_outcome;
DROP INDEX conversations_ws_topic_outcome;
DROP INDEX conversations_ws_sentiment_outcome;
DROP INDEX conversations_ws_sentiment_topic;
DROP INDEX conversations_ws_outcome;
DROP INDEX conversations_ws_topic;
DROP INDEX conversations_ws_sentiment;
CREATE INDEX conversations_ws_sentiment ON conversations (workspace_id, analysis_sentiment, started_at DESC)
    WHERE analysis_sentiment IS NOT NULL;
CREATE INDEX conversations_ws_topic ON conversations (workspace_id, analysis_topic, started_at DESC)
    WHERE analysis_topic IS NOT NULL;
CREATE INDEX conversations_ws_outcome ON conversations (workspace_id, analysis_outcome, started_at DESC)
    WHERE analysis_outcome IS NOT NULL;
DROP TRIGGER conversation_analysis_counts_move_in;
DROP TRIGGER conversation_analysis_counts_move_out;
DROP TRIGGER conversation_analysis_counts_delete;
DROP TRIGGER conversation_analysis_counts_insert;
DROP TABLE conversation_analysis_counts;
