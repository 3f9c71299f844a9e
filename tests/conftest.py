"""Shared fixtures: a settings object on a temporary database, services, and the simcord bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services.app import Services
from bot.services.context import ManualClock


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # shard_count: StudyBot is auto-sharded, and simcord runs a sharded client with a known count.
    return Settings(db_path=tmp_path / "studybot.sqlite3", default_timezone="UTC", shard_count=1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))


@pytest.fixture
async def services(settings: Settings, clock: ManualClock) -> AsyncIterator[Services]:
    services = await Services.open(settings, clock=clock)
    try:
        yield services
    finally:
        await services.close()
