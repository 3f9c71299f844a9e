"""The rating mapping and FSRS scheduling on a fake clock, and the mastery formula."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.review_rules import Grade, Mastery, Outcome, grade_for, schedule

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("outcome", "grade"),
    [
        (Outcome(solved=False, attempts=1), Grade.AGAIN),  # missed
        (Outcome(solved=False, attempts=2, solution_seen=True), Grade.AGAIN),  # wrong, then solution
        (Outcome(solved=True, attempts=2, solution_seen=True), Grade.AGAIN),  # solved only after it
        (Outcome(solved=False, attempts=0, solution_seen=True), Grade.AGAIN),  # gave up at once
        (Outcome(solved=True, attempts=1, hints=1), Grade.HARD),  # after a hint
        (Outcome(solved=True, attempts=3), Grade.HARD),  # after several attempts
        (Outcome(solved=True, attempts=1), Grade.GOOD),  # first try
    ],
)
def test_outcome_sets_the_rating(outcome: Outcome, grade: Grade) -> None:
    assert grade_for(outcome) is grade


@pytest.mark.parametrize("grade", [Grade.AGAIN, Grade.HARD])
def test_a_missed_problem_is_due_within_two_days_then_further_apart(grade: Grade) -> None:
    card = schedule(None, grade, NOW)
    assert card.due_at is not None
    first = card.due_at - NOW
    assert timedelta(days=1) <= first <= timedelta(days=2)

    gaps = [first]
    clock = card.due_at
    for _ in range(4):  # each success on the due day pushes the next one further out
        card = schedule(card, Grade.GOOD, clock)
        assert card.due_at is not None
        gaps.append(card.due_at - clock)
        clock = card.due_at
    assert gaps == sorted(gaps) and len(set(gaps)) == len(gaps), gaps
    assert gaps[-1] >= timedelta(days=30)


def test_a_lapse_brings_the_card_back_sooner() -> None:
    card = schedule(None, Grade.AGAIN, NOW)
    clock = card.due_at
    for _ in range(3):
        card = schedule(card, Grade.GOOD, clock)
        clock = card.due_at
    assert clock is not None
    before = card.due_at - schedule(None, Grade.AGAIN, NOW).due_at  # type: ignore[operator]
    lapsed = schedule(card, Grade.AGAIN, clock)
    assert lapsed.due_at is not None and lapsed.due_at - clock < before


def test_scheduling_is_deterministic() -> None:
    """No fuzzing: every process (and a restart) computes the same schedule from the same history."""
    assert schedule(None, Grade.HARD, NOW) == schedule(None, Grade.HARD, NOW)


def test_mastery_mixes_first_tries_and_retention() -> None:
    both = Mastery("bayes", first_tries=10, first_try_correct=5, reviews=4, reviews_passed=4)
    assert both.score == pytest.approx(0.6 * 50 + 0.4 * 100)
    assert both.level == "solid"
    only_first = Mastery("bayes", first_tries=4, first_try_correct=1, reviews=0, reviews_passed=0)
    assert only_first.score == pytest.approx(25) and only_first.level == "starting"
    only_reviews = Mastery("bayes", first_tries=0, first_try_correct=0, reviews=2, reviews_passed=1)
    assert only_reviews.score == pytest.approx(50) and only_reviews.level == "learning"
    assert Mastery("x", 10, 10, 10, 10).level == "mastered"
    # the practice difficulty climbs with the level, within 1-5
    levels = [Mastery("x", 10, n, 0, 0).next_difficulty for n in range(11)]
    assert levels == sorted(levels) and levels[0] == 1 and levels[-1] == 5
