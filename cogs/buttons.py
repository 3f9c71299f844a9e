"""The persistent buttons under posts (Answer, Show the solution, Join, leaderboard pages) and the
answer modal: what only Discord has. One DynamicItem class reads every one of our custom ids, so a
button survives restarts; the wire format itself lives in bot/discord_render.py.

discord.py only logs an exception in a DynamicItem's callback and has no DynamicItem for modals, so
both catch what they raise and hand it to the tree's error handler: the member always gets an
answer, privately, the same one a slash command would give.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Iterator
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
    modal_custom_id,
    parse_custom_id,
    parse_modal_custom_id,
    private_error,
    respond,
)
from bot.replies import Action
from bot.services.errors import UserError
from bot.services.problems import MAX_ANSWER_CHARS

Interaction = discord.Interaction[StudyBot]
ANSWER_FIELD = "answer"


class AnswerModal(discord.ui.Modal, title="Your answer"):
    """The form behind an Answer button. Its custom id names the prompt, and its submission is
    handled by `on_answer_submitted` from that id alone, so it works after a restart too."""

    text: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Answer",
        custom_id=ANSWER_FIELD,
        placeholder="e.g. 2x(1-x), 1/2, \\frac{1}{2}",
        max_length=MAX_ANSWER_CHARS,
    )

    def __init__(self, prompt_id: str) -> None:
        super().__init__(timeout=None, custom_id=modal_custom_id(prompt_id))


async def _failed(interaction: Interaction, exc: Exception) -> None:
    """The tree's error handler (StudyTree.on_error), which takes any exception."""
    await interaction.client.tree.on_error(interaction, exc)  # type: ignore[arg-type]


def _inputs(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component of a modal submission, inside action rows or labels."""
    for component in components:
        yield component
        yield from _inputs(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from _inputs([component["component"]])


def _answer_text(data: dict[str, Any]) -> str:
    inputs = _inputs(data.get("components") or [])
    return next((str(c.get("value") or "") for c in inputs if c.get("custom_id") == ANSWER_FIELD), "")


async def on_answer_submitted(interaction: Interaction) -> None:
    """An answer modal was submitted (by this process's modal or one opened before a restart)."""
    data: dict[str, Any] = dict(interaction.data or {})
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    prompt_id = parse_modal_custom_id(str(data.get("custom_id", "")))
    if prompt_id is None:
        return
    try:
        text = _answer_text(data)
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = interaction.client.services
        await answer(interaction, services.answers.answer_prompt(actor_from(interaction), text, prompt_id))
    except Exception as exc:
        await _failed(interaction, exc)


async def _answer(interaction: Interaction, action: Action) -> None:
    modal = AnswerModal(action.item)
    await interaction.response.send_modal(modal)
    modal.stop()  # not kept in discord.py's modal store: on_answer_submitted answers from the id


async def _solution(interaction: Interaction, action: Action) -> None:
    """'Show the solution' under the /solution warning: clicking is the confirmation."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    await answer(interaction, interaction.client.services.daily.reveal(actor_from(interaction), action.item))


async def _join(interaction: Interaction, action: Action) -> None:
    await answer(
        interaction, interaction.client.services.challenges.join(actor_from(interaction), int(action.item))
    )


def _pages_in_place(interaction: Interaction) -> bool:
    """Whether the click may redraw the message: it is the clicker's own (they asked for that
    board, or it is their private copy). A shared board is never redrawn for someone else."""
    message = interaction.message
    if message is None:
        return False
    if message.flags.ephemeral:
        return True
    metadata = message.interaction_metadata
    return metadata is not None and metadata.user.id == interaction.user.id


async def _leaderboard(interaction: Interaction, action: Action) -> None:
    """Previous/Next under a leaderboard: the member who asked for it pages the shared message;
    anyone else gets the page they asked for as their own ephemeral copy (which they can page)."""
    try:
        reply = await interaction.client.services.progress.leaderboard(
            actor_from(interaction), action.item, action.page
        )
    except UserError as exc:
        await private_error(interaction, str(exc))
        return
    if not _pages_in_place(interaction):
        await respond(interaction, dataclasses.replace(reply, ephemeral=True))
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
        try:
            await CLICKS[self.action.verb](interaction, self.action)
        except Exception as exc:  # discord.py would only log it, leaving the member "thinking…"
            await _failed(interaction, exc)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(ActionButton)
    bot.add_listener(on_answer_submitted, "on_interaction")
