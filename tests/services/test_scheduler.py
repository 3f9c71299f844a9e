"""The scheduler: each due run is delivered once, across ticks, processes and failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.replies import Post, Reply
from bot.services.context import ManualClock
from bot.services.scheduler import (
    DeliveryError,
    DueRun,
    PermanentDeliveryError,
    Scheduler,
    SkipRun,
    with_run_key,
)
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


async def test_exactly_once_across_ticks_and_processes(db_target: Path | str) -> None:
    path = db_target
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


async def test_failed_delivery_is_retried_later_a_bounded_number_of_times(db_target: Path | str) -> None:
    db = await Database.open(db_target)
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


async def test_a_run_left_claimed_by_a_dead_process_is_taken_over(db_target: Path | str) -> None:
    from bot.storage.jobs import claim_run

    db = await Database.open(db_target)
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


# -- issue 12: crashes, lookups before resending, permanent errors, giving up -----------------------


class Channel:
    """A delivery whose channel history is a list: `find` reads what `send` wrote."""

    def __init__(self) -> None:
        self.sent: list[Post] = []
        self.finds = 0
        self.fail_with: list[Exception] = []

    async def send(self, post: Post) -> None:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append(post)

    async def find(self, post: Post, since: datetime) -> bool:
        self.finds += 1
        return any(p.extra["run_ref"] == post.extra["run_ref"] for p in self.sent)


async def _setup(db_target: Path | str) -> tuple[Database, ManualClock, Scheduler]:
    db = await Database.open(db_target)
    await ensure_guild(db, 1)
    clock = ManualClock(datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    return db, clock, Scheduler(db, clock, [NoonJob()])


async def test_each_post_carries_its_run_key(db_target: Path | str) -> None:
    db, _, scheduler = await _setup(db_target)
    channel = Channel()
    try:
        [post] = await scheduler.run_once(channel)
        assert post.reply.footer == "ref test-noon/2026-03-29"
        assert post.extra["idempotency_key"] == "1:test-noon:2026-03-29"
        assert channel.finds == 0  # a fresh run has nothing to look for
    finally:
        await db.close()


async def test_a_crash_before_sending_costs_no_attempt(db_target: Path | str) -> None:
    from bot.storage.jobs import claim_run, get_run

    db, clock, scheduler = await _setup(db_target)
    channel = Channel()
    try:
        for _ in range(MAX_ATTEMPTS + 2):  # more crashes than attempts, each before any send
            assert await claim_run(db, 1, NoonJob.kind, "2026-03-29", clock.now())
            clock.advance(minutes=3)
        assert await scheduler.run_once(channel) != []
        assert len(channel.sent) == 1
        assert channel.finds == 0  # nothing was ever sent, so there was nothing to look for
        row = await get_run(db, 1, NoonJob.kind, "2026-03-29")
        assert row is not None and (row.status, row.failures) == ("done", 0)
    finally:
        await db.close()


async def test_a_run_that_may_have_been_sent_is_looked_for_first(db_target: Path | str) -> None:
    from bot.storage.jobs import claim_run, get_run, mark_sending

    db, clock, scheduler = await _setup(db_target)
    channel = Channel()
    try:
        # A process claimed, sent, and died before writing "done".
        claim = await claim_run(db, 1, NoonJob.kind, "2026-03-29", clock.now())
        assert claim is not None and await mark_sending(db, claim, clock.now())
        built = await NoonJob().build_post(DueRun(1, "2026-03-29"), clock.now())
        await channel.send(with_run_key(built, 1, NoonJob.kind, "2026-03-29"))
        clock.advance(minutes=3)
        assert await scheduler.run_once(channel) == []
        assert channel.finds == 1 and len(channel.sent) == 1
        row = await get_run(db, 1, NoonJob.kind, "2026-03-29")
        assert row is not None and (row.status, row.detail) == ("done", "found in the channel")

        # Same crash the next day, but this time the send never reached the channel.
        clock.advance(days=1)
        claim = await claim_run(db, 1, NoonJob.kind, "2026-03-30", clock.now())
        assert claim is not None and await mark_sending(db, claim, clock.now())
        clock.advance(minutes=3)
        assert len(await scheduler.run_once(channel)) == 1
        assert channel.finds == 2 and len(channel.sent) == 2
    finally:
        await db.close()


async def test_permanent_errors_are_not_retried_and_show_in_setup(db_target: Path | str, caplog) -> None:
    from bot.services.context import Actor
    from bot.services.guilds import GuildService

    db, clock, scheduler = await _setup(db_target)
    channel = Channel()
    channel.fail_with = [PermanentDeliveryError("403 Forbidden: the bot may not post in #study")]
    try:
        with caplog.at_level("WARNING", logger="bot.services.scheduler"):
            for _ in range(6):
                await scheduler.run_once(channel)
                clock.advance(minutes=10)
        assert channel.sent == [] and channel.fail_with == []
        records = [r for r in caplog.records if "403" in r.getMessage()]
        assert len(records) == 1 and records[0].exc_info is None  # one line, no traceback
        reply = await GuildService(db, "UTC").setup(Actor(1, 7, "mod", manage_guild=True))
        assert reply.text.startswith("Last post failed: 403 Forbidden: the bot may not post in #study")
        # Changing a setting shows the new settings, not the old failure.
        saved = await GuildService(db, "UTC").setup(Actor(1, 7, "mod", manage_guild=True), time="10:00")
        assert "failed" not in saved.text
        # The next day's post goes out and the failure is no longer the latest news.
        clock.advance(days=1)
        await scheduler.run_once(channel)
        reply = await GuildService(db, "UTC").setup(Actor(1, 7, "mod", manage_guild=True))
        assert len(channel.sent) == 1 and "failed" not in reply.text
    finally:
        await db.close()


async def test_transient_failures_are_counted_then_given_up_and_logged_once(
    db_target: Path | str, caplog
) -> None:
    from bot.storage.jobs import get_run, last_failure

    db, clock, scheduler = await _setup(db_target)
    channel = Channel()
    channel.fail_with = [DeliveryError("503 Service Unavailable")] * 10
    try:
        with caplog.at_level("WARNING", logger="bot.services.scheduler"):
            for _ in range(10):
                await scheduler.run_once(channel)
                clock.advance(minutes=6)
        assert len(channel.fail_with) == 10 - MAX_ATTEMPTS
        # The first failed request may have reached Discord: every retry looked first.
        assert channel.finds == MAX_ATTEMPTS - 1
        row = await get_run(db, 1, NoonJob.kind, "2026-03-29")
        assert row is not None and (row.status, row.failures) == ("failed", MAX_ATTEMPTS)
        gave_up = [r for r in caplog.records if r.getMessage().startswith("gave up")]
        assert len(gave_up) == 1 and "503" in gave_up[0].getMessage()
        failed = await last_failure(db, 1)
        assert failed is not None and failed.detail == "503 Service Unavailable"
    finally:
        await db.close()


async def test_a_run_left_open_is_given_up_once_its_time_passed(db_target: Path | str, caplog) -> None:
    from bot.storage.jobs import claim_run, get_run

    db, clock, scheduler = await _setup(db_target)
    try:
        assert await claim_run(db, 1, NoonJob.kind, "2026-03-29", clock.now())  # then the process died
        clock.set(datetime(2026, 3, 30, 11, 0, tzinfo=UTC))  # back up the next morning: no longer due
        with caplog.at_level("ERROR", logger="bot.services.scheduler"):
            await scheduler.run_once(Channel())
            await scheduler.run_once(Channel())
        row = await get_run(db, 1, NoonJob.kind, "2026-03-29")
        assert row is not None and row.status == "failed"
        assert row.detail == "the bot stopped before sending it and its time passed"
        assert len([r for r in caplog.records if "gave up" in r.getMessage()]) == 1
    finally:
        await db.close()


async def test_a_skipped_run_is_recorded_and_not_retried(db_target: Path | str) -> None:
    from bot.storage.jobs import get_run

    class LateJob(NoonJob):
        async def build_post(self, run: DueRun, now: datetime) -> Post:
            raise SkipRun("too late")

    db, clock, _ = await _setup(db_target)
    scheduler = Scheduler(db, clock, [LateJob()])
    channel = Channel()
    try:
        for _ in range(3):
            assert await scheduler.run_once(channel) == []
            clock.advance(minutes=10)
        row = await get_run(db, 1, NoonJob.kind, "2026-03-29")
        assert row is not None and (row.status, row.detail) == ("skipped", "too late")
    finally:
        await db.close()


async def test_a_zombie_cannot_finish_a_run_taken_over_from_it(db_target: Path | str) -> None:
    from bot.storage.jobs import claim_run, finish_run, get_run

    db, clock, _ = await _setup(db_target)
    try:
        old = await claim_run(db, 1, NoonJob.kind, "2026-03-29", clock.now())
        clock.advance(minutes=3)  # its lease ran out: the process is presumed dead
        new = await claim_run(db, 1, NoonJob.kind, "2026-03-29", clock.now())
        assert old is not None and new is not None and new.takeover
        assert not await finish_run(db, old, clock.now(), status="done")
        row = await get_run(db, 1, NoonJob.kind, "2026-03-29")
        assert row is not None and row.status == "claimed"
        assert await finish_run(db, new, clock.now(), status="done")
    finally:
        await db.close()
