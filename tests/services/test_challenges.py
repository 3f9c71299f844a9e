"""Challenges through the services: create/edit/cancel, join, scoring and ties, open/close edges in
time zones, exactly-once posts with two processes on one database, and the daily exclusions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.replies import Action
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.services.daily import CurriculumPick
from bot.services.errors import UserError
from bot.storage import challenges as rows
from bot.storage import daily as daily_rows
from tests.helpers import answer_for, wrong_answer_for
from tests.services.challenge_helpers import GUILD, MOD, collect, configure, member, problem_ids

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def create(svc: Services, **options: object) -> int:
    reply = await svc.challenges.create(MOD, options.pop("title", "Week 1"), **options)  # type: ignore[arg-type]
    assert reply.title and reply.title.startswith("Challenge #")
    return int(reply.title.split("#")[1].split(" ")[0])


async def submissions(svc: Services) -> int:
    return int(await svc.db.fetch_value("SELECT COUNT(*) FROM submissions WHERE kind = 'challenge'"))


async def test_create_defaults_to_this_week_on_a_monday(svc: Services, clock: ManualClock) -> None:
    clock.set(MONDAY)
    cid = await create(svc, topics="derivatives", count=3)
    challenge = await rows.get_challenge(svc.db, GUILD, cid)
    assert challenge is not None
    assert challenge.opens_at == datetime(2026, 11, 23, tzinfo=UTC)
    assert challenge.closes_at == datetime(2026, 11, 30, tzinfo=UTC)
    problems = await rows.problems(svc.db, cid)
    assert [p.position for p in problems] == [1, 2, 3]
    assert {p.topic for p in problems} == {"derivatives"}
    assert len({p.prompt_id for p in problems}) == 3


async def test_bad_input_changes_nothing(svc: Services, clock: ManualClock) -> None:
    clock.set(MONDAY)
    for options, message in (
        ({"topics": "astrology"}, "Unknown topic"),
        ({"count": 11}, "between 3 and 10"),
        ({"difficulty": 7}, "1 to 5"),
        ({"start": "2026-12-05", "end": "2026-12-01"}, "end after it starts"),
        ({"start": "yesterday"}, "must look like"),
        ({"topics": "derivatives", "count": 10, "difficulty": 5}, "Only"),
    ):
        with pytest.raises(UserError, match=message):
            await svc.challenges.create(MOD, "Bad", **options)  # type: ignore[arg-type]
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM challenges") == 0


async def test_edit_and_cancel_only_before_opening(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))  # Wednesday: the default is next week
    cid = await create(svc, topics="bayes", count=3)
    before = await problem_ids(svc, cid)
    reply = await svc.challenges.edit(MOD, cid, title="Bayes week", topics="derivatives", count=4)
    assert "New problems were drawn" in reply.text
    challenge = await rows.get_challenge(svc.db, GUILD, cid)
    assert challenge is not None and challenge.title == "Bayes week" and challenge.topics == ("derivatives",)
    after = await problem_ids(svc, cid)
    assert len(after) == 4 and after != before

    clock.set(datetime(2026, 11, 30, 0, 1, tzinfo=UTC))  # opened
    with pytest.raises(UserError, match="already opened"):
        await svc.challenges.edit(MOD, cid, title="Too late")
    with pytest.raises(UserError, match="already opened"):
        await svc.challenges.cancel(MOD, cid)

    clock.set(datetime(2026, 11, 26, 12, tzinfo=UTC))
    other = await create(svc, title="Later", topics="derivatives", count=3, start="2026-12-07")
    await svc.challenges.cancel(MOD, other)
    assert (await rows.get_challenge(svc.db, GUILD, other)).status == "cancelled"  # type: ignore[union-attr]
    clock.set(datetime(2026, 12, 8, tzinfo=UTC))
    titles = [p.title for p in await collect(svc)]
    assert titles == ["Bayes week — results"]  # the cancelled one never posts


async def test_scoring_penalties_floor_and_ties(svc: Services, clock: ManualClock) -> None:
    clock.set(MONDAY)
    cid = await create(svc, topics="derivatives", count=3)
    problems = await rows.problems(svc.db, cid)
    ada, bob, cy, dee = member(10, "ada"), member(11, "bob"), member(12, "cy"), member(13, "dee")
    for who in (ada, bob, cy, dee):
        await svc.challenges.join(who)

    p1 = problems[0]
    # ada: one wrong attempt, then right; bob: right at once but later; cy: the same points as ada, later.
    await svc.answers.answer(ada, wrong_answer_for(p1.prompt_id), problem="1")
    clock.advance(minutes=5)
    result = await svc.answers.answer(ada, answer_for(p1.prompt_id), problem="1")
    assert result.reply.ephemeral and result.reply.title.startswith("Correct!")
    expected = p1.difficulty * 10 - 2
    assert f"+{expected} points" in (result.reply.footer or "")
    again = await svc.answers.answer(ada, answer_for(p1.prompt_id), problem="1")
    assert "already solved" in (again.reply.footer or "")
    await svc.answers.answer(ada, wrong_answer_for(p1.prompt_id), problem="1")  # after solving: no effect
    clock.advance(minutes=5)
    await svc.answers.answer(bob, answer_for(p1.prompt_id), problem="1")
    clock.advance(minutes=5)
    await svc.answers.answer(cy, wrong_answer_for(p1.prompt_id), problem="1")
    await svc.answers.answer(cy, answer_for(p1.prompt_id), problem="1")
    # dee: many wrong attempts, still earns the floor
    for _ in range(30):
        await svc.answers.answer(dee, wrong_answer_for(p1.prompt_id), problem="1")
    await svc.answers.answer(dee, answer_for(p1.prompt_id), problem="1")

    standings = await rows.standings(svc.db, cid)
    assert [(s.name, s.points) for s in standings] == [
        ("bob", p1.difficulty * 10),
        ("ada", expected),
        ("cy", expected),  # the same points as ada: ada's last correct answer came first
        ("dee", p1.difficulty * 3),
    ]
    board = await svc.challenges.leaderboard(member(10))
    assert board.text.index("bob") < board.text.index("ada") < board.text.index("cy")
    assert not board.ephemeral


async def test_only_joined_members_score_and_answers_stop_at_the_close(
    svc: Services, clock: ManualClock
) -> None:
    await configure(svc, timezone="America/New_York")
    clock.set(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # Monday noon in New York
    cid = await create(svc, topics="derivatives", count=3)
    challenge = await rows.get_challenge(svc.db, GUILD, cid)
    assert challenge is not None
    assert challenge.opens_at == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 00:00 EST
    assert challenge.closes_at == datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    p1 = (await rows.problems(svc.db, cid))[0]
    ada = member(10, "ada")

    with pytest.raises(UserError, match="Join Week 1 first"):
        await svc.answers.answer(ada, answer_for(p1.prompt_id), problem="1")
    assert await submissions(svc) == 0
    await svc.challenges.join(ada)
    with pytest.raises(UserError, match="problems 1 to 3"):
        await svc.answers.answer(ada, "1", problem="4")

    clock.set(challenge.closes_at - timedelta(seconds=1))  # Sunday 23:59:59 in New York
    result = await svc.answers.answer(ada, answer_for(p1.prompt_id), problem="1")
    assert result.reply.title.startswith("Correct!")
    clock.set(challenge.closes_at)  # Monday 00:00 in New York: closed
    p2 = (await rows.problems(svc.db, cid))[1]
    with pytest.raises(UserError, match="closed on Sun 29 Nov 23:59"):
        await svc.answers.answer(ada, answer_for(p2.prompt_id), problem="2")
    assert await submissions(svc) == 1
    with pytest.raises(UserError, match="closed"):
        await svc.challenges.join(member(11))


async def test_posts_exactly_once_with_two_processes(
    svc: Services, settings: Settings, clock: ManualClock, shared_workers
) -> None:
    await configure(svc, timezone="Asia/Kolkata")
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    cid = await create(svc, topics="derivatives", count=3)
    challenge = await rows.get_challenge(svc.db, GUILD, cid)
    assert challenge is not None
    other = await Services.open(settings, clock=clock, workers=shared_workers)  # a second process
    try:

        async def titles() -> list[str]:
            return [p.title for p in await collect(svc) + await collect(other) if "Week 1" in p.title]

        clock.set(challenge.opens_at - timedelta(seconds=1))
        assert await titles() == []
        clock.set(challenge.opens_at)
        first = await collect(svc)
        opened = [p for p in first if p.title == "Week 1 — challenge open"]
        assert len(opened) == 1 and opened[0].reply.buttons[0].action == Action("join", str(cid))
        assert opened[0].extra["idempotency_key"] == f"{GUILD}:challenge-open:{cid}"
        assert await titles() == []
        clock.set(challenge.closes_at - timedelta(hours=24))
        assert await titles() == ["Week 1 — 24 hours left"]
        assert await titles() == []
        # Down at the close, back an hour later: the results are posted once, by one of them.
        clock.set(challenge.closes_at + timedelta(hours=1))
        results = [p for p in await collect(other) + await collect(svc) if "Week 1" in p.title]
        assert [p.title for p in results] == ["Week 1 — results"]
        assert "Answer: " in results[0].reply.fields[0].value
        assert await titles() == []
    finally:
        await other.db.close()


async def test_challenge_and_daily_never_share_a_problem(svc: Services, clock: ManualClock) -> None:
    clock.set(MONDAY)
    # The daily prompts already chosen this week are left out of a new challenge ...
    chosen_daily = []
    for offset in range(7):
        prompt = await svc.daily.planner.prompt_for(GUILD, date(2026, 11, 23) + timedelta(days=offset))
        chosen_daily.append(prompt)
    topics = ",".join(sorted({p.topic for p in chosen_daily})[:3])
    cid = await create(svc, topics=topics, count=5)
    keys = set(await problem_ids(svc, cid)) | {p.family for p in await rows.problems(svc.db, cid) if p.family}
    assert not keys & {p.id for p in chosen_daily}

    # ... and a challenge's problems are left out of the daily prompts of its days, even when a
    # curriculum asks for exactly those problems.
    challenge_ids = await problem_ids(svc, cid)

    async def wants_them(guild_id: int, day: date) -> CurriculumPick:
        return CurriculumPick(topics=("derivatives",), prompt_ids=tuple(challenge_ids))

    svc.daily.planner.curriculum_source = wants_them
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))
    cid2 = await create(svc, title="Derivatives", topics="derivatives", count=3, start="2026-11-30")
    blocked = set(await problem_ids(svc, cid2))
    for offset in range(7):
        day = date(2026, 11, 30) + timedelta(days=offset)
        row = await svc.daily.planner.plan(GUILD, day)
        assert row.prompt_id not in blocked
    assert await daily_rows.get_daily_prompt(svc.db, GUILD, date(2026, 11, 30)) is None  # plan saves nothing


async def test_weekly_challenge_is_created_once_when_enabled(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))  # Tuesday: nothing to create yet
    await configure(svc, weekly_challenge=True)
    assert (await svc.guilds.settings(GUILD)).weekly_challenges
    await collect(svc)
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM challenges") == 0
    clock.set(datetime(2026, 11, 26, 12, tzinfo=UTC))  # Thursday: next week's is made
    await collect(svc)
    await collect(svc)
    found = await rows.guild_challenges(svc.db, GUILD, closing_after=clock.now())
    assert [(c.title, c.opens_at) for c in found] == [
        ("Weekly challenge 2026-W49", datetime(2026, 11, 30, tzinfo=UTC))
    ]
    clock.set(datetime(2026, 11, 30, 0, 5, tzinfo=UTC))
    posts = [p.title for p in await collect(svc)]
    assert "Weekly challenge 2026-W49 — challenge open" in posts
    assert await svc.db.fetch_value("SELECT COUNT(*) FROM challenges") == 1


async def test_problems_stay_hidden_from_members_until_it_opens(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    cid = await create(svc, topics="derivatives", count=3)
    hidden = await svc.challenges.show(member(10, "ada"))
    assert hidden.ephemeral and "revealed when it opens" in hidden.text
    assert not [f for f in hidden.fields if f.name.startswith("Problem")]
    assert hidden.buttons[0].action == Action("join", str(cid))  # joining early is fine
    assert not hidden.attachments  # no picture of the problems either
    review = await svc.challenges.show(MOD)
    assert [f.name.split(" · ")[0] for f in review.fields if f.name.startswith("Problem")] == [
        "Problem 1",
        "Problem 2",
        "Problem 3",
    ]
    clock.set(datetime(2026, 11, 30, 0, 0, tzinfo=UTC))
    opened = await svc.challenges.show(member(10, "ada"))
    assert len([f for f in opened.fields if f.name.startswith("Problem")]) == 3
    # Derivative problems have formulas: one picture draws all three, numbered like the fields.
    assert opened.image == "problems.png" and opened.attachments[0].data.startswith(b"\x89PNG")


async def test_short_challenge_gets_no_reminder_but_its_results(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    await create(
        svc, title="Sprint", topics="derivatives", count=3, start="2026-11-26 18:00", end="2026-11-27 06:00"
    )
    clock.set(datetime(2026, 11, 26, 18, 0, tzinfo=UTC))
    assert [p.title for p in await collect(svc)] == ["Sprint — challenge open"]
    clock.set(datetime(2026, 11, 27, 5, 59, tzinfo=UTC))
    assert [p.title for p in await collect(svc)] == []  # 12 hours long: no "24 hours left"
    clock.set(datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    assert [p.title for p in await collect(svc)] == ["Sprint — results"]


async def test_a_reminder_too_late_to_make_sense_is_skipped_but_results_post(
    svc: Services, clock: ManualClock
) -> None:
    from bot.storage import jobs as job_rows

    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    cid = await create(
        svc, title="Marathon", topics="derivatives", count=3, start="2026-11-26 09:00", end="2026-11-29 09:00"
    )
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert [p.title for p in await collect(svc) if "Marathon" in p.title] == ["Marathon — challenge open"]
    # The bot was down from before the reminder's time until an hour before the close.
    clock.set(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))
    assert [
        p.title for p in await collect(svc) if "Marathon" in p.title
    ] == []  # no "24 hours left" with one hour left
    row = await job_rows.get_run(svc.db, GUILD, "challenge-reminder", str(cid))
    assert row is not None and row.status == "skipped" and "too late" in (row.detail or "")
    clock.set(datetime(2026, 11, 29, 9, 30, tzinfo=UTC))
    assert [p.title for p in await collect(svc) if "Marathon" in p.title] == ["Marathon — results"]


async def test_a_reminder_a_little_late_still_posts(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    await create(
        svc, title="Marathon", topics="derivatives", count=3, start="2026-11-26 09:00", end="2026-11-29 09:00"
    )
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    await collect(svc)
    clock.set(datetime(2026, 11, 28, 9, 40, tzinfo=UTC))  # 40 minutes after its time
    assert [p.title for p in await collect(svc) if "Marathon" in p.title] == ["Marathon — 24 hours left"]
