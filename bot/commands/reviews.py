"""/review: spaced repetition of the problems a member missed (issue 16)."""

from __future__ import annotations

from bot.commands.spec import Defer, Spec

SPECS = (
    Spec(
        "review",
        "Your next due review (problems you missed come back on FSRS's schedule) and how many are due.",
        lambda ctx: ctx.services.reviews.review(ctx.actor),
        defer=Defer(),  # private, and a generated variant is built in a worker
    ),
)
