"""Shared fixtures: settings on a temporary database, services, and the session's one worker pool."""

from __future__ import annotations

import asyncio
import functools
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
