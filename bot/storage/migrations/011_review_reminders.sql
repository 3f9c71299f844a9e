-- /review remind:true|false (issue 16): whether a member wants one DM a day when reviews are due.
-- A row only once the member has chosen; no row means no DMs (nobody is DMed without opting in).
-- The DMs themselves are scheduler runs (job_runs, kind 'review-dm', key 'YYYY-MM-DD:<user id>'), so
-- this is only the setting, and why it was turned off when the bot did it (the member closed DMs).
-- Portable SQL: the same file runs on PostgreSQL.
CREATE TABLE review_reminders (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at  TEXT NOT NULL,
    off_reason  TEXT,                          -- set when the bot turned it off (DMs refused)
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
-- The reminder job reads the opted-in members of guilds whose daily post is done, every tick.
CREATE INDEX review_reminders_on ON review_reminders (guild_id) WHERE enabled = 1;
