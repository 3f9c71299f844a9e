"""Scheduled-run records: the idempotency keys that make every scheduled post happen once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.database import Database

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=5)
# A claim this old was never finished: the process died while delivering. Taken over soon enough
# that Discord's nonce (derived from the run's key) still deduplicates a send that did get through.
STALE_AFTER = timedelta(minutes=2)


async def claim_run(db: Database, guild_id: int, kind: str, run_key: str, now: datetime) -> bool:
    """Claim (guild, kind, key); True only for the one caller that may deliver it now.

    A new key is claimed by inserting it. A run that failed earlier may be claimed again once
    RETRY_AFTER has passed, and one left claimed by a process that died once STALE_AFTER has
    passed, at most MAX_ATTEMPTS times in all; a run that is done never is.
    """
    changed = await db.execute(
        "INSERT INTO job_runs (guild_id, kind, run_key, claimed_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, kind, run_key) DO UPDATE SET"
        "   status = 'claimed', claimed_at = excluded.claimed_at, attempts = job_runs.attempts + 1"
        " WHERE job_runs.attempts < ? AND ("
        "   (job_runs.status = 'failed' AND job_runs.claimed_at <= ?)"
        "   OR (job_runs.status = 'claimed' AND job_runs.claimed_at <= ?))",
        (
            guild_id,
            kind,
            run_key,
            now.isoformat(timespec="seconds"),
            MAX_ATTEMPTS,
            (now - RETRY_AFTER).isoformat(timespec="seconds"),
            (now - STALE_AFTER).isoformat(timespec="seconds"),
        ),
    )
    return changed == 1


async def finish_run(
    db: Database, guild_id: int, kind: str, run_key: str, now: datetime, *, ok: bool, detail: str = ""
) -> None:
    await db.execute(
        "UPDATE job_runs SET status = ?, done_at = ?, detail = ?"
        " WHERE guild_id = ? AND kind = ? AND run_key = ?",
        ("done" if ok else "failed", now.isoformat(timespec="seconds"), detail, guild_id, kind, run_key),
    )


async def run_status(db: Database, guild_id: int, kind: str, run_key: str) -> str | None:
    return await db.fetch_value(
        "SELECT status FROM job_runs WHERE guild_id = ? AND kind = ? AND run_key = ?",
        (guild_id, kind, run_key),
    )
