"""/setup: the guild's daily-post channel, time, time zone and roles."""

from __future__ import annotations

from bot.console.registry import Option, command
from bot.console.session import ConsoleContext
from bot.replies import Reply


@command(
    "setup",
    "Moderators: set the daily-post channel, time, time zone and roles (no options: show them).",
    Option("channel", "channel"),
    Option("time", "text"),
    Option("timezone", "text"),
    Option("ping_role", "role"),
    Option("moderator_role", "role"),
    Option("weekly_challenge", "boolean"),
)
async def setup_command(
    ctx: ConsoleContext,
    channel: tuple[int, str] | None = None,
    time: str | None = None,
    timezone: str | None = None,
    ping_role: tuple[int, str] | None = None,
    moderator_role: tuple[int, str] | None = None,
    weekly_challenge: bool | None = None,
) -> Reply:
    return await ctx.services.guilds.setup(
        ctx.actor,
        channel=channel,
        time=time,
        timezone=timezone,
        ping_role=ping_role,
        moderator_role=moderator_role,
        weekly_challenge=weekly_challenge,
    )
