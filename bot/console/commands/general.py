"""/help and /about."""

from __future__ import annotations

from bot import __version__
from bot.console.registry import COMMANDS, Option, command
from bot.console.session import ConsoleContext
from bot.replies import Reply
from bot.services.help import about, answers_help, help_reply


@command(
    "help",
    "List every command, or how to write answers.",
    Option("topic", "text", choices=("commands", "answers")),
)
async def help_command(ctx: ConsoleContext, topic: str | None = None) -> Reply:
    if topic == "answers":
        return answers_help()
    return help_reply([(name, cmd.description) for name, cmd in COMMANDS.items()])


@command("about", "What studybot is and how to use it.")
async def about_command(ctx: ConsoleContext) -> Reply:
    return about(__version__)
