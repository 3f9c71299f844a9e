"""The command table's vocabulary: one `Spec` per slash command, read by both adapters.

No discord import: cogs/ turns a spec into an `app_commands.Command` (bounds, choices and
descriptions land in the synced payload), bot/console/ parses a typed line against the same spec,
so names, descriptions, bounds and permissions cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot.services.context import Actor
from bot.services.limits import Cooldown

if TYPE_CHECKING:
    from bot.services.app import Services

Kind = Literal["text", "integer", "number", "boolean", "channel", "role", "member", "attachment"]
KINDS: tuple[Kind, ...] = ("text", "integer", "number", "boolean", "channel", "role", "member", "attachment")


# Discord's own rules for names and descriptions, checked here so both adapters refuse a bad spec.
_NAME = re.compile(r"[a-z0-9_-]{1,32}")


def _check_naming(what: str, name: str, description: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{what} name {name!r}: 1-32 lowercase letters, digits, - or _")
    if not 1 <= len(description) <= 100:
        raise ValueError(f"{what} {name!r}: the description must be 1-100 characters")


class FileInfo(Protocol):
    """What is known of an attachment before it is downloaded (Discord metadata, a console path)."""

    @property
    def filename(self) -> str: ...

    @property
    def size(self) -> int: ...


@dataclass(frozen=True)
class Option:
    name: str
    kind: Kind
    description: str
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    autocomplete: Literal["topics", "timezones", "commands"] | None = None
    default: Any = None  # what the call gets when the member leaves the option out
    # A channel the bot will post in: the Discord adapter passes the permissions the bot lacks
    # there as `<name>_missing` (a list of display names; the console's channel lacks none).
    bot_posts_here: bool = False
    # A boolean that makes the bot open threads in the channel of the option named here (or, when
    # that is left out, the guild's post channel): the Discord adapter passes the thread permissions
    # the bot lacks there as `<name>_missing`.
    bot_threads_in: str | None = None

    def __post_init__(self) -> None:
        _check_naming("option", self.name, self.description)
        if self.bot_posts_here and self.kind != "channel":
            raise ValueError(f"option {self.name!r}: bot_posts_here is for channel options")
        if self.bot_threads_in is not None and self.kind != "boolean":
            raise ValueError(f"option {self.name!r}: bot_threads_in is for boolean options")
        if self.kind not in KINDS:
            raise ValueError(f"unknown option kind {self.kind!r}")
        if self.kind == "text" and not self.choices and self.max_length is None:
            raise ValueError(f"text option {self.name!r} needs a max_length: bound every input")


def text(name: str, description: str, max_length: int, *, required: bool = False, **more: Any) -> Option:
    return Option(name, "text", description, required, min_length=1, max_length=max_length, **more)


@dataclass(frozen=True)
class Defer:
    """Acknowledge first (Discord's 3-second rule), then follow up.

    `private` makes the follow-up ephemeral; `public_with` names an option that, when given, makes
    it public instead (/streak member:@ada is shown to the channel, your own streak only to you).
    """

    private: bool = True
    public_with: str | None = None

    def is_private(self, values: dict[str, Any]) -> bool:
        if self.public_with is not None and values.get(self.public_with) is not None:
            return False
        return self.private


@dataclass(frozen=True)
class Group:
    name: str
    description: str
    moderator: bool = False  # the whole group hidden from members (Manage Server) by default

    def __post_init__(self) -> None:
        _check_naming("group", self.name, self.description)


@dataclass(frozen=True)
class Context:
    """What a command's call gets besides its options."""

    services: Services
    actor: Actor


# call(ctx, **options) -> Reply | list[Reply] | AnswerResult (a verdict and its public line)
Call = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Spec:
    name: str
    description: str
    call: Call
    options: tuple[Option, ...] = ()
    group: Group | None = None
    defer: Defer | None = None
    moderator: bool = False  # refused at run time by the service; hidden by default where Discord allows
    guild_only: bool = True
    # At most `rate` uses per `per` seconds for one member, counted by the services' MemberLimiter
    # (the same count on Discord and in the console); the limiter's table is what is enforced.
    cooldown: Cooldown | None = None
    # A cheap check of the options (no I/O) run before any defer or download; attachments are
    # passed as FileInfo. It raises UserError for a bad option.
    precheck: Callable[[dict[str, Any]], object] | None = None
    # A message action (right-click a message -> Apps -> `menu`): on Discord the command is this
    # context menu, the message's text filling the first option; the console keeps `/name TEXT`.
    menu: str | None = None

    def __post_init__(self) -> None:
        _check_naming("command", self.name, self.description)
        if self.menu is not None:
            if not 1 <= len(self.menu) <= 32 or self.menu != self.menu.strip():
                raise ValueError(f"/{self.name}: a menu name is 1-32 characters")
            if not self.options or self.options[0].kind != "text" or self.group is not None:
                raise ValueError(f"/{self.name}: a message menu is a top-level command taking text first")
        names = [option.name for option in self.options]
        if len(set(names)) != len(names) or len(names) > 25:
            raise ValueError(f"/{self.name}: option names must be unique, 25 at most")

    @property
    def qualified_name(self) -> str:
        return f"{self.group.name} {self.name}" if self.group else self.name

    def check_limits(self, services: Services, actor: Actor) -> None:
        """Refuse at once (Busy / CoolingDown, both UserError) a rate-limited command that the
        member may not start now, before any defer or download. Changes nothing: the service
        counts the use when it does the work."""
        if self.cooldown is not None:
            services.limits.check(actor.user_id, self.qualified_name)

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)

    def with_defaults(self, values: dict[str, Any]) -> dict[str, Any]:
        """Every option present: left-out ones get their declared default."""
        return {o.name: values[o.name] if values.get(o.name) is not None else o.default for o in self.options}
