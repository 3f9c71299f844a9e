"""Every answer a member sent (daily, practice, challenge), for history and accuracy per topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class TopicAccuracy:
    topic: str
    answers: int  # correct + incorrect (invalid and timed-out inputs are not judged answers)
    correct: int
    problems: int
    solved: int


async def add_submission(
    db: Database,
    *,
    guild_id: int,
    user_id: int,
    problem_id: str,
    kind: str,
    topic: str,
    local_date: date,
    answer: str,
    status: str,
    now: datetime,
) -> int:
    return await db.insert(
        "INSERT INTO submissions (guild_id, user_id, problem_id, kind, topic, local_date, answer, status,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            user_id,
            problem_id,
            kind,
            topic,
            local_date.isoformat(),
            answer[:2000],
            status,
            now.isoformat(timespec="seconds"),
        ),
    )


async def count_attempts(db: Database, guild_id: int, user_id: int, problem_id: str, kind: str) -> int:
    return int(
        await db.fetch_value(
            "SELECT COUNT(*) FROM submissions WHERE guild_id = ? AND user_id = ? AND problem_id = ?"
            " AND kind = ? AND status IN ('correct', 'incorrect')",
            (guild_id, user_id, problem_id, kind),
        )
    )


async def topic_accuracy(db: Database, guild_id: int, user_id: int) -> list[TopicAccuracy]:
    rows = await db.fetch_all(
        "SELECT topic,"
        " SUM(CASE WHEN status IN ('correct', 'incorrect') THEN 1 ELSE 0 END) AS answers,"
        " SUM(CASE WHEN status = 'correct' THEN 1 ELSE 0 END) AS correct,"
        " COUNT(DISTINCT problem_id) AS problems,"
        " COUNT(DISTINCT CASE WHEN status = 'correct' THEN problem_id END) AS solved"
        " FROM submissions WHERE guild_id = ? AND user_id = ? AND topic != '' GROUP BY topic ORDER BY topic",
        (guild_id, user_id),
    )
    return [
        TopicAccuracy(r["topic"], r["answers"] or 0, r["correct"] or 0, r["problems"], r["solved"])
        for r in rows
    ]
