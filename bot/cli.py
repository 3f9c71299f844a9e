"""`studybot` command line: run | console | db (and the feature tools registered below)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings

# Feature modules that add their own subcommands through `register(subparsers)`.
FEATURE_CLIS: tuple[str, ...] = ("bot.check_cli", "bot.plots.cli", "bot.content.cli")


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord_token:
        print(
            "studybot run: DISCORD_TOKEN is not set. Put it in the environment or in .env"
            " (or try `studybot console`, which needs no token).",
            file=sys.stderr,
        )
        return 2
    from bot.storage.database import Database

    async def usable() -> None:  # fail here, in one line, not inside discord.py's setup_hook
        await (await Database.open(settings.db_path)).close()

    asyncio.run(usable())
    from bot.discord_app import run_bot

    run_bot(settings)
    return 0


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.main import run_console

    return asyncio.run(run_console(args, settings))


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.database import Database, backup_database
    from bot.storage.migrate import MigrationError

    path = args.db or settings.db_path

    async def migrate() -> int:
        db = await Database.open(path, migrate=False)
        try:
            applied = await db.migrate()
        finally:
            await db.close()
        print(f"{path}: applied {', '.join(applied)}" if applied else f"{path}: schema is up to date")
        return 0

    async def backup() -> int:
        await backup_database(path, args.target)
        print(f"backed up {path} to {args.target}")
        return 0

    if args.action == "backup" and not Path(path).exists():
        print(f"studybot db backup: no database at {path}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(migrate() if args.action == "migrate" else backup())
    except MigrationError as exc:
        print(f"studybot db: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot", description="A study-group bot for the math of deep learning."
    )
    parser.add_argument("--version", action="version", version=f"studybot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)

    console = sub.add_parser("console", help="a local chat over the same commands (no token needed)")
    from bot.console.main import add_arguments

    add_arguments(console)
    console.set_defaults(handler=_console)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    migrate = db_sub.add_parser("migrate", help="apply pending schema migrations")
    migrate.add_argument("--db", type=Path)
    backup = db_sub.add_parser("backup", help="copy the live database with SQLite's online backup")
    backup.add_argument("target", type=Path)
    backup.add_argument("--db", type=Path)
    db.set_defaults(handler=_db)

    for module in FEATURE_CLIS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    from bot.content import use_data_dir

    use_data_dir(settings.data_dir)  # every command of this process reads content from there
    logging.basicConfig(
        level=settings.log_level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    from bot.storage.database import DatabaseOpenError

    handler = getattr(args, "handler", None)
    try:
        if handler is None:  # a feature subcommand: func(args) -> int
            return int(args.func(args))
        return int(handler(args, settings))
    except DatabaseOpenError as exc:
        # One line naming the file and the problem; a traceback would only bury it.
        print(f"studybot {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
