"""Practice problems issued to members, and the graded answer history /practice and /resources read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database

# Statuses that say something about what a member knows ('invalid' and 'timeout' do not).
GRADED = ("correct", "incorrect")


@dataclass(frozen=True)
class IssuedProblem:
    problem_id: str
    topic: str
    difficulty: int
    issued_at: str


async def record_issue(
    db: Database,
    guild_id: int,
    user_id: int,
    problem_id: str,
    topic: str,
    difficulty: int,
    issued_at: datetime,
) -> int:
    """Remember that a practice problem was handed to a member (the member row must exist)."""
    return await db.insert(
        "INSERT INTO practice_issued (guild_id, user_id, problem_id, topic, difficulty, issued_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, problem_id, topic, difficulty, issued_at.isoformat(timespec="seconds")),
    )


async def issued_problem_ids(db: Database, guild_id: int, user_id: int) -> set[str]:
    rows = await db.fetch_all(
        "SELECT DISTINCT problem_id FROM practice_issued WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return {row[0] for row in rows}


async def last_issued(db: Database, guild_id: int, user_id: int) -> IssuedProblem | None:
    row = await db.fetch_one(
        "SELECT problem_id, topic, difficulty, issued_at FROM practice_issued"
        " WHERE guild_id = ? AND user_id = ? ORDER BY id DESC LIMIT 1",
        (guild_id, user_id),
    )
    return None if row is None else IssuedProblem(row[0], row[1], row[2], row[3])


async def graded_answers(db: Database, guild_id: int, user_id: int) -> list[tuple[str, str]]:
    """(problem_id, status) of every graded submission of a member, oldest first, any kind."""
    rows = await db.fetch_all(
        "SELECT problem_id, status FROM submissions WHERE guild_id = ? AND user_id = ?"
        " AND status IN (?, ?) ORDER BY id",
        (guild_id, user_id, *GRADED),
    )
    return [(row[0], row[1]) for row in rows]


async def count_issued(db: Database, guild_id: int, user_id: int) -> int:
    value = await db.fetch_value(
        "SELECT COUNT(*) FROM practice_issued WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return int(value or 0)
