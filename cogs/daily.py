"""The daily loop on Discord: /daily, /answer, /hint, /solution, /streak, /stats, /leaderboard, and the
persistent buttons under posts (Answer, Show the solution, leaderboard pages)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import StudyBot
from bot.discord_render import actor_from, answer, message_parts, respond
from bot.replies import error
from bot.services.answers import AnswerResult
from bot.services.context import Actor
from bot.services.errors import UserError

log = logging.getLogger(__name__)


def _services(interaction: discord.Interaction) -> Any:
    return interaction.client.services  # type: ignore[attr-defined]


def member_actor(interaction: discord.Interaction, member: discord.Member | discord.User) -> Actor:
    return Actor(
        interaction.guild_id or 0,
        member.id,
        member.display_name,
        guild_name=interaction.guild.name if interaction.guild else "",
    )


async def deliver_answer(interaction: discord.Interaction, work: Awaitable[AnswerResult]) -> None:
    """The verdict privately; when a day was newly counted, one public line in the channel."""
    try:
        result = await work
    except UserError as exc:
        await respond(interaction, error(str(exc)))
        return
    await respond(interaction, result.reply)
    channel = interaction.channel
    if result.announcement and isinstance(channel, discord.abc.Messageable):
        try:
            await channel.send(result.announcement, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("could not announce a solve in channel %s", interaction.channel_id, exc_info=True)


class AnswerModal(discord.ui.Modal, title="Your answer"):
    text: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Answer", custom_id="answer", placeholder="e.g. 2x(1-x), 1/2, \\frac{1}{2}", max_length=1000
    )

    def __init__(self, prompt_id: str) -> None:
        super().__init__(timeout=900)
        self.prompt_id = prompt_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await deliver_answer(
            interaction,
            _services(interaction).answers.answer_prompt(
                actor_from(interaction), self.text.value, self.prompt_id
            ),
        )


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"studybot:answer:(?P<prompt>\S{1,80})"
):
    """The Answer button under a daily post; rebuilt from its custom id, so it survives restarts."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer", style=discord.ButtonStyle.primary, custom_id=f"studybot:answer:{prompt_id}"
            )
        )
        self.prompt_id = prompt_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(match["prompt"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(AnswerModal(self.prompt_id))


class SolutionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"studybot:solution:(?P<prompt>\S{1,80})"
):
    """'Show the solution' under the /solution warning: clicking is the confirmation."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show the solution",
                style=discord.ButtonStyle.danger,
                custom_id=f"studybot:solution:{prompt_id}",
            )
        )
        self.prompt_id = prompt_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> SolutionButton:
        return cls(match["prompt"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(
            interaction, _services(interaction).daily.reveal(actor_from(interaction), self.prompt_id)
        )


class LeaderboardButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"studybot:lb:(?P<period>week|month|all):(?P<page>[0-9]{1,6})",
):
    """Previous/Next under a leaderboard: redraws the same message with another page."""

    def __init__(self, period: str, page: int, label: str = "Next") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"studybot:lb:{period}:{page}"
            )
        )
        self.period = period
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> LeaderboardButton:
        return cls(match["period"], int(match["page"]), item.label or "Next")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            reply = await _services(interaction).progress.leaderboard(
                actor_from(interaction), self.period, self.page
            )
        except UserError as exc:
            await respond(interaction, error(str(exc)))
            return
        parts = message_parts(reply)
        await interaction.response.edit_message(
            content=parts.get("content"), embed=parts.get("embed"), view=parts.get("view")
        )


class Daily(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="daily", description="Today's prompt.")
    @app_commands.guild_only()
    async def daily(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(interaction, self.bot.services.daily.daily(actor_from(interaction)))

    @app_commands.command(
        name="answer",
        description="Answer today's prompt (or a practice problem by id); the verdict is private.",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        text="Your answer, e.g. 2x(1-x) or \\frac{1}{2}",
        problem="A problem id (leave out for today's prompt)",
    )
    async def answer_command(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 1000],
        problem: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await deliver_answer(
            interaction, self.bot.services.answers.answer(actor_from(interaction), text, problem)
        )

    @app_commands.command(
        name="hint", description="The next hint for today's prompt (hints are counted in your stats)."
    )
    @app_commands.guild_only()
    async def hint(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(interaction, self.bot.services.daily.hint(actor_from(interaction)))

    @app_commands.command(
        name="solution",
        description="The worked solution of today's prompt (a later correct answer then no longer counts).",
    )
    @app_commands.guild_only()
    @app_commands.describe(confirm="true: show it without asking (your streak won't count today's answer)")
    async def solution(self, interaction: discord.Interaction, confirm: bool | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(
            interaction, self.bot.services.daily.solution(actor_from(interaction), confirm=bool(confirm))
        )

    @app_commands.command(
        name="streak", description="Current and longest streak, freezes, and the last 7 days."
    )
    @app_commands.guild_only()
    @app_commands.describe(member="Whose streak (default: yours)")
    async def streak(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        await interaction.response.defer(ephemeral=member is None, thinking=True)
        other = member_actor(interaction, member) if member else None
        await answer(interaction, self.bot.services.progress.streak(actor_from(interaction), other))

    @app_commands.command(
        name="stats", description="A 6-month calendar, accuracy per topic and your weakest topics."
    )
    @app_commands.guild_only()
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        await interaction.response.defer(ephemeral=member is None, thinking=True)
        other = member_actor(interaction, member) if member else None
        await answer(interaction, self.bot.services.progress.stats(actor_from(interaction), other))

    @app_commands.command(
        name="leaderboard",
        description="Days solved, then fewer hints and attempts: this week, this month or all time.",
    )
    @app_commands.guild_only()
    @app_commands.describe(period="week (default), month or all", page="Page number (10 members per page)")
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        period: Literal["week", "month", "all"] | None = None,
        page: app_commands.Range[int, 1, None] | None = None,
    ) -> None:
        await interaction.response.defer(thinking=True)
        await answer(
            interaction,
            self.bot.services.progress.leaderboard(actor_from(interaction), period or "week", page or 1),
        )


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(AnswerButton, SolutionButton, LeaderboardButton)
    await bot.add_cog(Daily(bot))
