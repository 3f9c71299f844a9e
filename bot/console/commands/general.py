"""/help and /about."""

from __future__ import annotations

from bot import __version__
from bot.console.registry import COMMANDS, command
from bot.console.session import ConsoleContext
from bot.replies import Reply
from bot.services.help import about, help_reply


@command("help", "List every command with what it does.")
async def help_command(ctx: ConsoleContext) -> Reply:
    return help_reply([(name, cmd.description) for name, cmd in COMMANDS.items()])


@command("about", "What studybot is and how to use it.")
async def about_command(ctx: ConsoleContext) -> Reply:
    return about(__version__)
