"""The console adapter: a local chat over the same services, one line per message."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.commands import BY_NAME, Context, Option, Spec
from bot.console.parsing import InputError, parse_line
from bot.replies import Post, Reply
from bot.services.answers import AnswerResult
from bot.services.app import Services
from bot.services.context import Actor, Upload, oversize_message
from bot.services.errors import UserError

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong on our side; the error has been logged. Please try again."
CONSOLE_GUILD_ID = 1
CONSOLE_GUILD_NAME = "console"


async def read_line(loop: asyncio.AbstractEventLoop) -> str:
    """One line of stdin, read in a daemon thread: a signal that ends the session must not wait
    for the member's next line (an executor thread would keep the process alive until then)."""
    future: asyncio.Future[str] = loop.create_future()

    def deliver(line: str) -> None:
        if not future.done():
            future.set_result(line)

    def read() -> None:
        line = sys.stdin.readline()
        with contextlib.suppress(RuntimeError):  # the loop closed while we waited
            loop.call_soon_threadsafe(deliver, line)

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return await future


def stable_id(kind: str, name: str) -> int:
    """A Discord-sized id for a console name, the same in every session."""
    digest = hashlib.sha256(f"{kind}:{name.lower()}".encode()).digest()
    return int.from_bytes(digest[:7], "big") + 1


@dataclass
class ConsoleContext:
    services: Services
    actor: Actor
    out_dir: Path

    def member(self, name: str) -> Actor:
        """Another member of the console guild, by name (for `member:` options)."""
        clean = name.strip().lstrip("@")
        return Actor(CONSOLE_GUILD_ID, stable_id("user", clean), clean, guild_name=CONSOLE_GUILD_NAME)


