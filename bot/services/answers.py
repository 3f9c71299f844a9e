"""/answer: the daily prompt (streaks), practice problems, and whatever else registers a resolver.

A submission and everything it changes (the member's day, the counted day behind the streak, the
leaderboard totals, a resolver's own rows) are written in one transaction after the check, so
concurrent answers never lose or double-count a day and a crash leaves nothing half-written. The
verdict is only returned (acknowledged) after that commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.content import Prompt
from bot.plots.latex_text import readable_text
from bot.replies import Attachment, Field, Reply, md
from bot.services.context import Actor, Clock
from bot.services.daily import DailyService
from bot.services.errors import UserError
from bot.services.limits import MemberLimiter
from bot.services.problems import MAX_ANSWER_CHARS, CheckResult, Problems
from bot.services.review_rules import Outcome
from bot.services.streaks import compute_streak, period_keys
from bot.storage import daily as daily_rows
from bot.storage import leaderboard as board_rows
from bot.storage import reviews as review_rows
from bot.storage import submissions as submission_rows
from bot.storage.database import Database

# Invalid input and timeouts are not held against anyone; neither is a correctly rounded decimal with
# too few digits, nor a correct decimal where an exact value was asked (both come back as "invalid"
# with a reason, so every count that skips invalid answers skips them too).
JUDGED = ("correct", "incorrect")
_TITLES = {
    "correct": "Correct!",
    "incorrect": "Not quite",
    "invalid": "Couldn't read that",
    "timeout": "Took too long",
}
_REASON_TITLES = {"digits": "More digits needed", "exact": "An exact value was asked"}
_TONES = {"correct": "success", "incorrect": "warning", "invalid": "error", "timeout": "error"}

#: Extra writes a resolver needs inside the submission's transaction (e.g. challenge scoring);
#: returns lines to add to the verdict.
RecordHook = Callable[[Database, Actor, CheckResult, datetime], Awaitable[Sequence[str]]]


@dataclass(frozen=True)
class ResolvedProblem:
    """What `/answer problem:<ref>` refers to, as a resolver found it."""

    prompt: Prompt
    kind: str  # "practice" | "challenge" (the submissions.kind value)
    problem_id: str  # stored as submissions.problem_id
    label: str  # how the verdict names it: "practice problem bayes-1", "challenge problem 2"
    record: RecordHook | None = None
    # False: not a submissions row (a review answer lives in review_log, away from streaks and
    # accuracy); `attempts` is then the count to show, this answer included.
    stored: bool = True
    attempts: int = 0


#: A first go at a daily or practice problem changed (inside the recording transaction): /review
#: makes or reschedules the problem's card from it.
FirstGoHook = Callable[[Actor, Prompt, Outcome, datetime], Awaitable[None]]
#: The member's "3 reviews due: /review" line for a private reply, or None.
DueNote = Callable[[Actor], Awaitable[str | None]]

#: (actor, ref) -> the problem `ref` names for this member, None if not theirs to resolve; raise
#: UserError to refuse with a message (e.g. "the challenge is closed").
Resolver = Callable[[Actor, str], Awaitable[ResolvedProblem | None]]


@dataclass(frozen=True)
class AnswerResult:
    reply: Reply  # ephemeral verdict
    announcement: str | None = None  # public line when a day was newly counted (no answer in it)


def _clean(text: str) -> str:
    answer = text.strip()
    if not answer:
        raise UserError("Type an answer, e.g. /answer text:2x")
    if len(answer) > MAX_ANSWER_CHARS:
        raise UserError(f"That answer is {len(answer)} characters; the limit is {MAX_ANSWER_CHARS}.")
    return answer


def verdict_reply(result: CheckResult, *, label: str, attempts: int, notes: Sequence[str] = ()) -> Reply:
    fields = []
    if result.interpreted_as:
        fields.append(Field("Interpreted as", f"`{result.interpreted_as}`"))
    fields.append(Field("Attempts so far", str(attempts), inline=True))
    text = readable_text(result.message)  # a mistake message is written in LaTeX
    if result.status == "invalid":
        text += "\n/help topic:answers shows how to write answers."
    title = _REASON_TITLES.get(result.reason) or _TITLES.get(result.status, result.status)
    return Reply(
        title=f"{title} — {label}",
        text=text,
        fields=tuple(fields),
        footer="\n".join(notes) or None,
        tone=_TONES.get(result.status, "info"),
        ephemeral=True,
    )


class AnswerService:
    def __init__(
        self,
        db: Database,
        daily: DailyService,
        problems: Problems,
        clock: Clock,
        limits: MemberLimiter | None = None,
    ) -> None:
        self.db = db
        self.daily = daily
        self.problems = problems
        self.clock = clock
        # a check is a heavy task: one in flight per member (a double click is refused, not queued)
        self.limits = limits or MemberLimiter(clock)
        self.resolvers: list[Resolver] = [self._practice]
        # issue 16: /review plugs in here (services/app.py wires ReviewService)
        self.review_resolver: Resolver | None = None
        self.on_first_go: FirstGoHook | None = None
        self.due_note: DueNote | None = None

    def add_resolver(self, resolver: Resolver, *, first: bool = True) -> None:
        """Plug in another kind of problem (issue 7: challenge problems by number). Resolvers are
        asked in order; the built-in practice resolver (bank and generator ids) is last by default."""
        if first:
            self.resolvers.insert(0, resolver)
        else:
            self.resolvers.append(resolver)

    async def _practice(self, actor: Actor, ref: str) -> ResolvedProblem | None:
        prompt = await self.problems.get(ref)
        if prompt is None:
            return None
        return ResolvedProblem(prompt, "practice", prompt.id, f"practice problem {prompt.id}")

    async def answer(self, actor: Actor, text: str, problem: str | None = None) -> AnswerResult:
        """`/answer text:<..> [problem:<id>]`: today's prompt by default."""
        answer = _clean(text)
        self.limits.check(actor.user_id)  # refuse a second one before any work, not after
        today = await self.daily.today(actor)
        ref = problem.strip() if problem else ""
        if not ref or ref == today.prompt.id:
            return await self._answer_daily(actor, answer, today.day, today.prompt)
        for resolver in self.resolvers:
            resolved = await resolver(actor, ref)
            if resolved is not None:
                return await self._answer_other(actor, answer, today.day, resolved)
        raise UserError(
            f"No problem {ref!r}. Use the id shown under a problem (or leave problem out for today's prompt)."
        )

    async def answer_prompt(self, actor: Actor, text: str, prompt_id: str) -> AnswerResult:
        """The Answer button under a post: today's prompt counts; an older day's is practice."""
        answer = _clean(text)
        self.limits.check(actor.user_id)
        today = await self.daily.today(actor)
        if prompt_id == today.prompt.id:
            return await self._answer_daily(actor, answer, today.day, today.prompt)
        if self.review_resolver is not None:  # the Answer button under a /review
            review = await self.review_resolver(actor, prompt_id)
            if review is not None:
                return await self._answer_other(actor, answer, today.day, review)
        prompt = await self.problems.get(prompt_id)
        if prompt is None:
            raise UserError("That prompt is no longer in the bank.")
        resolved = ResolvedProblem(
            prompt,
            "practice",
            prompt.id,
            "an earlier day's prompt (practice: streaks count today's, see /daily)",
        )
        return await self._answer_other(actor, answer, today.day, resolved)

    async def _answer_daily(self, actor: Actor, answer: str, day: date, prompt: Prompt) -> AnswerResult:
        with self.limits.heavy(actor.user_id):
            result = await self.problems.check(prompt, answer, key=actor.user_id)
        now = self.clock.now()
        judged = result.status in JUDGED
        async with self.db.transaction():
            before = await daily_rows.ensure_progress(self.db, actor.guild_id, actor.user_id, day, prompt.id)
            await submission_rows.add_submission(
                self.db,
                guild_id=actor.guild_id,
                user_id=actor.user_id,
                problem_id=prompt.id,
                kind="daily",
                topic=prompt.topic,
                local_date=day,
                answer=answer,
                status=result.status,
                now=now,
            )
            newly_solved = result.status == "correct" and not before.solved
            counted = newly_solved and not before.solution_seen
            if counted:
                counted = await daily_rows.add_solved_day(self.db, actor.guild_id, actor.user_id, day)
            attempts = int(judged and not before.solved)  # attempts up to the first correct answer
            await daily_rows.update_progress(
                self.db,
                actor.guild_id,
                actor.user_id,
                day,
                attempts=attempts,
                solved_at=now if newly_solved else None,
                counted=counted,
            )
            if attempts or counted:
                await board_rows.bump(
                    self.db,
                    actor.guild_id,
                    actor.user_id,
                    period_keys(day),
                    days=int(counted),
                    attempts=attempts,
                )
            if judged and not before.solved and self.on_first_go is not None:
                outcome = Outcome(
                    solved=newly_solved,
                    attempts=before.attempts + attempts,
                    hints=before.hints_used,
                    solution_seen=before.solution_seen,
                )
                await self.on_first_go(actor, prompt, outcome, now)
            streak = compute_streak(await daily_rows.solved_days(self.db, actor.guild_id, actor.user_id), day)
        notes: list[str] = []
        announcement = None
        if counted:
            notes.append(
                f"Counted for {day.isoformat()}: current streak {streak.current}, longest streak "
                f"{streak.longest}."
            )
            announcement = f"{md(actor.name)} solved today's prompt (streak {streak.current})"
        elif newly_solved:
            notes.append("Solved after seeing the solution: not counted toward your streak today.")
        elif before.solved:
            notes.append("You already solved today's prompt; this attempt changes nothing.")
        elif result.status == "incorrect":
            notes.append("Unlimited attempts: the first correct answer counts. Stuck? /hint")
        due = await self.due_note(actor) if self.due_note is not None else None
        if due:
            notes.append(due)  # private: the verdict is ephemeral
        total = before.attempts + attempts
        reply = verdict_reply(result, label="today's prompt", attempts=total, notes=notes)
        return AnswerResult(await self._pictured(reply, result), announcement)

    async def _answer_other(
        self, actor: Actor, answer: str, day: date, problem: ResolvedProblem
    ) -> AnswerResult:
        with self.limits.heavy(actor.user_id):
            result = await self.problems.check(problem.prompt, answer, key=actor.user_id)
        now = self.clock.now()
        judged = result.status in JUDGED
        async with self.db.transaction():
            first_go = (
                problem.kind == "practice"
                and judged
                and self.on_first_go is not None
                and not await review_rows.solved_before(
                    self.db, actor.guild_id, actor.user_id, problem.problem_id, problem.kind
                )
            )
            attempts = problem.attempts
            if problem.stored:
                await submission_rows.add_submission(
                    self.db,
                    guild_id=actor.guild_id,
                    user_id=actor.user_id,
                    problem_id=problem.problem_id,
                    kind=problem.kind,
                    topic=problem.prompt.topic,
                    local_date=day,
                    answer=answer,
                    status=result.status,
                    now=now,
                )
                attempts = await submission_rows.count_attempts(
                    self.db, actor.guild_id, actor.user_id, problem.problem_id, problem.kind
                )
            if first_go and self.on_first_go is not None:
                outcome = Outcome(solved=result.status == "correct", attempts=attempts)
                await self.on_first_go(actor, problem.prompt, outcome, now)
            notes = list(await problem.record(self.db, actor, result, now)) if problem.record else []
        if problem.kind == "practice":
            notes.append("Practice: tracked in your accuracy per topic, not in streaks.")
        elif problem.kind == "review":
            notes.append("Reviews count in /stats (reviews and retention), never in streaks or leaderboards.")
        reply = verdict_reply(result, label=problem.label, attempts=attempts, notes=notes)
        return AnswerResult(await self._pictured(reply, result))

    async def _pictured(self, reply: Reply, result: CheckResult) -> Reply:
        """A named mistake whose maths Unicode cannot say (a matrix, a display formula) also
        comes as an image, like a hint."""
        if not result.mistake or "$" not in result.message:
            return reply
        key = "verdict:" + hashlib.sha1(result.message.encode()).hexdigest()
        _text, png = await self.problems.readable(key, result.message)
        if png is None:
            return reply
        return replace(
            reply,
            attachments=(Attachment("feedback.png", png, "The feedback with its formulas"),),
            image="feedback.png",
        )
