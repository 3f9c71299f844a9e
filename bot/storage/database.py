"""The one owner of the SQLite connection: WAL, foreign keys, serialised transactions."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrate import apply_migrations

Params = Sequence[Any] | dict[str, Any]

# True inside `Database.transaction()` for the task that holds it, so statements issued there
# run inside the transaction instead of waiting for the lock it already holds.
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar("in_transaction", default=False)


class Database:
    """Every read and write goes through here.

    One connection, one asyncio lock: a transaction is `BEGIN IMMEDIATE ... COMMIT` held by one
    task at a time, so concurrent members' answers can never interleave half-written rows.
    """

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        db = cls(conn, path)
        if migrate:
            await db.migrate()
        return db

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
                await self._conn.execute("BEGIN IMMEDIATE")
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

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._statement():
            cursor = await self._conn.execute(sql, params)
            row = await cursor.fetchone()
            await cursor.close()
            return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._statement():
            cursor = await self._conn.execute(sql, params)
            rows = await cursor.fetchall()
            await cursor.close()
            return list(rows)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def backup(self, target: str | Path) -> None:
        """Copy the live database with SQLite's online backup API (safe while the bot runs)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        async with self._lock, aiosqlite.connect(str(target)) as destination:
            await self._conn.backup(destination)


async def backup_database(source: str | Path, target: str | Path) -> None:
    """Back up `source` to `target` without migrating it (for `studybot db backup`)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(str(source)) as src, aiosqlite.connect(str(target)) as dst:
        await src.backup(dst)
