-- Scheduled runs that survive crashes without losing or repeating a post (issue 12):
-- * a claim is a lease (`lease_until`, renewed while a process works on it) with a token, so a
--   process that died is noticed after the lease and a late zombie cannot finish someone else's claim;
-- * `failures` counts real delivery failures only (a crash before sending costs nothing);
-- * `send_started_at` says a send may have reached the channel, so the next attempt looks first;
-- * `retry` (waiting for `retry_at`) is separate from the final `failed`, and `skipped` records a
--   post whose moment had passed.
CREATE TABLE job_runs_v2 (
    guild_id        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    run_key         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'claimed'
                    CHECK (status IN ('claimed', 'retry', 'done', 'failed', 'skipped')),
    claimed_at      TEXT NOT NULL,
    lease_until     TEXT NOT NULL,
    claim_token     TEXT,
    failures        INTEGER NOT NULL DEFAULT 0,
    takeovers       INTEGER NOT NULL DEFAULT 0,
    send_started_at TEXT,
    retry_at        TEXT,
    done_at         TEXT,
    detail          TEXT,
    PRIMARY KEY (guild_id, kind, run_key)
);

-- Old rows: a failure with attempts left becomes a retry; an unfinished claim is taken over at once.
-- Either may have reached the channel, so both look before sending again.
INSERT INTO job_runs_v2 (guild_id, kind, run_key, status, claimed_at, lease_until, failures,
                         send_started_at, retry_at, done_at, detail)
SELECT guild_id, kind, run_key,
       CASE WHEN status = 'failed' AND attempts < 3 THEN 'retry' ELSE status END,
       claimed_at, claimed_at,
       CASE WHEN status = 'failed' THEN attempts ELSE 0 END,
       CASE WHEN status = 'done' THEN NULL ELSE claimed_at END,
       CASE WHEN status = 'failed' THEN claimed_at END,
       done_at, detail
FROM job_runs;

DROP TABLE job_runs;
ALTER TABLE job_runs_v2 RENAME TO job_runs;

-- The per-tick sweep reads only the unfinished runs.
CREATE INDEX job_runs_open ON job_runs (kind, status) WHERE status IN ('claimed', 'retry');
