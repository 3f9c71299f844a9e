"""Killing the bot in the middle of a burst loses no acknowledged answer and leaves no half-written day."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.storage.database import Database

BURST = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from bot.config import Settings
    from bot.services.app import Services
    from bot.services.context import Actor, ManualClock

    async def main(path):
        clock = ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        services = await Services.open(Settings(db_path=Path(path)), clock=clock)
        prompt = (await services.daily.today(Actor(42, 1, "first"))).prompt

        async def one(user):
            await services.answers.answer(Actor(42, user, f"m{user}"), prompt.answer)
            print(f"ack {user}", flush=True)  # the verdict the member would now see

        await asyncio.gather(*(one(1000 + i) for i in range(400)))

    asyncio.run(main(sys.argv[1]))
    """
)


def burst_then_kill(db_path: Path, after: int) -> list[int]:
    """Run a burst in another process and SIGKILL it after `after` acknowledged verdicts."""
    acked: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", BURST, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "STUDYBOT_LOG_LEVEL": "WARNING"},
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            acked.append(int(line.split()[1]))
            if len(acked) == after:
                proc.kill()  # SIGKILL: no cleanup, no chance to flush anything
                break
        proc.wait(timeout=30)
    return acked


async def test_kill_during_burst_keeps_every_acknowledged_answer(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.sqlite3"
    acked = burst_then_kill(db_path, 60)
    assert len(acked) == 60

    db = await Database.open(db_path)
    try:
        for user in acked:
            assert (
                await db.fetch_value(
                    "SELECT COUNT(*) FROM submissions WHERE guild_id = 42 AND user_id = ?", (user,)
                )
                == 1
            )
        # All or nothing per answer: every recorded solve has its counted day and its totals.
        solves = await db.fetch_value("SELECT COUNT(*) FROM submissions WHERE status = 'correct'")
        days = await db.fetch_value("SELECT COUNT(*) FROM streak_days")
        counted = await db.fetch_value("SELECT COUNT(*) FROM daily_progress WHERE counted = 1")
        totals = await db.fetch_value(
            "SELECT COALESCE(SUM(days), 0) FROM leaderboard_totals WHERE period = 'all'"
        )
        assert solves == days == counted == totals >= len(acked)
    finally:
        await db.close()
