"""simcord runs discord.py's real command tree against an in-memory Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.discord_app import StudyBot
from bot.services.app import Services
from bot.services.context import ManualClock
from tests.helpers import SharedWorkerPool

# simcord waits for the bot to settle after each event, and calls a bot that has not settled within
# `settle_timeout` real seconds hung. Its 5 s default is a wall-clock bound a loaded machine misses
# (a challenge's problems drawn in a worker while both cores are busy): a hung bot still fails, later.
SETTLE_TIMEOUT = 120.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "simcord_env" in getattr(item, "fixturenames", ()) and item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(settle_timeout=SETTLE_TIMEOUT))


@pytest.fixture
async def simcord_bot(
    settings: Settings, clock: ManualClock, shared_workers: SharedWorkerPool
) -> AsyncIterator[StudyBot]:
    # The session's warm pool: setup_hook waits for warm workers, and a fresh pool per test would
    # pay the start-up and warm-up (about two seconds) every time.
    services = await Services.open(settings, clock=clock, workers=shared_workers)
    bot = StudyBot(settings, services=services, clock=clock, start_jobs=False)
    yield bot
    # simcord detaches the bot without calling close(): close the services (database connection,
    # worker pool) here, or a leaked aiosqlite thread reports 'Event loop is closed' later, in an
    # unrelated test.
    if bot.services is not None:
        await bot.services.close()
