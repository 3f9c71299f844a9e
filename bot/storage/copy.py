"""`studybot db copy SOURCE TARGET`: every table from one backend to the other, in one transaction
on the target, into an empty target only; verified afterwards by row counts and row checksums."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.storage.database import Database


class CopyError(RuntimeError):
    """The copy was refused or did not verify; nothing was kept on the target."""


@dataclass(frozen=True)
class TableDigest:
    rows: int
    checksum: str  # sha256 over the rows in a backend-independent order and spelling


async def columns(db: Database, table: str) -> list[str]:
    if db.dialect == "postgresql":
        rows = await db.fetch_all(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]
    return [row["name"] for row in await db.fetch_all(f'PRAGMA table_info("{table}")')]


async def _references(db: Database, table: str) -> set[str]:
    """Tables `table`'s foreign keys point at (they are filled first)."""
    if db.dialect == "postgresql":
        rows = await db.fetch_all(
            "SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.constraint_column_usage ccu"
            " ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema"
            " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
            " AND tc.table_name = ?",
            (table,),
        )
        return {row[0] for row in rows} - {table}
    return {row["table"] for row in await db.fetch_all(f'PRAGMA foreign_key_list("{table}")')} - {table}


async def table_order(db: Database) -> list[str]:
    """Every table, parents before the tables that reference them."""
    tables = await db.tables()
    needs = {table: await _references(db, table) for table in tables}
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if not parents & set(needs))
        if not ready:
            raise CopyError(f"foreign keys form a cycle among {', '.join(sorted(needs))}")
        ordered += ready
        for table in ready:
            del needs[table]
    return ordered


def _spell(value: object) -> str:
    # repr keeps None, 1 and '1' apart; floats print the same on both backends.
    return repr(value)


async def digest(db: Database, table: str) -> TableDigest:
    names = await columns(db, table)
    quoted = ", ".join(f'"{name}"' for name in sorted(names))
    rows = await db.fetch_all(f'SELECT {quoted} FROM "{table}"')
    lines = sorted("\x1f".join(_spell(value) for value in tuple(row)) for row in rows)
    checksum = hashlib.sha256("\x1e".join(lines).encode("utf-8")).hexdigest()
    return TableDigest(len(rows), checksum)


async def digests(db: Database) -> dict[str, TableDigest]:
    return {table: await digest(db, table) for table in await db.tables()}


async def copy_database(source: Database, target: Database) -> dict[str, TableDigest]:
    """Copy every row; returns the verified digests per table. Refuses a non-empty target and a
    target whose schema differs; the whole copy is one transaction on the target."""
    tables = await table_order(source)
    target_tables = await target.tables()
    if sorted(tables) != sorted(target_tables):
        missing = sorted(set(tables) ^ set(target_tables))
        raise CopyError(
            f"the two schemas differ (tables {', '.join(missing)}); run `studybot db migrate` on both"
        )
    filled = [t for t in target_tables if await target.fetch_value(f'SELECT COUNT(*) FROM "{t}"')]
    if filled:
        raise CopyError(
            f"the target is not empty ({', '.join(filled)} have rows); copy only into an empty database"
        )
    expected = await digests(source)
    async with target.transaction():
        for table in tables:
            names = await columns(source, table)
            if sorted(names) != sorted(await columns(target, table)):
                raise CopyError(f"table {table} has different columns on the two sides; migrate both first")
            quoted = ", ".join(f'"{name}"' for name in names)
            rows = [tuple(row) for row in await source.fetch_all(f'SELECT {quoted} FROM "{table}"')]
            if not rows:
                continue
            copy_rows = getattr(target, "copy_rows", None)
            if copy_rows is not None:  # PostgreSQL: COPY, far faster than INSERTs
                await copy_rows(table, names, rows)
            else:
                marks = ", ".join("?" for _ in names)
                await target.execute_many(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)
        reset = getattr(target, "reset_identities", None)
        if reset is not None:  # ids came with the rows: new rows must be numbered after them
            await reset()
        copied = await digests(target)  # still inside: a mismatch rolls the whole copy back
        if expected != copied:
            bad = sorted(t for t in expected if expected[t] != copied.get(t))
            raise CopyError(f"the copy does not match the source in {', '.join(bad)}")
    return copied
