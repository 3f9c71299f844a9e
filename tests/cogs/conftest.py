"""simcord runs discord.py's real command tree against an in-memory Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.discord_app import StudyBot
from bot.services.context import ManualClock
from tests.helpers import Bots, SharedWorkerPool

# simcord waits for the bot to settle after each event, and calls a bot that has not settled within
# `settle_timeout` real seconds hung. Its 5 s default is a wall-clock bound a loaded machine misses
# (a challenge's problems drawn in a worker while both cores are busy): a hung bot still fails, later.
SETTLE_TIMEOUT = 120.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "simcord_env" in getattr(item, "fixturenames", ()) and item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(settle_timeout=SETTLE_TIMEOUT))


@pytest.fixture
async def bots(
    settings: Settings, clock: ManualClock, shared_workers: SharedWorkerPool
) -> AsyncIterator[Bots]:
    # The session's warm pool: setup_hook waits for warm workers, and a fresh pool per test would
    # pay the start-up and warm-up (about two seconds) every time.
    generations = Bots(settings, clock, shared_workers)
    yield generations
    await generations.close()


@pytest.fixture
async def simcord_bot(bots: Bots) -> StudyBot:
    return await bots.new()
