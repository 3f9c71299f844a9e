"""What a service answers with: a value both adapters can render (Discord embed, console text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


Verb = Literal["answer", "solution", "leaderboard", "join"]


@dataclass(frozen=True)
class Action:
    """What a button does, and for which item (a prompt id, a challenge number, a leaderboard
    period and page). Only the Discord renderer turns it into a custom id: the wire format lives
    there, in one place."""

    verb: Verb
    item: str
    page: int = 0


@dataclass(frozen=True)
class Button:
    """A button under a message. Its `action` routes the click back to a service on Discord;
    the console prints `hint` (the equivalent command) instead."""

    label: str
    action: Action
    hint: str = ""
    style: str = "primary"  # primary | secondary | success | danger


@dataclass(frozen=True)
class Reply:
    text: str = ""
    title: str | None = None
    fields: tuple[Field, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str | None = None
    url: str | None = None
    image: str | None = None  # filename of an attachment to show inside the embed
    tone: str = "info"  # info | success | warning | error
    ephemeral: bool = False


@dataclass(frozen=True)
class Post:
    """A scheduled message for a guild's channel: the scheduler's output."""

    guild_id: int
    channel_id: int | None
    title: str
    reply: Reply
    mention_role_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def error(message: str) -> Reply:
    return Reply(text=message, tone="error", ephemeral=True)


_MARKDOWN = re.compile(r"([\\*_~`|>\[\]()#])")


def md(text: str) -> str:
    """Escape Discord markdown in a member- or moderator-provided string (display names, challenge
    titles, curriculum text), so `[nitro](https://x.co)` shows as typed instead of as a masked link
    and `**` cannot restyle a public announcement. Mentions never ping: messages allow none."""
    return _MARKDOWN.sub(r"\\\1", text)


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 week', '2 weeks', '1 hint', '0 hints' (`many` for irregular words: 'curricula')."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
