"""/help and /about."""

from __future__ import annotations

from bot import __version__
from bot.commands.spec import Context, Option, Spec
from bot.replies import Reply
from bot.services.help import about, answers_help, help_reply


async def _help(ctx: Context, topic: str | None) -> Reply:
    if topic == "answers":
        return answers_help()
    from bot.commands import SPECS  # the whole table, built after this module

    return help_reply([(spec.qualified_name, spec.description) for spec in SPECS])


async def _about(ctx: Context) -> Reply:
    return about(__version__)


SPECS = (
    Spec(
        "help",
        "List every command, or how to write answers.",
        _help,
        (
            Option(
                "topic",
                "text",
                "commands (default) or answers: how to type math the checker reads",
                choices=("commands", "answers"),
            ),
        ),
        guild_only=False,
    ),
    Spec("about", "What studybot is and how to use it.", _about, guild_only=False),
)
