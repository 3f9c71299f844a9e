"""Small key/value rows for the process itself (command-tree hash, scheduler heartbeat)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.database import Database, is_postgres_url

SCHEDULER_TICK = "scheduler_tick"


def tree_hash_key(guild_id: int | None) -> str:
    """One stored hash per sync target: global commands, or one development guild."""
    return "command_tree:global" if guild_id is None else f"command_tree:guild:{guild_id}"


async def get_state(db: Database, key: str) -> str | None:
    value = await db.fetch_value("SELECT value FROM bot_state WHERE key = ?", (key,))
    return None if value is None else str(value)


async def set_state(db: Database, key: str, value: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, now.isoformat(timespec="seconds")),
    )


async def record_tick(db: Database, now: datetime) -> None:
    await set_state(db, SCHEDULER_TICK, now.isoformat(timespec="seconds"), now)


async def last_tick(db: Database) -> datetime | None:
    value = await get_state(db, SCHEDULER_TICK)
    return None if value is None else datetime.fromisoformat(value)


def _read_tick(path: Path) -> str | None:
    # Read-only URI: a health check must never create, migrate or lock the live database.
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        conn.execute("PRAGMA busy_timeout = 5000")
        row = conn.execute("SELECT value FROM bot_state WHERE key = ?", (SCHEDULER_TICK,)).fetchone()
    return None if row is None else str(row[0])


async def health_problem(path: str | Path, *, max_age: float, now: datetime | None = None) -> str | None:
    """What is wrong with a running bot's database (an existing file), or None: it must open and
    show a scheduler tick at most `max_age` seconds old."""
    if is_postgres_url(path):  # a shared server: an ordinary read, migrating nothing
        db = await Database.open(path, migrate=False)
        try:
            value = await get_state(db, SCHEDULER_TICK)
        finally:
            await db.close()
    else:
        try:
            value = await asyncio.to_thread(_read_tick, Path(path))
        except sqlite3.Error as exc:
            return f"the database at {path} cannot be read: {exc}"
    if value is None:
        return "the scheduler has not ticked yet"
    age = ((now or datetime.now(UTC)) - datetime.fromisoformat(value)).total_seconds()
    if age > max_age:
        return f"the scheduler last ticked {age:.0f} s ago (more than {max_age:.0f} s)"
    return None
