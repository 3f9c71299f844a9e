"""/topics, /resources and /practice: the member-facing side of the content bank."""

from __future__ import annotations

from bot.commands.spec import Defer, Option, Spec, text

SPECS = (
    Spec(
        "topics",
        "The topics, grouped by area, with how many prompts and generators each.",
        lambda ctx: ctx.services.resources.topics(ctx.actor),
    ),
    Spec(
        "resources",
        "Where to study a topic (no topic: picks for your weakest topics, or a starter path).",
        lambda ctx, topic: ctx.services.resources.resources(ctx.actor, topic),
        (text("topic", "A topic, e.g. bayes, lin alg, kl divergence", 100, autocomplete="topics"),),
    ),
    Spec(
        "practice",
        "An extra problem for you (no streak effect); answer it with /answer.",
        lambda ctx, topic, difficulty: ctx.services.practice.practice(ctx.actor, topic, difficulty),
        (
            text(
                "topic",
                "A topic, e.g. eigenvalues (default: your weakest topics)",
                100,
                autocomplete="topics",
            ),
            Option("difficulty", "integer", "1 (warm-up) to 5 (hard)", min_value=1, max_value=5),
        ),
        # A generated problem is built in a worker process: defer in case that takes a moment.
        defer=Defer(),
    ),
)
