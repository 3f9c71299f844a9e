"""The scheduler: each due run is delivered once, across ticks, processes and failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.replies import Post, Reply
from bot.services.context import ManualClock
from bot.services.scheduler import DueRun, Scheduler
from bot.storage.database import Database
from bot.storage.guilds import ensure_guild
from bot.storage.jobs import MAX_ATTEMPTS


class NoonJob:
    """Due from 12:00 UTC for the rest of the day; one post per day."""

    kind = "test-noon"

    async def due_runs(self, now: datetime) -> list[DueRun]:
        return [DueRun(1, now.date().isoformat())] if now.hour >= 12 else []

    async def build_post(self, run: DueRun, now: datetime) -> Post:
        return Post(run.guild_id, 10, f"Noon post {run.run_key}", Reply(text="hello"))


async def test_exactly_once_across_ticks_and_processes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    clock = ManualClock(datetime(2026, 3, 29, 11, 0, tzinfo=UTC))
    first_db, second_db = await Database.open(path), await Database.open(path)
    await ensure_guild(first_db, 1)
    first, second = Scheduler(first_db, clock, [NoonJob()]), Scheduler(second_db, clock, [NoonJob()])
    delivered: list[str] = []

    async def deliver(post: Post) -> None:
        delivered.append(post.title)

    try:
        assert await first.run_once(deliver) == []  # not due yet
        clock.set(datetime(2026, 3, 29, 15, 0, tzinfo=UTC))  # the bot was down at noon: catch up
        await first.run_once(deliver)
        await second.run_once(deliver)  # a second process at the same moment
        await first.run_once(deliver)  # the next tick
        clock.advance(days=1)
        await second.run_once(deliver)
    finally:
        await first_db.close()
        await second_db.close()
    assert delivered == ["Noon post 2026-03-29", "Noon post 2026-03-30"]


async def test_failed_delivery_is_retried_later_a_bounded_number_of_times(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite3")
    await ensure_guild(db, 1)
    clock = ManualClock(datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    scheduler = Scheduler(db, clock, [NoonJob()])
    attempts: list[datetime] = []

    async def discord_down(post: Post) -> None:
        attempts.append(clock.now())
        raise ConnectionError("503 Service Unavailable")

    try:
        for _ in range(12):  # a tick a minute for twelve minutes, then half-hourly
            await scheduler.run_once(discord_down)
            clock.advance(minutes=1)
        for _ in range(6):
            await scheduler.run_once(discord_down)
            clock.advance(minutes=30)
        assert len(attempts) == MAX_ATTEMPTS
        assert attempts[1] - attempts[0] >= timedelta(minutes=5)

        delivered: list[str] = []

        async def deliver(post: Post) -> None:
            delivered.append(post.title)

        clock.advance(days=1)  # a new day is a new run
        await scheduler.run_once(deliver)
        await scheduler.run_once(deliver)
        assert delivered == ["Noon post 2026-03-30"]
    finally:
        await db.close()


async def test_a_run_left_claimed_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    from bot.storage.jobs import claim_run

    db = await Database.open(tmp_path / "db.sqlite3")
    await ensure_guild(db, 1)
    clock = ManualClock(datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    try:
        # Process A claimed the run and died before finishing it.
        assert await claim_run(db, 1, NoonJob.kind, "2026-03-29", clock.now())
        delivered: list[str] = []

        async def deliver(post: Post) -> None:
            delivered.append(post.title)

        scheduler = Scheduler(db, clock, [NoonJob()])
        clock.advance(seconds=30)
        await scheduler.run_once(deliver)  # still in flight as far as anyone can tell
        assert delivered == []
        clock.advance(minutes=3)
        await scheduler.run_once(deliver)
        await scheduler.run_once(deliver)
        assert delivered == ["Noon post 2026-03-29"]
    finally:
        await db.close()
