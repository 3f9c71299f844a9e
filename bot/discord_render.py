"""Render service replies for Discord, and read the acting member off an interaction."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Awaitable
from typing import Any

import discord

from bot.replies import Post, Reply, error
from bot.services.context import Actor
from bot.services.errors import UserError

_COLOURS = {
    "info": discord.Colour.blurple(),
    "success": discord.Colour.green(),
    "warning": discord.Colour.orange(),
    "error": discord.Colour.red(),
}
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


def actor_from(interaction: discord.Interaction) -> Actor:
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
                discord.ui.Button(label=button.label, custom_id=button.custom_id, style=_STYLES[button.style])
            )
        parts["view"] = view
    return parts


async def respond(interaction: discord.Interaction, reply: Reply | list[Reply]) -> None:
    """Answer an interaction whether or not it was deferred; extra replies become follow-ups."""
    replies = reply if isinstance(reply, list) else [reply]
    for item in replies:
        parts = message_parts(item)
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=item.ephemeral, **parts)
        else:
            await interaction.response.send_message(ephemeral=item.ephemeral, **parts)


async def answer(interaction: discord.Interaction, work: Awaitable[Reply | list[Reply]]) -> None:
    """Await a service call and respond; a member's mistake (UserError) becomes an ephemeral
    message here, so only real failures reach the tree's error handler."""
    try:
        reply = await work
    except UserError as exc:
        reply = error(str(exc))
    await respond(interaction, reply)


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
