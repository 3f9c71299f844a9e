"""The bot's close path in-process (the subprocess tests in tests/process run it behind a signal):
the scheduler task is cancelled, then the worker pool and the database are closed, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import Settings
from bot.discord_app import StudyBot
from bot.services.app import Services
from bot.services.context import ManualClock


async def test_close_stops_jobs_then_closes_pool_and_database_once(
    settings: Settings, clock: ManualClock, monkeypatch
) -> None:
    services = await Services.open(settings, clock=clock)
    bot = StudyBot(settings, services=services, clock=clock)
    order: list[str] = []
    closes = services.close

    async def counted_close() -> None:
        order.append("services")
        await closes()

    monkeypatch.setattr(services, "close", counted_close)
    started = asyncio.Event()

    async def scheduler() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            order.append("scheduler")

    async with bot:  # as `studybot run` holds it (this sets discord.py's loop and queues up)
        bot._jobs.append(asyncio.create_task(scheduler()))
        await started.wait()
        await bot.close()  # what the SIGTERM handler calls; `async with` then closes it again

    assert order == ["scheduler", "services"]
    assert bot.is_closed()
    with pytest.raises(ValueError):  # aiosqlite: the connection is gone
        await services.db.fetch_value("SELECT 1")
