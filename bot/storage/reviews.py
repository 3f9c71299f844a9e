"""Review cards (their FSRS state and schedule) and the review log behind /review and /stats.

Instants are ISO UTC text with seconds (`2026-12-05T10:00:00+00:00`), so comparing the text
compares the instants, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.storage.database import Database

LEARNING = 1  # fsrs.State.Learning: a card not yet rated


@dataclass(frozen=True)
class CardState:
    """An FSRS card as stored in review_cards (fsrs's own Card is built from it in the services)."""

    state: int = LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due_at: datetime | None = None
    last_review: datetime | None = None


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@dataclass(frozen=True)
class CardRow:
    id: int
    guild_id: int
    user_id: int
    card_key: str
    problem_id: str
    family: str | None
    topic: str
    difficulty: int
    fsrs: CardState
    reviews: int
    lapses: int
    issued_problem: str | None
    issued_misses: int

    @property
    def due_at(self) -> datetime:
        assert self.fsrs.due_at is not None
        return self.fsrs.due_at


_COLUMNS = (
    "id, guild_id, user_id, card_key, problem_id, family, topic, difficulty, fsrs_state, fsrs_step,"
    " stability, fsrs_difficulty, due_at, last_review, reviews, lapses, issued_problem, issued_misses"
)


def _card(row: Any) -> CardRow:
    return CardRow(
        row["id"],
        row["guild_id"],
        row["user_id"],
        row["card_key"],
        row["problem_id"],
        row["family"],
        row["topic"],
        row["difficulty"],
        CardState(
            row["fsrs_state"],
            row["fsrs_step"],
            row["stability"],
            row["fsrs_difficulty"],
            _instant(row["due_at"]),
            _instant(row["last_review"]),
        ),
        row["reviews"],
        row["lapses"],
        row["issued_problem"],
        row["issued_misses"],
    )


async def get_card(db: Database, guild_id: int, user_id: int, card_key: str) -> CardRow | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM review_cards WHERE guild_id = ? AND user_id = ? AND card_key = ?",
        (guild_id, user_id, card_key),
    )
    return None if row is None else _card(row)


async def card_by_id(db: Database, card_id: int) -> CardRow | None:
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM review_cards WHERE id = ?", (card_id,))
    return None if row is None else _card(row)


async def solved_before(db: Database, guild_id: int, user_id: int, problem_id: str, kind: str) -> bool:
    """Whether an earlier answer to this problem was correct (a later go is no longer a first go)."""
    value = await db.fetch_value(
        "SELECT COUNT(*) FROM submissions WHERE guild_id = ? AND user_id = ? AND problem_id = ? AND kind = ?"
        " AND status = 'correct'",
        (guild_id, user_id, problem_id, kind),
    )
    return bool(value)


async def card_issued(db: Database, guild_id: int, user_id: int, problem_id: str) -> CardRow | None:
    """The card whose review is showing `problem_id` to this member now, if any."""
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM review_cards WHERE guild_id = ? AND user_id = ? AND issued_problem = ?",
        (guild_id, user_id, problem_id),
    )
    return None if row is None else _card(row)


async def save_first(
    db: Database,
    *,
    guild_id: int,
    user_id: int,
    card_key: str,
    problem_id: str,
    family: str | None,
    topic: str,
    difficulty: int,
    fsrs: CardState,
    now: datetime,
) -> int:
    """Create the card from a first go, or reschedule it while it has had no review yet (the
    first go's outcome changed: missed, then solved after hints)."""
    params = (
        fsrs.state,
        fsrs.step,
        fsrs.stability,
        fsrs.difficulty,
        iso(fsrs.due_at or now),
        None if fsrs.last_review is None else iso(fsrs.last_review),
        iso(now),
    )
    existing = await get_card(db, guild_id, user_id, card_key)
    if existing is not None:
        await db.execute(
            "UPDATE review_cards SET fsrs_state = ?, fsrs_step = ?, stability = ?, fsrs_difficulty = ?,"
            " due_at = ?, last_review = ?, updated_at = ? WHERE id = ?",
            (*params, existing.id),
        )
        return existing.id
    return await db.insert(
        "INSERT INTO review_cards (fsrs_state, fsrs_step, stability, fsrs_difficulty, due_at, last_review,"
        " updated_at, guild_id, user_id, card_key, problem_id, family, topic, difficulty, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*params, guild_id, user_id, card_key, problem_id, family, topic, difficulty, iso(now)),
    )


async def save_review(db: Database, card: CardRow, fsrs: CardState, *, lapsed: bool, now: datetime) -> None:
    """A rating from /review: the new schedule, one more review (and lapse); the issue stays
    open after a miss (the member may still solve it) and closes after a pass."""
    await db.execute(
        "UPDATE review_cards SET fsrs_state = ?, fsrs_step = ?, stability = ?, fsrs_difficulty = ?,"
        " due_at = ?, last_review = ?, reviews = reviews + 1, lapses = lapses + ?, updated_at = ?,"
        " issued_problem = CASE WHEN ? = 1 THEN issued_problem ELSE NULL END,"
        " issued_misses = CASE WHEN ? = 1 THEN issued_misses + 1 ELSE 0 END WHERE id = ?",
        (
            fsrs.state,
            fsrs.step,
            fsrs.stability,
            fsrs.difficulty,
            iso(fsrs.due_at or now),
            None if fsrs.last_review is None else iso(fsrs.last_review),
            int(lapsed),
            iso(now),
            int(lapsed),
            int(lapsed),
            card.id,
        ),
    )


