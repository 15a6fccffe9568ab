DROP INDEX conversations_bot_voice_call;
DROP TABLE jobs;
