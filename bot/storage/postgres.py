"""The PostgreSQL backend (asyncpg): the same interface, the same SQL, for several shard processes.

Every writing transaction takes one database-wide advisory lock, the counterpart of SQLite's
`BEGIN IMMEDIATE`: the storage code was written for serialised writers (read, decide, write), and
this keeps it correct when several processes share the database, at the cost of writers queueing
(a study bot writes a few rows per answer; the bench in benchmarks/daily.py measures it). The
scheduler's claim does not even rely on it: it inserts with ON CONFLICT DO NOTHING and takes over
with a guarded UPDATE, so exactly one process wins either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.storage.database import Database, DatabaseOpenError, Params, Row
from bot.storage.dialect import ddl, placeholders
from bot.storage.migrate import MigrationError, discover, pending, record_values

#: pg_advisory_xact_lock key for writing transactions, and one for migrations ("studybot" in hex).
WRITE_LOCK = 0x7374756479626F74
MIGRATE_LOCK = WRITE_LOCK + 1
#: Seconds to wait for a server to answer a connection attempt before saying it is unreachable.
CONNECT_TIMEOUT = 10.0


def display_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def explain(exc: BaseException, url: str) -> str:
    """Why the server could not be used, in one line naming the host."""
    where = _where(url)
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {where} (is PostgreSQL running and listening there?)"
    if isinstance(exc, socket.gaierror):
        return f"the host of {where} is not known ({exc.strerror})"
    if isinstance(exc, TimeoutError):
        return f"{where} did not answer within {CONNECT_TIMEOUT:.0f} s"
    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        return f"{where} refused the login: {exc}"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return f"{where}: {exc}"
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {exc.strerror or exc}"
    if isinstance(exc, MigrationError):
        return str(exc)
    return f"{where}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


def _args(params: Params) -> list[Any]:
    if isinstance(params, dict):
        raise TypeError("named parameters are not supported; use ? placeholders")
    # Flags are stored as 0/1 integers on both backends; asyncpg wants an int for BIGINT.
    return [int(value) if isinstance(value, bool) else value for value in params]


def _changed(status: str) -> int:
    """Rows changed, from asyncpg's command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = url
        self.path = display_url(url)
        # The connection (and a lock, for tasks spawned inside) of the transaction this task is in.
        self._tx: contextvars.ContextVar[tuple[asyncpg.Connection, asyncio.Lock] | None] = (
            contextvars.ContextVar(f"pg_transaction_{id(self)}", default=None)
        )

    @classmethod
    async def connect(cls, url: str, *, migrate: bool = True) -> PostgresDatabase:
        try:
            pool = await asyncio.wait_for(
                asyncpg.create_pool(
                    url,
                    min_size=1,
                    max_size=10,
                    timeout=CONNECT_TIMEOUT,
                    server_settings={"application_name": "studybot"},
                ),
                CONNECT_TIMEOUT + 5,
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise DatabaseOpenError(display_url(url), explain(exc, url)) from exc
        db = cls(pool, url)
        if migrate:
            try:
                await db.migrate()
            except (MigrationError, asyncpg.PostgresError, OSError) as exc:
                await db.close()
                raise DatabaseOpenError(db.path, explain(exc, url)) from exc
        return db

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._pool.close(), 10)
        except TimeoutError:
            self._pool.terminate()

    # -- statements -------------------------------------------------------------------------------

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        current = self._tx.get()
        if current is not None:
            conn, lock = current
            async with lock:
                yield conn
        else:
            async with self._pool.acquire() as conn:
                yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        if self._tx.get() is not None:
            yield self  # nested: part of the outer transaction
            return
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            token = self._tx.set((conn, asyncio.Lock()))
            try:
                yield self
            finally:
                self._tx.reset(token)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._connection() as conn:
            return _changed(await conn.execute(placeholders(sql), *_args(params)))

    async def insert(self, sql: str, params: Params = ()) -> int:
        async with self._connection() as conn:
            value = await conn.fetchval(placeholders(sql) + " RETURNING id", *_args(params))
        return int(value or 0)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._connection() as conn:
            await conn.executemany(placeholders(sql), [_args(row) for row in rows])

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._connection() as conn:
            return await conn.fetchrow(placeholders(sql), *_args(params))

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection() as conn:
            return list(await conn.fetch(placeholders(sql), *_args(params)))

    async def copy_rows(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Bulk-load rows (COPY) inside the current transaction; for `studybot db copy`."""
        async with self._connection() as conn:
            await conn.copy_records_to_table(table, columns=list(columns), records=rows)

    async def tables(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename != 'schema_migrations' ORDER BY tablename"
        )
        return [row[0] for row in rows]

    async def reset_identities(self) -> None:
        """Point every identity sequence past its column's largest id (after rows came with ids)."""
        async with self._connection() as conn:
            await _reset_identities(conn)

    async def backup(self, target: str | Path) -> None:
        raise NotImplementedError("PostgreSQL is backed up with pg_dump (studybot db backup)")

    # -- migrations -------------------------------------------------------------------------------

    async def migrate(self, migrations_dir: Path | None = None) -> list[str]:
        """The SQLite migration files, rewritten by the dialect layer; one transaction each. Two
        processes starting at once take turns (a session advisory lock)."""
        applied: list[str] = []
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                before = {int(row[0]) for row in await conn.fetch("SELECT version FROM schema_migrations")}
                for migration in pending(discover(migrations_dir), before):
                    try:
                        async with conn.transaction():
                            for statement in migration.statements():
                                await conn.execute(ddl(statement))
                            await conn.execute(
                                "INSERT INTO schema_migrations (version, name, applied_at)"
                                " VALUES ($1, $2, $3)",
                                *record_values(migration),
                            )
                            await _reset_identities(conn)
                    except asyncpg.PostgresError as exc:
                        raise MigrationError(f"migration {migration.path.name} failed: {exc}") from exc
                    applied.append(migration.path.name)
            finally:
                with contextlib.suppress(Exception):
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATE_LOCK)
        return applied


async def _reset_identities(conn: asyncpg.Connection) -> None:
    columns = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in columns:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', $1),"
            f' COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"',
            column,
        )
