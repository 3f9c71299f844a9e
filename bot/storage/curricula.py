"""Curricula a guild imported, and the guild's running curriculum schedule."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class StoredCurriculum:
    slug: str
    name: str
    yaml: str
    imported_at: str


@dataclass(frozen=True)
class CurriculumRun:
    id: int
    guild_id: int
    slug: str
    name: str
    start_date: date
    week_index: int  # the week (0-based) that began on week_start
    week_start: date
    paused_since: date | None
    status: str  # running | scheduled | finished | replaced


_RUN_COLS = "id, guild_id, slug, name, start_date, week_index, week_start, paused_since, status"


def _run(row: sqlite3.Row) -> CurriculumRun:
    return CurriculumRun(
        row["id"],
        row["guild_id"],
        row["slug"],
        row["name"],
        date.fromisoformat(row["start_date"]),
        row["week_index"],
        date.fromisoformat(row["week_start"]),
        date.fromisoformat(row["paused_since"]) if row["paused_since"] else None,
        row["status"],
    )


# -- imported curricula -------------------------------------------------------------------------


async def save_curriculum(
    db: Database, guild_id: int, slug: str, name: str, yaml_text: str, user_id: int, now: datetime
) -> bool:
    """Store (or replace) a guild's curriculum; True if it replaced one with the same slug."""
    async with db.transaction():
        existed = bool(
            await db.fetch_value(
                "SELECT 1 FROM guild_curricula WHERE guild_id = ? AND slug = ?", (guild_id, slug)
            )
        )
        await db.execute(
            "INSERT INTO guild_curricula (guild_id, slug, name, yaml, imported_by, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, slug) DO UPDATE SET name = excluded.name,"
            " yaml = excluded.yaml, imported_by = excluded.imported_by, imported_at = excluded.imported_at",
            (guild_id, slug, name, yaml_text, user_id, now.isoformat(timespec="seconds")),
        )
    return existed


async def guild_curricula(db: Database, guild_id: int) -> list[StoredCurriculum]:
    rows = await db.fetch_all(
        "SELECT slug, name, yaml, imported_at FROM guild_curricula WHERE guild_id = ? ORDER BY name",
        (guild_id,),
    )
    return [StoredCurriculum(**dict(row)) for row in rows]


async def count_curricula(db: Database, guild_id: int) -> int:
    return int(await db.fetch_value("SELECT COUNT(*) FROM guild_curricula WHERE guild_id = ?", (guild_id,)))


# -- the running schedule -----------------------------------------------------------------------


async def active_run(db: Database, guild_id: int) -> CurriculumRun | None:
    """The guild's running (possibly paused) curriculum."""
    row = await db.fetch_one(
        f"SELECT {_RUN_COLS} FROM curriculum_runs WHERE guild_id = ? AND status = 'running'", (guild_id,)
    )
    return None if row is None else _run(row)


async def active_runs(db: Database) -> list[CurriculumRun]:
    rows = await db.fetch_all(
        f"SELECT {_RUN_COLS} FROM curriculum_runs WHERE status = 'running' ORDER BY guild_id"
    )
    return [_run(row) for row in rows]


async def ending_runs(db: Database) -> list[CurriculumRun]:
    """Running curricula and finished ones (whose end post may still need a retry)."""
    rows = await db.fetch_all(
        f"SELECT {_RUN_COLS} FROM curriculum_runs WHERE status IN ('running', 'finished') ORDER BY id"
    )
    return [_run(row) for row in rows]


async def get_run(db: Database, run_id: int) -> CurriculumRun | None:
    row = await db.fetch_one(f"SELECT {_RUN_COLS} FROM curriculum_runs WHERE id = ?", (run_id,))
    return None if row is None else _run(row)


