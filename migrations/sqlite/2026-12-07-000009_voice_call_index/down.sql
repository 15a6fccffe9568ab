DROP INDEX conversations_bot_voice_call;
CREATE UNIQUE INDEX conversations_bot_voice_call ON conversations (bot_id, external_call_id)
    WHERE channel = 'voice' AND external_call_id IS NOT NULL;
