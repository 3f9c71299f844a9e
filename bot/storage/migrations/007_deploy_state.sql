-- Process state that outlives a restart: the hash of the last synced command tree (so commands are
-- synced only when they change) and the scheduler's last tick (what `studybot health` checks).
CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Set when Discord tells us the bot left the guild (kicked, or the guild deleted): its scheduled
-- posts stop; settings and members' history stay, and a re-invite clears it.
ALTER TABLE guilds ADD COLUMN removed_at TEXT;
