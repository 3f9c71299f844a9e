"""Per-topic accuracy from a member's answer history: what /resources and /practice aim at.

A submission's problem id is mapped to its topic through the content bank: bank ids directly,
generated ids (``<family>:<hash>``) through their family, without rebuilding the problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import ContentBank
from bot.storage import practice as practice_rows
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


def topic_of(bank: ContentBank, problem_id: str) -> str | None:
    """The topic of a bank or generated problem id; None for ids the bank no longer knows."""
    prompt = bank.prompts.get(problem_id)
    if prompt is not None:
        return prompt.topic
    family_id, sep, _digest = problem_id.rpartition(":")
    if not sep:
        return None
    from bot.maths.generators import FAMILIES  # registry only: no SymPy at import

    family = FAMILIES.get(family_id)
    return family.topic if family is not None else None


def family_of(problem_id: str) -> str | None:
    """The generator family of a generated problem id (``<family>:<hash>``), else None."""
    family_id, sep, _digest = problem_id.rpartition(":")
    return family_id if sep else None


def scores_from(bank: ContentBank, answers: list[tuple[str, str]]) -> dict[str, TopicScore]:
    attempts: dict[str, int] = {}
    correct: dict[str, int] = {}
    for problem_id, status in answers:
        topic = topic_of(bank, problem_id)
        if topic is None or topic not in bank.topics:
            continue
        attempts[topic] = attempts.get(topic, 0) + 1
        correct[topic] = correct.get(topic, 0) + (status == "correct")
    return {topic: TopicScore(topic, count, correct[topic]) for topic, count in attempts.items()}


async def topic_scores(db: Database, bank: ContentBank, guild_id: int, user_id: int) -> dict[str, TopicScore]:
    """Graded answers per topic (daily, practice and challenge answers all count)."""
    answers = await practice_rows.graded_answers(db, guild_id, user_id)
    return scores_from(bank, answers)


def weakest(
    scores: dict[str, TopicScore], *, limit: int = 3, min_attempts: int = MIN_ATTEMPTS
) -> list[TopicScore]:
    """Topics with enough answers and accuracy below WEAK_BELOW, lowest accuracy first
    (more attempts first on a tie: the evidence is stronger)."""
    candidates = [s for s in scores.values() if s.attempts >= min_attempts and s.accuracy < WEAK_BELOW]
    candidates.sort(key=lambda s: (s.accuracy, -s.attempts, s.topic))
    return candidates[:limit]
