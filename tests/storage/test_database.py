"""Storage: pragmas, transactions, migrations (upgrade keeps data), online backup."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage import guilds as guild_rows
from bot.storage import jobs as job_rows
from bot.storage.database import Database, backup_database
from bot.storage.migrate import MigrationError, discover


async def test_open_sets_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        with pytest.raises(sqlite3.IntegrityError):  # a member row needs its guild
            await db.execute(
                "INSERT INTO members (guild_id, user_id, display_name, first_seen) VALUES (99, 1, 'x', 'now')"
            )
    finally:
        await db.close()


async def test_transaction_rolls_back_every_statement(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        await guild_rows.ensure_guild(db, 1)
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await guild_rows.update_guild(db, 1, post_time="07:00")
                raise RuntimeError("crash half-way")
        assert (await guild_rows.get_guild(db, 1)).post_time == "09:00"
    finally:
        await db.close()


async def test_concurrent_transactions_do_not_interleave(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        await db.execute("CREATE TABLE counter (n INTEGER)")
        await db.execute("INSERT INTO counter VALUES (0)")

        async def bump() -> None:
            async with db.transaction():
                n = await db.fetch_value("SELECT n FROM counter")
                await asyncio.sleep(0)  # another task gets the loop here
                await db.execute("UPDATE counter SET n = ?", (n + 1,))

        await asyncio.gather(*(bump() for _ in range(50)))
        assert await db.fetch_value("SELECT n FROM counter") == 50
    finally:
        await db.close()


async def test_job_claim_is_exactly_once_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    first, second = await Database.open(path), await Database.open(path)
    try:
        from datetime import UTC, datetime

        now = datetime(2026, 11, 21, tzinfo=UTC)
        await guild_rows.ensure_guild(first, 1)
        claims = await asyncio.gather(
            *(job_rows.claim_run(db, 1, "daily", "2026-11-21", now) for db in (first, second, first, second))
        )
        assert sorted(claim is not None for claim in claims) == [False, False, False, True]
    finally:
        await first.close()
        await second.close()


def _write(directory: Path, name: str, sql: str) -> None:
    (directory / name).write_text(sql, encoding="utf-8")


async def test_upgrade_from_older_schema_keeps_data(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    _write(migrations, "001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
    db = await Database.open(tmp_path / "a.sqlite3", migrate=False)
    try:
        assert await db.migrate(migrations) == ["001_notes.sql"]
        await db.execute("INSERT INTO notes (body) VALUES ('chain rule')")

        _write(
            migrations,
            "002_note_topics.sql",
            "ALTER TABLE notes ADD COLUMN topic TEXT NOT NULL DEFAULT 'derivatives';\n"
            "CREATE TRIGGER notes_touch AFTER INSERT ON notes BEGIN\n"
            "  UPDATE notes SET topic = lower(topic) WHERE id = new.id;\n"
            "END;\n",
        )
        assert await db.migrate(migrations) == ["002_note_topics.sql"]
        assert await db.migrate(migrations) == []  # idempotent
        row = await db.fetch_one("SELECT body, topic FROM notes")
        assert tuple(row) == ("chain rule", "derivatives")
        assert await db.fetch_value("SELECT MAX(version) FROM schema_migrations") == 2
    finally:
        await db.close()


async def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    _write(migrations, "001_a.sql", "CREATE TABLE a (x INTEGER);")
    _write(migrations, "002_b.sql", "CREATE TABLE b (y INTEGER);\nINSERT INTO nowhere VALUES (1);")
    db = await Database.open(tmp_path / "a.sqlite3", migrate=False)
    try:
        with pytest.raises(MigrationError, match=r"002_b\.sql"):
            await db.migrate(migrations)
        assert await db.fetch_value("SELECT MAX(version) FROM schema_migrations") == 1
        assert await db.fetch_value("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'") == 0
    finally:
        await db.close()


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    _write(migrations, "001_a.sql", "CREATE TABLE a (x INTEGER);")
    db = await Database.open(tmp_path / "a.sqlite3")
    try:
        await db.execute("INSERT INTO schema_migrations VALUES (99, 'from_the_future', 'later')")
        with pytest.raises(MigrationError, match="newer than this studybot"):
            await db.migrate(migrations)
    finally:
        await db.close()


def test_bad_migration_names_are_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "1_bad.sql", "SELECT 1;")
    with pytest.raises(MigrationError, match=r"001_name\.sql"):
        discover(tmp_path)


def test_shipped_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in discover()]
    assert versions == list(range(1, len(versions) + 1))


async def test_backup_copies_live_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "live.sqlite3")
    try:
        await guild_rows.ensure_guild(db, 42, name="study")
        await db.backup(tmp_path / "copy1.sqlite3")
        await backup_database(tmp_path / "live.sqlite3", tmp_path / "copy2.sqlite3")
    finally:
        await db.close()
    for name in ("copy1.sqlite3", "copy2.sqlite3"):
        with sqlite3.connect(tmp_path / name) as conn:
            assert conn.execute("SELECT name FROM guilds WHERE guild_id = 42").fetchone() == ("study",)
