DROP INDEX conversations_ws_bot_started;
DROP TRIGGER conversation_counts_track ON conversations;
DROP FUNCTION conversation_counts_track();
DROP TABLE conversation_counts;
