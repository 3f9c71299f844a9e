"""Review cards and the review log: schedule round trip, due queries, reopen, cascade, export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage import guilds as guild_rows
from bot.storage import members as member_rows
from bot.storage import reviews as review_rows
from bot.storage.database import Database
from bot.storage.reviews import CardState

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
BIG = 1_234_567_890_123_456_789  # a Discord snowflake needs 64 bits


async def _member(db: Database, guild_id: int = BIG, user_id: int = BIG + 1) -> None:
    await guild_rows.ensure_guild(db, guild_id)
    await member_rows.upsert_member(db, guild_id, user_id, "ada")


async def _card(db: Database, key: str, due: datetime, topic: str = "bayes") -> int:
    state = CardState(2, None, 1.29, 5.1, due, NOW)
    return await review_rows.save_first(
        db,
        guild_id=BIG,
        user_id=BIG + 1,
        card_key=key,
        problem_id=key,
        family=None,
        topic=topic,
        difficulty=3,
        fsrs=state,
        now=NOW,
    )


async def test_cards_round_trip_and_due_order(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    db = await Database.open(path)
    await _member(db)
    late = await _card(db, "late", NOW + timedelta(days=3))
    soon = await _card(db, "soon", NOW + timedelta(days=1), topic="eigen")
    again = await _card(db, "soon", NOW + timedelta(days=2), topic="eigen")  # rescheduled, not doubled
    assert again == soon
    await db.close()

    db = await Database.open(path)  # a restart reads the same schedule back
    try:
        card = await review_rows.get_card(db, BIG, BIG + 1, "late")
        assert card is not None and card.id == late and card.guild_id == BIG
        assert card.fsrs == CardState(2, None, 1.29, 5.1, NOW + timedelta(days=3), NOW)
        until = NOW + timedelta(days=2)
        assert [c.card_key for c in await review_rows.due_cards(db, BIG, BIG + 1, until, limit=5)] == ["soon"]
        assert await review_rows.count_due(db, BIG, BIG + 1, NOW + timedelta(days=5)) == 2
        assert await review_rows.next_due(db, BIG, BIG + 1) == NOW + timedelta(days=2)
        per_topic = {t.topic: t for t in await review_rows.topic_reviews(db, BIG, BIG + 1, until)}
        assert (per_topic["eigen"].cards, per_topic["eigen"].due) == (1, 1)
        assert (per_topic["bayes"].cards, per_topic["bayes"].due) == (1, 0)
    finally:
        await db.close()


async def test_review_issue_rating_log_and_export(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "r.sqlite3")
    try:
        await _member(db)
        card_id = await _card(db, "bayes-1", NOW)
        await review_rows.issue(db, card_id, "bayes-1", NOW)
        card = await review_rows.card_issued(db, BIG, BIG + 1, "bayes-1")
        assert card is not None and card.id == card_id
        later = CardState(2, None, 3.0, 5.0, NOW + timedelta(days=4), NOW)
        await review_rows.save_review(db, card, later, lapsed=False, now=NOW)
        await review_rows.log(
            db,
            card,
            guild_id=BIG,
            user_id=BIG + 1,
            topic="bayes",
            problem_id="bayes-1",
            source="review",
            status="correct",
            rating=3,
            due_after=later.due_at,
            now=NOW,
        )
        after = await review_rows.card_by_id(db, card_id)
        assert after is not None and (after.reviews, after.lapses, after.issued_problem) == (1, 0, None)
        stats = await review_rows.topic_reviews(db, BIG, BIG + 1, NOW)
        assert [(t.reviews, t.passed) for t in stats] == [(1, 1)]
        exported = await review_rows.export_rows(db, BIG, BIG + 1)
        assert [r["card_key"] for r in exported["review_cards"]] == ["bayes-1"]
        assert [r["rating"] for r in exported["review_log"]] == [3]

        # a member's rows go with the member (ON DELETE CASCADE), log included
        await db.execute("DELETE FROM members WHERE guild_id = ? AND user_id = ?", (BIG, BIG + 1))
        assert await db.fetch_value("SELECT COUNT(*) FROM review_cards") == 0
        assert await db.fetch_value("SELECT COUNT(*) FROM review_log") == 0
    finally:
        await db.close()
