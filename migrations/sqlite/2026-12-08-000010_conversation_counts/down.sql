DROP INDEX conversations_ws_bot_started;
DROP TRIGGER conversation_counts_move;
DROP TRIGGER conversation_counts_delete;
DROP TRIGGER conversation_counts_insert;
DROP TABLE conversation_counts;
