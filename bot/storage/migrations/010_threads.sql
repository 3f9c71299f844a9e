-- /setup threads:true: each daily post opens a discussion thread, closed with the solution when the
-- next prompt posts (issue 16). The thread runs themselves are job_runs rows (thread-open,
-- thread-close), so this is only the setting.
ALTER TABLE guilds ADD COLUMN threads INTEGER NOT NULL DEFAULT 0;

-- The thread jobs look up runs by kind and date every tick (thread-open: today's done daily posts;
-- thread-close: recent opened threads a later post overtook): without this each tick reads every run.
CREATE INDEX job_runs_kind_key ON job_runs (kind, run_key);
