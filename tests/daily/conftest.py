from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.services.app import Services
from bot.services.context import ManualClock
from tests.daily_helpers import SharedWorkerPool, shared_workers  # noqa: F401


@pytest.fixture
async def svc(settings: Settings, clock: ManualClock, shared_workers: SharedWorkerPool) -> AsyncIterator[Services]:  # noqa: F811
    services = await Services.open(settings, clock=clock, workers=shared_workers)
    try:
        yield services
    finally:
        await services.close()
