"""/setup: moderators choose the daily-post channel, time, time zone and roles."""

from __future__ import annotations

from bot.commands.spec import Option, Spec, text

SPECS = (
    Spec(
        "setup",
        "Moderators: set the daily-post channel, time, time zone and roles (no options: show them).",
        lambda ctx, **options: ctx.services.guilds.setup(ctx.actor, **options),
        (
            Option("channel", "channel", "Where the daily prompt is posted", bot_posts_here=True),
            text("time", "Post time, HH:MM (24-hour clock)", 5),
            text("timezone", "IANA time zone, e.g. Europe/Berlin", 64, autocomplete="timezones"),
            Option("ping_role", "role", "Role to ping with each daily post"),
            Option("moderator_role", "role", "Role that may use moderator commands (besides Manage Server)"),
            Option(
                "weekly_challenge",
                "boolean",
                "Create a challenge automatically every week (Monday to Sunday)",
            ),
            Option(
                "threads",
                "boolean",
                "Open a discussion thread on each daily post (needs Create Public Threads)",
                bot_threads_in="channel",
            ),
        ),
        moderator=True,
    ),
)
