-- Guild settings, members, submissions, streak days and scheduled job runs.

CREATE TABLE guilds (
    guild_id          INTEGER PRIMARY KEY,
    name              TEXT NOT NULL DEFAULT '',
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    channel_id        INTEGER,
    channel_name      TEXT,
    post_time         TEXT NOT NULL DEFAULT '09:00' CHECK (post_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    ping_role_id      INTEGER,
    ping_role_name    TEXT,
    moderator_role_id INTEGER,
    moderator_role_name TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE members (
    guild_id     INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE submissions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    problem_id  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('daily', 'practice', 'challenge')),
    local_date  TEXT NOT NULL,
    answer      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('correct', 'incorrect', 'invalid', 'timeout')),
    created_at  TEXT NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX submissions_by_member_date ON submissions (guild_id, user_id, local_date);

CREATE TABLE streak_days (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('solved', 'freeze')),
    PRIMARY KEY (guild_id, user_id, local_date),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);

-- One row per scheduled run; the primary key is the idempotency key (guild, kind, local date or
-- other run key), so a restart or a second process can never post the same thing twice.
CREATE TABLE job_runs (
    guild_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    run_key    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'done', 'failed')),
    claimed_at TEXT NOT NULL,
    done_at    TEXT,
    detail     TEXT,
    PRIMARY KEY (guild_id, kind, run_key)
);
