"""Pure challenge rules: points, windows in time zones (DST included), choosing problems; and the
curriculum schedule arithmetic behind pause, resume and skip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.services.challenge_rules import (
    check_window,
    choose_problems,
    default_window,
    duration_text,
    parse_when,
    points_for,
    shown_close,
)
from bot.services.curricula import anchored_at, week_of
from bot.services.daily import Candidate
from bot.services.errors import UserError
from bot.storage.curricula import CurriculumRun


def test_points_fall_with_wrong_attempts_down_to_a_floor() -> None:
    assert points_for(3, 0) == 30
    assert points_for(3, 2) == 26
    assert points_for(3, 100) == 9  # the floor: a solve always earns something
    assert points_for(1, 3) == 4
    assert points_for(5, 0) > points_for(4, 0)


def test_default_window_is_this_week_on_a_monday_else_next_week() -> None:
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    opens, closes = default_window(monday_noon, "UTC")
    assert (opens, closes) == (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert default_window(wednesday, "UTC")[0] == datetime(2026, 11, 30, tzinfo=UTC)
    # Sunday 23:30 UTC is already Monday in Tokyo: Tokyo's week starts "today" there.
    late_sunday = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    opens, _ = default_window(late_sunday, "Asia/Tokyo")
    assert opens == datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # Monday 00:00 JST
    assert default_window(late_sunday, "UTC")[0] == datetime(2026, 11, 30, tzinfo=UTC)


def test_window_across_dst_keeps_local_midnights() -> None:
    # Europe/Berlin springs forward on Sunday 2026-03-29: the week is 167 hours long.
    opens, closes = default_window(datetime(2026, 3, 23, 8, 0, tzinfo=UTC), "Europe/Berlin")
    assert opens.astimezone(UTC) == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert closes.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert closes - opens == timedelta(hours=167)
    shown = shown_close(closes, "Europe/Berlin")
    assert (shown.date(), shown.hour, shown.minute) == (date(2026, 3, 29), 23, 59)


def test_parse_when_dates_and_times() -> None:
    assert parse_when("2026-11-23", "UTC", end=False) == datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_when("2026-11-29", "UTC", end=True) == datetime(2026, 11, 30, tzinfo=UTC)  # through 23:59
    assert parse_when("2026-11-29 18:30", "America/New_York", end=True).astimezone(UTC) == datetime(
        2026, 11, 29, 23, 30, tzinfo=UTC
    )
    for bad in ("tomorrow", "2026-02-30", "2026-11-29 25:00"):
        with pytest.raises(UserError):
            parse_when(bad, "UTC", end=False)


def test_check_window_rejects_bad_windows() -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    with pytest.raises(UserError, match="end after it starts"):
        check_window(now + timedelta(days=2), now + timedelta(days=1), now, explicit_start=True)
    with pytest.raises(UserError, match="at most"):
        check_window(now, now + timedelta(days=40), now, explicit_start=False)
    with pytest.raises(UserError, match="in the past"):
        check_window(now - timedelta(days=2), now + timedelta(days=1), now, explicit_start=True)
    check_window(now - timedelta(hours=12), now + timedelta(days=6), now, explicit_start=False)


def test_duration_text() -> None:
    assert duration_text(timedelta(days=2, hours=5, minutes=7)) == "2 days 5 hours"
    assert duration_text(timedelta(hours=1, minutes=1)) == "1 hour 1 minute"
    assert duration_text(timedelta(seconds=20)) == "0 minutes"


def _candidates() -> list[Candidate]:
    found = []
    for topic in ("a", "b", "c"):
        for level in range(1, 6):
            found.append(Candidate(f"{topic}{level}", topic, level, False))
    return found


def test_choose_problems_spreads_topics_skips_excluded_and_sorts_easiest_first() -> None:
    chosen = choose_problems(_candidates(), count=6, difficulty=None, excluded={"a1", "b2"}, seed="s")
    keys = [c.key for c in chosen]
    assert len(set(keys)) == 6 and not {"a1", "b2"} & set(keys)
    assert {c.topic for c in chosen} == {"a", "b", "c"}
    assert [c.topic for c in chosen].count("a") == 2
    assert [c.difficulty for c in chosen] == sorted(c.difficulty for c in chosen)
    assert choose_problems(_candidates(), count=6, difficulty=None, excluded={"a1", "b2"}, seed="s") == chosen


def test_choose_problems_by_difficulty_and_not_enough() -> None:
    chosen = choose_problems(_candidates(), count=3, difficulty=5, excluded=(), seed="x")
    assert all(c.difficulty == 5 for c in chosen)  # the exact level first
    chosen = choose_problems(_candidates(), count=6, difficulty=5, excluded=(), seed="x")
    assert all(c.difficulty >= 4 for c in chosen)
    with pytest.raises(UserError, match="Only 6 problem"):
        choose_problems(_candidates(), count=7, difficulty=5, excluded=(), seed="x")


def _run(**changes: object) -> CurriculumRun:
    base = dict(
        id=1,
        guild_id=1,
        slug="c",
        name="C",
        start_date=date(2026, 11, 23),
        week_index=0,
        week_start=date(2026, 11, 23),
        paused_since=None,
        status="running",
    )
    base.update(changes)
    return CurriculumRun(**base)  # type: ignore[arg-type]


def test_schedule_weeks_pause_and_skip() -> None:
    run = _run()
    assert week_of(run, date(2026, 11, 22)) is None  # before the start
    assert week_of(run, date(2026, 11, 23)) == 0
    assert week_of(run, date(2026, 11, 29)) == 0
    assert week_of(run, date(2026, 11, 30)) == 1
    paused = _run(paused_since=date(2026, 11, 26))
    assert week_of(paused, date(2026, 11, 25)) == 0
    assert week_of(paused, date(2026, 11, 26)) is None  # rotation while paused
    assert anchored_at(run, date(2026, 12, 2)) == (1, date(2026, 11, 30))
    skipped = _run(week_index=1, week_start=date(2026, 11, 25))  # skip on Wednesday
    assert week_of(skipped, date(2026, 11, 25)) == 1
    assert week_of(skipped, date(2026, 12, 2)) == 2
