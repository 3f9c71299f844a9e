"""simcord runs discord.py's real command tree against an in-memory Discord."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discord_app import StudyBot
from bot.services.context import ManualClock


@pytest.fixture
def simcord_bot(settings: Settings, clock: ManualClock) -> StudyBot:
    return StudyBot(settings, clock=clock, start_jobs=False)
