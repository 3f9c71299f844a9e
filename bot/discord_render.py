"""Render service replies for Discord, and read the acting member off an interaction."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord

from bot.replies import Action, Post, Reply, Verb, error
from bot.services.answers import AnswerResult
from bot.services.context import Actor
from bot.services.errors import UserError

if TYPE_CHECKING:
    from bot.discord_app import StudyBot

log = logging.getLogger(__name__)

_COLOURS = {
    "info": discord.Colour.blurple(),
    "success": discord.Colour.green(),
    "warning": discord.Colour.orange(),
    "error": discord.Colour.red(),
}
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


# The custom-id wire format of every persistent button, in one place: verb -> (prefix, what follows).
# These ids sit on messages posted long ago, so they never change (a click on an old post still works).
_WIRE: dict[Verb, tuple[str, str]] = {
    "answer": ("answer", r"(\S{1,80})"),
    "solution": ("solution", r"(\S{1,80})"),
    "join": ("join", r"([0-9]{1,12})"),
    "leaderboard": ("lb", r"(week|month|all):([0-9]{1,6})"),
}
CUSTOM_ID_TEMPLATE = "studybot:(?:" + "|".join(f"{prefix}:{rest}" for prefix, rest in _WIRE.values()) + ")"
_PARSERS = {verb: re.compile(f"studybot:{prefix}:{rest}") for verb, (prefix, rest) in _WIRE.items()}


def custom_id(action: Action) -> str:
    prefix = _WIRE[action.verb][0]
    page = f":{action.page}" if action.verb == "leaderboard" else ""
    return f"studybot:{prefix}:{action.item}{page}"


def parse_custom_id(value: str) -> Action | None:
    """The action behind a button's custom id, or None for an id that is not one of ours."""
    for verb, pattern in _PARSERS.items():
        match = pattern.fullmatch(value)
        if match:
            page = int(match[2]) if verb == "leaderboard" else 0
            return Action(verb, match[1], page)
    return None


def actor_from(interaction: discord.Interaction[StudyBot]) -> Actor:
    user = interaction.user
    roles = frozenset(role.id for role in getattr(user, "roles", ()))
    permissions = interaction.permissions
    guild = interaction.guild
    return Actor(
        guild_id=interaction.guild_id or 0,
        user_id=user.id,
        name=user.display_name,
        manage_guild=permissions.manage_guild or permissions.administrator,
        role_ids=roles,
        guild_name=guild.name if guild else "",
    )


def message_parts(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send/send_message/followup.send."""
    parts: dict[str, Any] = {}
    embed_wanted = reply.title or reply.fields or reply.image
    if embed_wanted:
        embed = discord.Embed(
            title=reply.title,
            description=reply.text[:4096] or None,
            colour=_COLOURS.get(reply.tone),
            url=reply.url,
        )
        for field in reply.fields[:25]:
            embed.add_field(name=field.name[:256], value=field.value[:1024] or "\u200b", inline=field.inline)
        if reply.footer:
            embed.set_footer(text=reply.footer[:2048])
        if reply.image:
            embed.set_image(url=f"attachment://{reply.image}")
        parts["embed"] = embed
    else:
        text = reply.text
        if reply.url:
            text = f"{text}\n{reply.url}" if text else reply.url
        if reply.footer:
            text = f"{text}\n-# {reply.footer}"
        parts["content"] = text[:2000]
    if reply.attachments:
        parts["files"] = [
            discord.File(io.BytesIO(a.data), filename=a.filename, description=a.description or None)
            for a in reply.attachments
        ]
    if reply.buttons:
        view = discord.ui.View(timeout=None)
        for button in reply.buttons[:25]:
            view.add_item(
                discord.ui.Button(
                    label=button.label, custom_id=custom_id(button.action), style=STYLES[button.style]
                )
            )
        parts["view"] = view
    return parts


def member_actor(interaction: discord.Interaction[StudyBot], member: discord.Member | discord.User) -> Actor:
    """Another member named in an option (/streak member:@ada)."""
    return Actor(
        interaction.guild_id or 0,
        member.id,
        member.display_name,
        guild_name=interaction.guild.name if interaction.guild else "",
    )


async def respond(interaction: discord.Interaction[StudyBot], reply: Reply | list[Reply]) -> None:
    """Answer an interaction whether or not it was deferred; extra replies become follow-ups."""
    replies = reply if isinstance(reply, list) else [reply]
    for item in replies:
        parts = message_parts(item)
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=item.ephemeral, **parts)
        else:
            await interaction.response.send_message(ephemeral=item.ephemeral, **parts)


async def deliver(
    interaction: discord.Interaction[StudyBot], result: Reply | list[Reply] | AnswerResult
) -> None:
    """Respond with what a command answered; a verdict that newly counted a day also gets one
    public line in the channel (the verdict itself stays private)."""
    if not isinstance(result, AnswerResult):
        await respond(interaction, result)
        return
    await respond(interaction, result.reply)
    channel = interaction.channel
    if result.announcement and isinstance(channel, discord.abc.Messageable):
        try:
            await channel.send(result.announcement, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("could not announce a solve in channel %s", interaction.channel_id, exc_info=True)


async def answer(
    interaction: discord.Interaction[StudyBot], work: Awaitable[Reply | list[Reply] | AnswerResult]
) -> None:
    """Await a service call and respond; a member's mistake (UserError) becomes an ephemeral
    message here, so only real failures reach the tree's error handler."""
    try:
        result = await work
    except UserError as exc:
        result = error(str(exc))
    await deliver(interaction, result)


PLACEHOLDER = "Couldn't draw that; the reason was sent to you privately."


async def private_error(interaction: discord.Interaction[StudyBot], message: str) -> None:
    """After a public defer: complete the placeholder, say it privately, remove the placeholder
    (Discord's first follow-up after a public defer is public, whatever its ephemeral flag says)."""
    if not interaction.response.is_done():
        await respond(interaction, error(message))
        return
    await interaction.edit_original_response(content=PLACEHOLDER)
    await interaction.followup.send(content=message[:2000], ephemeral=True)
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:  # already gone: nothing public is left either way
        log.debug("could not delete the placeholder", exc_info=True)


def post_nonce(idempotency_key: str) -> str:
    """Discord's message nonce (<= 25 chars) for a scheduled run: with `enforce_nonce` Discord returns
    the message already sent with this nonce instead of posting twice, so a retry is safe."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:25]


async def send_post(channel: discord.abc.Messageable, post: Post) -> discord.Message:
    parts = message_parts(post.reply)
    key = post.extra.get("idempotency_key")
    if key:
        parts["nonce"] = post_nonce(key)  # discord.py sends enforce_nonce=True with every nonce
    mentions = discord.AllowedMentions.none()
    if post.mention_role_id is not None:
        ping = f"<@&{post.mention_role_id}>"
        parts["content"] = f"{ping} {parts.get('content', '')}".strip()
        mentions = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(post.mention_role_id)]
        )
    return await channel.send(allowed_mentions=mentions, **parts)
