"""Curricula through the services: finding by name, start/pause/resume/skip with the stored plan
surviving a restart, week and end posts exactly once, import validation, export round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.services.app import Services
from bot.services.context import ManualClock, Upload
from bot.services.errors import PermissionDenied, UserError
from tests.services.challenge_helpers import GUILD, MOD, collect, configure, member

DL8 = "Math for deep learning in 8 weeks"

SHORT = b"""name: Two quick weeks
slug: two-quick-weeks
description: A short plan for tests.
start: 2026-11-30
weeks:
  - title: Derivatives
    topics: [derivatives]
    resources: [dlbook-ch6]
  - title: Bayes
    topics: [bayes]
    prompts: [bayes-crash-predictor]
"""

BROKEN = b"""name: Broken plan
slug: Broken Plan
start: 2026-02-30
colour: blue
weeks:
  - title: One
    topics: [derivatives, astrology]
    resources: [no-such-book]
  - title: Two
    topics: [bayes]
    prompts: [no-such-prompt]
    generators: [gen-nothing]
  - topics: [bayes]
"""


async def week_label(svc: Services, day: date) -> str:
    """'week 2' for a date the curriculum covers ("" when it does not)."""
    pick = await svc.curricula.pick(GUILD, day)
    return pick.label.split(" · ")[1].split(":")[0] if pick else ""


async def day_source(svc: Services, day: date) -> tuple[str, str]:
    row = await svc.daily.planner.plan(GUILD, day)
    return row.source, row.topic


async def test_find_by_name_or_slug_in_any_case(svc: Services) -> None:
    for name in (
        DL8,
        "math for DEEP learning in 8 weeks",
        "MATH-FOR-DL-8-WEEKS",
        "  math  for deep learning in 8 weeks",
    ):
        assert (await svc.curricula.find(GUILD, name)).curriculum.slug == "math-for-dl-8-weeks"
    with pytest.raises(UserError, match="No curriculum named"):
        await svc.curricula.find(GUILD, "knitting")


async def test_start_pause_resume_skip_and_restart_keep_the_plan(
    svc: Services, settings: Settings, clock: ManualClock, shared_workers
) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await svc.curricula.start(MOD, DL8, "2026-11-23")
    week1 = {"vectors", "matrix-multiplication"}
    source, topic = await day_source(svc, date(2026, 11, 23))
    assert source == "curriculum" and topic in week1
    pick = await svc.curricula.pick(GUILD, date(2026, 11, 30))
    assert pick is not None and pick.label.endswith(
        "week 2: Linear algebra II — inverses, eigendecomposition and SVD"
    )

    clock.set(datetime(2026, 11, 25, 8, tzinfo=UTC))  # Wednesday: pause
    await svc.curricula.pause(MOD)
    assert (await day_source(svc, date(2026, 11, 25)))[0] == "rotation"
    with pytest.raises(UserError, match="already paused"):
        await svc.curricula.pause(MOD)
    with pytest.raises(UserError, match="paused"):
        await svc.curricula.skip(MOD)

    # A restart (a new process on the same database) keeps the paused plan.
    other = await Services.open(settings, clock=clock, workers=shared_workers)
    try:
        clock.set(datetime(2026, 11, 30, 8, tzinfo=UTC))  # resume the next Monday: 5 days later
        await other.curricula.resume(MOD)
        # Week 1 had Mon and Tue; it continues for its 5 remaining days from Monday 30th.
        assert await week_label(other, date(2026, 12, 4)) == "week 1"
        assert await week_label(other, date(2026, 12, 5)) == "week 2"
        await other.daily.planner.prompt_for(GUILD, date(2026, 11, 30))  # today's prompt is chosen
        reply = await other.curricula.skip(MOD)  # so the skip starts week 2 tomorrow
        assert "Week 2" in reply.text and "Tue 1 Dec 2026" in reply.text
        assert await week_label(other, date(2026, 12, 1)) == "week 2"
    finally:
        await other.db.close()
    assert await week_label(svc, date(2026, 12, 8)) == "week 3"


async def test_week_posts_and_the_end_return_to_rotation_once(svc: Services, clock: ManualClock) -> None:
    await configure(svc, timezone="Europe/Berlin")
    clock.set(datetime(2026, 11, 28, 12, tzinfo=UTC))
    await svc.curricula.import_file(MOD, Upload("short.yaml", SHORT))
    reply = await svc.curricula.start(MOD, "two quick weeks")  # the file's suggested start
    assert "Mon 30 Nov 2026 to Sun 13 Dec 2026" in reply.text

    def titles(posts) -> list[str]:
        return [p.title for p in posts if not p.title.startswith("Daily prompt")]

    clock.set(datetime(2026, 11, 30, 7, 59, tzinfo=UTC))  # 08:59 in Berlin: before the post time
    assert titles(await collect(svc)) == []
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    posts = await collect(svc)
    assert titles(posts) == ["Two quick weeks — week 1 of 2: Derivatives"]
    week = next(p for p in posts if p.title.startswith("Two quick"))
    assert "Derivatives and the chain rule" in week.reply.text
    assert "Deep Learning, ch. 6" in week.reply.fields[0].value  # the week's resource from the catalog
    assert titles(await collect(svc)) == []
    clock.set(datetime(2026, 12, 7, 9, tzinfo=UTC))
    assert titles(await collect(svc)) == ["Two quick weeks — week 2 of 2: Bayes"]
    assert (await day_source(svc, date(2026, 12, 8)))[0] == "curriculum"

    clock.set(datetime(2026, 12, 14, 9, tzinfo=UTC))  # the day after the last week
    assert titles(await collect(svc)) == ["Two quick weeks — complete"]
    assert titles(await collect(svc)) == []
    assert (await day_source(svc, date(2026, 12, 14)))[0] == "rotation"
    with pytest.raises(UserError, match="No curriculum is running"):
        await svc.curricula.pause(MOD)


async def test_import_reports_every_problem_with_its_line_and_changes_nothing(svc: Services) -> None:
    before = (await svc.curricula.list_all(MOD)).text
    with pytest.raises(UserError) as caught:
        await svc.curricula.import_file(MOD, Upload("broken.yaml", BROKEN))
    message = str(caught.value)
    assert "nothing changed" in message
    for expected in (
        "broken.yaml:3: start: '2026-02-30' is not a date",
        "broken.yaml:2: slug 'Broken Plan' must be lowercase",
        "broken.yaml:4: unknown field 'colour'",
        "broken.yaml:7: week 1: unknown topic 'astrology'",
        "broken.yaml:8: week 1: unknown resource id 'no-such-book'",
        "broken.yaml:11: week 2: unknown prompt id 'no-such-prompt'",
        "broken.yaml:12: week 2: unknown generator id 'gen-nothing'",
        "broken.yaml:13: missing required field 'title'",
    ):
        assert expected in message, message
    assert (await svc.curricula.list_all(MOD)).text == before
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM guild_curricula") == 0

    with pytest.raises(UserError, match=r"bad\.yaml:4: malformed YAML"):
        await svc.curricula.import_file(MOD, Upload("bad.yaml", b"name: x\nweeks:\n  - [unclosed\n"))
    with pytest.raises(UserError, match="not UTF-8"):
        await svc.curricula.import_file(MOD, Upload("bin.yaml", b"\xff\xfe\x00name"))
    with pytest.raises(UserError, match="must be a mapping"):
        await svc.curricula.import_file(MOD, Upload("list.yaml", b"- a\n- b\n"))
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM guild_curricula") == 0


async def test_export_import_round_trip_and_list(svc: Services) -> None:
    exported = await svc.curricula.export(MOD, DL8)
    attachment = exported.attachments[0]
    assert attachment.filename == "math-for-dl-8-weeks.yaml"
    with pytest.raises(UserError, match="already has a curriculum with slug `math-for-dl-8-weeks`"):
        await svc.curricula.import_file(MOD, Upload(attachment.filename, attachment.data))
    reply = await svc.curricula.import_file(MOD, Upload(attachment.filename, attachment.data), replace=True)
    assert "overrides the built-in" in reply.text
    found = await svc.curricula.find(GUILD, DL8)
    assert found.imported and found.curriculum == svc.content().curricula["math-for-dl-8-weeks"]
    await svc.curricula.import_file(MOD, Upload("short.yaml", SHORT))
    listing = (await svc.curricula.list_all(MOD)).text
    assert "Two quick weeks" in listing and "imported" in listing
    shown = await svc.curricula.show(MOD, "two-quick-weeks")
    assert [f.name for f in shown.fields] == ["Week 1: Derivatives", "Week 2: Bayes"]


async def test_upcoming_lists_seven_dated_posts_and_saves_nothing(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await svc.curricula.start(MOD, DL8)
    reply = await svc.curricula.upcoming(MOD)
    lines = reply.text.splitlines()[1:]
    assert [line.split(" · ")[0] for line in lines] == [
        f"{d:%a} {d.isoformat()}" for d in (date(2026, 11, 23) + timedelta(days=i) for i in range(7))
    ]
    assert all("week 1: Linear algebra I" in line for line in lines)
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM daily_prompts") == 0


async def test_start_rejects_bad_dates(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    for bad, message in (("2026-13-01", "must look like"), ("2026-11-01", "in the past")):
        with pytest.raises(UserError, match=message):
            await svc.curricula.start(MOD, DL8, bad)
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM curriculum_runs") == 0


async def test_every_moderator_command_refuses_members_and_changes_nothing(
    svc: Services, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 25, 8, tzinfo=UTC))
    await svc.curricula.start(MOD, DL8)
    await svc.challenges.create(MOD, "Next week", topics="derivatives", count=3)
    ada = member(10, "ada")
    calls = {
        "/challenge-admin create": svc.challenges.create(ada, "Mine", topics="bayes", count=3),
        "/challenge-admin edit": svc.challenges.edit(ada, 1, title="Hijacked"),
        "/challenge-admin cancel": svc.challenges.cancel(ada, 1),
        "/curriculum list": svc.curricula.list_all(ada),
        "/curriculum show": svc.curricula.show(ada, DL8),
        "/curriculum import": svc.curricula.import_file(ada, Upload("short.yaml", SHORT)),
        "/curriculum export": svc.curricula.export(ada, DL8),
        "/curriculum start": svc.curricula.start(ada, "calculus-for-backprop"),
        "/curriculum pause": svc.curricula.pause(ada),
        "/curriculum resume": svc.curricula.resume(ada),
        "/curriculum skip": svc.curricula.skip(ada),
        "/curriculum upcoming": svc.curricula.upcoming(ada),
    }

    async def snapshot() -> list[tuple[object, ...]]:
        rows = await svc.db.fetch_all("SELECT title, status FROM challenges ORDER BY id")
        rows += await svc.db.fetch_all("SELECT slug FROM guild_curricula ORDER BY slug")
        rows += await svc.db.fetch_all(
            "SELECT slug, week_index, week_start, paused_since FROM curriculum_runs ORDER BY id"
        )
        return [tuple(row) for row in rows]

    before = await snapshot()
    for name, call in calls.items():
        with pytest.raises(PermissionDenied, match=f"Only moderators can use {name}"):
            await call
    assert await snapshot() == before


ONE_WEEK = b"""name: One quick week
slug: two-quick-weeks
weeks:
  - title: Bayes only
    topics: [bayes]
