"""Versioned schema migrations: `NNN_name.sql` files applied in order, recorded in `schema_migrations`.

Each file runs in one transaction with its record, so a failed migration leaves the database at
the previous version. A database newer than this code is refused rather than silently misread.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def statements(self) -> list[str]:
        """Split the file into complete SQL statements (triggers with inner `;` stay whole)."""
        statements: list[str] = []
        buffer = ""
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            buffer += line
            if sqlite3.complete_statement(buffer):
                if buffer.strip():
                    statements.append(buffer.strip())
                buffer = ""
        if buffer.strip() and not all(
            part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
        ):
            raise MigrationError(f"{self.path.name}: incomplete SQL statement at the end")
        return statements


def discover(directory: Path | None = None) -> list[Migration]:
    directory = directory or MIGRATIONS_DIR
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name must look like 001_name.sql: {path.name}")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migrations share version {version:03d}")
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


async def _run(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()) -> None:
    cursor = await conn.execute(sql, params)
    await cursor.close()


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    await _run(
        conn,
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    cursor = await conn.execute("SELECT version FROM schema_migrations")
    rows = await cursor.fetchall()
    await cursor.close()
    return {int(row[0]) for row in rows}


def pending(migrations: list[Migration], applied_before: set[int]) -> list[Migration]:
    """The migrations still to apply, in order; refuses a database newer than this code."""
    known = {migration.version for migration in migrations}
    unknown = sorted(applied_before - known)
    if unknown:
        raise MigrationError(
            f"the database has schema version {unknown[-1]}, newer than this studybot "
            f"({max(known, default=0)}); upgrade studybot or restore a backup"
        )
    return [migration for migration in migrations if migration.version not in applied_before]


def record_values(migration: Migration) -> tuple[int, str, str]:
    return (migration.version, migration.name, datetime.now(UTC).isoformat(timespec="seconds"))


async def apply_migrations(conn: aiosqlite.Connection, directory: Path | None = None) -> list[str]:
    """Apply every migration the database has not had yet, in order; returns their file names.

    By set, not by maximum: a database that got 003 from one branch still gets 002 from another.
    """
    applied_before = await applied_versions(conn)
    applied: list[str] = []
    for migration in pending(discover(directory), applied_before):
        await _run(conn, "BEGIN IMMEDIATE")
        try:
            for statement in migration.statements():
                await _run(conn, statement)
            await _run(
                conn,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                record_values(migration),
            )
        except Exception as exc:
            await conn.rollback()
            raise MigrationError(f"migration {migration.path.name} failed: {exc}") from exc
        await conn.commit()
        applied.append(migration.path.name)
    return applied
