"""Shared fixtures: settings on a temporary database, services, and the session's one worker pool."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services.app import WORKER_PRELOAD, Services
from bot.services.context import ManualClock
from bot.storage.database import Database
from tests import helpers
from tests.helpers import SharedWorkerPool


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database with every migration applied, made once: copying it is 10x cheaper than
    migrating a new file in each test (the migrations themselves are tested in tests/storage)."""
    path = tmp_path_factory.mktemp("template") / "studybot.sqlite3"

    async def migrate() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(migrate())
    return path


#: Set by .ci/with-postgres (a throwaway server); without it the PostgreSQL cases skip.
PG_SERVER = os.environ.get("STUDYBOT_TEST_PG", "").strip()
BACKENDS = ("sqlite", "postgresql")
NO_PG = (
    "no PostgreSQL to test on: STUDYBOT_TEST_PG is not set (run the tests under .ci/with-postgres,"
    " as the README's test command does)"
)


@pytest.fixture(scope="session")
def pg_database(worker_id: str) -> str | None:
    """This xdist worker's own database (`studybot_test_gw0`), created fresh and migrated once per
    session; each test starts from it truncated."""
    if not PG_SERVER:
        return None
    import asyncpg

    from bot.storage.postgres import display_url

    name = f"studybot_test_{worker_id}"
    base, _, _ = PG_SERVER.rpartition("/")

    async def create() -> None:
        try:
            conn = await asyncpg.connect(PG_SERVER, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            pytest.exit(f"STUDYBOT_TEST_PG={display_url(PG_SERVER)} cannot be used: {exc}", returncode=3)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        db = await Database.open(f"{base}/{name}")
        await db.close()

    asyncio.run(create())
    return f"{base}/{name}"


async def truncate_all(url: str) -> None:
    """Empty every table (ids restart), keeping the schema: 10x cheaper than a new database."""
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename != 'schema_migrations'"
        )
        names = ", ".join(f'"{row[0]}"' for row in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
def db_target(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_database: Path, pg_database: str | None
) -> Path | str:
    """A migrated, empty database on each backend: an SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        db_path = tmp_path / "studybot.sqlite3"
        shutil.copyfile(migrated_database, db_path)
        return db_path
    if pg_database is None:
        pytest.skip(NO_PG)
    asyncio.run(truncate_all(pg_database))
    return pg_database


def backend_settings(target: Path | str) -> Settings:
    return Settings(db_path=target, default_timezone="UTC", shard_count=1)


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    db_path = tmp_path / "studybot.sqlite3"
    shutil.copyfile(migrated_database, db_path)
    # shard_count: StudyBot is auto-sharded, and simcord runs a sharded client with a known count.
    return Settings(db_path=db_path, default_timezone="UTC", shard_count=1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def shared_workers() -> Iterator[SharedWorkerPool]:
    """The production preload (workers import exactly what the bot's do), started once."""
    pool = SharedWorkerPool(2, timeout=10.0, preload=WORKER_PRELOAD)
    pool.start()
    yield pool
    pool.really_close()


@pytest.fixture
async def services(settings: Settings, clock: ManualClock) -> AsyncIterator[Services]:
    services = await Services.open(settings, clock=clock)
    try:
        yield services
    finally:
        await services.close()


@pytest.fixture
async def svc(
    settings: Settings, clock: ManualClock, shared_workers: SharedWorkerPool
) -> AsyncIterator[Services]:
    """Services on the shared warm pool."""
    services = await Services.open(settings, clock=clock, workers=shared_workers)
    try:
        yield services
    finally:
        await services.close()


@pytest.fixture
def console(tmp_path: Path, shared_workers: SharedWorkerPool) -> Callable[..., helpers.ConsoleRun]:
    """`console(script, *args)`: a console session on tmp_path's database, in-process."""
    return functools.partial(helpers.console, tmp_path, workers=shared_workers)
