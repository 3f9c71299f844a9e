"""/review remind:true|false and its DM (issue 16), through the services on both backends: one DM a
day after the guild's daily post, only to opted-in members with due reviews; a refused DM turns that
member's reminders off and touches nobody else's; a crash between claim and send sends it once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import load_content
from bot.replies import Post
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.services.reminders import DM_KIND, OFF_TEXT, ON_TEXT
from bot.services.scheduler import DeliveryError, DueRun, RecipientRefused, with_run_key
from bot.storage import jobs as job_rows
from bot.storage import reminders as reminder_rows
from bot.storage import reviews as review_rows
from tests.services.helpers import member

# Real bank prompts: /review shows the card's problem.
P1, P2 = sorted(load_content().prompts)[:2]
MOD = Actor(1, 1, "mod", manage_guild=True, guild_name="test guild")
DAY1 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # the guild posts at 09:00 UTC


class Inbox:
    """The scheduler's delivery: channel posts and DMs in lists; `find` reads what `send` wrote.
    `refuse` holds members whose DMs are closed; `fail_next` makes the next DM a transient failure."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.dms: list[Post] = []
        self.refuse: set[int] = set()
        self.attempts: list[int] = []
        self.fail_next = 0

    async def send(self, post: Post) -> None:
        if "dm_user_id" not in post.extra:
            self.posts.append(post)
            return
        user = int(post.extra["dm_user_id"])
        self.attempts.append(user)
        if user in self.refuse:
            raise RecipientRefused(f"403: user {user} does not accept DMs from the bot")
        if self.fail_next:
            self.fail_next -= 1
            raise DeliveryError("503 Service Unavailable")
        self.dms.append(post)

    async def find(self, post: Post, since: datetime) -> bool:
        return any(p.extra["run_ref"] == post.extra["run_ref"] for p in self.posts + self.dms)

    def dm_lines(self) -> list[tuple[str, str]]:
        return [(p.extra["dm_name"], p.reply.text) for p in self.dms]


async def card(svc: Services, who: Actor, key: str, due: datetime) -> None:
    """A review card due at `due`, as a missed problem leaves one."""
    await svc.guilds.register(who)
    await review_rows.save_first(
        svc.db,
        guild_id=who.guild_id,
        user_id=who.user_id,
        card_key=key,
        problem_id=key,
        family=None,
        topic="derivatives",
        difficulty=2,
        fsrs=review_rows.CardState(due_at=due),
        now=due - timedelta(days=1),
    )


async def configure(svc: Services) -> None:
    await svc.guilds.setup(MOD, channel=(10, "study"))


async def test_one_dm_a_day_after_the_daily_post_for_opted_in_members_with_reviews_due(
    svc: Services, clock: ManualClock
) -> None:
    ada, bob, cy, dee = member(2, "ada"), member(3, "bob"), member(4, "cy"), member(5, "dee")
    clock.set(DAY1 - timedelta(hours=1))
    await configure(svc)
    for key in (P1, P2):
        await card(svc, ada, key, DAY1 - timedelta(days=1))
    await card(svc, cy, P1, DAY1)  # due, but cy never opted in
    await card(svc, dee, P1, DAY1)
    on = await svc.reminders.set(ada, True)
    assert on.ephemeral and ON_TEXT in on.text and "2 reviews due today: /review" in on.text
    await svc.reminders.set(bob, True)  # opted in, nothing due
    await svc.reminders.set(dee, True)
    off = await svc.reminders.set(dee, False)
    assert off.ephemeral and off.text == OFF_TEXT

    inbox = Inbox()
    await svc.scheduler.run_once(inbox)
    assert inbox.posts == [] and inbox.dms == []  # 08:00: no daily post yet, so no reminder either

    clock.set(DAY1)
    sent = await svc.scheduler.run_once(inbox)
    assert [p.title.split(" · ")[0] for p in sent] == ["Daily prompt", "Reviews due"]  # post, then DM
    assert inbox.dm_lines() == [("ada", "2 reviews due in test guild: /review")]
    assert inbox.dms[0].reply.footer.startswith("/review remind:false stops these DMs")
    job = next(j for j in svc.scheduler.jobs if j.kind == DM_KIND)
    assert await job.due_runs(clock.now()) == []  # a finished DM is not even listed again
    for _ in range(2):
        clock.advance(minutes=10)
        await svc.scheduler.run_once(inbox)
    assert len(inbox.dms) == 1  # once a day

    clock.set(DAY1 + timedelta(days=1))  # not reviewed: reminded again the next day, once
    await svc.scheduler.run_once(inbox)
    await svc.scheduler.run_once(inbox)
    assert inbox.dm_lines() == [("ada", "2 reviews due in test guild: /review")] * 2
    keys = {f"2026-11-21:{ada.user_id}", f"2026-11-22:{ada.user_id}"}
    for key in keys:
        run = await job_rows.get_run(svc.db, 1, DM_KIND, key)
        assert run is not None and run.status == "done"

    await svc.reminders.set(ada, False)
    clock.set(DAY1 + timedelta(days=2))
    await svc.scheduler.run_once(inbox)
    assert len(inbox.dms) == 2 and len(inbox.posts) == 3


