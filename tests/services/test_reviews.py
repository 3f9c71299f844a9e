"""/review end to end in the services: cards made where answers and solutions are recorded, the
FSRS schedule on a fake clock, fresh variants for generator families, reviews kept out of streaks
and leaderboards, /stats' reviews line and mastery, /practice aiming at due material."""

from __future__ import annotations

from bot.content import load_content
from bot.content.generators import FAMILIES
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.services.topic_scores import family_of
from bot.storage import reviews as review_rows
from tests.helpers import answer_for, wrong_answer_for
from tests.services.helpers import member, record_answers


def fields(reply) -> dict[str, str]:
    return {f.name: f.value for f in reply.fields}


async def test_missed_daily_then_solution_comes_back_the_next_day(svc: Services, clock: ManualClock) -> None:
    ada = member(1, "ada")
    pid = (await svc.daily.today(ada)).prompt.id
    await svc.answers.answer(ada, wrong_answer_for(pid))
    await svc.daily.solution(ada, confirm=True)

    today = await svc.reviews.review(ada)
    assert today.title == "Reviews" and "Nothing due today" in today.text and "Sun 22 Nov" in today.text
    assert "review due" not in (await svc.daily.daily(ada)).text

    clock.advance(days=1)
    daily = await svc.daily.daily(ada)
    assert daily.ephemeral and "1 review due: /review" in daily.text
    shown = await svc.reviews.review(ada)
    assert shown.ephemeral and shown.title.startswith("Review · ")
    assert fields(shown)["Problem"] == f"`{pid}`"  # a bank prompt comes back as itself
    prompt = load_content().get_prompt(pid)
    assert prompt is not None
    if prompt.hints:
        assert "||" in fields(shown)["Hints (if stuck)"]

    verdict = (await svc.answers.answer(ada, answer_for(pid), pid)).reply
    assert verdict.title.startswith("Correct! — review of")
    assert "Review passed: next review on" in verdict.footer
    assert await svc.reviews.due_count(ada) == 0

    # reviews never count as a solved day, in the streak or on the leaderboard
    assert "current streak 0" in (await svc.progress.streak(ada)).text
    assert "Nobody has solved" in (await svc.progress.leaderboard(ada, "all")).text
    stats = fields(await svc.progress.stats(ada))
    assert stats["Reviews"] == "0 reviews due today · 1 review done · retention 100%"
    assert "next: /practice topic:" in stats["Mastery per topic (/help topic:mastery)"]
    public = await svc.progress.stats(member(9, "bob"), ada)  # /stats member:@ada, shown to the channel
    assert not public.ephemeral and fields(public)["Reviews"] == "1 review done · retention 100%"


async def test_ratings_first_try_makes_no_card_hints_or_retries_are_hard(svc: Services) -> None:
    bob, cy, dee = member(2, "bob"), member(3, "cy"), member(4, "dee")
    pid = (await svc.daily.today(bob)).prompt.id
    await svc.answers.answer(bob, answer_for(pid))
    assert "No review cards yet" in (await svc.reviews.review(bob)).text

    await svc.answers.answer(cy, wrong_answer_for(pid))
    await svc.answers.answer(cy, answer_for(pid))
    cy_rows = await review_rows.export_rows(svc.db, cy.guild_id, cy.user_id)
    assert [(r["source"], r["status"], r["rating"]) for r in cy_rows["review_log"]] == [
        ("first", "incorrect", 1),
        ("first", "correct", 2),  # missed, then solved: rescheduled as Hard
    ]
    assert len(cy_rows["review_cards"]) == 1

    prompt = load_content().get_prompt(pid)
    assert prompt is not None
    if prompt.hints:
        await svc.daily.hint(dee)
        await svc.answers.answer(dee, answer_for(pid))
        dee_log = (await review_rows.export_rows(svc.db, dee.guild_id, dee.user_id))["review_log"]
        assert [r["rating"] for r in dee_log] == [2]


async def test_a_generator_card_reviews_a_fresh_variant(svc: Services, clock: ManualClock) -> None:
    ada = member(5, "ada")
    family = sorted(FAMILIES)[0]
    original = await svc.problems.generate(family, "first-go")
    await svc.answers.answer(ada, wrong_answer_for(original.id), original.id)  # a practice miss

    clock.advance(days=2)
    shown = await svc.reviews.review(ada)
    variant = fields(shown)["Problem"].strip("`")
    assert variant != original.id and family_of(variant) == family
    assert "Fresh numbers" in fields(shown)
    again = await svc.reviews.review(ada)  # asking twice shows the same variant, not a reroll
    assert fields(again)["Problem"].strip("`") == variant

    missed = (await svc.answers.answer(ada, wrong_answer_for(variant), variant)).reply
    assert "Missed: this card comes back on" in missed.footer
    assert await svc.reviews.due_count(ada) == 0  # rescheduled for a later day
    solved = (await svc.answers.answer(ada, answer_for(variant), variant)).reply
    assert "Solved; this card comes back on" in solved.footer
    log = (await review_rows.export_rows(svc.db, ada.guild_id, ada.user_id))["review_log"]
    assert [(r["source"], r["rating"]) for r in log] == [("first", 1), ("review", 1), ("review", None)]
    # closed: the variant id is an ordinary practice id again, not a review
    late = (await svc.answers.answer(ada, answer_for(variant), variant)).reply
    assert "review of" not in late.title
    stats = fields(await svc.progress.stats(ada))
    assert "retention 0%" in stats["Reviews"]


async def test_practice_with_no_topic_picks_the_weakest_topic_with_due_reviews(
    svc: Services, clock: ManualClock
) -> None:
    ada = member(6, "ada")
    bank = load_content()
    topics = sorted(t for t in bank.topics if bank.prompts_by_topic(t))
    weak, due_topic = topics[0], topics[1]
    # a weak topic by plain accuracy, without any card
    await record_answers(svc, ada, [(p.id, "incorrect") for p in bank.prompts_by_topic(weak)[:3]])
    missed = bank.prompts_by_topic(due_topic)[0]
    await svc.answers.answer(ada, wrong_answer_for(missed.id), missed.id)
    clock.advance(days=2)

    reply = await svc.practice.practice(ada)
    shown = fields(reply)
    assert shown["Topic"] == bank.topics[due_topic].title
    assert "weakest topic with reviews due" in shown["Note"]


async def test_cards_survive_a_restart(settings, clock: ManualClock, shared_workers) -> None:
    ada = member(7, "ada")
    first = await Services.open(settings, clock=clock, workers=shared_workers)
    pid = (await first.daily.today(ada)).prompt.id
    await first.answers.answer(ada, wrong_answer_for(pid))
    await first.close()

    clock.advance(days=1)
    second = await Services.open(settings, clock=clock, workers=shared_workers)
    try:
        assert await second.reviews.due_count(ada) == 1
        assert fields(await second.reviews.review(ada))["Problem"] == f"`{pid}`"
    finally:
        await second.close()
