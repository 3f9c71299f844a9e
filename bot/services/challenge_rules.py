"""Weekly-challenge rules, pure: windows in a guild's time zone, points, and choosing problems."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.replies import plural
from bot.services.daily import Candidate
from bot.services.errors import UserError

MIN_PROBLEMS, MAX_PROBLEMS, DEFAULT_PROBLEMS = 3, 10, 5
POINTS_PER_LEVEL = 10  # a difficulty-3 problem is worth 30 points
WRONG_PENALTY = 2  # per wrong attempt before the first correct answer
FLOOR_PER_LEVEL = 3  # a solved difficulty-3 problem earns at least 9 points
MAX_DAYS = 31
_WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")


def points_for(difficulty: int, wrong: int) -> int:
    """A solved problem's points: its difficulty, minus a small penalty per wrong attempt, floored."""
    return max(difficulty * POINTS_PER_LEVEL - WRONG_PENALTY * wrong, difficulty * FLOOR_PER_LEVEL)


def local_midnight(day: date, timezone: str) -> datetime:
    """00:00 on a local date as a UTC instant (wall clock, so DST never moves it)."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def default_window(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """Monday 00:00 to Sunday 23:59 local: this week when created on a Monday, else next week."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    monday = today if today.weekday() == 0 else today + timedelta(days=7 - today.weekday())
    return local_midnight(monday, timezone), local_midnight(monday + timedelta(days=7), timezone)


def week_window(monday: date, timezone: str) -> tuple[datetime, datetime]:
    return local_midnight(monday, timezone), local_midnight(monday + timedelta(days=7), timezone)


def parse_when(text: str, timezone: str, *, end: bool) -> datetime:
    """'2026-11-23' (start: 00:00; end: through 23:59 of that day) or '2026-11-23 18:00', local."""
    match = _WHEN.match(text.strip())
    what = "end" if end else "start"
    if not match:
        raise UserError(f"{what} must look like 2026-11-23 or 2026-11-23 18:00 — got {text!r}.")
    try:
        day = date.fromisoformat(match.group(1))
        if match.group(2) is None:
            return local_midnight(day + timedelta(days=1) if end else day, timezone)
        clock = time(int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise UserError(f"{what}: {text!r} is not a real date and time.") from None
    return datetime.combine(day, clock, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def check_window(opens: datetime, closes: datetime, now: datetime, *, explicit_start: bool) -> None:
    if closes <= opens:
        raise UserError("The challenge must end after it starts.")
    if closes - opens > timedelta(days=MAX_DAYS):
        raise UserError(f"A challenge lasts at most {MAX_DAYS} days.")
    if closes - opens < timedelta(hours=1):
        raise UserError("A challenge lasts at least an hour.")
    if closes <= now:
        raise UserError("That end is already past.")
    if explicit_start and opens < now - timedelta(minutes=5):
        raise UserError("That start is in the past; leave start out to open it now or give a later time.")


def shown_close(closes: datetime, timezone: str) -> datetime:
    """How the close is written: an exclusive 00:00 reads as 23:59 of the day before."""
    local = closes.astimezone(ZoneInfo(timezone))
    return local - timedelta(minutes=1) if local.time() == time(0) else local


def when_text(instant: datetime, timezone: str) -> str:
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def duration_text(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days and (mins or not parts):
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts[:2])


def _hash(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()[:8], "big")


def choose_problems(
    candidates: Sequence[Candidate],
    *,
    count: int,
    difficulty: int | None,
    excluded: Collection[str],
    seed: str,
) -> list[Candidate]:
    """`count` distinct problems, taking the topics in turn so every topic is represented; with a
    difficulty, only problems within one level of it, the exact level first. Easiest first."""
    pool: dict[str, list[Candidate]] = {}
    seen: set[str] = set()
    for c in candidates:
        if c.key in excluded or c.key in seen:
            continue
        if difficulty is not None and abs(c.difficulty - difficulty) > 1:
            continue
        seen.add(c.key)
        pool.setdefault(c.topic, []).append(c)
    for items in pool.values():
        items.sort(key=lambda c: (abs(c.difficulty - difficulty) if difficulty else 0, _hash(seed, c.key)))
    available = sum(len(items) for items in pool.values())
    if available < count:
        level = f" at difficulty {difficulty}±1" if difficulty is not None else ""
        raise UserError(
            f"Only {plural(available, 'problem')}{level} {'is' if available == 1 else 'are'} available"
            " for those topics this week (the week's daily prompts are left out); ask for fewer, or add"
            " topics."
        )
    order = sorted(pool, key=lambda topic: _hash(seed, topic))
    chosen: list[Candidate] = []
    while len(chosen) < count:
        for topic in order:
            if pool[topic] and len(chosen) < count:
                chosen.append(pool[topic].pop(0))
    return sorted(chosen, key=lambda c: (c.difficulty, _hash(seed, c.key)))