"""


async def test_start_on_a_future_date_takes_over_on_that_date(svc: Services, clock: ManualClock) -> None:
    await configure(svc)
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await svc.curricula.start(MOD, DL8)
    await svc.curricula.import_file(MOD, Upload("short.yaml", SHORT))
    reply = await svc.curricula.start(MOD, "two quick weeks", "2026-11-30")
    assert reply.title == "Scheduled Two quick weeks"
    assert "Math for deep learning in 8 weeks keeps the daily prompts until Sun 29 Nov 2026" in reply.text
    # the running one keeps its days; the new one owns the days from its start
    assert (await svc.curricula.pick(GUILD, date(2026, 11, 29))).label.startswith(DL8)  # type: ignore[union-attr]
    assert (await svc.curricula.pick(GUILD, date(2026, 11, 30))).label.startswith("Two quick weeks · week 1")  # type: ignore[union-attr]
    upcoming = (await svc.curricula.upcoming(MOD)).text
    assert upcoming.startswith(f"Curriculum: {DL8}\nTwo quick weeks takes over on Mon 30 Nov 2026.")
    assert "2026-11-29" in upcoming and "Two quick weeks week 1: Derivatives" not in upcoming

    def titles(posts) -> list[str]:
        return [p.title for p in posts if not p.title.startswith("Daily prompt")]

    clock.set(datetime(2026, 11, 29, 9, tzinfo=UTC))
    await collect(svc)
    assert (await rows_active(svc)).slug == "math-for-dl-8-weeks"
    clock.set(datetime(2026, 11, 30, 9, tzinfo=UTC))
    posts = await collect(svc)
    assert titles(posts) == ["Two quick weeks — week 1 of 2: Derivatives"]
    assert (await rows_active(svc)).slug == "two-quick-weeks"
    listing = (await svc.curricula.list_all(MOD)).text
    assert "**Two quick weeks** (`two-quick-weeks`, 2 weeks, imported) — **running**" in listing


async def test_a_new_start_replaces_the_scheduled_one_and_says_so(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await svc.curricula.start(MOD, DL8)
    await svc.curricula.import_file(MOD, Upload("short.yaml", SHORT))
    await svc.curricula.start(MOD, "two quick weeks", "2026-12-07")
    later = await svc.curricula.start(MOD, "two quick weeks", "2026-12-14")
    assert "replaces the plan to start Two quick weeks on Mon 7 Dec 2026" in later.text
    now = await svc.curricula.start(MOD, DL8)  # today: replaces at once, and drops the plan
    assert now.title.startswith("Started")
    assert "The plan to start Two quick weeks on Mon 14 Dec 2026 is cancelled." in now.text
    assert (await svc.curricula.pick(GUILD, date(2026, 12, 14))).label.startswith(DL8)  # type: ignore[union-attr]


async def test_replacing_the_running_import_needs_replace_and_says_what_moves(
    svc: Services, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await svc.curricula.import_file(MOD, Upload("short.yaml", SHORT))
    await svc.curricula.start(MOD, "two quick weeks", "2026-11-23")
    clock.set(datetime(2026, 12, 1, 8, tzinfo=UTC))  # week 2
    with pytest.raises(UserError, match=r"slug `two-quick-weeks` \(Two quick weeks, imported, 2 weeks\)"):
        await svc.curricula.import_file(MOD, Upload("one.yaml", ONE_WEEK))
    assert (await svc.curricula.pick(GUILD, date(2026, 12, 1))).label.startswith("Two quick weeks · week 2")  # type: ignore[union-attr]

    reply = await svc.curricula.import_file(MOD, Upload("one.yaml", ONE_WEEK), replace=True)
    assert "1 week, slug `two-quick-weeks`" in reply.text
    assert "It is running now: the change applies from Tue 1 Dec 2026, in week 2." in reply.text
    assert "Length: 2 weeks → 1 week." in reply.text
    assert "One quick week ends and the daily prompts go back to the rotation" in reply.text
    assert (await rows_active(svc)).name == "One quick week"  # /curriculum upcoming shows the new name
    assert await svc.curricula.pick(GUILD, date(2026, 12, 1)) is None


async def test_replacing_a_running_import_lists_the_weeks_that_change(
    svc: Services, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await svc.curricula.import_file(MOD, Upload("short.yaml", SHORT))
    await svc.curricula.start(MOD, "two quick weeks", "2026-11-23")
    edited = SHORT.replace(b"title: Bayes", b"title: Bayes and priors")
    reply = await svc.curricula.import_file(MOD, Upload("short.yaml", edited), replace=True)
    assert "in week 1." in reply.text
    assert "• week 2: Bayes → Bayes and priors" in reply.text
    assert "week 1:" not in reply.text.split("in week 1.")[1]  # an unchanged week is not listed


async def rows_active(svc: Services):
    from bot.storage import curricula as rows

    run = await rows.active_run(svc.db, GUILD)
    assert run is not None
    return run
