"""Streak rules, pure: which local day it is for a guild, and what a list of solved days is worth.

Streaks are derived from the solved days (one row per guild-local date, written once), never kept as
a counter, so no race, restart or time-zone change can leave a stored number out of step.

Rules:
- A day counts when the member's first correct answer to that day's prompt came before they
  asked for the solution (the service decides that; here a day is simply in `solved`).
- The current streak is the run of consecutive counted days ending today or yesterday (today is
  not over, so not having solved yet breaks nothing).
- Every FREEZE_EVERY counted days of a streak earn a freeze; at most MAX_FREEZES are held. A missed
  day inside a streak uses a held freeze automatically and keeps the streak (it does not add to it).
- Days are the guild's calendar days (zoneinfo), so DST changes move no day boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FREEZE_EVERY = 7
MAX_FREEZES = 2


def local_now(now: datetime, timezone: str) -> datetime:
    return now.astimezone(ZoneInfo(timezone))


def local_date(now: datetime, timezone: str) -> date:
    """The guild's calendar date at the instant `now`."""
    return local_now(now, timezone).date()


def post_due(now: datetime, timezone: str, post_time: str) -> bool:
    """True once the guild's wall clock has reached `post_time` today.

    Comparing wall-clock times (not UTC offsets) keeps the post at 09:00 local across DST; a post
    time that does not exist on a spring-forward day (02:30) is due as soon as the clock jumps past it.
    """
    hour, minute = (int(part) for part in post_time.split(":"))
    return local_now(now, timezone).time() >= time(hour, minute)


@dataclass(frozen=True)
class StreakState:
    current: int
    longest: int
    freezes: int  # held now
    frozen: frozenset[date]  # missed days a freeze covered
    solved_today: bool
    toward_freeze: int  # counted days since the last freeze was earned (0..FREEZE_EVERY-1)

    @property
    def days_to_next_freeze(self) -> int:
        return FREEZE_EVERY - self.toward_freeze


def compute_streak(solved: Iterable[date], today: date) -> StreakState:
    """Replay every day from the first solved one up to today (a year is ~365 steps)."""
    days = sorted({d for d in solved if d <= today})
    if not days:
        return StreakState(0, 0, 0, frozenset(), False, 0)
    solved_set = set(days)
    current = longest = freezes = progress = 0
    frozen: set[date] = set()
    day = days[0]
    while day <= today:
        if day in solved_set:
            current += 1
            longest = max(longest, current)
            progress += 1
            if progress == FREEZE_EVERY:
                progress = 0
                freezes = min(MAX_FREEZES, freezes + 1)
        elif day < today and current > 0:
            if freezes > 0:
                freezes -= 1
                frozen.add(day)
            else:
                current = progress = 0
        day += timedelta(days=1)
    return StreakState(current, longest, freezes, frozenset(frozen), today in solved_set, progress)


def last_days(today: date, count: int = 7) -> list[date]:
    """The `count` local dates ending today, oldest first."""
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def period_keys(day: date) -> tuple[str, str, str]:
    """Leaderboard periods a day belongs to: ('all', 'M2026-11', 'W2026-47')."""
    iso = day.isocalendar()
    return ("all", f"M{day.year:04d}-{day.month:02d}", f"W{iso.year:04d}-{iso.week:02d}")


def period_key(period: str, today: date) -> str:
    all_key, month, week = period_keys(today)
    return {"all": all_key, "month": month, "week": week}[period]
