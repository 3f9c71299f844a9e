"""Weekly challenges: the challenge, its problems, who joined, and each member's score per problem."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class ChallengeRow:
    id: int
    guild_id: int
    title: str
    topics: tuple[str, ...]
    difficulty: int | None
    opens_at: datetime
    closes_at: datetime  # exclusive
    status: str  # scheduled | cancelled
    auto_week: str | None


@dataclass(frozen=True)
class ProblemRow:
    position: int
    prompt_id: str
    family: str | None
    topic: str
    difficulty: int


@dataclass(frozen=True)
class ScoreRow:
    wrong: int
    solved_at: str | None
    points: int


@dataclass(frozen=True)
class StandingRow:
    user_id: int
    name: str
    points: int
    solved: int
    wrong: int
    last_correct: str | None  # ISO instant of the last first-correct answer (ties: earlier wins)


_COLS = "id, guild_id, title, topics, difficulty, opens_at, closes_at, status, auto_week"


def _iso(instant: datetime) -> str:
    """UTC text, so instants compare correctly as strings in SQL."""
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def _challenge(row: sqlite3.Row) -> ChallengeRow:
    return ChallengeRow(
        row["id"],
        row["guild_id"],
        row["title"],
        tuple(t for t in row["topics"].split(",") if t),
        row["difficulty"],
        datetime.fromisoformat(row["opens_at"]),
        datetime.fromisoformat(row["closes_at"]),
        row["status"],
        row["auto_week"],
    )


# -- challenges ---------------------------------------------------------------------------------


async def create_challenge(
    db: Database,
    *,
    guild_id: int,
    title: str,
    topics: Sequence[str],
    difficulty: int | None,
    opens_at: datetime,
    closes_at: datetime,
    problems: Sequence[ProblemRow],
    created_by: int,
    now: datetime,
    auto_week: str | None = None,
) -> int | None:
    """Insert a challenge with its problems in one transaction; None if `auto_week` already exists."""
    async with db.transaction():
        if auto_week is not None and await db.fetch_value(
            "SELECT 1 FROM challenges WHERE guild_id = ? AND auto_week = ?", (guild_id, auto_week)
        ):
            return None
        challenge_id = await db.insert(
            "INSERT INTO challenges (guild_id, title, topics, difficulty, opens_at, closes_at, auto_week,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                title,
                ",".join(topics),
                difficulty,
                _iso(opens_at),
                _iso(closes_at),
                auto_week,
                created_by,
                _iso(now),
            ),
        )
        await _insert_problems(db, challenge_id, problems)
    return challenge_id


async def _insert_problems(db: Database, challenge_id: int, problems: Sequence[ProblemRow]) -> None:
    await db.execute_many(
        "INSERT INTO challenge_problems (challenge_id, position, prompt_id, family, topic, difficulty)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(challenge_id, p.position, p.prompt_id, p.family, p.topic, p.difficulty) for p in problems],
    )


async def update_challenge(
    db: Database,
    challenge_id: int,
    *,
    title: str,
    topics: Sequence[str],
    difficulty: int | None,
    opens_at: datetime,
    closes_at: datetime,
    problems: Sequence[ProblemRow] | None,
) -> None:
    """Rewrite a challenge that has not opened (and its problems when given), in one transaction."""
    async with db.transaction():
        await db.execute(
            "UPDATE challenges SET title = ?, topics = ?, difficulty = ?, opens_at = ?, closes_at = ?"
            " WHERE id = ?",
            (title, ",".join(topics), difficulty, _iso(opens_at), _iso(closes_at), challenge_id),
        )
        if problems is not None:
            await db.execute("DELETE FROM challenge_problems WHERE challenge_id = ?", (challenge_id,))
            await _insert_problems(db, challenge_id, problems)


async def cancel_challenge(db: Database, challenge_id: int) -> bool:
    return (
        await db.execute(
            "UPDATE challenges SET status = 'cancelled' WHERE id = ? AND status = 'scheduled'",
            (challenge_id,),
        )
        == 1
    )


async def get_challenge(db: Database, guild_id: int, challenge_id: int) -> ChallengeRow | None:
    row = await db.fetch_one(
        f"SELECT {_COLS} FROM challenges WHERE id = ? AND guild_id = ?", (challenge_id, guild_id)
    )
    return None if row is None else _challenge(row)


async def guild_challenges(
    db: Database, guild_id: int, *, closing_after: datetime, limit: int = 20
) -> list[ChallengeRow]:
    """Scheduled (not cancelled) challenges closing after an instant, soonest close first."""
    rows = await db.fetch_all(
        f"SELECT {_COLS} FROM challenges WHERE guild_id = ? AND status = 'scheduled' AND closes_at > ?"
        " ORDER BY closes_at, id LIMIT ?",
        (guild_id, _iso(closing_after), limit),
    )
    return [_challenge(row) for row in rows]


async def latest_closed(db: Database, guild_id: int, now: datetime) -> ChallengeRow | None:
    row = await db.fetch_one(
        f"SELECT {_COLS} FROM challenges WHERE guild_id = ? AND status = 'scheduled' AND closes_at <= ?"
        " ORDER BY closes_at DESC, id DESC LIMIT 1",
        (guild_id, _iso(now)),
    )
    return None if row is None else _challenge(row)


async def challenges_between(
    db: Database, *, opens_before: datetime, closes_after: datetime
) -> list[ChallengeRow]:
    """Scheduled challenges of every guild with opens_at <= opens_before and closes_at > closes_after
    (the scheduler's question: which are open, which closed recently)."""
    rows = await db.fetch_all(
        f"SELECT {_COLS} FROM challenges WHERE status = 'scheduled' AND opens_at <= ? AND closes_at > ?"
        " ORDER BY id",
        (_iso(opens_before), _iso(closes_after)),
    )
    return [_challenge(row) for row in rows]


async def overlapping(db: Database, guild_id: int, start: datetime, end: datetime) -> list[ChallengeRow]:
    """Scheduled challenges of a guild whose window meets [start, end)."""
    rows = await db.fetch_all(
        f"SELECT {_COLS} FROM challenges WHERE guild_id = ? AND status = 'scheduled'"
        " AND opens_at < ? AND closes_at > ? ORDER BY opens_at",
        (guild_id, _iso(end), _iso(start)),
    )
    return [_challenge(row) for row in rows]


# -- problems -----------------------------------------------------------------------------------


async def problems(db: Database, challenge_id: int) -> list[ProblemRow]:
    rows = await db.fetch_all(
        "SELECT position, prompt_id, family, topic, difficulty FROM challenge_problems"
        " WHERE challenge_id = ? ORDER BY position",
        (challenge_id,),
    )
    return [ProblemRow(**dict(row)) for row in rows]


async def problem_keys_between(db: Database, guild_id: int, start: datetime, end: datetime) -> set[str]:
    """Prompt ids and generator families of the guild's challenges open at some point in [start, end)."""
    rows = await db.fetch_all(
        "SELECT p.prompt_id, p.family FROM challenge_problems p JOIN challenges c ON c.id = p.challenge_id"
        " WHERE c.guild_id = ? AND c.status = 'scheduled' AND c.opens_at < ? AND c.closes_at > ?",
        (guild_id, _iso(end), _iso(start)),
    )
    keys: set[str] = set()
    for row in rows:
        keys.add(row["prompt_id"])
        if row["family"]:
            keys.add(row["family"])
    return keys


async def solve_counts(db: Database, challenge_id: int) -> dict[int, int]:
    rows = await db.fetch_all(
        "SELECT position, COUNT(*) AS solved FROM challenge_scores"
        " WHERE challenge_id = ? AND solved_at IS NOT NULL GROUP BY position",
        (challenge_id,),
    )
    return {row["position"]: row["solved"] for row in rows}


# -- participants and scores --------------------------------------------------------------------


async def join(db: Database, challenge_id: int, user_id: int, name: str, now: datetime) -> bool:
    """True if the member newly joined (joining twice changes nothing)."""
    return (
        await db.execute(
            "INSERT INTO challenge_participants (challenge_id, user_id, display_name, joined_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (challenge_id, user_id) DO NOTHING",
            (challenge_id, user_id, name, _iso(now)),
        )
        == 1
    )


async def is_participant(db: Database, challenge_id: int, user_id: int) -> bool:
    return bool(
        await db.fetch_value(
            "SELECT 1 FROM challenge_participants WHERE challenge_id = ? AND user_id = ?",
            (challenge_id, user_id),
        )
    )


async def participant_names(db: Database, challenge_id: int) -> list[str]:
    rows = await db.fetch_all(
        "SELECT display_name FROM challenge_participants WHERE challenge_id = ? ORDER BY joined_at, user_id",
        (challenge_id,),
    )
    return [row[0] for row in rows]


async def get_score(db: Database, challenge_id: int, user_id: int, position: int) -> ScoreRow | None:
    row = await db.fetch_one(
        "SELECT wrong, solved_at, points FROM challenge_scores"
        " WHERE challenge_id = ? AND user_id = ? AND position = ?",
        (challenge_id, user_id, position),
    )
    return None if row is None else ScoreRow(row["wrong"], row["solved_at"], row["points"])


async def record_wrong(db: Database, challenge_id: int, user_id: int, position: int) -> None:
    await db.execute(
        "INSERT INTO challenge_scores (challenge_id, user_id, position, wrong) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (challenge_id, user_id, position) DO UPDATE SET wrong = challenge_scores.wrong + 1"
        " WHERE challenge_scores.solved_at IS NULL",
        (challenge_id, user_id, position),
    )


async def record_solve(
    db: Database, challenge_id: int, user_id: int, position: int, points: int, now: datetime
) -> bool:
    """Mark the first correct answer; True only for the call that set it."""
    return (
        await db.execute(
            "INSERT INTO challenge_scores (challenge_id, user_id, position, solved_at, points)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (challenge_id, user_id, position) DO UPDATE"
            " SET solved_at = excluded.solved_at, points = excluded.points"
            " WHERE challenge_scores.solved_at IS NULL",
            (challenge_id, user_id, position, _iso(now), points),
        )
        == 1
    )


async def standings(db: Database, challenge_id: int) -> list[StandingRow]:
    """Every participant with points, problems solved and the time of the last correct answer,
    ranked: most points, then the earlier last correct answer, then the earlier join."""
    rows = await db.fetch_all(
        "SELECT p.user_id, p.display_name, CAST(COALESCE(SUM(s.points), 0) AS BIGINT) AS points,"
        " COUNT(s.solved_at) AS solved, CAST(COALESCE(SUM(s.wrong), 0) AS BIGINT) AS wrong,"
        " MAX(s.solved_at) AS last"
        " FROM challenge_participants p LEFT JOIN challenge_scores s"
        " ON s.challenge_id = p.challenge_id AND s.user_id = p.user_id"
        " WHERE p.challenge_id = ? GROUP BY p.user_id, p.display_name, p.joined_at"
        " ORDER BY points DESC, MAX(s.solved_at) IS NULL, MAX(s.solved_at), p.joined_at, p.user_id",
        (challenge_id,),
    )
    return [
        StandingRow(r["user_id"], r["display_name"], r["points"], r["solved"], r["wrong"], r["last"])
        for r in rows
    ]


async def member_total(db: Database, challenge_id: int, user_id: int) -> tuple[int, int]:
    """(points, problems solved) of one participant."""
    row = await db.fetch_one(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT), COUNT(solved_at) FROM challenge_scores"
        " WHERE challenge_id = ? AND user_id = ?",
        (challenge_id, user_id),
    )
    return (row[0], row[1]) if row else (0, 0)
