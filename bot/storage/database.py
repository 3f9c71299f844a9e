"""The one database interface, and its SQLite backend (WAL, foreign keys, serialised transactions).

`Database.open(target)` picks the backend: a `postgresql://` URL opens PostgreSQL (bot/storage/
postgres.py), anything else is an SQLite file. Queries are written once, with `?` placeholders.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrate import MigrationError, apply_migrations

Params = Sequence[Any] | dict[str, Any]
#: A result row: `row["column"]`, `row[0]` and `dict(row)` work on both backends' rows.
Row = Any

# True inside `Database.transaction()` for the task that holds it, so statements issued there
# run inside the transaction instead of waiting for the lock it already holds.
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar("in_transaction", default=False)


class DatabaseOpenError(RuntimeError):
    """The database file cannot be used; the message names the file and what is wrong with it."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"cannot use the database {path}: {reason}")
        self.path = str(path)
        self.reason = reason


_SQLITE_HEADER = b"SQLite format 3\x00"


def check_database_file(path: Path, *, writable: bool = True) -> None:
    """Refuse, without writing anything, what SQLite would choke on or damage further: a folder, a
    file that is not SQLite, a truncated file, a place we cannot write to."""
    if path.is_dir():
        raise DatabaseOpenError(path, "it is a directory, not a database file")
    if not path.exists():
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseOpenError(path, f"its folder cannot be created ({exc.strerror})") from exc
        if not os.access(folder, os.W_OK):
            raise DatabaseOpenError(path, f"it does not exist and {folder} is read-only")
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(100)
    except OSError as exc:
        raise DatabaseOpenError(path, f"it cannot be read ({exc.strerror})") from exc
    if size:  # an empty file is a new, empty database to SQLite
        if not header.startswith(_SQLITE_HEADER):
            raise DatabaseOpenError(
                path, "it is not an SQLite database (the file does not start with its header)"
            )
        if len(header) < 100:
            raise DatabaseOpenError(path, f"it is truncated ({size} bytes, shorter than SQLite's header)")
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        # The page count in the header is valid when the change counter matches its "valid for".
        expected = page_size * pages if header[24:28] == header[92:96] else 0
        if page_size < 512 or size % page_size or size < expected:
            whole = f"; its header says {expected} bytes" if expected > size else ""
            raise DatabaseOpenError(path, f"it is truncated or damaged ({size} bytes{whole})")
    # WAL mode writes a -wal and a -shm file beside the database.
    for target in (path, path.parent) if writable else ():
        if not os.access(target, os.W_OK):
            raise DatabaseOpenError(path, f"it is read-only ({target} cannot be written)")


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def _explain(exc: BaseException) -> str:
    """SQLite's error in words an operator can act on."""
    cause = exc.__cause__ if isinstance(exc, MigrationError) and exc.__cause__ else exc
    text = str(cause)
    lowered = text.lower()
    if isinstance(exc, MigrationError) and cause is exc:
        return text
    if "not a database" in lowered:
        return "it is not an SQLite database (or it is encrypted)"
    if "malformed" in lowered:
        return "it is damaged (SQLite: database disk image is malformed)"
    if "disk is full" in lowered or getattr(cause, "errno", None) == errno.ENOSPC:
        return "the disk is full"
    if "readonly" in lowered or "read-only" in lowered:
        return "it is read-only"
    if "disk i/o error" in lowered:
        return "writing it failed (disk I/O error: the disk may be full or failing)"
    if "unable to open" in lowered:
        return "SQLite cannot open it (unable to open database file)"
    return f"SQLite: {text}"


