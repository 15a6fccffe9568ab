-- The same rule (one voice call per external call id and bot: only voice
-- conversations carry an external call id) without `channel = 'voice'` in
-- the index's WHERE. With it, SQLite's planner compared every query's
-- bound `channel = ?` against the literal and marked the statement to be
-- re-prepared whenever that parameter was bound again; with the planner
-- stability guarantee on (.cargo/config.toml) it could not use the index
-- for a bound channel at all. `external_call_id = ?` implies this WHERE.
DROP INDEX conversations_bot_voice_call;
CREATE UNIQUE INDEX conversations_bot_voice_call ON conversations (bot_id, external_call_id)
    WHERE external_call_id IS NOT NULL;
