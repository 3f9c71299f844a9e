-- Weekly challenges (problems, participants, per-problem scores) and moderator-scheduled curricula
-- (imported YAML kept per guild, and the running schedule). Answers to challenge problems are
-- ordinary `submissions` rows of kind 'challenge'; the score rows below are what the board reads.

-- /setup weekly_challenge:true — the scheduler then creates a challenge every week.
ALTER TABLE guilds ADD COLUMN weekly_challenges INTEGER NOT NULL DEFAULT 0;

-- opens_at / closes_at are UTC instants (ISO 8601); closes_at is exclusive (a challenge "until
-- Sunday 23:59" closes at Monday 00:00 local time).
CREATE TABLE challenges (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    topics      TEXT NOT NULL DEFAULT '',        -- comma-separated topic slugs it was drawn from
    difficulty  INTEGER CHECK (difficulty IS NULL OR difficulty BETWEEN 1 AND 5),
    opens_at    TEXT NOT NULL,
    closes_at   TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    auto_week   TEXT,                            -- 'W2026-48' for a recurring one (one per week)
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (opens_at < closes_at),
    UNIQUE (guild_id, auto_week)
);
CREATE INDEX challenges_by_guild_close ON challenges (guild_id, status, closes_at);

CREATE TABLE challenge_problems (
    challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,               -- 1-based: /answer problem:<position>
    prompt_id    TEXT NOT NULL,
    family       TEXT,                           -- generator family of a generated prompt
    topic        TEXT NOT NULL,
    difficulty   INTEGER NOT NULL,
    PRIMARY KEY (challenge_id, position)
);

CREATE TABLE challenge_participants (
    challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    PRIMARY KEY (challenge_id, user_id)
);

-- One row per participant and problem they answered: wrong attempts before the first correct
-- answer, when that came, and the points it earned (fixed at that moment).
CREATE TABLE challenge_scores (
    challenge_id INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    wrong        INTEGER NOT NULL DEFAULT 0,
    solved_at    TEXT,
    points       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (challenge_id, user_id, position),
    FOREIGN KEY (challenge_id, user_id) REFERENCES challenge_participants (challenge_id, user_id)
        ON DELETE CASCADE
);

-- Curricula a guild imported (/curriculum import): the YAML as uploaded, validated first.
CREATE TABLE guild_curricula (
    guild_id    INTEGER NOT NULL,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    yaml        TEXT NOT NULL,
    imported_by INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, slug)
);

-- A guild's curriculum schedule. Week `week_index` (0-based) began on `week_start` (a local date);
-- later weeks follow every 7 days. Pause/resume shift week_start; skip moves to the next index.
CREATE TABLE curriculum_runs (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    slug         TEXT NOT NULL,
    name         TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    week_index   INTEGER NOT NULL DEFAULT 0,
    week_start   TEXT NOT NULL,
    paused_since TEXT,
    status       TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'replaced')),
    started_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
-- At most one running (or paused) curriculum per guild.
CREATE UNIQUE INDEX curriculum_runs_one_running ON curriculum_runs (guild_id) WHERE status = 'running';
