"""Choosing the daily prompt and the scheduled post: deterministic, stored, exactly once, catch-up, DST."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.config import Settings
from bot.replies import Action
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.services.daily import REPEAT_WINDOW_DAYS, CurriculumPick
from bot.storage import guilds as guild_rows
from bot.storage import jobs as job_rows

GUILD = 42


async def configure(
    services: Services, *, timezone: str = "UTC", time: str = "09:00", ping: bool = False
) -> None:
    mod = Actor(GUILD, 1, "mod", manage_guild=True)
    await services.guilds.setup(
        mod,
        channel=(555, "study"),
        time=time,
        timezone=timezone,
        ping_role=(777, "learners") if ping else None,
    )


async def collect(services: Services) -> list:
    delivered = []

    async def deliver(post) -> None:
        delivered.append(post)

    await services.scheduler.run_once(deliver)
    return delivered


async def test_prompt_choice_is_stored_and_stable(svc: Services) -> None:
    day = date(2026, 11, 21)
    first = await svc.daily.planner.prompt_for(GUILD, day)
    again = await svc.daily.planner.prompt_for(GUILD, day)
    assert first.id == again.id
    row = await svc.daily.planner.stored(GUILD, day)
    assert row is not None and row.prompt_id == first.id and row.source == "rotation"


async def test_same_choice_in_a_fresh_database(
    svc: Services, tmp_path, clock: ManualClock, shared_workers
) -> None:
    other = await Services.open(
        Settings(db_path=tmp_path / "other.sqlite3"), clock=clock, workers=shared_workers
    )
    try:
        for offset in range(3):
            day = date(2026, 11, 21) + timedelta(days=offset)
            assert (await svc.daily.planner.prompt_for(GUILD, day)).id == (
                await other.daily.planner.prompt_for(GUILD, day)
            ).id
    finally:
        await other.close()


async def test_no_repeat_within_60_days_and_topics_rotate(svc: Services) -> None:
    start = date(2026, 1, 1)
    chosen = []
    for offset in range(REPEAT_WINDOW_DAYS + 30):
        await svc.daily.planner.prompt_for(GUILD, start + timedelta(days=offset))
        chosen.append(await svc.daily.planner.stored(GUILD, start + timedelta(days=offset)))
    keys = [row.family or row.prompt_id for row in chosen]
    for i in range(len(keys)):
        window = keys[max(0, i - REPEAT_WINDOW_DAYS) : i]
        assert keys[i] not in window, f"{keys[i]} repeated within {REPEAT_WINDOW_DAYS} days"
    topics = {row.topic for row in chosen[:26]}
    assert len(topics) == 26  # one full cycle through every topic
    assert {row.difficulty for row in chosen} >= {1, 2, 3, 4, 5}
    assert any(row.family for row in chosen) and any(not row.family for row in chosen)  # bank and generators


async def test_curriculum_source_and_exclusions_are_used(svc: Services) -> None:
    asked = []

    async def curriculum(guild_id: int, day: date) -> CurriculumPick | None:
        asked.append((guild_id, day))
        return CurriculumPick(topics=("bayes",), prompt_ids=(), generator_ids=("gen-bayes-base-rate",))

    async def exclusions(guild_id: int, day: date) -> set[str]:
        return {"gen-bayes-base-rate"}

    svc.daily.planner.curriculum_source = curriculum
    day = date(2026, 11, 23)
    row = await svc.daily.planner.plan(GUILD, day)
    assert row.family == "gen-bayes-base-rate" and row.source == "curriculum"

    svc.daily.planner.exclusions.append(exclusions)
    row = await svc.daily.planner.plan(GUILD, day)
    assert row.topic == "bayes" and row.family is None and row.source == "curriculum"
    assert asked == [(GUILD, day), (GUILD, day)]


async def test_post_is_due_at_local_time_and_made_once(svc: Services, clock: ManualClock) -> None:
    await configure(svc, timezone="Europe/Berlin", time="09:00", ping=True)
    clock.set(datetime(2026, 11, 21, 7, 59, tzinfo=UTC))  # 08:59 in Berlin
    assert await collect(svc) == []

    clock.set(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    posts = await collect(svc)
    assert len(posts) == 1
    post = posts[0]
    assert post.channel_id == 555 and post.mention_role_id == 777 and post.extra["mention_name"] == "learners"
    assert post.title.startswith("Daily prompt · 2026-11-21")
    assert post.extra["idempotency_key"] == f"{GUILD}:daily:2026-11-21"
    assert post.reply.buttons[0].action == Action("answer", post.extra["prompt_id"])
    assert post.reply.attachments and post.reply.attachments[0].data.startswith(b"\x89PNG")
    names = {field.name for field in post.reply.fields}
    assert {"Topic", "Difficulty", "Study"} <= names

    clock.advance(minutes=1)
    assert await collect(svc) == []  # the same local day: already claimed
    assert await job_rows.run_status(svc.db, GUILD, "daily", "2026-11-21") == "done"


async def test_two_processes_post_once(
    svc: Services, settings: Settings, clock: ManualClock, shared_workers
) -> None:
    await configure(svc)
    second = await Services.open(settings, clock=clock, workers=shared_workers)  # same database file
    try:
        first_posts, second_posts = await asyncio.gather(collect(svc), collect(second))
        assert len(first_posts) + len(second_posts) == 1
        restarted = await Services.open(settings, clock=clock, workers=shared_workers)
        try:
            assert await collect(restarted) == []
        finally:
            await restarted.close()
    finally:
        await second.close()


async def test_catch_up_on_start_the_same_day_but_not_the_next(svc: Services, clock: ManualClock) -> None:
    await configure(svc, time="09:00")
    clock.set(datetime(2026, 11, 21, 22, 30, tzinfo=UTC))  # down all day, back late evening
    assert [p.extra["idempotency_key"] for p in await collect(svc)] == [f"{GUILD}:daily:2026-11-21"]
    clock.set(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))  # next morning before the post time
    assert await collect(svc) == []  # yesterday's is not posted late, today's not yet due
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    posts = await collect(svc)
    assert [p.extra["idempotency_key"] for p in posts] == [f"{GUILD}:daily:2026-11-22"]


async def test_post_time_follows_dst(svc: Services, clock: ManualClock) -> None:
    await configure(svc, timezone="America/New_York", time="09:00")
    # Saturday before the November change: 09:00 EDT = 13:00 UTC; the Monday after: 09:00 EST = 14:00 UTC.
    clock.set(datetime(2026, 10, 31, 13, 0, tzinfo=UTC))
    assert len(await collect(svc)) == 1
    clock.set(datetime(2026, 11, 2, 13, 30, tzinfo=UTC))  # 08:30 EST
    assert await collect(svc) == []
    clock.set(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    assert [p.extra["idempotency_key"] for p in await collect(svc)] == [f"{GUILD}:daily:2026-11-02"]


async def test_unconfigured_guild_gets_no_post(svc: Services) -> None:
    await guild_rows.ensure_guild(svc.db, GUILD)
    assert await collect(svc) == []


async def test_preview_plans_days_in_order_and_matches_what_is_stored(svc: Services) -> None:
    async def curriculum(guild_id: int, day: date) -> CurriculumPick | None:
        return CurriculumPick(topics=("eigen",), label="Week 1: eigenvalues")

    svc.daily.planner.curriculum_source = curriculum
    start = date(2026, 11, 23)
    preview = await svc.daily.planner.preview(GUILD, start, 7)
    assert len({row.family or row.prompt_id for row in preview}) == 7  # no repeats inside the week
    assert {row.topic for row in preview} == {"eigen"}
    assert await svc.daily.planner.stored(GUILD, start) is None  # nothing saved
    for offset, row in enumerate(preview):
        assert (await svc.daily.planner.prompt_for(GUILD, start + timedelta(days=offset))).id == row.prompt_id


async def test_repeated_and_skipped_local_hours_post_exactly_once(svc: Services, clock: ManualClock) -> None:
    await configure(svc, timezone="America/New_York", time="01:30")
    # 2026-11-01: 01:30 happens twice (EDT at 05:30 UTC, EST at 06:30 UTC).
    clock.set(datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    assert len(await collect(svc)) == 1
    clock.set(datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    assert await collect(svc) == []

    await configure(svc, timezone="America/New_York", time="02:30")
    # 2027-03-14: 02:30 does not exist (01:59 EST -> 03:00 EDT); the post comes at 03:00.
    clock.set(datetime(2027, 3, 14, 6, 59, tzinfo=UTC))
    assert await collect(svc) == []
    clock.set(datetime(2027, 3, 14, 7, 0, tzinfo=UTC))
    assert [p.extra["idempotency_key"] for p in await collect(svc)] == [f"{GUILD}:daily:2027-03-14"]
