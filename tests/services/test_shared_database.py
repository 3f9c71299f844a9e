"""Several bot processes on one PostgreSQL at post time: every run key is posted exactly once, and a
process with `--shard-ids` posts only for the guilds of its shards."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from bot.services.job_scope import shard_of
from bot.storage.database import Database
from bot.storage.guilds import ensure_guild

# Snowflake-sized ids (past 2**31, so BIGINT matters) spread over shards: id >> 22 picks the shard.
GUILDS = [(1_100_000_000 + i) << 22 | 4321 for i in range(24)]
KINDS = ("daily", "challenge-reminder")

CHILD = textwrap.dedent(
    """
    import asyncio, os, sys, time
    from datetime import UTC, datetime
    from bot.replies import Post, Reply
    from bot.services.context import ManualClock
    from bot.services.job_scope import ShardScope, scope_scheduler
    from bot.services.scheduler import DueRun, Scheduler
    from bot.storage.database import Database

    url, out, go, guilds, kinds, shard_count, shard_ids = sys.argv[1:8]
    GUILDS = [int(g) for g in guilds.split(",")]

    class AtNine:
        def __init__(self, kind):
            self.kind = kind

        async def due_runs(self, now):
            return [DueRun(g, now.date().isoformat()) for g in GUILDS] if now.hour >= 9 else []

        async def build_post(self, run, now):
            return Post(run.guild_id, 10, f"{self.kind} {run.run_key}", Reply(text="hi"))

    async def main():
        db = await Database.open(url)
        clock = ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        scheduler = Scheduler(db, clock, [AtNine(k) for k in kinds.split(",")])
        if shard_count != "-":
            shards = tuple(int(s) for s in shard_ids.split(","))
            scope_scheduler(scheduler, db, ShardScope(int(shard_count), shards))

        async def deliver(post):
            with open(out, "a") as f:  # one short append per post: lines never interleave
                f.write(f"{post.guild_id} {post.title} {os.getpid()}\\n")

        while not os.path.exists(go):  # both processes start the tick together
            time.sleep(0.005)
        for _ in range(4):
            await scheduler.run_once(deliver)
        await db.close()

    asyncio.run(main())
    """
)


def _spawn(url: str, out: Path, go: Path, shard_count: str, shard_ids: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            url,
            str(out),
            str(go),
            ",".join(map(str, GUILDS)),
            ",".join(KINDS),
            shard_count,
            shard_ids,
        ]
    )


async def _two_processes(url: str, tmp_path: Path, scopes: list[tuple[str, str]]) -> list[list[str]]:
    db = await Database.open(url)
    try:
        for guild_id in GUILDS:
            await ensure_guild(db, guild_id)
    finally:
        await db.close()
    out, go = tmp_path / "channel.txt", tmp_path / "go"
    children = [_spawn(url, out, go, count, ids) for count, ids in scopes]
    await asyncio.sleep(0.5)  # both are connected and waiting
    go.touch()
    for child in children:
        assert await asyncio.to_thread(child.wait, 60) == 0
    return [line.split() for line in out.read_text().splitlines()]


@pytest.fixture
def pg_url(db_target: Path | str) -> str:
    if not isinstance(db_target, str):
        pytest.skip("needs a shared server: PostgreSQL only (SQLite's case is in test_scheduler_kills)")
    return db_target


async def test_two_processes_at_post_time_post_each_key_once(pg_url: str, tmp_path: Path) -> None:
    posts = await _two_processes(pg_url, tmp_path, [("-", ""), ("-", "")])
    per_key = Counter((guild, kind, key) for guild, kind, key, _ in posts)
    assert len(per_key) == len(GUILDS) * len(KINDS)
    assert set(per_key.values()) == {1}
    assert {int(guild) for guild, *_ in posts} == set(GUILDS)


async def test_each_shard_process_posts_only_for_its_own_guilds(pg_url: str, tmp_path: Path) -> None:
    posts = await _two_processes(pg_url, tmp_path, [("3", "0,1"), ("3", "2")])
    per_key = Counter((guild, kind, key) for guild, kind, key, _ in posts)
    assert len(per_key) == len(GUILDS) * len(KINDS) and set(per_key.values()) == {1}
    by_process: dict[str, set[int]] = {}
    for guild, _, _, pid in posts:
        by_process.setdefault(pid, set()).add(shard_of(int(guild), 3))
    assert sorted(sorted(shards) for shards in by_process.values()) == [[0, 1], [2]]
