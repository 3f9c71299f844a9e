"""Seeding answer history the way /answer records it: a member row, then submissions rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.content import load_content
from bot.services.app import Services
from bot.services.context import Actor
from bot.services.topic_scores import family_of
from bot.storage.submissions import add_submission

GUILD = 1


def member(user_id: int, name: str = "", *, guild_id: int = GUILD) -> Actor:
    return Actor(guild_id, user_id, name or f"member{user_id}", guild_name="test guild")


async def record_answers(services: Services, actor: Actor, answers: list[tuple[str, str]]) -> None:
    """(problem_id, status) pairs as practice submissions of `actor`."""
    from bot.content.generators import FAMILIES

    bank = load_content()
    await services.guilds.register(actor)
    for problem_id, status in answers:
        prompt = bank.prompts.get(problem_id)
        family = FAMILIES.get(family_of(problem_id) or "")
        topic = prompt.topic if prompt else family.topic if family else ""
        await add_submission(
            services.db,
            guild_id=actor.guild_id,
            user_id=actor.user_id,
            problem_id=problem_id,
            kind="practice",
            topic=topic,
            local_date=date(2026, 11, 20),
            answer="x",
            status=status,
            now=datetime(2026, 11, 20, 10, tzinfo=UTC),
        )


def graded(problem_ids: list[str], correct: int) -> list[tuple[str, str]]:
    """The first `correct` answers right, the rest wrong."""
    return [(pid, "correct" if i < correct else "incorrect") for i, pid in enumerate(problem_ids)]