def _number(option: Option, value: str) -> float:
    name = option.name
    try:
        number: float = int(value) if option.kind == "integer" else float(value)
    except ValueError:
        kind = "a whole number" if option.kind == "integer" else "a number"
        raise InputError(f"{name} must be {kind} — got {value!r}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(f"{name} must be a finite number.")
    if option.min_value is not None and number < option.min_value:
        raise InputError(f"{name} must be at least {option.min_value:g}.")
    if option.max_value is not None and number > option.max_value:
        raise InputError(f"{name} must be at most {option.max_value:g}.")
    return number


def _convert(option: Option, value: str, ctx: ConsoleContext) -> Any:
    """A typed value as Discord would deliver it: the same bounds, refused with a clear message."""
    name = option.name
    if option.choices and value.lower() not in option.choices:
        raise InputError(f"{name} must be one of {', '.join(option.choices)} — got {value!r}.")
    match option.kind:
        case "text":
            if not value:
                raise InputError(f"{name} is empty.")
            if option.max_length is not None and len(value) > option.max_length:
                raise InputError(f"{name} is {len(value)} characters; the limit is {option.max_length}.")
            return value.lower() if option.choices else value
        case "integer" | "number":
            return _number(option, value)
        case "boolean":
            lowered = value.lower()
            if lowered in ("true", "yes", "on", "1"):
                return True
            if lowered in ("false", "no", "off", "0"):
                return False
            raise InputError(f"{name} must be true or false — got {value!r}.")
        case "channel":
            channel = value.strip().lstrip("#")
            return (stable_id("channel", channel), channel)
        case "role":
            role = value.strip().lstrip("@")
            return (stable_id("role", role), role)
        case "member":
            return ctx.member(value)
        case "attachment":
            path = Path(value).expanduser()
            try:
                size = path.stat().st_size
            except OSError:
                raise InputError(f"{name}: no readable file at {value!r}.") from None
            too_big = oversize_message(path.name, size)
            if too_big:
                raise InputError(f"{name}: {too_big}")
            return Upload(path.name, path.read_bytes())
    raise AssertionError(option.kind)


def _given(spec: Spec, raw: dict[str, str]) -> list[tuple[str, Option]]:
    return [(option.name, option) for option in spec.options if option.name in raw]


class ConsoleSession:
    def __init__(self, services: Services, actor: Actor, out_dir: Path, stdout: TextIO = sys.stdout) -> None:
        self.commands: dict[str, Spec] = BY_NAME
        self.ctx = ConsoleContext(services, actor, out_dir)
        self.stdout = stdout
        self._saved = 0

    # -- rendering ----------------------------------------------------------------------

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def render(self, reply: Reply) -> None:
        lines: list[str] = []
        if reply.title:
            lines.append(f"**{reply.title}**" if reply.tone != "error" else f"Error: {reply.title}")
        if reply.text:
            lines.append(reply.text)
        lines.extend(f"{field.name}: {field.value}" for field in reply.fields)
        if reply.url:
            lines.append(reply.url)
        for attachment in reply.attachments:
            lines.append(f"[attachment] {self._save(attachment.filename, attachment.data)}")
        for button in reply.buttons:
            lines.append(f"[button: {button.label}]" + (f" — {button.hint}" if button.hint else ""))
        if reply.footer:
            lines.append(reply.footer)
        self.write("\n".join(lines))

    def _save(self, filename: str, data: bytes) -> Path:
        self.ctx.out_dir.mkdir(parents=True, exist_ok=True)
        self._saved += 1
        stem, dot, suffix = filename.rpartition(".")
        path = self.ctx.out_dir / (
            f"{stem}-{self._saved}{dot}{suffix}" if dot else f"{filename}-{self._saved}"
        )
        path.write_bytes(data)
        return path

    async def deliver_post(self, post: Post) -> None:
        if post.extra.get("dm_user_id"):  # a direct message to one member (review reminders)
            self.write(f"[dm @{post.extra.get('dm_name', post.extra['dm_user_id'])}] {post.reply.text}")
            return
        thread = post.extra.get("thread")
        if thread:  # a daily post's discussion thread (bot/services/threads.py)
            name = post.extra.get("thread_name", post.title)
            self.write(
                f"[thread] opened {name!r}" if thread == "open" else f"[thread] solution posted in {name!r}"
            )
            self.render(post.reply)
            if thread == "close":
                self.write(f"[thread] archived {name!r}")
            return
        self.write(f"[post] {post.title}")
        if post.mention_role_id is not None and post.extra.get("mention_name"):
            self.write(f"@{post.extra['mention_name']}")
        self.render(post.reply)

    # -- running ------------------------------------------------------------------------

    async def run_scheduler(self) -> list[Post]:
        return await self.ctx.services.scheduler.run_once(self.deliver_post)

    async def handle(self, line: str) -> None:
        """Answer one line; every failure is a message, never the end of the session."""
        if not line.strip():
            return
        try:
            parsed = parse_line(line, self.commands)
            spec = parsed.command
            values = spec.with_defaults(
                {
                    name: _convert(option, parsed.raw[name], self.ctx)
                    for name, option in _given(spec, parsed.raw)
                }
            )
            if spec.precheck is not None:
                spec.precheck(values)
            spec.check_limits(self.ctx.services, self.ctx.actor)
            await self.ctx.services.guilds.register(self.ctx.actor)
            result = await spec.call(Context(self.ctx.services, self.ctx.actor), **values)
        except (InputError, UserError) as exc:
            self.render(Reply(text=str(exc), tone="error", ephemeral=True))
            return
        except Exception:
            log.exception("console command failed: %s", line.strip()[:200])
            self.render(Reply(text=GENERIC_ERROR, tone="error", ephemeral=True))
            return
        if isinstance(result, AnswerResult):  # the public line Discord posts in the channel
            announce = [Reply(text=f"[announce] {result.announcement}")] if result.announcement else []
            result = [result.reply, *announce]
        for reply in result if isinstance(result, list) else [result]:
            self.render(reply)

    async def run(self, lines: Iterable[str] | None = None, *, prompt: str = "") -> None:
        if lines is not None:
            for line in lines:
                await self.handle(line)
            return
        loop = asyncio.get_running_loop()
        while True:
            if prompt:
                self.stdout.write(prompt)
                self.stdout.flush()
            line = await read_line(loop)
            if not line:
                break
            await self.handle(line)
