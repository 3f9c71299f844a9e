"""/help and /about."""

from __future__ import annotations

from typing import Any

from bot import __version__
from bot.commands.spec import Context, Option, Spec, text
from bot.replies import Reply
from bot.services.errors import UserError
from bot.services.help import about, answers_help, help_reply, mastery_help

_KINDS = {
    "text": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
    "channel": "a channel",
    "role": "a role",
    "member": "a member",
    "attachment": "a file",
}


def option_table(spec: Spec) -> list[dict[str, Any]]:
    """A command's options exactly as Discord gets them: names, kinds, bounds, descriptions."""
    return [
        {
            key: value
            for key, value in (
                ("name", option.name),
                ("kind", option.kind),
                ("required", option.required),
                ("description", option.description),
                ("min_value", option.min_value),
                ("max_value", option.max_value),
                ("min_length", option.min_length),
                ("max_length", option.max_length),
                ("choices", list(option.choices) or None),
            )
            if value is not None
        }
        for option in spec.options
    ]


def _limits(row: dict[str, Any]) -> str:
    if row.get("choices"):
        return "one of " + ", ".join(row["choices"])
    shown = _KINDS[row["kind"]]
    if "max_length" in row:
        return f"{shown}, {row.get('min_length', 0)} to {row['max_length']} characters"
    low, high = row.get("min_value"), row.get("max_value")
    if low is not None and high is not None:
        return f"{shown}, {low:g} to {high:g}"
    if low is not None:
        return f"{shown}, at least {low:g}"
    if high is not None:
        return f"{shown}, at most {high:g}"
    return shown


def command_help(spec: Spec) -> Reply:
    """/help command:<name>: what a command does and every option with its limits."""
    rows = option_table(spec)
    lines = [
        f"`{row['name']}`{' (required)' if row['required'] else ''} — {row['description']} · {_limits(row)}"
        for row in rows
    ]
    usage = " ".join(f"{r['name']}:<{r['kind']}>" if r["required"] else f"[{r['name']}]" for r in rows)
    who = "Moderators only. " if spec.moderator else ""
    return Reply(
        title=f"/{spec.qualified_name}",
        text=f"{who}{spec.description}\n" + ("\n".join(lines) or "No options."),
        footer=f"/{spec.qualified_name} {usage}".rstrip(),
        ephemeral=True,
    )


def command_names(current: str) -> list[str]:
    """Command names for /help's autocomplete, those containing what was typed first."""
    from bot.commands import SPECS

    typed = current.strip().lstrip("/").lower()
    names = [spec.qualified_name for spec in SPECS]
    return sorted((n for n in names if typed in n), key=lambda n: (not n.startswith(typed), n))[:25]


async def _help(ctx: Context, topic: str | None, command: str | None) -> Reply:
    from bot.commands import BY_NAME, SPECS  # the whole table, built after this module

    if command is not None:
        name = " ".join(command.strip().lstrip("/").lower().split())
        spec = BY_NAME.get(name)
        if spec is None:
            raise UserError(f"There is no command /{name}. /help lists them all.")
        return command_help(spec)
    if topic == "answers":
        return answers_help()
    if topic == "mastery":
        return mastery_help()
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
                "commands (default), answers (how to type math)"
                " or mastery (mastery, reviews, reminders, /mydata)",
                choices=("commands", "answers", "mastery"),
            ),
            text("command", "One command's options and their limits, e.g. plot", 40, autocomplete="commands"),
        ),
        guild_only=False,
    ),
    Spec("about", "What studybot is and how to use it.", _about, guild_only=False),
)
