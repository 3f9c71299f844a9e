-- A curriculum started for a future date while another runs is 'scheduled': the running one keeps
-- its days until then and the scheduled one takes over on its start date (at most one per guild).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the same rows.
CREATE TABLE curriculum_runs_new (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    slug         TEXT NOT NULL,
    name         TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    week_index   INTEGER NOT NULL DEFAULT 0,
    week_start   TEXT NOT NULL,
    paused_since TEXT,
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'scheduled', 'finished', 'replaced')),
    started_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
INSERT INTO curriculum_runs_new SELECT id, guild_id, slug, name, start_date, week_index, week_start,
    paused_since, status, started_by, created_at FROM curriculum_runs;
DROP TABLE curriculum_runs;
ALTER TABLE curriculum_runs_new RENAME TO curriculum_runs;
CREATE UNIQUE INDEX curriculum_runs_one_running ON curriculum_runs (guild_id) WHERE status = 'running';
CREATE UNIQUE INDEX curriculum_runs_one_scheduled ON curriculum_runs (guild_id) WHERE status = 'scheduled';
