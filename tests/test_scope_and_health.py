"""Shard-aware scheduling (a process claims runs only for its own shards' guilds, and none for a guild
the bot left) and the health rule `studybot health` applies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.replies import Post, Reply
from bot.services.context import ManualClock
from bot.services.job_scope import ScopedJob, ShardScope, scope_scheduler, shard_of
from bot.services.scheduler import DueRun, Scheduler
from bot.storage import guilds as guild_rows
from bot.storage import jobs as job_rows
from bot.storage import state
from bot.storage.database import Database

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def guild_on_shard(shard: int, count: int, n: int = 0) -> int:
    """A real-looking guild id (a snowflake) that Discord routes to `shard` of `count`."""
    timestamp = (1_000_000_000_000 + n * count + shard) << 22
    assert shard_of(timestamp, count) == shard
    return timestamp


def test_shard_rule_is_discords() -> None:
    # (guild_id >> 22) % shard_count, as in Discord's gateway documentation
    assert shard_of(197038439483310086, 1) == 0
    assert shard_of(197038439483310086, 4) == (197038439483310086 >> 22) % 4
    scope = ShardScope(4, (1, 3))
    assert [scope.owns(guild_on_shard(s, 4)) for s in range(4)] == [False, True, False, True]
    assert ShardScope().owns(guild_on_shard(2, 4))  # no shard ids: every guild
    assert ShardScope(4).owns(guild_on_shard(2, 4))


@pytest.mark.parametrize("count, ids", [(None, (0,)), (2, (2,)), (2, (-1,)), (2, ())])
def test_bad_scopes_are_refused(count, ids) -> None:
    with pytest.raises(ValueError):
        ShardScope(count, ids)


class EveryGuild:
    """A job due for every guild it is given, recording what it was asked to build."""

    kind = "test"

    def __init__(self, guild_ids: Sequence[int]) -> None:
        self.guild_ids = guild_ids
        self.built: list[int] = []

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        return [DueRun(g, now.date().isoformat()) for g in self.guild_ids]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        self.built.append(run.guild_id)
        return Post(run.guild_id, 1, "t", Reply(text="hello"))


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "s.sqlite3")
    yield database
    await database.close()


async def test_two_shard_processes_post_each_guild_once(db: Database) -> None:
    guilds = [guild_on_shard(s, 2, n) for n in range(3) for s in range(2)]
    delivered: list[int] = []

    async def deliver(post: Post) -> None:
        delivered.append(post.guild_id)

    jobs = []
    for shard in (0, 1):
        job = EveryGuild(guilds)
        scheduler = Scheduler(db, ManualClock(NOW), [job])
        scope_scheduler(scheduler, db, ShardScope(2, (shard,)))
        scope_scheduler(scheduler, db, ShardScope(2, (shard,)))  # wrapping twice changes nothing
        assert isinstance(scheduler.jobs[0], ScopedJob) and scheduler.jobs[0].job is job
        await scheduler.run_once(deliver)
        jobs.append(job)

    assert sorted(delivered) == sorted(guilds)
    assert all(shard_of(g, 2) == 0 for g in jobs[0].built)
    assert all(shard_of(g, 2) == 1 for g in jobs[1].built)


async def test_a_guild_the_bot_left_gets_no_posts_until_it_is_back(db: Database) -> None:
    stay, leave = 1 << 22, 2 << 22
    for guild in (stay, leave):
        await guild_rows.ensure_guild(db, guild)
    job = EveryGuild([stay, leave])
    scheduler = Scheduler(db, ManualClock(NOW), [job])
    scope_scheduler(scheduler, db, ShardScope())
    posts: list[int] = []

    async def deliver(post: Post) -> None:
        posts.append(post.guild_id)

    await guild_rows.mark_removed(db, leave, NOW)
    await scheduler.run_once(deliver)
    assert posts == [stay]

    await guild_rows.mark_present(db, leave)
    scheduler.clock = ManualClock(NOW + timedelta(days=1))
    await scheduler.run_once(deliver)
    assert posts == [stay, stay, leave]


async def test_health_needs_a_recent_tick(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    assert await state.health_problem(path, max_age=180, now=NOW) == "the scheduler has not ticked yet"

    await state.record_tick(db, NOW)
    assert await state.health_problem(path, max_age=180, now=NOW + timedelta(seconds=179)) is None
    stale = await state.health_problem(path, max_age=180, now=NOW + timedelta(seconds=600))
    assert stale == "the scheduler last ticked 600 s ago (more than 180 s)"


async def test_health_reports_a_database_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    problem = await state.health_problem(path, max_age=180, now=NOW)
    assert problem is not None and "junk.sqlite3" in problem


async def test_a_shard_process_leaves_another_shards_open_runs_alone(db: Database) -> None:
    """The scheduler's sweep gives up open runs that are no longer due; a run of another shard is
    never in this process's due list, so it must not be swept here (it is still that shard's)."""
    mine, theirs = guild_on_shard(0, 2), guild_on_shard(1, 2)

    async def fail(post: Post) -> None:
        raise RuntimeError("Discord is down")

    async def deliver(post: Post) -> None:
        pass

    other = Scheduler(db, ManualClock(NOW), [EveryGuild([mine, theirs])])
    scope_scheduler(other, db, ShardScope(2, (1,)))
    await other.run_once(fail)
    run_key = NOW.date().isoformat()
    assert await job_rows.run_status(db, theirs, "test", run_key) == "retry"

    here = Scheduler(db, ManualClock(NOW), [EveryGuild([mine, theirs])])
    scope_scheduler(here, db, ShardScope(2, (0,)))
    await here.run_once(deliver)
    assert await job_rows.run_status(db, mine, "test", run_key) == "done"
    assert await job_rows.run_status(db, theirs, "test", run_key) == "retry"
