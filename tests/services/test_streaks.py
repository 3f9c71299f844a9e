"""Streak rules as pure functions: consecutive local days, gaps, freezes, time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.services.streaks import (
    FREEZE_EVERY,
    MAX_FREEZES,
    compute_streak,
    last_days,
    local_date,
    period_key,
    period_keys,
    post_due,
)

D0 = date(2026, 11, 1)


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=o) for o in offsets]


def test_no_days_is_an_empty_streak() -> None:
    state = compute_streak([], D0)
    assert (state.current, state.longest, state.freezes, state.solved_today) == (0, 0, 0, False)


def test_consecutive_days_make_a_streak_and_today_pending_breaks_nothing() -> None:
    solved = days(0, 1, 2)
    assert compute_streak(solved, D0 + timedelta(days=2)).current == 3
    pending = compute_streak(solved, D0 + timedelta(days=3))  # today not solved yet
    assert pending.current == 3 and not pending.solved_today


def test_a_missed_day_without_freeze_resets_but_longest_is_kept() -> None:
    solved = days(0, 1, 2, 4, 5)
    state = compute_streak(solved, D0 + timedelta(days=5))
    assert (state.current, state.longest) == (2, 3)
    assert compute_streak(days(0, 1, 2), D0 + timedelta(days=4)).current == 0  # yesterday missed


def test_duplicates_and_future_days_are_ignored() -> None:
    solved = [*days(0, 1), *days(1), *days(10)]
    state = compute_streak(solved, D0 + timedelta(days=1))
    assert (state.current, state.longest) == (2, 2)


def test_seven_days_earn_a_freeze_used_automatically_for_a_missed_day() -> None:
    solved = days(*range(FREEZE_EVERY))  # days 0..6
    earned = compute_streak(solved, D0 + timedelta(days=6))
    assert earned.freezes == 1 and earned.toward_freeze == 0

    # Day 7 missed, day 8 solved: the freeze covers day 7 and the streak goes on (not counted up).
    state = compute_streak([*solved, D0 + timedelta(days=8)], D0 + timedelta(days=8))
    assert state.frozen == {D0 + timedelta(days=7)}
    assert (state.current, state.freezes) == (FREEZE_EVERY + 1, 0)


def test_freezes_are_capped_and_each_covers_one_day() -> None:
    solved = days(*range(4 * FREEZE_EVERY))  # 28 days: 4 freezes earned, only 2 held
    today = D0 + timedelta(days=4 * FREEZE_EVERY - 1)
    assert compute_streak(solved, today).freezes == MAX_FREEZES

    two_missed = compute_streak(solved, today + timedelta(days=3))  # misses days 28 and 29
    assert two_missed.current == 4 * FREEZE_EVERY and two_missed.freezes == 0
    assert len(two_missed.frozen) == 2

    three_missed = compute_streak(solved, today + timedelta(days=4))  # day 30 missed too
    assert three_missed.current == 0 and three_missed.longest == 4 * FREEZE_EVERY


def test_local_date_follows_the_guild_time_zone() -> None:
    instant = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
    assert local_date(instant, "UTC") == date(2026, 11, 21)
    assert local_date(instant, "America/New_York") == date(2026, 11, 20)  # 22:30 the evening before
    assert local_date(instant, "Asia/Tokyo") == date(2026, 11, 21)
    assert local_date(datetime(2026, 11, 21, 15, 30, tzinfo=UTC), "Pacific/Kiritimati") == date(2026, 11, 22)


def test_late_evening_and_early_morning_are_two_days_in_the_guild_zone() -> None:
    # 23:30 and 00:30 New York time: both on 2026-11-21 in UTC, two days for the guild.
    evening = local_date(datetime(2026, 11, 21, 4, 30, tzinfo=UTC), "America/New_York")
    morning = local_date(datetime(2026, 11, 21, 5, 30, tzinfo=UTC), "America/New_York")
    assert (evening, morning) == (date(2026, 11, 20), date(2026, 11, 21))
    assert compute_streak([evening, morning], morning).current == 2


def test_post_time_is_local_wall_clock_across_dst() -> None:
    zone = "Europe/Berlin"
    # Before the October change 09:00 Berlin is 07:00 UTC; after it, 08:00 UTC.
    assert post_due(datetime(2026, 10, 24, 7, 0, tzinfo=UTC), zone, "09:00")
    assert not post_due(datetime(2026, 10, 24, 6, 59, tzinfo=UTC), zone, "09:00")
    assert not post_due(datetime(2026, 10, 26, 7, 30, tzinfo=UTC), zone, "09:00")
    assert post_due(datetime(2026, 10, 26, 8, 0, tzinfo=UTC), zone, "09:00")


def test_streak_across_the_dst_days_keeps_consecutive_dates() -> None:
    zone = "America/New_York"
    # 2026-03-08 has 23 hours in New York, 2026-11-01 has 25: answers at 23:50 local each day.
    instants = [
        datetime(2026, 3, 8, 3, 50, tzinfo=UTC),  # 2026-03-07 22:50 EST
        datetime(2026, 3, 9, 3, 50, tzinfo=UTC),  # 2026-03-08 23:50 EDT (after the jump)
        datetime(2026, 3, 10, 3, 50, tzinfo=UTC),  # 2026-03-09 23:50 EDT
    ]
    dates = [local_date(i, zone) for i in instants]
    assert dates == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    assert compute_streak(dates, dates[-1]).current == 3


def test_nonexistent_post_time_on_spring_forward_is_due_after_the_jump() -> None:
    zone = "America/New_York"  # 2026-03-08 02:00 -> 03:00
    assert not post_due(datetime(2026, 3, 8, 6, 59, tzinfo=UTC), zone, "02:30")  # 01:59 EST
    assert post_due(datetime(2026, 3, 8, 7, 0, tzinfo=UTC), zone, "02:30")  # 03:00 EDT


def test_last_days_and_period_keys() -> None:
    assert last_days(date(2026, 11, 21)) == [date(2026, 11, 15) + timedelta(days=i) for i in range(7)]
    assert period_keys(date(2026, 11, 21)) == ("all", "M2026-11", "W2026-47")
    assert period_key("week", date(2027, 1, 1)) == "W2026-53"  # ISO week-year, not the calendar year
    assert period_key("month", date(2027, 1, 1)) == "M2027-01"