async def start_run(
    db: Database, guild_id: int, slug: str, name: str, start: date, user_id: int, now: datetime
) -> tuple[int, CurriculumRun | None]:
    """Start a curriculum (replacing a running one, returned) in one transaction."""
    async with db.transaction():
        previous = await active_run(db, guild_id)
        if previous is not None:
            await db.execute("UPDATE curriculum_runs SET status = 'replaced' WHERE id = ?", (previous.id,))
        run_id = await db.insert(
            "INSERT INTO curriculum_runs (guild_id, slug, name, start_date, week_index, week_start,"
            " started_by, created_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
            (
                guild_id,
                slug,
                name,
                start.isoformat(),
                start.isoformat(),
                user_id,
                now.isoformat(timespec="seconds"),
            ),
        )
    return run_id, previous


async def scheduled_run(db: Database, guild_id: int) -> CurriculumRun | None:
    """The curriculum that takes over from the running one on its start date, if any."""
    row = await db.fetch_one(
        f"SELECT {_RUN_COLS} FROM curriculum_runs WHERE guild_id = ? AND status = 'scheduled'", (guild_id,)
    )
    return None if row is None else _run(row)


async def scheduled_runs(db: Database) -> list[CurriculumRun]:
    rows = await db.fetch_all(
        f"SELECT {_RUN_COLS} FROM curriculum_runs WHERE status = 'scheduled' ORDER BY guild_id"
    )
    return [_run(row) for row in rows]


async def schedule_run(
    db: Database, guild_id: int, slug: str, name: str, start: date, user_id: int, now: datetime
) -> tuple[int, CurriculumRun | None]:
    """Schedule a curriculum to take over on `start` (replacing an earlier scheduled one, returned)."""
    async with db.transaction():
        previous = await scheduled_run(db, guild_id)
        if previous is not None:
            await db.execute("UPDATE curriculum_runs SET status = 'replaced' WHERE id = ?", (previous.id,))
        run_id = await db.insert(
            "INSERT INTO curriculum_runs (guild_id, slug, name, start_date, week_index, week_start,"
            " status, started_by, created_at) VALUES (?, ?, ?, ?, 0, ?, 'scheduled', ?, ?)",
            (
                guild_id,
                slug,
                name,
                start.isoformat(),
                start.isoformat(),
                user_id,
                now.isoformat(timespec="seconds"),
            ),
        )
    return run_id, previous


async def take_over(db: Database, guild_id: int, today: date) -> CurriculumRun | None:
    """On (or after) a scheduled run's start date it becomes the running one; returns it if so."""
    async with db.transaction():
        scheduled = await scheduled_run(db, guild_id)
        if scheduled is None or scheduled.start_date > today:
            return None
        await db.execute(
            "UPDATE curriculum_runs SET status = 'replaced' WHERE guild_id = ? AND status = 'running'",
            (guild_id,),
        )
        await db.execute("UPDATE curriculum_runs SET status = 'running' WHERE id = ?", (scheduled.id,))
    return await get_run(db, scheduled.id)


async def cancel_scheduled(db: Database, guild_id: int) -> CurriculumRun | None:
    """Drop a scheduled run (a new start supersedes it); returns what was dropped."""
    async with db.transaction():
        scheduled = await scheduled_run(db, guild_id)
        if scheduled is not None:
            await db.execute("UPDATE curriculum_runs SET status = 'replaced' WHERE id = ?", (scheduled.id,))
    return scheduled


async def rename_runs(db: Database, guild_id: int, slug: str, name: str) -> None:
    """A replaced import's new name shows on its running or scheduled schedule too."""
    await db.execute(
        "UPDATE curriculum_runs SET name = ? WHERE guild_id = ? AND slug = ?"
        " AND status IN ('running', 'scheduled')",
        (name, guild_id, slug),
    )


async def move_run(
    db: Database, run_id: int, *, week_index: int, week_start: date, paused_since: date | None
) -> None:
    await db.execute(
        "UPDATE curriculum_runs SET week_index = ?, week_start = ?, paused_since = ? WHERE id = ?",
        (week_index, week_start.isoformat(), paused_since.isoformat() if paused_since else None, run_id),
    )


async def finish_run(db: Database, run_id: int) -> None:
    await db.execute(
        "UPDATE curriculum_runs SET status = 'finished' WHERE id = ? AND status = 'running'", (run_id,)
    )
