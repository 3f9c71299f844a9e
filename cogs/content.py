"""/topics, /resources and /practice: the member-facing side of the content bank."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import StudyBot
from bot.discord_render import actor_from, answer

TOPICS = "The topics, grouped by area, with how many prompts and generators each."
RESOURCES = "Where to study a topic (no topic: picks for your weakest topics, or a starter path)."
PRACTICE = "An extra problem for you (no streak effect); answer it with /answer."


class Content(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="topics", description=TOPICS)
    @app_commands.guild_only()
    async def topics(self, interaction: discord.Interaction) -> None:
        await answer(interaction, self.bot.services.resources.topics(actor_from(interaction)))

    @app_commands.command(name="resources", description=RESOURCES)
    @app_commands.guild_only()
    @app_commands.describe(topic="A topic, e.g. bayes, lin alg, kl divergence")
    async def resources(
        self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        await answer(interaction, self.bot.services.resources.resources(actor_from(interaction), topic))

    @app_commands.command(name="practice", description=PRACTICE)
    @app_commands.guild_only()
    @app_commands.describe(
        topic="A topic, e.g. eigenvalues (default: your weakest topics)",
        difficulty="1 (warm-up) to 5 (hard)",
    )
    async def practice(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 100] | None = None,
        difficulty: app_commands.Range[int, 1, 5] | None = None,
    ) -> None:
        # A generated problem is built in a worker process: defer in case that takes a moment.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(
            interaction, self.bot.services.practice.practice(actor_from(interaction), topic, difficulty)
        )

    @resources.autocomplete("topic")
    @practice.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        choices = await self.bot.services.resources.topic_choices(current)
        return [app_commands.Choice(name=name, value=value) for name, value in choices]


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Content(bot))
