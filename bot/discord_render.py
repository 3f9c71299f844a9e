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


# The answer modal's custom id carries the prompt it answers, so a modal opened before a restart is
# still answered after it (discord.py only knows the modals this process opened).
_MODAL = re.compile(r"studybot:modal:(\S{1,80})")


def modal_custom_id(prompt_id: str) -> str:
    return f"studybot:modal:{prompt_id}"


def parse_modal_custom_id(value: str) -> str | None:
    """The prompt id behind an answer modal's custom id, or None for a modal that is not ours."""
    match = _MODAL.fullmatch(value)
    return match[1] if match else None


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


# Discord's documented limits (https://discord.com/developers/docs/resources/message): a message over
# any of them is refused with a 400, so every reply passes through `message_pages` first.
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # title + description + field names and values + footer, per message
FILES_LIMIT = 10
BUTTONS_LIMIT = 25  # 5 rows of 5
# A reply longer than this many messages is cut: ten messages is already more than anyone reads.
MAX_PAGES = 10
ELLIPSIS = "…"

# What the bot needs in its daily-post channel, in the words Discord's settings use.
REQUIRED_CHANNEL_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
    # The scheduler looks in the channel's history for a post before sending it again (exactly once).
    ("read_message_history", "Read Message History"),
)


# What the bot needs there to open a discussion thread on each daily post (/setup threads:true).
REQUIRED_THREAD_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("create_public_threads", "Create Public Threads"),
    ("send_messages_in_threads", "Send Messages in Threads"),
)


def missing_permissions(
    permissions: discord.Permissions,
    required: tuple[tuple[str, str], ...] = REQUIRED_CHANNEL_PERMISSIONS,
) -> list[str]:
    """The required channel permissions that `permissions` lacks, by their display names."""
    return [label for name, label in required if not getattr(permissions, name)]


def cut(text: str, limit: int) -> str:
    """`text` if it fits, else its start and "…" in exactly `limit` characters."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, broken at a line end (else a space) where possible."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:
            at = limit
        chunks.append(rest[:at].rstrip())
        rest = rest[at:].lstrip("\n ")
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _embed_size(embed: discord.Embed) -> int:
    return len(embed)  # discord.py counts exactly what Discord counts toward the 6,000


def _new_embed(reply: Reply, *, first: bool) -> discord.Embed:
    return discord.Embed(
        title=cut(reply.title, TITLE_LIMIT) if first and reply.title else None,
        colour=_COLOURS.get(reply.tone),
        url=reply.url if first else None,
    )


def _embeds(reply: Reply) -> list[discord.Embed]:
    """The reply as one embed per message, each within every embed limit."""
    embeds = [_new_embed(reply, first=True)]
    for index, chunk in enumerate(split_text(reply.text, DESCRIPTION_LIMIT) if reply.text else []):
        if index:
            embeds.append(_new_embed(reply, first=False))
        embeds[-1].description = chunk
    for field in reply.fields:
        name = cut(field.name, FIELD_NAME_LIMIT) or "\u200b"
        value = cut(field.value, FIELD_VALUE_LIMIT) or "\u200b"
        last = embeds[-1]
        if len(last.fields) >= FIELDS_LIMIT or _embed_size(last) + len(name) + len(value) > EMBED_TOTAL_LIMIT:
            last = _new_embed(reply, first=False)
            embeds.append(last)
        last.add_field(name=name, value=value, inline=field.inline)
    if reply.footer:
        room = EMBED_TOTAL_LIMIT - _embed_size(embeds[-1])
        if room < min(len(reply.footer), 100):
            embeds.append(_new_embed(reply, first=False))
            room = EMBED_TOTAL_LIMIT
        embeds[-1].set_footer(text=cut(reply.footer, min(FOOTER_LIMIT, room)))
    if reply.image:
        embeds[0].set_image(url=f"attachment://{reply.image}")
    return embeds


def _contents(reply: Reply, prefix: str) -> list[str]:
    text = reply.text
    if reply.url:
        text = f"{text}\n{reply.url}" if text else reply.url
    if reply.footer:
        text = f"{text}\n-# {cut(reply.footer, CONTENT_LIMIT // 2)}"
    if prefix:
        text = f"{prefix} {text}".strip()
    return split_text(text, CONTENT_LIMIT)


def _view(reply: Reply) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for button in reply.buttons[:BUTTONS_LIMIT]:
        view.add_item(
            discord.ui.Button(
                label=cut(button.label, 80), custom_id=custom_id(button.action), style=STYLES[button.style]
            )
        )
    return view


def _mark_cut(page: dict[str, Any]) -> None:
    """End a page with "……" to show that what followed was cut, staying within every limit."""
    marker = "\n" + ELLIPSIS * 2
    embed: discord.Embed | None = page.get("embed")
    if embed is not None:
        if len(embed) + len(marker) > EMBED_TOTAL_LIMIT and embed.fields:
            last = embed.fields[-1]
            value = cut(last.value or "", max(len(last.value or "") - len(marker), 1))
            embed.set_field_at(len(embed.fields) - 1, name=last.name, value=value, inline=bool(last.inline))
        embed.description = cut((embed.description or "") + marker, DESCRIPTION_LIMIT)
    elif "content" in page:
        page["content"] = cut(page["content"] + marker, CONTENT_LIMIT)


def message_pages(reply: Reply, *, prefix: str = "") -> list[dict[str, Any]]:
    """Keyword arguments for one send per message: a reply too long for one message is split into
    pages (text at line ends, fields across embeds), attachments go ten per message, the buttons go
    under the last page, and anything past MAX_PAGES is cut with "…". `prefix` (a role ping) leads
    the first page's content."""
    pages: list[dict[str, Any]] = []
    if reply.title or reply.fields or reply.image:
        pages = [{"embed": embed} for embed in _embeds(reply)]
        if prefix:
            pages[0]["content"] = prefix
    else:
        pages = [{"content": chunk} for chunk in _contents(reply, prefix)]
    files = [
        discord.File(io.BytesIO(a.data), filename=a.filename, description=cut(a.description, 1024) or None)
        for a in reply.attachments
    ]
    for index in range(0, len(files), FILES_LIMIT):
        page = index // FILES_LIMIT
        if page >= len(pages):
            pages.append({})
        pages[page]["files"] = files[index : index + FILES_LIMIT]
    if len(pages) > MAX_PAGES:
        pages = pages[:MAX_PAGES]
        _mark_cut(pages[-1])
    if reply.buttons:
        pages[-1]["view"] = _view(reply)
    return pages


