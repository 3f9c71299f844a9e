"""`studybot` command line: run | sync | health | console | db (and the feature tools registered below)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging

# Feature modules that add their own subcommands through `register(subparsers)`.
FEATURE_CLIS: tuple[str, ...] = ("bot.check_cli", "bot.plots.cli", "bot.content.cli")


def _need_token(command: str, settings: Settings) -> bool:
    if settings.discord_token:
        return True
    print(
        f"studybot {command}: DISCORD_TOKEN is not set. Put it in the environment or in .env"
        " (or try `studybot console`, which needs no token).",
        file=sys.stderr,
    )
    return False


def _shard_ids(text: str) -> tuple[int, ...]:
    try:
        ids = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected shard ids like 0,1 — got {text!r}") from None
    if not ids:
        raise argparse.ArgumentTypeError("expected at least one shard id")
    return ids


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.shard_ids is not None and args.shard_count is None:
        print("studybot run: --shard-ids needs --shard-count", file=sys.stderr)
        return 2
    if args.shard_count is not None:
        from bot.services.job_scope import ShardScope

        try:
            ShardScope(args.shard_count, args.shard_ids)
        except ValueError as exc:
            print(f"studybot run: {exc}", file=sys.stderr)
            return 2
        settings = replace(settings, shard_count=args.shard_count, shard_ids=args.shard_ids)
    if not _need_token("run", settings):
        return 2
    from bot.storage.database import Database

    async def usable() -> None:  # fail here, in one line, not inside discord.py's setup_hook
        await (await Database.open(settings.db_path)).close()

    asyncio.run(usable())
    from bot.discord_app import run_bot

    return run_bot(settings)


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    if not _need_token("sync", settings):
        return 2
    from bot.discord_app import run_sync

    return run_sync(settings, args.guild)


def _health(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when the database opens and the scheduler ticked recently (the container's HEALTHCHECK)."""
    from bot.storage.database import is_postgres_url
    from bot.storage.state import health_problem

    path = args.db or settings.db_path
    # Checked first: opening a missing file would create an empty database.
    problem = f"no database at {path}" if not is_postgres_url(path) and not Path(path).is_file() else None
    problem = problem or asyncio.run(health_problem(path, max_age=args.max_age))
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print(f"healthy: {path} opens and the scheduler ticked within {args.max_age:.0f} s")
    return 0


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.main import run_console

    return asyncio.run(run_console(args, settings))


def _target(text: str) -> Path | str:
    """A database on the command line: a postgresql:// URL, or an SQLite file."""
    return text if text.startswith(("postgresql://", "postgres://")) else Path(text)


def _pg_dump() -> str | None:
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True)
    return str(candidates[0]) if candidates else None


def _backup_postgres(url: str, target: Path) -> int:
    from bot.storage.postgres import display_url

    pg_dump = _pg_dump()
    if pg_dump is None:
        print(
            f"studybot db backup: pg_dump is not installed here; install the PostgreSQL client"
            f" (apt-get install postgresql-client) and run: pg_dump -Fc -f {target} {display_url(url)}",
            file=sys.stderr,
        )
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    # Custom format: compressed, and `pg_restore` can restore a single table from it.
    done = subprocess.run(
        [pg_dump, "-Fc", "-f", str(target), url], capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
        print(f"studybot db backup: pg_dump: {reason}", file=sys.stderr)
        return 1
    print(f"backed up {display_url(url)} to {target} (pg_dump custom format; restore with pg_restore)")
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.copy import CopyError, copy_database
    from bot.storage.database import Database, backup_database, is_postgres_url
    from bot.storage.migrate import MigrationError

    path = getattr(args, "db", None) or settings.db_path

    async def migrate() -> int:
        db = await Database.open(path, migrate=False)
        try:
            applied = await db.migrate()
        finally:
            await db.close()
        print(f"{db.path}: applied {', '.join(applied)}" if applied else f"{db.path}: schema is up to date")
        return 0

    async def backup() -> int:
        await backup_database(path, args.target)
        print(f"backed up {path} to {args.target}")
        return 0

    async def copy() -> int:
        source = await Database.open(args.source)
        try:
            target = await Database.open(args.target)
            try:
                copied = await copy_database(source, target)
            finally:
                await target.close()
        finally:
            await source.close()
        rows = sum(d.rows for d in copied.values())
        print(f"copied {rows} rows in {len(copied)} tables from {source.path} to {target.path}")
        for table, d in copied.items():
            print(f"  {table}: {d.rows} rows, sha256 {d.checksum[:16]} (same on both)")
        return 0

    try:
        if args.action == "copy":
            if str(args.source) == str(args.target):
                print("studybot db copy: SOURCE and TARGET are the same database", file=sys.stderr)
                return 2
            if not is_postgres_url(args.source) and not Path(args.source).is_file():
                print(f"studybot db copy: no database at {args.source}", file=sys.stderr)
                return 2
            return asyncio.run(copy())
        if args.action == "backup":
            if is_postgres_url(path):
                return _backup_postgres(str(path), args.target)
            if not Path(path).exists():
                print(f"studybot db backup: no database at {path}", file=sys.stderr)
                return 2
            return asyncio.run(backup())
        return asyncio.run(migrate())
    except (MigrationError, CopyError) as exc:
        print(f"studybot db {args.action}: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot", description="A study-group bot for the math of deep learning."
    )
    parser.add_argument("--version", action="version", version=f"studybot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="connect to Discord (needs DISCORD_TOKEN)")
    run.add_argument(
        "--shard-count", type=int, help="total shards across all processes (default: Discord's advice)"
    )
    run.add_argument(
        "--shard-ids", type=_shard_ids, help="the shards this process runs, e.g. 0,1 (default: all)"
    )
    run.set_defaults(handler=_run)

    sync = sub.add_parser("sync", help="sync slash commands now (the bot syncs by itself when they change)")
    sync.add_argument("--guild", type=int, help="sync to this guild only (instant; for development)")
    sync.set_defaults(handler=_sync)

    health = sub.add_parser("health", help="exit 0 if the database opens and the scheduler runs")
    health.add_argument("--db", type=_target)
    health.add_argument(
        "--max-age", type=float, default=180.0, help="seconds since the last scheduler tick (default 180)"
    )
    health.set_defaults(handler=_health)

    console = sub.add_parser("console", help="a local chat over the same commands (no token needed)")
    from bot.console.main import add_arguments

    add_arguments(console)
    console.set_defaults(handler=_console)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    where = "an SQLite file or a postgresql://user@host:port/db URL (default: STUDYBOT_DB)"
    migrate = db_sub.add_parser("migrate", help="apply pending schema migrations (SQLite or PostgreSQL)")
    migrate.add_argument("--db", type=_target, help=where)
    backup = db_sub.add_parser(
        "backup", help="copy the live database (SQLite's online backup; pg_dump for PostgreSQL)"
    )
    backup.add_argument("target", type=Path)
    backup.add_argument("--db", type=_target, help=where)
    copy = db_sub.add_parser(
        "copy", help="move everything from one database to another, empty one (SQLite <-> PostgreSQL)"
    )
    copy.add_argument("source", type=_target, help="the database to copy from: " + where)
    copy.add_argument("target", type=_target, help="an empty database to copy into (its schema is created)")
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
    setup_logging(settings.log_level)
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
