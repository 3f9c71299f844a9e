"""Shared fixtures: settings on a temporary database, services, and the session's one worker pool."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services.app import WORKER_PRELOAD, Services
from bot.services.context import ManualClock
from tests import helpers
from tests.helpers import SharedWorkerPool


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "studybot.sqlite3", default_timezone="UTC")


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