async def close_issue(db: Database, card_id: int, *, missed: bool, now: datetime) -> None:
    """An answer to an issue already rated: a miss is counted, a correct answer closes the issue."""
    await db.execute(
        "UPDATE review_cards SET issued_misses = issued_misses + ?,"
        " issued_problem = CASE WHEN ? = 1 THEN issued_problem ELSE NULL END, updated_at = ? WHERE id = ?",
        (int(missed), int(missed), iso(now), card_id),
    )


async def issue(db: Database, card_id: int, problem_id: str, now: datetime) -> None:
    """/review is showing `problem_id` for this card (kept until it is answered correctly)."""
    await db.execute(
        "UPDATE review_cards SET issued_problem = ?, issued_misses = 0, updated_at = ? WHERE id = ?",
        (problem_id, iso(now), card_id),
    )


async def log(
    db: Database,
    card: CardRow | int,
    *,
    guild_id: int,
    user_id: int,
    topic: str,
    problem_id: str,
    source: str,
    status: str,
    rating: int | None,
    due_after: datetime | None,
    now: datetime,
) -> None:
    await db.insert(
        "INSERT INTO review_log (card_id, guild_id, user_id, topic, problem_id, source, status, rating,"
        " due_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            card if isinstance(card, int) else card.id,
            guild_id,
            user_id,
            topic,
            problem_id,
            source,
            status,
            rating,
            None if due_after is None else iso(due_after),
            iso(now),
        ),
    )


async def due_cards(
    db: Database, guild_id: int, user_id: int, until: datetime, limit: int = 1
) -> list[CardRow]:
    """The member's cards due by `until`, most overdue first."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM review_cards WHERE guild_id = ? AND user_id = ? AND due_at <= ?"
        " ORDER BY due_at, id LIMIT ?",
        (guild_id, user_id, iso(until), limit),
    )
    return [_card(row) for row in rows]


async def count_due(db: Database, guild_id: int, user_id: int, until: datetime) -> int:
    value = await db.fetch_value(
        "SELECT COUNT(*) FROM review_cards WHERE guild_id = ? AND user_id = ? AND due_at <= ?",
        (guild_id, user_id, iso(until)),
    )
    return int(value or 0)


async def next_due(db: Database, guild_id: int, user_id: int) -> datetime | None:
    value = await db.fetch_value(
        "SELECT MIN(due_at) FROM review_cards WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return _instant(value)


@dataclass(frozen=True)
class TopicReviews:
    topic: str
    cards: int
    due: int
    reviews: int  # ratings from /review
    passed: int  # of which Hard or better


async def topic_reviews(db: Database, guild_id: int, user_id: int, until: datetime) -> list[TopicReviews]:
    """Per topic: cards, cards due by `until`, review ratings and passes (for /stats and mastery)."""
    cards = await db.fetch_all(
        "SELECT topic, COUNT(*) AS cards, SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END) AS due"
        " FROM review_cards WHERE guild_id = ? AND user_id = ? GROUP BY topic",
        (iso(until), guild_id, user_id),
    )
    rated = await db.fetch_all(
        "SELECT topic, COUNT(*) AS reviews, SUM(CASE WHEN rating >= 2 THEN 1 ELSE 0 END) AS passed"
        " FROM review_log WHERE guild_id = ? AND user_id = ? AND source = 'review' AND rating IS NOT NULL"
        " GROUP BY topic",
        (guild_id, user_id),
    )
    by_topic: dict[str, list[int]] = {}
    for row in cards:
        by_topic[row["topic"]] = [row["cards"], row["due"] or 0, 0, 0]
    for row in rated:
        by_topic.setdefault(row["topic"], [0, 0, 0, 0])[2:] = [row["reviews"], row["passed"] or 0]
    return [TopicReviews(topic, *values) for topic, values in sorted(by_topic.items())]


async def first_tries(db: Database, guild_id: int, user_id: int, since: str) -> list[tuple[str, str, str]]:
    """(topic, problem_id, status) of every graded daily/practice answer since the ISO date `since`,
    oldest first: the caller keeps each problem's first one (its first try)."""
    rows = await db.fetch_all(
        "SELECT topic, problem_id, status FROM submissions WHERE guild_id = ? AND user_id = ?"
        " AND local_date >= ? AND kind IN ('daily', 'practice') AND status IN ('correct', 'incorrect')"
        " AND topic != '' ORDER BY id",
        (guild_id, user_id, since),
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def export_rows(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every card and log row of a member, as plain dicts (for a data export)."""
    cards = await db.fetch_all(
        "SELECT * FROM review_cards WHERE guild_id = ? AND user_id = ? ORDER BY id", (guild_id, user_id)
    )
    logs = await db.fetch_all(
        "SELECT * FROM review_log WHERE guild_id = ? AND user_id = ? ORDER BY id", (guild_id, user_id)
    )
    return {"review_cards": [dict(row) for row in cards], "review_log": [dict(row) for row in logs]}
