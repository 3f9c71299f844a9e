"""The one Database interface on both backends (SQLite and PostgreSQL), and the dialect layer."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage import guilds as guild_rows
from bot.storage import jobs as job_rows
from bot.storage.database import Database, DatabaseOpenError
from bot.storage.dialect import ddl, placeholders
from bot.storage.migrate import discover

SNOWFLAKE = 1_234_567_890_123_456_789  # past 2**31: BIGINT on PostgreSQL


async def test_every_migration_is_applied_and_reopening_applies_none(db_target: Path | str) -> None:
    db = await Database.open(db_target)
    try:
        versions = await db.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
        assert [row[0] for row in versions] == [m.version for m in discover()]
        assert await db.migrate() == []
        assert "job_runs" in await db.tables() and "schema_migrations" not in await db.tables()
    finally:
        await db.close()


async def test_both_backends_have_the_same_tables(db_target: Path | str, migrated_database: Path) -> None:
    db, reference = await Database.open(db_target), await Database.open(migrated_database)
    try:
        assert await db.tables() == await reference.tables()
    finally:
        await db.close()
        await reference.close()


async def test_snowflakes_round_trip_and_ids_are_assigned(db_target: Path | str) -> None:
    db = await Database.open(db_target)
    try:
        await guild_rows.ensure_guild(db, SNOWFLAKE)
        assert (await guild_rows.get_guild(db, SNOWFLAKE)).guild_id == SNOWFLAKE
        await db.execute(
            "INSERT INTO members (guild_id, user_id, display_name, first_seen) VALUES (?, ?, 'Ada', 'now')",
            (SNOWFLAKE, SNOWFLAKE + 1),
        )
        ids = [
            await db.insert(
                "INSERT INTO practice_issued (guild_id, user_id, problem_id, topic, difficulty, issued_at)"
                " VALUES (?, ?, 'p', 't', 2, 'now')",
                (SNOWFLAKE, SNOWFLAKE + 1),
            )
            for _ in range(3)
        ]
        assert ids == [ids[0], ids[0] + 1, ids[0] + 2] and ids[0] >= 1
    finally:
        await db.close()


async def test_a_bad_row_is_refused_by_the_schema(db_target: Path | str) -> None:
    db = await Database.open(db_target)
    try:
        await guild_rows.ensure_guild(db, 1)
        with pytest.raises(Exception, match=r"(?i)check|constraint"):  # post_time GLOB / ~ check
            await db.execute("UPDATE guilds SET post_time = '9 am' WHERE guild_id = 1")
        with pytest.raises(Exception, match=r"(?i)foreign key"):  # a member row needs its guild
            await db.execute(
                "INSERT INTO members (guild_id, user_id, display_name, first_seen) VALUES (99, 1, 'x', 'now')"
            )
        assert (await guild_rows.get_guild(db, 1)).post_time == "09:00"
    finally:
        await db.close()


async def test_transaction_rolls_back_every_statement(db_target: Path | str) -> None:
    db = await Database.open(db_target)
    try:
        await guild_rows.ensure_guild(db, 1)
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await guild_rows.update_guild(db, 1, post_time="07:00")
                await guild_rows.ensure_guild(db, 2)
                raise RuntimeError("crash half-way")
        assert (await guild_rows.get_guild(db, 1)).post_time == "09:00"
        assert await db.fetch_value("SELECT COUNT(*) FROM guilds") == 1
    finally:
        await db.close()


async def test_transactions_of_two_connections_do_not_interleave(db_target: Path | str) -> None:
    """Read-then-write transactions from two connections (two processes' worth) lose no update."""
    first, second = await Database.open(db_target), await Database.open(db_target)
    try:
        await first.execute("INSERT INTO bot_state (key, value, updated_at) VALUES ('n', '0', 'now')")

        async def bump(db: Database) -> None:
            async with db.transaction():
                n = int(await db.fetch_value("SELECT value FROM bot_state WHERE key = 'n'"))
                await asyncio.sleep(0)  # another task gets the loop here
                await db.execute("UPDATE bot_state SET value = ? WHERE key = 'n'", (str(n + 1),))

        await asyncio.gather(*(bump(db) for _ in range(20) for db in (first, second)))
        assert await first.fetch_value("SELECT value FROM bot_state WHERE key = 'n'") == "40"
    finally:
        await first.close()
        await second.close()


async def test_a_claim_is_won_once_across_connections(db_target: Path | str) -> None:
    dbs = [await Database.open(db_target) for _ in range(3)]
    now = datetime(2026, 11, 21, 9, tzinfo=UTC)
    try:
        claims = await asyncio.gather(
            *(job_rows.claim_run(db, 1, "daily", "2026-11-21", now) for db in dbs * 4)
        )
        assert sum(claim is not None for claim in claims) == 1
        # A dead holder's claim is taken over by exactly one of many too.
        later = datetime(2026, 11, 21, 10, tzinfo=UTC)
        takeovers = await asyncio.gather(
            *(job_rows.claim_run(db, 1, "daily", "2026-11-21", later) for db in dbs * 4)
        )
        assert [claim.takeover for claim in takeovers if claim is not None] == [True]
    finally:
        for db in dbs:
            await db.close()


def test_placeholders_are_numbered_outside_literals_and_comments() -> None:
    sql = "SELECT COALESCE(name, '?') FROM t -- what's ?\nWHERE a = ? AND b = 'it''s ?' AND c - 1 = ?"
    assert placeholders(sql) == (
        "SELECT COALESCE(name, '?') FROM t -- what's ?\nWHERE a = $1 AND b = 'it''s ?' AND c - 1 = $2"
    )


def test_portable_ddl_runs_on_postgresql_with_64_bit_integers() -> None:
    # What other branches' migrations (009_reviews, 010_threads) write: portable DDL.
    sql = (
        "CREATE TABLE reviews (id INTEGER PRIMARY KEY, guild_id BIGINT NOT NULL, ease DOUBLE PRECISION,"
        " due TEXT NOT NULL CHECK (due GLOB '[0-9]*'), n INTEGER NOT NULL DEFAULT 0)"
    )
    assert ddl(sql) == (
        "CREATE TABLE reviews (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        " guild_id BIGINT NOT NULL, ease DOUBLE PRECISION, due TEXT NOT NULL CHECK (due ~ '^[0-9].*$'),"
        " n BIGINT NOT NULL DEFAULT 0)"
    )
    assert ddl("CREATE INDEX x ON t (a) WHERE s IN ('claimed', 'retry')") == (
        "CREATE INDEX x ON t (a) WHERE s IN ('claimed', 'retry')"
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_server_that_is_down_is_one_clear_error() -> None:
    port = _closed_port()
    with pytest.raises(DatabaseOpenError) as caught:
        await Database.open(f"postgresql://studybot:secret@127.0.0.1:{port}/studybot")
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "connection refused" in message
    assert "secret" not in message and "\n" not in message


async def test_a_refused_login_names_the_host(pg_database: str | None) -> None:
    if pg_database is None:
        pytest.skip("needs a PostgreSQL server (STUDYBOT_TEST_PG)")
    base = pg_database.rpartition("/")[0]
    with pytest.raises(DatabaseOpenError, match='database "no_such_db" does not exist') as caught:
        await Database.open(f"{base}/no_such_db")
    assert "127.0.0.1:" in str(caught.value)


async def test_rank_matches_the_board_order_with_ties(db_target: Path | str) -> None:
    from bot.storage import leaderboard as board

    db = await Database.open(db_target)
    rows = [
        (u, d, h, a)
        for u, (d, h, a) in enumerate([(3, 0, 1), (3, 0, 1), (3, 1, 0), (2, 0, 0), (3, 0, 0), (1, 5, 9)], 1)
    ]
    try:
        await db.execute_many(
            "INSERT INTO leaderboard_totals (guild_id, period, user_id, days, hints, attempts)"
            " VALUES (1, 'all', ?, ?, ?, ?)",
            rows,
        )
        order = [u for u, *_ in sorted(rows, key=lambda r: (-r[1], r[2], r[3], r[0]))]
        assert [s.user_id for s in await board.page(db, 1, "all", limit=10, offset=0)] == order
        assert [await board.rank(db, 1, "all", u) for u in order] == [1, 2, 3, 4, 5, 6]
    finally:
        await db.close()
