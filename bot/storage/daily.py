"""Daily prompts per guild and date, each member's day, and the solved days behind streaks."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class DailyPromptRow:
    guild_id: int
    local_date: str
    prompt_id: str
    family: str | None
    topic: str
    difficulty: int
    source: str


@dataclass(frozen=True)
class ProgressRow:
    local_date: str
    prompt_id: str
    attempts: int
    hints_used: int
    solution_seen: bool
    solved_at: str | None
    counted: bool

    @property
    def solved(self) -> bool:
        return self.solved_at is not None


_PROMPT_COLS = "guild_id, local_date, prompt_id, family, topic, difficulty, source"
_PROGRESS_COLS = "local_date, prompt_id, attempts, hints_used, solution_seen, solved_at, counted"


def _progress(row: sqlite3.Row) -> ProgressRow:
    return ProgressRow(
        row["local_date"],
        row["prompt_id"],
        row["attempts"],
        row["hints_used"],
        bool(row["solution_seen"]),
        row["solved_at"],
        bool(row["counted"]),
    )


# -- the chosen prompt ------------------------------------------------------------------------


async def get_daily_prompt(db: Database, guild_id: int, day: date) -> DailyPromptRow | None:
    row = await db.fetch_one(
        f"SELECT {_PROMPT_COLS} FROM daily_prompts WHERE guild_id = ? AND local_date = ?",
        (guild_id, day.isoformat()),
    )
    return None if row is None else DailyPromptRow(**dict(row))


async def save_daily_prompt(db: Database, row: DailyPromptRow, now: datetime) -> DailyPromptRow:
    """Store the choice unless one exists already; returns the stored one (first writer wins)."""
    async with db.transaction():
        await db.execute(
            f"INSERT INTO daily_prompts ({_PROMPT_COLS}, chosen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, local_date) DO NOTHING",
            (
                row.guild_id,
                row.local_date,
                row.prompt_id,
                row.family,
                row.topic,
                row.difficulty,
                row.source,
                now.isoformat(timespec="seconds"),
            ),
        )
        stored = await get_daily_prompt(db, row.guild_id, date.fromisoformat(row.local_date))
    assert stored is not None
    return stored


async def daily_prompts_between(db: Database, guild_id: int, start: date, end: date) -> list[DailyPromptRow]:
    """Chosen prompts with start <= date < end, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {_PROMPT_COLS} FROM daily_prompts WHERE guild_id = ? AND local_date >= ? AND local_date < ?"
        " ORDER BY local_date",
        (guild_id, start.isoformat(), end.isoformat()),
    )
    return [DailyPromptRow(**dict(row)) for row in rows]


async def last_used(db: Database, guild_id: int, before: date) -> dict[str, str]:
    """For every prompt id and generator family this guild has had before `before`: the last date."""
    rows = await db.fetch_all(
        "SELECT prompt_id, family, MAX(local_date) AS last FROM daily_prompts"
        " WHERE guild_id = ? AND local_date < ? GROUP BY prompt_id, family",
        (guild_id, before.isoformat()),
    )
    used: dict[str, str] = {}
    for row in rows:
        for key in (row["prompt_id"], row["family"]):
            if key and (key not in used or used[key] < row["last"]):
                used[key] = row["last"]
    return used


# -- a member's day ---------------------------------------------------------------------------


async def get_progress(db: Database, guild_id: int, user_id: int, day: date) -> ProgressRow | None:
    row = await db.fetch_one(
        f"SELECT {_PROGRESS_COLS} FROM daily_progress WHERE guild_id = ? AND user_id = ? AND local_date = ?",
        (guild_id, user_id, day.isoformat()),
    )
    return None if row is None else _progress(row)


async def ensure_progress(
    db: Database, guild_id: int, user_id: int, day: date, prompt_id: str
) -> ProgressRow:
    await db.execute(
        "INSERT INTO daily_progress (guild_id, user_id, local_date, prompt_id) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, user_id, local_date) DO NOTHING",
        (guild_id, user_id, day.isoformat(), prompt_id),
    )
    progress = await get_progress(db, guild_id, user_id, day)
    assert progress is not None
    return progress


async def update_progress(
    db: Database,
    guild_id: int,
    user_id: int,
    day: date,
    *,
    attempts: int = 0,
    hints: int = 0,
    solution_seen: bool = False,
    solved_at: datetime | None = None,
    counted: bool = False,
) -> None:
    """Add attempts/hints and set flags; a solved_at already set is kept (the first one wins)."""
    await db.execute(
        "UPDATE daily_progress SET attempts = attempts + ?, hints_used = hints_used + ?,"
        " solution_seen = CASE WHEN ? > solution_seen THEN 1 ELSE solution_seen END,"
        " solved_at = COALESCE(solved_at, ?),"
        " counted = CASE WHEN ? > counted THEN 1 ELSE counted END"
        " WHERE guild_id = ? AND user_id = ? AND local_date = ?",
        (
            attempts,
            hints,
            int(solution_seen),
            solved_at.isoformat(timespec="seconds") if solved_at else None,
            int(counted),
            guild_id,
            user_id,
            day.isoformat(),
        ),
    )


async def progress_between(
    db: Database, guild_id: int, user_id: int, start: date, end: date
) -> list[ProgressRow]:
    rows = await db.fetch_all(
        f"SELECT {_PROGRESS_COLS} FROM daily_progress WHERE guild_id = ? AND user_id = ?"
        " AND local_date >= ? AND local_date < ? ORDER BY local_date",
        (guild_id, user_id, start.isoformat(), end.isoformat()),
    )
    return [_progress(row) for row in rows]


# -- solved days (streaks) --------------------------------------------------------------------


async def add_solved_day(db: Database, guild_id: int, user_id: int, day: date) -> bool:
    """Record a counted day; True only for the one call that added it (a day counts once)."""
    return (
        await db.execute(
            "INSERT INTO streak_days (guild_id, user_id, local_date, kind) VALUES (?, ?, ?, 'solved')"
            " ON CONFLICT (guild_id, user_id, local_date) DO NOTHING",
            (guild_id, user_id, day.isoformat()),
        )
        == 1
    )


async def first_day(db: Database, guild_id: int, user_id: int) -> date | None:
    """The first local date the member answered (or asked a hint for) a daily prompt."""
    value = await db.fetch_value(
        "SELECT MIN(local_date) FROM daily_progress WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return date.fromisoformat(value) if value else None


async def solved_days(db: Database, guild_id: int, user_id: int) -> list[date]:
    rows = await db.fetch_all(
        "SELECT local_date FROM streak_days WHERE guild_id = ? AND user_id = ? AND kind = 'solved'"
        " ORDER BY local_date",
        (guild_id, user_id),
    )
    return [date.fromisoformat(row[0]) for row in rows]


async def solved_count(db: Database, guild_id: int, day: date) -> int:
    """How many members solved the guild's prompt of `day` (counted or not)."""
    value = await db.fetch_value(
        "SELECT COUNT(*) FROM daily_progress WHERE guild_id = ? AND local_date = ? AND solved_at IS NOT NULL",
        (guild_id, day.isoformat()),
    )
    return int(value or 0)