class Database:
    """Every read and write goes through here, whichever backend holds the data.

    A transaction is all-or-nothing and serialised with every other writing transaction (SQLite's
    `BEGIN IMMEDIATE`; a database-wide advisory lock on PostgreSQL), so code written for one is
    correct on the other, across processes too.
    """

    #: "sqlite" or "postgresql": for the few places that must differ (backups, copies, the bench).
    dialect: str = ""
    #: What was opened (a file path, or the URL without its password), for messages.
    path: str = ""

    @classmethod
    async def open(cls, target: str | Path, *, migrate: bool = True) -> Database:
        """Open (and migrate) the database; DatabaseOpenError with one clear sentence if it cannot
        be used."""
        if is_postgres_url(target):
            from bot.storage.postgres import PostgresDatabase

            return await PostgresDatabase.connect(str(target), migrate=migrate)
        return await SqliteDatabase.connect(target, migrate=migrate)

    async def migrate(self, migrations_dir: Path | None = None) -> list[str]:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractAsyncContextManager[Database]:
        raise NotImplementedError

    async def execute(self, sql: str, params: Params = ()) -> int:
        raise NotImplementedError

    async def insert(self, sql: str, params: Params = ()) -> int:
        raise NotImplementedError

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        raise NotImplementedError

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        raise NotImplementedError

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def tables(self) -> list[str]:
        """The application's tables (not the migration record), sorted."""
        raise NotImplementedError

    async def backup(self, target: str | Path) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    """One connection, one asyncio lock: a transaction is `BEGIN IMMEDIATE ... COMMIT` held by one
    task at a time, so concurrent members' answers can never interleave half-written rows.
    """

    dialect = "sqlite"

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def connect(cls, path: str | Path, *, migrate: bool = True) -> SqliteDatabase:
        """A file that is not a sound SQLite database is refused before anything is written."""
        path = str(path)
        if path != ":memory:":
            check_database_file(Path(path))
        conn: aiosqlite.Connection | None = None
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
            conn.row_factory = sqlite3.Row
            # Read before writing anything: a damaged file fails here, unchanged.
            await (await conn.execute("SELECT COUNT(*) FROM sqlite_master")).close()
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "busy_timeout=5000"):
                cursor = await conn.execute(f"PRAGMA {pragma}")
                await cursor.close()
            db = cls(conn, path)
            if migrate:
                await db.migrate()
            return db
        except (sqlite3.Error, OSError, MigrationError) as exc:
            if conn is not None:
                # Without this, aiosqlite's (non-daemon) thread keeps the process alive for ever.
                with contextlib.suppress(Exception):
                    await conn.close()
            raise DatabaseOpenError(path, _explain(exc)) from exc

    async def migrate(self, migrations_dir: Path | None = None) -> list[str]:
        """Apply pending migrations; returns the names applied."""
        async with self._lock:
            return await apply_migrations(self._conn, migrations_dir)

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """`async with db.transaction():` — all statements inside commit together or not at all."""
        if _in_transaction.get():
            yield self  # nested: part of the outer transaction
            return
        async with self._lock:
            token = _in_transaction.set(True)
            try:
                await (await self._conn.execute("BEGIN IMMEDIATE")).close()
                try:
                    yield self
                except BaseException:
                    await self._conn.rollback()
                    raise
                await self._conn.commit()
            finally:
                _in_transaction.reset(token)

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[None]:
        if _in_transaction.get():
            yield
        else:
            async with self._lock:
                yield

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        async with self._statement():
            cursor = await self._conn.execute(sql, params)
            changed = cursor.rowcount
            await cursor.close()
            return max(changed, 0)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; returns the new row's id."""
        async with self._statement():
            cursor = await self._conn.execute(sql, params)
            row_id = cursor.lastrowid
            await cursor.close()
            return row_id or 0

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._statement():
            await self._conn.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._statement():
            cursor = await self._conn.execute(sql, params)
            row = await cursor.fetchone()
            await cursor.close()
            return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._statement():
            cursor = await self._conn.execute(sql, params)
            rows = await cursor.fetchall()
            await cursor.close()
            return list(rows)

    async def tables(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'schema_migrations' ORDER BY name"
        )
        return [row[0] for row in rows]

    async def backup(self, target: str | Path) -> None:
        """Copy the live database with SQLite's online backup API (safe while the bot runs)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._lock, aiosqlite.connect(str(target)) as destination:
            await self._conn.backup(destination)


async def backup_database(source: str | Path, target: str | Path) -> None:
    """Back up `source` to `target` without migrating it (for `studybot db backup`)."""
    target = Path(target)
    check_database_file(Path(source), writable=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        async with aiosqlite.connect(str(source)) as src, aiosqlite.connect(str(target)) as dst:
            await src.backup(dst)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseOpenError(source, _explain(exc)) from exc
