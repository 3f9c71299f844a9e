"""/curriculum list|show|import|export|start|pause|resume|skip|upcoming: moderators plan the daily
prompts weeks ahead. The whole group is for moderators: hidden from members by default_permissions,
and every subcommand is also checked at run time (the moderator role counts too)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import StudyBot
from bot.discord_render import actor_from, answer, respond
from bot.replies import error
from bot.services.context import Upload, oversize_message


class Curricula(commands.Cog):
    curriculum = app_commands.Group(
        name="curriculum",
        description="Moderators: plan the daily prompts week by week.",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @curriculum.command(name="list", description="Moderators: the curricula this server can run.")
    async def list_command(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.bot.services.curricula.list_all(actor_from(interaction)))

    @curriculum.command(name="show", description="Moderators: a curriculum's weeks, topics and resources.")
    @app_commands.describe(name="Its name or slug (any case)")
    async def show(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        await answer(interaction, self.bot.services.curricula.show(actor_from(interaction), name))

    @curriculum.command(name="import", description="Moderators: add a curriculum from a YAML file.")
    @app_commands.describe(
        file="A .yaml file in the data/curricula format (5 MB at most)",
        replace="Replace the curriculum with the same slug (the reply says what moves if it is running)",
    )
    async def import_command(
        self, interaction: discord.Interaction, file: discord.Attachment, replace: bool = False
    ) -> None:
        too_big = oversize_message(file.filename, file.size)
        if too_big:
            await respond(interaction, error(too_big))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        await answer(
            interaction,
            self.bot.services.curricula.import_file(
                actor_from(interaction), Upload(file.filename, data), replace=replace
            ),
        )

    @curriculum.command(name="export", description="Moderators: a curriculum as a YAML file to edit.")
    @app_commands.describe(name="Its name or slug (any case)")
    async def export(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        await answer(interaction, self.bot.services.curricula.export(actor_from(interaction), name))

    @curriculum.command(
        name="start", description="Moderators: daily prompts follow a curriculum from a date."
    )
    @app_commands.describe(name="Its name or slug (any case)", date="First day, YYYY-MM-DD (default: today)")
    async def start(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        date: app_commands.Range[str, 1, 10] | None = None,
    ) -> None:
        await answer(interaction, self.bot.services.curricula.start(actor_from(interaction), name, date))

    @curriculum.command(name="pause", description="Moderators: back to the rotation until resume.")
    async def pause(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.bot.services.curricula.pause(actor_from(interaction)))

    @curriculum.command(
        name="resume", description="Moderators: continue a paused curriculum where it stopped."
    )
    async def resume(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.bot.services.curricula.resume(actor_from(interaction)))

    @curriculum.command(name="skip", description="Moderators: move on to the next week now.")
    async def skip(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.bot.services.curricula.skip(actor_from(interaction)))

    @curriculum.command(
        name="upcoming", description="Moderators: the next 7 daily posts with dates and topics."
    )
    async def upcoming(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(interaction, self.bot.services.curricula.upcoming(actor_from(interaction)))


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Curricula(bot))