async def test_a_refused_dm_turns_that_members_reminders_off_and_no_one_elses(
    svc: Services, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ada, bob = member(2, "ada"), member(3, "bob")
    clock.set(DAY1)
    await configure(svc)
    for who in (ada, bob):
        await card(svc, who, P1, DAY1)
        await svc.reminders.set(who, True)
    inbox = Inbox()
    inbox.refuse.add(ada.user_id)
    with caplog.at_level(logging.WARNING, logger="bot.services.scheduler"):
        await svc.scheduler.run_once(inbox)
        await svc.scheduler.run_once(inbox)
    assert inbox.dm_lines() == [("bob", "1 review due in test guild: /review")]
    refused = [r.getMessage() for r in caplog.records if "review-dm" in r.getMessage()]
    assert len(refused) == 1  # logged once
    assert f"2026-11-21:{ada.user_id} for guild 1" in refused[0] and "does not accept DMs" in refused[0]

    run = await job_rows.get_run(svc.db, 1, DM_KIND, f"2026-11-21:{ada.user_id}")
    assert run is not None and run.status == "skipped" and run.failures == 0  # not retried
    setting = await reminder_rows.get(svc.db, 1, ada.user_id)
    assert setting is not None and not setting.enabled
    # moderators see no failed post: a member's closed DMs are not the guild's problem
    assert "failed" not in (await svc.guilds.setup(MOD)).text
    review = await svc.reviews.review(ada)
    note = {f.name: f.value for f in review.fields}["Reminders"]
    assert "I could not DM you" in note and "/review remind:true" in note

    clock.set(DAY1 + timedelta(days=1))
    await svc.scheduler.run_once(inbox)
    assert inbox.attempts.count(ada.user_id) == 1  # never asked again
    assert inbox.attempts.count(bob.user_id) == 2
    await svc.reminders.set(ada, True)  # the member opens DMs and opts in again
    inbox.refuse.clear()
    await svc.scheduler.run_once(inbox)
    assert inbox.dm_lines()[-1] == ("ada", "1 review due in test guild: /review")
    assert "Reminders" not in {f.name for f in (await svc.reviews.review(ada)).fields}


async def test_a_crash_between_claim_and_send_sends_the_dm_once(svc: Services, clock: ManualClock) -> None:
    ada = member(2, "ada")
    clock.set(DAY1)
    await configure(svc)
    inbox = Inbox()
    await svc.scheduler.run_once(inbox)  # the daily post
    await card(svc, ada, P1, DAY1)
    await svc.reminders.set(ada, True)

    key = reminder_rows.dm_run_key("2026-11-21", ada.user_id)
    # Another process claimed ada's DM and died before sending it.
    assert await job_rows.claim_run(svc.db, 1, DM_KIND, key, clock.now()) is not None
    clock.advance(seconds=30)
    await svc.scheduler.run_once(inbox)
    assert inbox.dms == []  # its lease still holds: nobody else sends it
    clock.advance(minutes=3)
    await svc.scheduler.run_once(inbox)
    await svc.scheduler.run_once(inbox)
    assert len(inbox.dms) == 1
    run = await job_rows.get_run(svc.db, 1, DM_KIND, key)
    assert run is not None and (run.status, run.failures) == ("done", 0)

    # The next day a process claims, marks "sending", sends, and dies before writing "done".
    clock.set(DAY1 + timedelta(days=1))
    key = reminder_rows.dm_run_key("2026-11-22", ada.user_id)
    claim = await job_rows.claim_run(svc.db, 1, DM_KIND, key, clock.now())
    assert claim is not None and await job_rows.mark_sending(svc.db, claim, clock.now())
    await svc.scheduler.run_once(inbox)  # that day's daily post; the DM's lease still holds
    assert len(inbox.dms) == 1
    job = next(j for j in svc.scheduler.jobs if j.kind == DM_KIND)
    built = await job.build_post(dm_run(key), clock.now())
    assert built is not None
    await inbox.send(with_run_key(built, 1, DM_KIND, key))
    clock.advance(minutes=3)
    await svc.scheduler.run_once(inbox)
    assert len(inbox.dms) == 2  # found in the DM channel: not sent again
    run = await job_rows.get_run(svc.db, 1, DM_KIND, key)
    assert run is not None and (run.status, run.detail) == ("done", "found in the channel")


async def test_a_transient_failure_is_retried_and_the_dm_still_goes_once(
    svc: Services, clock: ManualClock
) -> None:
    ada = member(2, "ada")
    clock.set(DAY1)
    await configure(svc)
    await card(svc, ada, P1, DAY1)
    await svc.reminders.set(ada, True)
    inbox = Inbox()
    inbox.fail_next = 1
    await svc.scheduler.run_once(inbox)
    assert inbox.dms == []
    clock.advance(minutes=6)  # past the retry delay
    await svc.scheduler.run_once(inbox)
    await svc.scheduler.run_once(inbox)
    assert inbox.dm_lines() == [("ada", "1 review due in test guild: /review")]


async def test_a_member_whose_reviews_are_done_gets_no_dm(svc: Services, clock: ManualClock) -> None:
    ada = member(2, "ada")
    clock.set(DAY1 - timedelta(hours=1))
    await configure(svc)
    await card(svc, ada, P1, DAY1)
    await svc.reminders.set(ada, True)
    job = next(j for j in svc.scheduler.jobs if j.kind == DM_KIND)
    listed = dm_run(f"2026-11-21:{ada.user_id}")
    # reviewed before the post: the card moves out, so nothing is due today
    existing = await review_rows.get_card(svc.db, 1, ada.user_id, P1)
    assert existing is not None
    later = review_rows.CardState(due_at=DAY1 + timedelta(days=5))
    await review_rows.save_review(svc.db, existing, later, lapsed=False, now=clock.now())
    clock.set(DAY1)
    inbox = Inbox()
    await svc.scheduler.run_once(inbox)
    assert len(inbox.posts) == 1 and inbox.dms == []
    assert await job_rows.get_run(svc.db, 1, DM_KIND, listed.run_key) is None  # not even a run
    # and a run listed just before a review is built as nothing
    assert await job.build_post(listed, clock.now()) is None


def dm_run(key: str) -> DueRun:
    return DueRun(1, key)
