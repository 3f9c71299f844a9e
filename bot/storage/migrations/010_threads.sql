-- /setup threads:true: each daily post opens a discussion thread, closed with the solution when the
-- next prompt posts (issue 16). The thread runs themselves are job_runs rows (thread-open,
-- thread-close), so this is only the setting.
ALTER TABLE guilds ADD COLUMN threads INTEGER NOT NULL DEFAULT 0;
