"""/help and /about."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.discord_app import StudyBot
from bot.discord_render import respond
from bot.services.help import about, answers_help, help_reply


class General(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="List every command, or how to write answers.")
    @app_commands.describe(topic="commands (default) or answers: how to type math the checker reads")
    async def help(
        self, interaction: discord.Interaction, topic: Literal["commands", "answers"] | None = None
    ) -> None:
        if topic == "answers":
            await respond(interaction, answers_help())
            return
        listed = [
            (command.qualified_name, command.description)
            for command in self.bot.tree.walk_commands()
            if isinstance(command, app_commands.Command)
        ]
        await respond(interaction, help_reply(listed))

    @app_commands.command(name="about", description="What studybot is and how to use it.")
    async def about(self, interaction: discord.Interaction) -> None:
        await respond(interaction, about(__version__))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(General(bot))
