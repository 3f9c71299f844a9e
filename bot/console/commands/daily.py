"""The daily loop in the console: /daily, /answer, /hint, /solution, /streak, /stats, /leaderboard."""

from __future__ import annotations

from bot.console.registry import Option, command
from bot.console.session import ConsoleContext
from bot.replies import Reply
from bot.services.answers import AnswerResult
from bot.services.context import Actor


def with_announcement(result: AnswerResult) -> list[Reply]:
    """The verdict, then the public line Discord posts in the channel, marked `[announce]`."""
    replies = [result.reply]
    if result.announcement:
        replies.append(Reply(text=f"[announce] {result.announcement}"))
    return replies


@command("daily", "Today's prompt.")
async def daily_command(ctx: ConsoleContext) -> Reply:
    return await ctx.services.daily.daily(ctx.actor)


@command(
    "answer",
    "Answer today's prompt (or a practice problem by id); the verdict is private.",
    Option("text", "text", required=True),
    Option("problem", "text"),
)
async def answer_command(ctx: ConsoleContext, text: str, problem: str | None = None) -> list[Reply]:
    return with_announcement(await ctx.services.answers.answer(ctx.actor, text, problem))


@command("hint", "The next hint for today's prompt (hints are counted in your stats).")
async def hint_command(ctx: ConsoleContext) -> Reply:
    return await ctx.services.daily.hint(ctx.actor)


@command(
    "solution",
    "The worked solution of today's prompt (a later correct answer then no longer counts).",
    Option("confirm", "boolean"),
)
async def solution_command(ctx: ConsoleContext, confirm: bool = False) -> Reply:
    return await ctx.services.daily.solution(ctx.actor, confirm=confirm)


@command("streak", "Current and longest streak, freezes, and the last 7 days.", Option("member", "member"))
async def streak_command(ctx: ConsoleContext, member: Actor | None = None) -> Reply:
    return await ctx.services.progress.streak(ctx.actor, member)


@command(
    "stats", "A 6-month calendar, accuracy per topic and your weakest topics.", Option("member", "member")
)
async def stats_command(ctx: ConsoleContext, member: Actor | None = None) -> Reply:
    return await ctx.services.progress.stats(ctx.actor, member)


@command(
    "leaderboard",
    "Days solved, then fewer hints and attempts: this week, this month or all time.",
    Option("period", "text", choices=("week", "month", "all")),
    Option("page", "integer", min_value=1),
)
async def leaderboard_command(ctx: ConsoleContext, period: str = "week", page: int = 1) -> Reply:
    return await ctx.services.progress.leaderboard(ctx.actor, period, int(page))
