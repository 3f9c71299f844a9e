-- A run whose delivery failed (Discord down, channel gone) is tried again on a later tick while it
-- is still due, up to a few attempts; `attempts` counts them.
ALTER TABLE job_runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
