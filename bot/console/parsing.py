"""Turn a console line into a command and its options.

`/name first positional value name:value other:"quoted value"`: the first option may be given
without its name; a value runs until the next ` known_option:` so answers and LaTeX need no
quoting (`/answer 2x(1-x)`, `/tex \\frac{1}{2}`); double quotes around a value are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands import Spec

MAX_LINE = 4000  # Discord's own limit on what a member can paste


class InputError(ValueError):
    """The line is not a valid command; the message says why."""


@dataclass(frozen=True)
class ParsedLine:
    command: Spec
    raw: dict[str, str]  # option name -> text value, as typed


def _strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def parse_line(line: str, commands: dict[str, Spec]) -> ParsedLine:
    if len(line) > MAX_LINE:
        raise InputError(f"That line is {len(line)} characters; the limit is {MAX_LINE}.")
    text = line.strip()
    if not text.startswith("/"):
        raise InputError("Commands start with / (try /help).")
    words = text[1:].split(maxsplit=2)
    if not words:
        raise InputError("Type a command after the / (try /help).")
    # Longest match first: "/challenge-admin create ..." before "/challenge".
    name = None
    for count in (2, 1):
        candidate = " ".join(words[:count]).lower()
        if len(words) >= count and candidate in commands:
            name = candidate
            rest = text[1:].split(maxsplit=count)
            remainder = rest[count] if len(rest) > count else ""
            break
    if name is None:
        group = [n for n in commands if n.split()[0] == words[0].lower()]
        # A subcommand that lives in a sibling group ("/challenge create" is "/challenge-admin create",
        # where Discord hides moderator commands): point there rather than list the wrong group.
        sibling = [
            n
            for n in commands
            if len(words) > 1
            and n.split()[-1] == words[1].lower()
            and n.split()[0] != words[0].lower()
            and n.split()[0].startswith(words[0].lower())
        ]
        if sibling:
            raise InputError(f"/{words[0]} {words[1]} is /{sibling[0]} (try /help {sibling[0].split()[0]}).")
        if group:
            raise InputError(f"/{words[0]} needs a subcommand: {', '.join('/' + n for n in sorted(group))}.")
        raise InputError(f"Unknown command /{words[0]}. Type /help for the list.")
    cmd = commands[name]
    return ParsedLine(cmd, _split_options(cmd, remainder))


def _split_options(cmd: Spec, remainder: str) -> dict[str, str]:
    names = [option.name for option in cmd.options]
    marker = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):") if names else None
    matches = list(marker.finditer(remainder)) if marker else []
    raw: dict[str, str] = {}
    head = remainder[: matches[0].start()] if matches else remainder
    if head.strip():
        if not cmd.options:
            raise InputError(f"/{cmd.qualified_name} takes no options.")
        raw[cmd.options[0].name] = _strip_quotes(head)
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(remainder)
        option = match.group(1)
        if option in raw:
            raise InputError(f"Option {option} is given twice.")
        raw[option] = _strip_quotes(remainder[match.end() : end])
    missing = [o.name for o in cmd.options if o.required and o.name not in raw]
    if missing:
        usage = " ".join(f"{o.name}:<{o.kind}>" if o.required else f"[{o.name}]" for o in cmd.options)
        name = cmd.qualified_name
        raise InputError(f"/{name} needs {', '.join(missing)}. Usage: /{name} {usage}")
    return raw
