"""simcord runs discord.py's real command tree against an in-memory Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.discord_app import StudyBot
from bot.services.context import ManualClock


@pytest.fixture
async def simcord_bot(settings: Settings, clock: ManualClock) -> AsyncIterator[StudyBot]:
    bot = StudyBot(settings, clock=clock, start_jobs=False)
    yield bot
    # simcord detaches the bot without calling close(): close the services (database connection,
    # worker pool) here, or a leaked aiosqlite thread reports 'Event loop is closed' later, in an
    # unrelated test.
    if bot.services is not None:
        await bot.services.close()
