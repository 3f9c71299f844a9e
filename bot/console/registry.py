"""The console's command table: the same names and options as the slash commands."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.replies import Reply

if TYPE_CHECKING:
    pass

# Option kinds, mirroring Discord's option types.
KINDS = ("text", "integer", "number", "boolean", "channel", "role", "member", "attachment")

Handler = Callable[..., Awaitable[Reply | list[Reply]]]


@dataclass(frozen=True)
class Option:
    name: str
    kind: str = "text"
    required: bool = False
    description: str = ""
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown option kind {self.kind!r}")


@dataclass(frozen=True)
class ConsoleCommand:
    name: str  # qualified: "help", "curriculum start"
    description: str
    options: tuple[Option, ...]
    handler: Handler

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)


COMMANDS: dict[str, ConsoleCommand] = {}


def command(name: str, description: str, *options: Option) -> Callable[[Handler], Handler]:
    """Register `handler(ctx, **options) -> Reply` under a slash-command name."""

    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"console command /{name} is defined twice")
        COMMANDS[name] = ConsoleCommand(name, description, tuple(options), handler)
        return handler

    return register


def load_commands() -> dict[str, ConsoleCommand]:
    """Import every module of bot.console.commands (each registers its commands)."""
    package = "bot.console.commands"
    directory = Path(__file__).parent / "commands"
    for module in pkgutil.iter_modules([str(directory)]):
        if not module.name.startswith("_"):
            importlib.import_module(f"{package}.{module.name}")
    return COMMANDS


def describe(commands: dict[str, ConsoleCommand]) -> dict[str, list[tuple[str, bool, str]]]:
    """{name: [(option, required, kind), ...]}: what the parity test compares with Discord's tree."""
    return {
        name: sorted((option.name, option.required, option.kind) for option in cmd.options)
        for name, cmd in commands.items()
    }
