"""Shared by the challenge tests: members, a moderator, and delivering scheduled posts."""

from __future__ import annotations

from bot.replies import Post
from bot.services.app import Services
from bot.services.context import Actor

GUILD = 42


def member(user_id: int, name: str | None = None) -> Actor:
    return Actor(GUILD, user_id, name or f"member{user_id}")


MOD = Actor(GUILD, 1, "mod", manage_guild=True)


async def collect(services: Services) -> list[Post]:
    delivered: list[Post] = []

    async def deliver(post: Post) -> None:
        delivered.append(post)

    await services.scheduler.run_once(deliver)
    return delivered


async def configure(services: Services, timezone: str = "UTC", **options: object) -> None:
    await services.guilds.setup(MOD, channel=(555, "study"), timezone=timezone, **options)  # type: ignore[arg-type]


async def problem_ids(services: Services, challenge_id: int) -> list[str]:
    from bot.storage import challenges as rows

    return [p.prompt_id for p in await rows.problems(services.db, challenge_id)]
