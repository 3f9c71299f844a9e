"""/challenge ... in the console: the same subcommands and options as on Discord."""

from __future__ import annotations

from bot.console.registry import Option, command
from bot.console.session import ConsoleContext
from bot.replies import Reply

_WINDOW = (Option("start", "text"), Option("end", "text"))
_PICK = (
    Option("topics", "text"),
    Option("count", "integer", min_value=3, max_value=10),
    Option("difficulty", "integer", min_value=1, max_value=5),
)


@command(
    "challenge create",
    "Moderators: create a challenge (default: Monday to Sunday).",
    Option("title", "text", required=True),
    *_PICK,
    *_WINDOW,
)
async def challenge_create(
    ctx: ConsoleContext,
    title: str,
    topics: str | None = None,
    count: int | None = None,
    difficulty: int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Reply:
    return await ctx.services.challenges.create(
        ctx.actor, title, topics=topics, count=count, difficulty=difficulty, start=start, end=end
    )


@command(
    "challenge edit",
    "Moderators: change a challenge before it opens.",
    Option("challenge", "integer", min_value=1),
    Option("title", "text"),
    *_PICK,
    *_WINDOW,
)
async def challenge_edit(
    ctx: ConsoleContext,
    challenge: int | None = None,
    title: str | None = None,
    topics: str | None = None,
    count: int | None = None,
    difficulty: int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Reply:
    return await ctx.services.challenges.edit(
        ctx.actor,
        challenge,
        title=title,
        topics=topics,
        count=count,
        difficulty=difficulty,
        start=start,
        end=end,
    )


@command(
    "challenge cancel",
    "Moderators: cancel a challenge before it opens.",
    Option("challenge", "integer", min_value=1),
)
async def challenge_cancel(ctx: ConsoleContext, challenge: int | None = None) -> Reply:
    return await ctx.services.challenges.cancel(ctx.actor, challenge)


@command(
    "challenge show",
    "The challenge's problems, time left and who joined.",
    Option("challenge", "integer", min_value=1),
)
async def challenge_show(ctx: ConsoleContext, challenge: int | None = None) -> Reply:
    return await ctx.services.challenges.show(ctx.actor, challenge)


@command(
    "challenge join",
    "Join the challenge (then /answer problem:<n> text:<answer>).",
    Option("challenge", "integer", min_value=1),
)
async def challenge_join(ctx: ConsoleContext, challenge: int | None = None) -> Reply:
    return await ctx.services.challenges.join(ctx.actor, challenge)


@command(
    "challenge leaderboard",
    "Points per problem solved, ties by the earlier finish.",
    Option("challenge", "integer", min_value=1),
)
async def challenge_leaderboard(ctx: ConsoleContext, challenge: int | None = None) -> Reply:
    return await ctx.services.challenges.leaderboard(ctx.actor, challenge)
