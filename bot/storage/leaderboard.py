"""Per-period totals (days solved, hints, attempts) kept in step with each answer and hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.storage.database import Database


@dataclass(frozen=True)
class Standing:
    user_id: int
    name: str
    days: int
    hints: int
    attempts: int


async def bump(
    db: Database,
    guild_id: int,
    user_id: int,
    periods: Iterable[str],
    *,
    days: int = 0,
    hints: int = 0,
    attempts: int = 0,
) -> None:
    await db.execute_many(
        "INSERT INTO leaderboard_totals (guild_id, period, user_id, days, hints, attempts)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (guild_id, period, user_id) DO UPDATE"
        " SET days = leaderboard_totals.days + excluded.days,"
        " hints = leaderboard_totals.hints + excluded.hints,"
        " attempts = leaderboard_totals.attempts + excluded.attempts",
        [(guild_id, period, user_id, days, hints, attempts) for period in periods],
    )


async def page(db: Database, guild_id: int, period: str, *, limit: int, offset: int) -> list[Standing]:
    """Members with at least one day solved: most days, then fewest hints, then fewest attempts."""
    rows = await db.fetch_all(
        "SELECT t.user_id, COALESCE(m.display_name, '?') AS name, t.days, t.hints, t.attempts"
        " FROM leaderboard_totals AS t"
        " LEFT JOIN members AS m ON m.guild_id = t.guild_id AND m.user_id = t.user_id"
        " WHERE t.guild_id = ? AND t.period = ? AND t.days > 0"
        " ORDER BY t.days DESC, t.hints, t.attempts, t.user_id LIMIT ? OFFSET ?",
        (guild_id, period, limit, offset),
    )
    return [Standing(r["user_id"], r["name"], r["days"], r["hints"], r["attempts"]) for r in rows]


async def count(db: Database, guild_id: int, period: str) -> int:
    return int(
        await db.fetch_value(
            "SELECT COUNT(*) FROM leaderboard_totals WHERE guild_id = ? AND period = ? AND days > 0",
            (guild_id, period),
        )
    )


async def totals(db: Database, guild_id: int, period: str, user_id: int) -> Standing | None:
    row = await db.fetch_one(
        "SELECT user_id, '' AS name, days, hints, attempts FROM leaderboard_totals"
        " WHERE guild_id = ? AND period = ? AND user_id = ?",
        (guild_id, period, user_id),
    )
    return None if row is None else Standing(row[0], row[1], row[2], row[3], row[4])


async def rank(db: Database, guild_id: int, period: str, user_id: int) -> int | None:
    """1-based position of a member with a day solved in the period (None otherwise)."""
    mine = await totals(db, guild_id, period, user_id)
    if mine is None or mine.days == 0:
        return None
    # Two index range scans (more days; the same days and ahead on hints, attempts, id) instead of
    # one OR chain, which PostgreSQL turned into a heap scan 13x slower than SQLite's (benchmarks/daily.py).
    ahead = await db.fetch_value(
        "SELECT (SELECT COUNT(*) FROM leaderboard_totals WHERE guild_id = ? AND period = ? AND days > ?)"
        " + (SELECT COUNT(*) FROM leaderboard_totals WHERE guild_id = ? AND period = ? AND days = ?"
        " AND (hints, attempts, user_id) < (?, ?, ?))",
        (guild_id, period, mine.days, guild_id, period, mine.days, mine.hints, mine.attempts, user_id),
    )
    return int(ahead) + 1
