"""The persistent buttons under posts (Answer, Show the solution, Join, leaderboard pages) and the
answer modal: what only Discord has. One DynamicItem class reads every one of our custom ids, so a
button survives restarts; the wire format itself lives in bot/discord_render.py."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord_app import StudyBot
from bot.discord_render import (
    CUSTOM_ID_TEMPLATE,
    STYLES,
    actor_from,
    answer,
    custom_id,
    message_parts,
    parse_custom_id,
    respond,
)
from bot.replies import Action, error
from bot.services.errors import UserError
from bot.services.problems import MAX_ANSWER_CHARS

Interaction = discord.Interaction[StudyBot]


class AnswerModal(discord.ui.Modal, title="Your answer"):
    text: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Answer",
        custom_id="answer",
        placeholder="e.g. 2x(1-x), 1/2, \\frac{1}{2}",
        max_length=MAX_ANSWER_CHARS,
    )

    def __init__(self, prompt_id: str) -> None:
        super().__init__(timeout=900)
        self.prompt_id = prompt_id

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = interaction.client.services
        await answer(
            interaction,
            services.answers.answer_prompt(actor_from(interaction), self.text.value, self.prompt_id),
        )


async def _answer(interaction: Interaction, action: Action) -> None:
    await interaction.response.send_modal(AnswerModal(action.item))


async def _solution(interaction: Interaction, action: Action) -> None:
    """'Show the solution' under the /solution warning: clicking is the confirmation."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    await answer(interaction, interaction.client.services.daily.reveal(actor_from(interaction), action.item))


async def _join(interaction: Interaction, action: Action) -> None:
    await answer(
        interaction, interaction.client.services.challenges.join(actor_from(interaction), int(action.item))
    )


async def _leaderboard(interaction: Interaction, action: Action) -> None:
    """Previous/Next under a leaderboard: redraws the same message with another page."""
    try:
        reply = await interaction.client.services.progress.leaderboard(
            actor_from(interaction), action.item, action.page
        )
    except UserError as exc:
        await respond(interaction, error(str(exc)))
        return
    parts = message_parts(reply)
    await interaction.response.edit_message(
        content=parts.get("content"), embed=parts.get("embed"), view=parts.get("view")
    )


CLICKS: dict[str, Callable[[Interaction, Action], Awaitable[None]]] = {
    "answer": _answer,
    "solution": _solution,
    "join": _join,
    "leaderboard": _leaderboard,
}


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID_TEMPLATE):
    """Any of our buttons, rebuilt from its custom id after a restart."""

    def __init__(self, action: Action, label: str = "", style: str = "primary") -> None:
        super().__init__(discord.ui.Button(label=label, style=STYLES[style], custom_id=custom_id(action)))
        self.action = action

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ActionButton:
        action = parse_custom_id(match.string)
        assert action is not None  # the template matched, so the id is one of ours
        return cls(action, item.label or "")

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        await CLICKS[self.action.verb](interaction, self.action)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(ActionButton)
