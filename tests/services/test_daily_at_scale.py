"""The daily job for many guilds (issue 12): content is checked once per tick, not dozens of times
per guild; guilds are delivered concurrently but bounded; a statement is drawn once however many
guilds post it. Timings are in benchmarks/schedule.py; these tests count."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.content import loader
from bot.content.loader import load_content, pinned_content
from bot.replies import Post
from bot.services.app import Services
from bot.services.problems import Problems

GUILDS = 40


async def configure_guilds(services: Services, count: int) -> None:
    now = services.clock.now().isoformat(timespec="seconds")
    await services.db.execute_many(
        "INSERT INTO guilds (guild_id, name, timezone, created_at, channel_id, channel_name)"
        " VALUES (?, 'g', 'UTC', ?, ?, 'study')",
        [(5000 + g, now, 9000 + g) for g in range(count)],
    )


def count_file_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = loader._signature

    def counted(directory):
        calls[0] += 1
        return real(directory)

    monkeypatch.setattr(loader, "_signature", counted)
    return calls


async def test_a_tick_checks_the_content_files_once_for_all_guilds(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await configure_guilds(svc, GUILDS)

    async def no_image(key: str, markdown: str) -> bytes | None:
        return None  # drawing is counted in the next tests; this one is about planning

    monkeypatch.setattr(svc.problems, "formula_image", no_image)
    checks = count_file_checks(monkeypatch)
    in_flight, most = 0, 0

    async def deliver(post: Post) -> None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001)  # a send waits on Discord
        in_flight -= 1

    svc.clock.advance(hours=1)  # 10:00, after every guild's 09:00 post time
    posts = await svc.scheduler.run_once(deliver)
    assert len({p.guild_id for p in posts}) == GUILDS
    assert checks[0] == 1  # one snapshot for the whole tick (was ~32 per guild)
    assert 1 < most <= svc.scheduler.concurrency

    # Outside a tick, an edit to the content is still noticed at the next lookup.
    load_content()
    assert checks[0] == 2


def test_pinned_content_is_one_snapshot_until_the_block_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = count_file_checks(monkeypatch)
    with pinned_content() as bank:
        assert all(load_content() is bank for _ in range(50))
    assert checks[0] == 1
    load_content()
    assert checks[0] == 2


class CountingPool:
    """Stands in for the worker pool: counts the drawings asked for."""

    def __init__(self) -> None:
        self.runs: list[str] = []
        self.release = asyncio.Event()

    async def run(self, fn: Any, *args: Any, **options: Any) -> bytes:
        self.runs.append(args[0])
        await self.release.wait()
        return b"png:" + args[0].encode()


async def test_guilds_posting_the_same_statement_wait_for_one_drawing() -> None:
    pool = CountingPool()
    problems = Problems(pool, load_content)  # type: ignore[arg-type]
    waiting = [asyncio.create_task(problems.formula_image("p1", "Find $x^2$.")) for _ in range(25)]
    other = asyncio.create_task(problems.formula_image("p2", "Find $y$."))
    await asyncio.sleep(0)
    pool.release.set()
    images = await asyncio.gather(*waiting, other)
    assert pool.runs == ["Find $x^2$.", "Find $y$."]
    assert set(images[:-1]) == {b"png:Find $x^2$."}
    assert await problems.formula_image("p1", "Find $x^2$.") == b"png:Find $x^2$."
    assert len(pool.runs) == 2  # and later guilds get it from the cache


async def test_posts_due_within_the_hour_are_prepared_and_then_only_sent(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from bot.storage import daily as daily_rows
    from bot.storage import jobs as job_rows

    await configure_guilds(svc, GUILDS)
    built: list[str] = []
    real_reply = svc.daily.prompt_reply

    async def counting_reply(prompt, day, **options):
        built.append(prompt.id)
        return await real_reply(prompt, day, **options)

    monkeypatch.setattr(svc.daily, "prompt_reply", counting_reply)

    async def no_image(key: str, markdown: str) -> bytes | None:
        return None

    monkeypatch.setattr(svc.problems, "formula_image", no_image)
    svc.clock.advance(minutes=-30)  # 08:30: every post is due within the hour
    assert await svc.scheduler.prepare(svc.clock.now(), timedelta(hours=1)) == GUILDS
    assert len(built) == GUILDS
    day = svc.clock.now().date()
    chosen = {g: await daily_rows.get_daily_prompt(svc.db, 5000 + g, day) for g in range(GUILDS)}
    assert all(row is not None for row in chosen.values())  # planned and stored ahead
    assert await job_rows.get_run(svc.db, 5000, "daily", day.isoformat()) is None  # nothing claimed
    assert await svc.scheduler.prepare(svc.clock.now(), timedelta(hours=1)) == 0  # once per process

    sent: list[Post] = []

    async def deliver(post: Post) -> None:
        sent.append(post)

    assert await svc.scheduler.run_once(deliver) == []  # 08:30: nothing is due yet
    svc.clock.advance(minutes=31)
    await svc.scheduler.run_once(deliver)
    assert len(sent) == GUILDS
    # The posts carry the prompts chosen ahead.
    assert {p.guild_id: p.extra["prompt_id"] for p in sent} == {
        5000 + g: row.prompt_id for g, row in chosen.items() if row is not None
    }
