"""Seeding answer history the way /answer records it: a member row, then submissions rows."""

from __future__ import annotations

from bot.services.app import Services
from bot.services.context import Actor

GUILD = 1


def member(user_id: int, name: str = "", *, guild_id: int = GUILD) -> Actor:
    return Actor(guild_id, user_id, name or f"member{user_id}", guild_name="test guild")


async def record_answers(services: Services, actor: Actor, answers: list[tuple[str, str]]) -> None:
    """(problem_id, status) pairs as practice submissions of `actor`."""
    await services.guilds.register(actor)
    for problem_id, status in answers:
        await services.db.insert(
            "INSERT INTO submissions (guild_id, user_id, problem_id, kind, local_date, answer, status,"
            " created_at) VALUES (?, ?, ?, 'practice', '2026-11-20', 'x', ?, '2026-11-20T10:00:00+00:00')",
            (actor.guild_id, actor.user_id, problem_id, status),
        )


def graded(problem_ids: list[str], correct: int) -> list[tuple[str, str]]:
    """The first `correct` answers right, the rest wrong."""
    return [(pid, "correct" if i < correct else "incorrect") for i, pid in enumerate(problem_ids)]
