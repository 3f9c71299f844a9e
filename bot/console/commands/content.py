"""/topics, /resources and /practice."""

from __future__ import annotations

from bot.console.registry import Option, command
from bot.console.session import ConsoleContext
from bot.replies import Reply


@command("topics", "The topics, grouped by area, with how many prompts and generators each.")
async def topics_command(ctx: ConsoleContext) -> Reply:
    return await ctx.services.resources.topics(ctx.actor)


@command(
    "resources",
    "Where to study a topic (no topic: picks for your weakest topics, or a starter path).",
    Option("topic", "text", description="A topic, e.g. bayes, lin alg, kl divergence"),
)
async def resources_command(ctx: ConsoleContext, topic: str | None = None) -> Reply:
    return await ctx.services.resources.resources(ctx.actor, topic)


@command(
    "practice",
    "An extra problem for you (no streak effect); answer it with /answer.",
    Option("topic", "text", description="A topic, e.g. eigenvalues (default: your weakest topics)"),
    Option("difficulty", "integer", description="1 (warm-up) to 5 (hard)", min_value=1, max_value=5),
)
async def practice_command(
    ctx: ConsoleContext, topic: str | None = None, difficulty: int | None = None
) -> Reply:
    return await ctx.services.practice.practice(ctx.actor, topic, difficulty)
