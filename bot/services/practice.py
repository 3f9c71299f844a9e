"""/practice: an extra problem for one member, outside the daily post and its streak.

Selection: the topic the member asked for (fuzzy), else their weakest topics, else every topic;
the difficulty asked for, else the nearest one the topic has. Among those, problems the member
has never seen (issued or answered) come first, then seen-but-unsolved ones, and bank prompts
already answered correctly come last. A generator family is never exhausted: each pick draws
fresh numbers (seeded by member, time and count), so it only drops to 'seen' once issued.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.content import ContentBank, Prompt, load_content
from bot.plots.latex_text import readable_text
from bot.replies import Attachment, Field, Reply
from bot.services.context import Actor, Clock
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.resources import ContentLoader, load_bank, not_found
from bot.services.topic_scores import family_of, topic_scores, weakest
from bot.storage import practice as practice_rows
from bot.storage.database import Database
from bot.workers import WorkerPool

log = logging.getLogger(__name__)

GENERATE_TIMEOUT = 10.0  # seconds; building one problem takes milliseconds once SymPy is warm
DIFFICULTIES = range(1, 6)

StatementImage = Callable[[Prompt], Awaitable[bytes | None]]  # the formulas drawn, as the daily post has


def build_generated(family_id: str, seed: str) -> Prompt:
    """Run a generator family (in a worker process: generators build SymPy objects)."""
    from bot.content.generators import generate_prompt

    return generate_prompt(family_id, seed)


@dataclass(frozen=True)
class Candidate:
    source: Literal["bank", "generator"]
    id: str  # prompt id, or generator family id
    topic: str
    difficulty: int


@dataclass(frozen=True)
class History:
    solved: frozenset[str]  # problem ids answered correctly
    seen: frozenset[str]  # problem ids issued or answered

    def tier(self, candidate: Candidate) -> int:
        """0 = new to the member, 1 = seen but not solved (or a seen generator), 2 = solved."""
        if candidate.source == "generator":
            return 1 if any(family_of(pid) == candidate.id for pid in self.seen) else 0
        if candidate.id in self.solved:
            return 2
        return 1 if candidate.id in self.seen else 0


def candidates_for(bank: ContentBank, topics: list[str]) -> list[Candidate]:
    from bot.content.generators import FAMILIES  # the registry only: no SymPy

    found: list[Candidate] = []
    for slug in topics:
        found += [Candidate("bank", p.id, p.topic, p.difficulty) for p in bank.prompts_by_topic(slug)]
    wanted = set(topics)
    found += [
        Candidate("generator", f.id, f.topic, f.difficulty) for f in FAMILIES.values() if f.topic in wanted
    ]
    return found


def at_difficulty(candidates: list[Candidate], difficulty: int | None) -> tuple[list[Candidate], int | None]:
    """The candidates at the difficulty asked for, else at the nearest one (returned as the second item)."""
    if difficulty is None or not candidates:
        return candidates, None
    exact = [c for c in candidates if c.difficulty == difficulty]
    if exact:
        return exact, None
    nearest = min(abs(c.difficulty - difficulty) for c in candidates)
    # on a tie (asked 3, only 2 and 4 exist) prefer the harder one: it was asked to stretch
    level = max(c.difficulty for c in candidates if abs(c.difficulty - difficulty) == nearest)
    return [c for c in candidates if c.difficulty == level], level


def pick(candidates: list[Candidate], history: History, rng: random.Random) -> Candidate:
    best = min(history.tier(c) for c in candidates)
    pool = sorted((c for c in candidates if history.tier(c) == best), key=lambda c: (c.source, c.id))
    return rng.choice(pool)


class PracticeService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        workers: WorkerPool,
        guilds: GuildService,
        statement_image: StatementImage | None = None,
        content: ContentLoader = load_content,
    ) -> None:
        self.db = db
        self.clock = clock
        self.workers = workers
        self.guilds = guilds
        self._statement_image = statement_image
        self._content = content
        #: topics with reviews due, weakest mastery first (ReviewService, wired in services/app.py)
        self.due_topics: Callable[[Actor], Awaitable[list[str]]] | None = None

    async def practice(self, actor: Actor, topic: str | None = None, difficulty: int | None = None) -> Reply:
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise UserError(f"Difficulty goes from 1 (warm-up) to 5 (hard) — got {difficulty}.")
        bank = await load_bank(self._content)
        answers = await practice_rows.graded_answers(self.db, actor.guild_id, actor.user_id)
        issued = await practice_rows.issued_problem_ids(self.db, actor.guild_id, actor.user_id)

        notes: list[str] = []
        if topic is not None and topic.strip():
            matches = bank.match_topic(topic, 1)
            if not matches:
                return not_found(bank, topic, "/practice")
            topics = [matches[0].slug]
        else:
            due = [t for t in await self.due_topics(actor) if t in bank.topics] if self.due_topics else []
            if due:
                topics = due[:1]
                notes.append(
                    f"Picked {bank.topics[due[0]].title}: your weakest topic with reviews due (see /review)."
                )
            else:
                weak = weakest(await topic_scores(self.db, bank, actor.guild_id, actor.user_id))
                topics = [score.topic for score in weak] or list(bank.topics)
                if weak:
                    notes.append("Picked from your weakest topics: " + ", ".join(topics) + ".")

        candidates, level = at_difficulty(candidates_for(bank, topics), difficulty)
        if not candidates:
            raise UserError("There are no problems for that topic yet; /topics lists what there is.")
        if level is not None:
            notes.append(f"No difficulty-{difficulty} problems here yet, so this one is difficulty {level}.")
        history = History(
            solved=frozenset(pid for pid, status in answers if status == "correct"),
            seen=frozenset(issued | {pid for pid, _status in answers}),
        )
        now = self.clock.now()
        count = await practice_rows.count_issued(self.db, actor.guild_id, actor.user_id)
        seed = f"practice:{actor.guild_id}:{actor.user_id}:{now.isoformat()}:{count}"
        prompt = await self._choose(bank, candidates, history, random.Random(seed), seed, actor)

        await self.guilds.register(actor)
        await practice_rows.record_issue(
            self.db, actor.guild_id, actor.user_id, prompt.id, prompt.topic, prompt.difficulty, now
        )
        png = await self._statement_image(prompt) if self._statement_image else None
        return self._reply(bank, prompt, notes, png)

    async def _choose(
        self,
        bank: ContentBank,
        candidates: list[Candidate],
        history: History,
        rng: random.Random,
        seed: str,
        actor: Actor,
    ) -> Prompt:
        chosen = pick(candidates, history, rng)
        if chosen.source == "bank":
            return bank.prompts[chosen.id]
        try:
            return await self.workers.run(
                build_generated, chosen.id, seed, timeout=GENERATE_TIMEOUT, key=actor.user_id
            )
        except Exception:
            # A generator is an optional source: a timeout (WorkerTimeout), a dead worker
            # (WorkerCrashed, a broken pipe) or a generator bug is logged, and the member gets a
            # bank problem instead of an error.
            log.exception("generator %s failed for /practice; falling back to the bank", chosen.id)
        fallback = [c for c in candidates if c.source == "bank"]
        if not fallback:
            raise UserError("Could not build a problem just now; please try again in a moment.")
        return bank.prompts[pick(fallback, history, rng).id]

    @staticmethod
    def _reply(bank: ContentBank, prompt: Prompt, notes: list[str], png: bytes | None) -> Reply:
        topic = bank.topics.get(prompt.topic)
        stars = "★" * prompt.difficulty + "☆" * (5 - prompt.difficulty)
        fields = [
            Field("Topic", topic.title if topic else prompt.topic, inline=True),
            Field("Difficulty", f"{stars} {prompt.difficulty}/5", inline=True),
            Field("Problem", f"`{prompt.id}`", inline=True),
        ]
        if notes:
            fields.append(Field("Note", " ".join(notes)))
        return Reply(
            title="Practice problem",
            text=readable_text(prompt.statement.strip()),
            fields=tuple(fields),
            attachments=(Attachment("statement.png", png, "The problem with its formulas"),) if png else (),
            image="statement.png" if png else None,
            footer=f"Answer with /answer problem:{prompt.id} text:<your answer> — practice never touches "
            "your streak.",
            ephemeral=True,
        )
