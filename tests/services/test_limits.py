"""The member limiter: one heavy task in flight, sliding-window cooldowns, clear retry times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.context import ManualClock
from bot.services.limits import Busy, Cooldown, CoolingDown, MemberLimiter


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


def test_one_heavy_task_in_flight_per_member(clock: ManualClock) -> None:
    limits = MemberLimiter(clock, {})
    with limits.heavy("ada"):
        with pytest.raises(Busy, match="Still working on your last one"), limits.heavy("ada"):
            pass
        with limits.heavy("bob"):  # others are not affected
            assert limits.busy("bob")
    assert not limits.busy("ada")
    with limits.heavy("ada"):  # free again once the first finished
        pass


def test_the_slot_is_released_when_the_task_fails(clock: ManualClock) -> None:
    limits = MemberLimiter(clock, {})
    with pytest.raises(ZeroDivisionError), limits.heavy("ada"):
        1 / 0  # noqa: B018
    assert not limits.busy("ada")


def test_cooldown_counts_uses_in_a_sliding_window_and_says_when(clock: ManualClock) -> None:
    limits = MemberLimiter(clock, {"plot": Cooldown(2, 60)})
    with limits.heavy("ada", "plot"):
        pass
    clock.advance(seconds=20)
    with limits.heavy("ada", "plot"):
        pass
    clock.advance(seconds=10)
    with pytest.raises(CoolingDown) as refused, limits.heavy("ada", "plot"):
        pass
    assert refused.value.retry_after == pytest.approx(30)  # the first use leaves the window at 60 s
    assert str(refused.value) == "/plot can be used 2 times per 60 s: try again in 30 s."
    assert limits.retry_after("bob", "plot") == 0  # per member
    clock.advance(seconds=30)
    with limits.heavy("ada", "plot"):  # one slot free again
        pass
    with pytest.raises(CoolingDown):
        limits.check("ada", "plot")


def test_a_refused_use_is_not_counted(clock: ManualClock) -> None:
    limits = MemberLimiter(clock, {"tex": Cooldown(1, 30)})
    with limits.heavy("ada", "tex"), pytest.raises(Busy), limits.heavy("ada", "tex"):
        pass
    for _ in range(5):  # refusals while cooling down do not push the retry time back
        with pytest.raises(CoolingDown):
            limits.check("ada", "tex")
    clock.advance(seconds=30)
    limits.check("ada", "tex")


def test_commands_without_a_cooldown_only_hold_the_slot(clock: ManualClock) -> None:
    limits = MemberLimiter(clock, {"plot": Cooldown(1, 60)})
    for _ in range(50):
        with limits.heavy("ada", "answer"):
            pass
    assert limits.retry_after("ada", "answer") == 0


def test_a_retry_time_rounds_up_to_whole_seconds(clock: ManualClock) -> None:
    limits = MemberLimiter(clock, {"gd": Cooldown(1, 10)})
    with limits.heavy("ada", "gd"):
        pass
    clock.advance(seconds=9.6)
    with pytest.raises(CoolingDown, match=r"once per 10 s: try again in 1 s\."):
        limits.check("ada", "gd")


def test_a_cooldown_must_make_sense() -> None:
    with pytest.raises(ValueError):
        Cooldown(0, 10)
    with pytest.raises(ValueError):
        Cooldown(1, 0)
