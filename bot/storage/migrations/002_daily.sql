-- The daily loop: the prompt chosen per guild and local date, each member's day (attempts, hints,
-- solution seen, solved), and leaderboard totals kept per period so ranking 10,000 members reads
-- one index range instead of aggregating a year of rows.

-- What a submission was about, for accuracy per topic without rebuilding every prompt.
ALTER TABLE submissions ADD COLUMN topic TEXT NOT NULL DEFAULT '';
CREATE INDEX submissions_by_member_topic ON submissions (guild_id, user_id, topic, status);

-- Chosen once (first post, /daily or /answer of the day) and never changed afterwards.
CREATE TABLE daily_prompts (
    guild_id   INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    prompt_id  TEXT NOT NULL,
    family     TEXT,              -- generator family for generated prompts (rotation avoids repeats)
    topic      TEXT NOT NULL,
    difficulty INTEGER NOT NULL,
    source     TEXT NOT NULL DEFAULT 'rotation',   -- rotation | curriculum
    chosen_at  TEXT NOT NULL,
    PRIMARY KEY (guild_id, local_date)
);

-- One row per member per local day they touched the daily prompt.
CREATE TABLE daily_progress (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    local_date    TEXT NOT NULL,
    prompt_id     TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    hints_used    INTEGER NOT NULL DEFAULT 0,
    solution_seen INTEGER NOT NULL DEFAULT 0,
    solved_at     TEXT,                         -- first correct answer
    counted       INTEGER NOT NULL DEFAULT 0,   -- that answer counted toward the streak
    PRIMARY KEY (guild_id, user_id, local_date),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);

-- period: 'all', 'M2026-11' (calendar month) or 'W2026-47' (ISO week), in the guild's time zone.
CREATE TABLE leaderboard_totals (
    guild_id INTEGER NOT NULL,
    period   TEXT NOT NULL,
    user_id  INTEGER NOT NULL,
    days     INTEGER NOT NULL DEFAULT 0,
    hints    INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, period, user_id)
);
CREATE INDEX leaderboard_rank ON leaderboard_totals (guild_id, period, days DESC, hints, attempts, user_id);
