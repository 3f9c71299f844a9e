"""Scheduled-run records: the idempotency keys that make every scheduled post happen once."""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Database


async def claim_run(db: Database, guild_id: int, kind: str, run_key: str, now: datetime) -> bool:
    """Claim (guild, kind, key); True only for the one caller that inserted the row."""
    inserted = await db.execute(
        "INSERT INTO job_runs (guild_id, kind, run_key, claimed_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, kind, run_key) DO NOTHING",
        (guild_id, kind, run_key, now.isoformat(timespec="seconds")),
    )
    return inserted == 1


async def finish_run(
    db: Database, guild_id: int, kind: str, run_key: str, now: datetime, *, ok: bool, detail: str = ""
) -> None:
    await db.execute(
        "UPDATE job_runs SET status = ?, done_at = ?, detail = ? WHERE guild_id = ? AND kind = ? AND run_key = ?",
        ("done" if ok else "failed", now.isoformat(timespec="seconds"), detail, guild_id, kind, run_key),
    )


async def run_status(db: Database, guild_id: int, kind: str, run_key: str) -> str | None:
    return await db.fetch_value(
        "SELECT status FROM job_runs WHERE guild_id = ? AND kind = ? AND run_key = ?", (guild_id, kind, run_key)
    )