def message_parts(reply: Reply) -> dict[str, Any]:
    """One message for the whole reply (a message edited in place): the first page, with the
    buttons; what does not fit in one message is cut with "…"."""
    pages = message_pages(reply)
    first = pages[0]
    if len(pages) > 1:
        _mark_cut(first)
        if "view" in pages[-1]:
            first["view"] = pages[-1]["view"]
    return first


def member_actor(interaction: discord.Interaction[StudyBot], member: discord.Member | discord.User) -> Actor:
    """Another member named in an option (/streak member:@ada)."""
    return Actor(
        interaction.guild_id or 0,
        member.id,
        member.display_name,
        guild_name=interaction.guild.name if interaction.guild else "",
    )


async def respond(interaction: discord.Interaction[StudyBot], reply: Reply | list[Reply]) -> None:
    """Answer an interaction whether or not it was deferred; extra replies and pages become follow-ups."""
    replies = reply if isinstance(reply, list) else [reply]
    for item in replies:
        for parts in message_pages(item):
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


PLACEHOLDER = "That didn't work; the reason was sent to you privately."


async def _public_stub(interaction: discord.Interaction[StudyBot]) -> bool:
    """Whether the interaction's answer is still a public "thinking…" stub (a public defer not yet
    followed up): Discord's first follow-up would replace it and stay public."""
    if interaction.response.type is not discord.InteractionResponseType.deferred_channel_message:
        return False
    try:
        original = await interaction.original_response()
    except discord.HTTPException:  # gone already: a follow-up is a fresh message
        return False
    return original.flags.loading and not original.flags.ephemeral


async def private_error(interaction: discord.Interaction[StudyBot], message: str) -> None:
    """Tell the member privately, whatever the interaction answered so far: errors are never public.

    After a public defer, the placeholder completes the stub, the error goes as a fresh ephemeral
    follow-up and the placeholder is deleted, so nothing is left in the channel."""
    if not (interaction.response.is_done() and await _public_stub(interaction)):
        await respond(interaction, error(message))
        return
    await interaction.edit_original_response(content=PLACEHOLDER)
    await respond(interaction, error(message))
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:  # already gone: nothing public is left either way
        log.debug("could not delete the placeholder", exc_info=True)


def post_nonce(idempotency_key: str) -> str:
    """Discord's message nonce (<= 25 chars) for a scheduled run: with `enforce_nonce` Discord returns
    the message already sent with this nonce instead of posting twice, so a retry is safe."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:25]


async def send_post(channel: discord.abc.Messageable, post: Post) -> discord.Message:
    """Send a scheduled post (every page of it); returns the first message."""
    key = post.extra.get("idempotency_key")
    mentions = discord.AllowedMentions.none()
    prefix = ""
    if post.mention_role_id is not None:
        prefix = f"<@&{post.mention_role_id}>"
        mentions = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(post.mention_role_id)]
        )
    first: discord.Message | None = None
    for index, parts in enumerate(message_pages(post.reply, prefix=prefix)):
        if key:
            # discord.py sends enforce_nonce=True with every nonce; each page has its own.
            parts["nonce"] = post_nonce(key if index == 0 else f"{key}#{index}")
        message = await channel.send(allowed_mentions=mentions, **parts)
        first = first or message
    assert first is not None
    return first
