"""`studybot console`: start a local chat session over the same services and database."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.console.session import CONSOLE_GUILD_ID, CONSOLE_GUILD_NAME, ConsoleSession, stable_id
from bot.services.app import Services
from bot.services.context import Actor
from bot.workers import WorkerPool


def _database(text: str) -> Path | str:
    return text if text.startswith(("postgresql://", "postgres://")) else Path(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default="you", help="the member you speak as (default: you)")
    parser.add_argument("--moderator", action="store_true", help="speak with the Manage Server permission")
    parser.add_argument(
        "--db",
        type=_database,
        help="SQLite file or postgresql:// URL (default: STUDYBOT_DB or data/studybot.sqlite3)",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--now", help='run as if it were this local time: "YYYY-MM-DD HH:MM"')
    when.add_argument("--date", help="run as if today were YYYY-MM-DD (at 12:00 local time)")
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="where images are saved (default: out/)"
    )


def parse_when(now: str | None, day: str | None) -> datetime | None:
    """The naive local time asked for, or None for the real clock; ValueError with a clear message."""
    if now:
        try:
            return datetime.strptime(now.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            raise ValueError(f'--now must look like "2026-11-21 09:00", got {now!r}') from None
    if day:
        try:
            return datetime.combine(date.fromisoformat(day.strip()), time(12, 0))
        except ValueError:
            raise ValueError(f"--date must look like 2026-11-21, got {day!r}") from None
    return None


async def run_console(
    args: argparse.Namespace,
    settings: Settings,
    *,
    lines: Iterable[str] | None = None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    workers: WorkerPool | None = None,
) -> int:
    """The session `studybot console` runs; tests pass the lines, the streams and a warm pool."""
    try:
        local = parse_when(args.now, args.date)
    except ValueError as exc:
        print(f"studybot console: {exc}", file=stderr)
        return 2
    name = args.user.strip()
    if not name or len(name) > 32:
        print("studybot console: --user must be 1 to 32 characters", file=stderr)
        return 2
    services = await Services.open_local(
        settings,
        db_path=args.db or settings.db_path,
        guild_id=CONSOLE_GUILD_ID,
        guild_name=CONSOLE_GUILD_NAME,
        channel_id=stable_id("channel", "console"),
        channel_name="console",
        local=local,
        workers=workers,
    )
    actor = Actor(
        CONSOLE_GUILD_ID,
        stable_id("user", name),
        name,
        manage_guild=args.moderator,
        guild_name=CONSOLE_GUILD_NAME,
    )
    session = ConsoleSession(services, actor, args.out, stdout)
    # SIGTERM/SIGINT end the session like the end of input: the command in flight is cancelled
    # (its transaction rolls back), the workers and the database close, and the exit status is 0.
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
    try:
        await services.guilds.register(actor)
        await session.run_scheduler()
        await session.run(lines, prompt=f"{name}> " if lines is None and sys.stdin.isatty() else "")
    except asyncio.CancelledError:
        print("studybot console: stopped", file=stderr)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await services.close()
    return 0
