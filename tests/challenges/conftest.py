from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.workers import WorkerPool
from tests import daily_helpers

shared_workers = daily_helpers.shared_workers


@pytest.fixture
async def svc(settings: Settings, clock: ManualClock, shared_workers: WorkerPool) -> AsyncIterator[Services]:
    services = await Services.open(settings, clock=clock, workers=shared_workers)
    try:
        yield services
    finally:
        await services.close()
