"""/setup: moderators choose the daily-post channel, time, time zone and roles."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import StudyBot
from bot.discord_render import actor_from, answer, missing_permissions
from bot.services.guilds import timezone_suggestions


class Setup(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="setup",
        description=(
            "Moderators: set the daily-post channel, time, time zone and roles (no options: show them)."
        ),
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        channel="Where the daily prompt is posted",
        time="Post time, HH:MM (24-hour clock)",
        timezone="IANA time zone, e.g. Europe/Berlin",
        ping_role="Role to ping with each daily post",
        moderator_role="Role that may use moderator commands (besides Manage Server)",
        weekly_challenge="Create a challenge automatically every week (Monday to Sunday)",
    )
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        ping_role: discord.Role | None = None,
        moderator_role: discord.Role | None = None,
        weekly_challenge: bool | None = None,
    ) -> None:
        # The bot's own permissions there (the member's are in the interaction, not ours).
        missing = missing_permissions(channel.permissions_for(channel.guild.me)) if channel else []
        await answer(
            interaction,
            self.bot.services.guilds.setup(
                actor_from(interaction),
                channel=(channel.id, channel.name) if channel else None,
                channel_missing=missing,
                time=time,
                timezone=timezone,
                ping_role=(ping_role.id, ping_role.name) if ping_role else None,
                moderator_role=(moderator_role.id, moderator_role.name) if moderator_role else None,
                weekly_challenge=weekly_challenge,
            ),
        )

    @setup.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in timezone_suggestions(current)]


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Setup(bot))
