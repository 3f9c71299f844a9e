"""The rules behind /review and mastery, with no I/O: outcome -> FSRS rating, FSRS scheduling, and
the mastery level /stats shows (and /help topic:mastery explains).

FSRS (the `fsrs` package, as Anki uses) sets the intervals; we only choose the rating and keep the
card's state as plain columns, so a restart reads the same schedule back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from fsrs import Card, Rating, Scheduler, State

from bot.storage.reviews import CardState

#: No same-day learning steps: a missed problem comes back on a later day (FSRS's first interval
#: for Again is one day), never ten minutes later in the same sitting. No fuzzing: the same history
#: gives the same schedule on every process and in tests.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


class Grade(IntEnum):
    """FSRS's four ratings, stored as their numbers (1-4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Outcome:
    """How a member's first go at a problem (daily, practice) has ended so far."""

    solved: bool
    attempts: int  # graded answers up to and including the first correct one
    hints: int = 0
    solution_seen: bool = False  # before solving


def grade_for(outcome: Outcome) -> Grade:
    """Gave up (solution) or still missed = Again; solved after hints or several attempts = Hard;
    solved at the first try = Good (a first-try solve makes no card: nothing to bring back)."""
    if outcome.solution_seen or not outcome.solved:
        return Grade.AGAIN
    if outcome.attempts > 1 or outcome.hints > 0:
        return Grade.HARD
    return Grade.GOOD


def schedule(current: CardState | None, grade: Grade, now: datetime) -> CardState:
    """The card after a rating at `now` (a new card when `current` is None)."""
    card = Card(card_id=0)  # an explicit id: fsrs would otherwise sleep 1 ms to make a unique one
    if current is not None:
        card = Card(
            card_id=0,
            state=State(current.state),
            step=current.step,
            stability=current.stability,
            difficulty=current.difficulty,
            due=current.due_at or now,
            last_review=current.last_review,
        )
    card, _log = SCHEDULER.review_card(card, Rating(int(grade)), now.astimezone(UTC))
    return CardState(int(card.state), card.step, card.stability, card.difficulty, card.due, card.last_review)


# -- mastery ----------------------------------------------------------------------------------

MASTERY_DAYS = 90  # "recent": the first tries of the last 90 days
FIRST_TRY_WEIGHT = 0.6  # the rest is review retention, when there are reviews
MASTERY_LEVELS = ((90, "mastered"), (70, "solid"), (40, "learning"), (0, "starting"))


@dataclass(frozen=True)
class Mastery:
    topic: str
    first_tries: int  # problems tried for the first time in the window
    first_try_correct: int
    reviews: int
    reviews_passed: int  # rated Hard or better
    due: int = 0

    @property
    def first_try_rate(self) -> float | None:
        return self.first_try_correct / self.first_tries if self.first_tries else None

    @property
    def retention(self) -> float | None:
        return self.reviews_passed / self.reviews if self.reviews else None

    @property
    def score(self) -> float:
        """0-100: 60% first-try accuracy + 40% review retention; either alone when the other has no
        data yet."""
        first, kept = self.first_try_rate, self.retention
        if first is None and kept is None:
            return 0.0
        if first is None:
            return 100 * (kept or 0.0)
        if kept is None:
            return 100 * first
        return 100 * (FIRST_TRY_WEIGHT * first + (1 - FIRST_TRY_WEIGHT) * kept)

    @property
    def level(self) -> str:
        return next(name for floor, name in MASTERY_LEVELS if self.score >= floor)

    @property
    def next_difficulty(self) -> int:
        """The practice difficulty to aim at: a notch above what is already solid (1-5)."""
        return max(1, min(5, 1 + int(self.score // 22)))


MASTERY_HELP = (
    f"Mastery per topic (in /stats) = {FIRST_TRY_WEIGHT:.0%} × your first-try accuracy on the problems"
    f" you met in the last {MASTERY_DAYS} days + {1 - FIRST_TRY_WEIGHT:.0%} × your review retention"
    " (reviews answered correctly at once, out of all reviews). With only one of the two, that one"
    " counts alone. Levels: starting (under 40), learning (40-69), solid (70-89), mastered (90+).\n"
    "Reviews: a problem you missed, solved only after hints or several attempts, or gave up on with"
    " /solution becomes a review card. FSRS (the algorithm Anki uses) schedules it: missed comes"
    " back in a day, and every later success pushes it further out. /review shows the next due one;"
    " reviews never count in streaks or leaderboards.\n"
    "Reminders: /review remind:true asks for one DM a day, after the daily post, when you have reviews"
    ' due ("3 reviews due in <server>: /review"); nothing is sent on days with none, and'
    " /review remind:false stops it. If your DMs are closed, reminders switch off and /review says so.\n"
    "Your data: /mydata sends you (privately) a JSON file of everything studybot stores about you in"
    " this server: answers, streak days, practice, challenge entries, review cards and log, and the"
    " reminder setting."
)
