"""Per-topic accuracy from a member's answer history: what /resources and /practice aim at.

Each submission stores its problem's topic when it is recorded (bank prompts and generated
problems alike), so this is one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import ContentBank
from bot.storage import submissions as submission_rows
from bot.storage.database import Database

MIN_ATTEMPTS = 3  # fewer graded answers than this say too little about a topic
WEAK_BELOW = 0.8  # a topic at or above this accuracy is not a weak spot


@dataclass(frozen=True)
class TopicScore:
    topic: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    def describe(self) -> str:
        return f"{self.correct}/{self.attempts} correct ({self.accuracy:.0%})"


def family_of(problem_id: str) -> str | None:
    """The generator family of a generated problem id (``<family>:<hash>``), else None."""
    family_id, sep, _digest = problem_id.rpartition(":")
    return family_id if sep else None


async def topic_scores(db: Database, bank: ContentBank, guild_id: int, user_id: int) -> dict[str, TopicScore]:
    """Graded answers per topic (daily, practice and challenge answers all count), from the topic
    each submission was recorded with; topics the bank no longer has are left out."""
    rows = await submission_rows.topic_accuracy(db, guild_id, user_id)
    return {
        row.topic: TopicScore(row.topic, row.answers, row.correct)
        for row in rows
        if row.answers and row.topic in bank.topics
    }


def weakest(
    scores: dict[str, TopicScore], *, limit: int = 3, min_attempts: int = MIN_ATTEMPTS
) -> list[TopicScore]:
    """Topics with enough answers and accuracy below WEAK_BELOW, lowest accuracy first
    (more attempts first on a tie: the evidence is stronger)."""
    candidates = [s for s in scores.values() if s.attempts >= min_attempts and s.accuracy < WEAK_BELOW]
    candidates.sort(key=lambda s: (s.accuracy, -s.attempts, s.topic))
    return candidates[:limit]
