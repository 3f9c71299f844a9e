"""The daily loop: /daily, /answer, /hint, /solution, /streak, /stats, /leaderboard."""

from __future__ import annotations

from bot.commands.spec import Defer, Option, Spec, text
from bot.services.problems import MAX_ANSWER_CHARS

PRIVATE = Defer()

SPECS = (
    Spec(
        "daily",
        "Today's prompt.",
        lambda ctx: ctx.services.daily.daily(ctx.actor),
        defer=PRIVATE,
    ),
    Spec(
        "answer",
        "Answer today's prompt (or a practice problem by id); the verdict is private.",
        lambda ctx, text, problem: ctx.services.answers.answer(ctx.actor, text, problem),
        (
            text("text", "Your answer, e.g. 2x(1-x) or \\frac{1}{2}", MAX_ANSWER_CHARS, required=True),
            text("problem", "A problem id (leave out for today's prompt)", 100),
        ),
        defer=PRIVATE,
    ),
    Spec(
        "hint",
        "The next hint for today's prompt (hints are counted in your stats).",
        lambda ctx: ctx.services.daily.hint(ctx.actor),
        defer=PRIVATE,
    ),
    Spec(
        "solution",
        "The worked solution of today's prompt (a later correct answer then no longer counts).",
        lambda ctx, confirm: ctx.services.daily.solution(ctx.actor, confirm=confirm),
        (
            Option(
                "confirm",
                "boolean",
                "true: show it without asking (your streak won't count today's answer)",
                default=False,
            ),
        ),
        defer=PRIVATE,
    ),
    Spec(
        "streak",
        "Current and longest streak, freezes, and the last 7 days.",
        lambda ctx, member: ctx.services.progress.streak(ctx.actor, member),
        (Option("member", "member", "Whose streak (default: yours)"),),
        defer=Defer(public_with="member"),
    ),
    Spec(
        "stats",
        "A 6-month calendar, accuracy and mastery per topic, reviews, your weakest topics.",
        lambda ctx, member: ctx.services.progress.stats(ctx.actor, member),
        (Option("member", "member", "Whose stats (default: yours)"),),
        defer=Defer(public_with="member"),
    ),
    Spec(
        "leaderboard",
        "Days solved, then fewer hints and attempts: this week, this month or all time.",
        lambda ctx, period, page: ctx.services.progress.leaderboard(ctx.actor, period, page),
        (
            Option(
                "period",
                "text",
                "week (default), month or all",
                choices=("week", "month", "all"),
                default="week",
            ),
            Option("page", "integer", "Page number (10 members per page)", min_value=1, default=1),
        ),
        defer=Defer(private=False),
    ),
)
