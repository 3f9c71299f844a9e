"""/review: spaced repetition of the problems a member missed, scheduled by FSRS.

Cards are made where answers and solutions are recorded (AnswerService, DailyService call
`record_first` inside their own transaction). A review of a generator family draws a fresh
variant (a remembered number is not a learned method); a bank prompt comes back as itself, with
its hints. Review answers go to review_log only: never to submissions, so they cannot touch the
streak, the leaderboards or first-try accuracy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content import ContentBank, Prompt
from bot.plots.latex_text import readable_text
from bot.replies import Action, Attachment, Button, Field, Reply, plural
from bot.services.answers import ResolvedProblem
from bot.services.checks import CheckResult
from bot.services.context import Actor, Clock
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.problems import Problems
from bot.services.review_rules import MASTERY_DAYS, Grade, Mastery, Outcome, grade_for, schedule
from bot.services.streaks import local_date
from bot.services.topic_scores import family_of
from bot.storage import reviews as review_rows
from bot.storage.database import Database


def day_end(now: datetime, timezone: str) -> datetime:
    """The end of the member's local day: a card due at any time today is due now."""
    zone = ZoneInfo(timezone)
    tomorrow = local_date(now, timezone) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), zone) - timedelta(seconds=1)


def due_line(count: int) -> str | None:
    return f"{plural(count, 'review')} due: /review" if count else None


class ReviewService:
    def __init__(
        self,
        db: Database,
        guilds: GuildService,
        problems: Problems,
        clock: Clock,
        content: Callable[[], ContentBank],
    ) -> None:
        self.db = db
        self.guilds = guilds
        self.problems = problems
        self.clock = clock
        self.content = content
        # Why reminders are off when the bot turned them off (set by Services: ReminderService.note).
        self.reminder_note: Callable[[Actor], Awaitable[str | None]] | None = None

    # -- cards from first goes (called inside the recording transaction) ------------------------

    def _family(self, prompt: Prompt) -> str | None:
        family = family_of(prompt.id)
        return family if family is not None and family in self.problems.families() else None

    async def record_first(self, actor: Actor, prompt: Prompt, outcome: Outcome, now: datetime) -> None:
        """A first go at a problem changed: make or reschedule its card (nothing for a first-try
        solve). A card already in review keeps its schedule: /review owns it from then on."""
        grade = grade_for(outcome)
        family = self._family(prompt)
        key = family or prompt.id
        existing = await review_rows.get_card(self.db, actor.guild_id, actor.user_id, key)
        if existing is not None and (existing.reviews or existing.problem_id != prompt.id):
            return
        if existing is None and grade is Grade.GOOD:
            return
        fsrs = schedule(None, grade, now)
        card_id = await review_rows.save_first(
            self.db,
            guild_id=actor.guild_id,
            user_id=actor.user_id,
            card_key=key,
            problem_id=prompt.id,
            family=family,
            topic=prompt.topic,
            difficulty=prompt.difficulty,
            fsrs=fsrs,
            now=now,
        )
        await review_rows.log(
            self.db,
            card_id,
            guild_id=actor.guild_id,
            user_id=actor.user_id,
            topic=prompt.topic,
            problem_id=prompt.id,
            source="first",
            status="solution" if outcome.solution_seen else ("correct" if outcome.solved else "incorrect"),
            rating=int(grade),
            due_after=fsrs.due_at,
            now=now,
        )

    # -- /review ---------------------------------------------------------------------------------

    async def due_count(self, actor: Actor) -> int:
        settings = await self.guilds.register(actor)
        until = day_end(self.clock.now(), settings.timezone)
        return await review_rows.count_due(self.db, actor.guild_id, actor.user_id, until)

    async def due_note(self, actor: Actor) -> str | None:
        """The line "3 reviews due: /review" for the member's private replies (never a public post)."""
        return due_line(await self.due_count(actor))

    async def review(self, actor: Actor) -> Reply:
        reply = await self._review(actor)
        note = None if self.reminder_note is None else await self.reminder_note(actor)
        if note is None:
            return reply
        return dataclasses.replace(reply, fields=(*reply.fields, Field("Reminders", note)))

    async def _review(self, actor: Actor) -> Reply:
        settings = await self.guilds.register(actor)
        now = self.clock.now()
        until = day_end(now, settings.timezone)
        due = await review_rows.count_due(self.db, actor.guild_id, actor.user_id, until)
        if not due:
            upcoming = await review_rows.next_due(self.db, actor.guild_id, actor.user_id)
            if upcoming is None:
                text = (
                    "No review cards yet. A problem you miss, solve only after hints or several tries,"
                    " or give up on with /solution comes back here on the day FSRS schedules it."
                )
            else:
                shown = local_date(upcoming, settings.timezone)
                text = f"Nothing due today. The next review is on {shown:%a %d %b %Y}."
            return Reply(title="Reviews", text=text, ephemeral=True)
        card = (await review_rows.due_cards(self.db, actor.guild_id, actor.user_id, until))[0]
        prompt = await self._issue(actor, card, now)
        return await self._reply(prompt, card, due)

    async def _issue(self, actor: Actor, card: review_rows.CardRow, now: datetime) -> Prompt:
        """The problem to show for a due card: the one already shown (asking twice does not reroll
        it), else a fresh variant of a family or the bank prompt itself."""
        if card.issued_problem is not None:
            shown = await self.problems.get(card.issued_problem)
            if shown is not None:
                return shown
        if card.family is not None:
            seed = f"review:{actor.guild_id}:{actor.user_id}:{card.id}:{card.reviews}"
            prompt = await self.problems.generate(card.family, seed)
        else:
            found = await self.problems.get(card.problem_id)
            if found is None:
                raise UserError(
                    f"The problem of your next review ({card.problem_id}) is no longer in the bank."
                )
            prompt = found
        await review_rows.issue(self.db, card.id, prompt.id, now)
        return prompt

    async def _reply(self, prompt: Prompt, card: review_rows.CardRow, due: int) -> Reply:
        bank = self.content()
        topic = bank.topics.get(prompt.topic)
        png = await self.problems.statement_image(prompt)
        fields = [
            Field("Topic", topic.title if topic else prompt.topic, inline=True),
            Field("Due", f"{plural(due, 'review')} due today", inline=True),
            Field("Problem", f"`{prompt.id}`", inline=True),
        ]
        if card.family is not None:
            fields.append(
                Field("Fresh numbers", "A new variant of the problem you missed: the method is what counts.")
            )
        elif prompt.hints:
            # spoilers on Discord: the hints are there for when the member is stuck, not read first
            fields.append(
                Field("Hints (if stuck)", "\n".join(f"||{readable_text(hint)}||" for hint in prompt.hints))
            )
        return Reply(
            title=f"Review · {topic.title if topic else prompt.topic}",
            text=readable_text(prompt.statement.strip()),
            fields=tuple(fields),
            attachments=(Attachment("statement.png", png, "The problem with its formulas"),) if png else (),
            image="statement.png" if png else None,
            buttons=(
                Button(
                    "Answer",
                    Action("answer", prompt.id),
                    hint=f"/answer problem:{prompt.id} text:<your answer>",
                ),
            ),
            footer=f"Answer with /answer problem:{prompt.id} text:<your answer> · reviews never count in"
            " streaks or leaderboards",
            ephemeral=True,
        )

    # -- answers to a review (a resolver of AnswerService) -----------------------------------------

    async def resolve(self, actor: Actor, ref: str) -> ResolvedProblem | None:
        card = await review_rows.card_issued(self.db, actor.guild_id, actor.user_id, ref)
        if card is None:
            return None
        prompt = await self.problems.get(ref)
        if prompt is None:
            return None
        settings = await self.guilds.register(actor)

        async def record(db: Database, who: Actor, result: CheckResult, now: datetime) -> list[str]:
            return await self._record_review(card.id, prompt, result, now, settings.timezone)

        return ResolvedProblem(
            prompt,
            "review",
            prompt.id,
            f"review of {prompt.id}",
            record,
            stored=False,
            attempts=card.issued_misses + 1,
        )

    async def _record_review(
        self, card_id: int, prompt: Prompt, result: CheckResult, now: datetime, timezone: str
    ) -> list[str]:
        if result.status not in ("correct", "incorrect"):
            return ["Not counted: the review is still open."]
        current = await review_rows.card_by_id(self.db, card_id)
        if current is None or current.issued_problem != prompt.id:
            return ["This review was already closed."]
        correct = result.status == "correct"

        async def log(rating: Grade | None, due_after: datetime | None) -> None:
            assert current is not None
            await review_rows.log(
                self.db,
                current,
                guild_id=current.guild_id,
                user_id=current.user_id,
                topic=current.topic,
                problem_id=prompt.id,
                source="review",
                status=result.status,
                rating=None if rating is None else int(rating),
                due_after=due_after,
                now=now,
            )

        if current.issued_misses:  # already rated Again at the first miss: a retry rates nothing
            await review_rows.close_issue(self.db, current.id, missed=not correct, now=now)
            await log(None, None)
            when = local_date(current.due_at, timezone)
            return [f"{'Solved' if correct else 'Still not it'}; this card comes back on {when:%a %d %b}."]
        grade = Grade.GOOD if correct else Grade.AGAIN
        fsrs = schedule(current.fsrs, grade, now)
        await review_rows.save_review(self.db, current, fsrs, lapsed=not correct, now=now)
        await log(grade, fsrs.due_at)
        assert fsrs.due_at is not None
        when = local_date(fsrs.due_at, timezone)
        days = (when - local_date(now, timezone)).days
        if correct:
            return [f"Review passed: next review on {when:%a %d %b} (in {plural(days, 'day')})."]
        return [
            f"Missed: this card comes back on {when:%a %d %b}. You can keep trying:"
            f" /answer problem:{prompt.id} text:<your answer>"
        ]

    # -- mastery (for /stats and /practice) ------------------------------------------------------

    async def mastery(self, actor: Actor, user_id: int, timezone: str) -> dict[str, Mastery]:
        """Per topic: first-try accuracy of the last MASTERY_DAYS days and review retention."""
        now = self.clock.now()
        since = (local_date(now, timezone) - timedelta(days=MASTERY_DAYS - 1)).isoformat()
        firsts: dict[str, list[int]] = {}
        seen: set[str] = set()
        for topic, problem_id, status in await review_rows.first_tries(
            self.db, actor.guild_id, user_id, since
        ):
            if problem_id in seen:
                continue
            seen.add(problem_id)
            tally = firsts.setdefault(topic, [0, 0])
            tally[0] += 1
            tally[1] += status == "correct"
        reviews = {
            row.topic: row
            for row in await review_rows.topic_reviews(
                self.db, actor.guild_id, user_id, day_end(now, timezone)
            )
        }
        topics = set(firsts) | set(reviews)
        none = review_rows.TopicReviews("", 0, 0, 0, 0)
        return {
            topic: Mastery(
                topic,
                first_tries=firsts.get(topic, [0, 0])[0],
                first_try_correct=firsts.get(topic, [0, 0])[1],
                reviews=reviews.get(topic, none).reviews,
                reviews_passed=reviews.get(topic, none).passed,
                due=reviews.get(topic, none).due,
            )
            for topic in sorted(topics)
        }

    async def weakest_due_topics(self, actor: Actor) -> list[str]:
        """Topics with reviews due, weakest mastery first (what /practice with no topic aims at)."""
        settings = await self.guilds.register(actor)
        scores = await self.mastery(actor, actor.user_id, settings.timezone)
        due = [m for m in scores.values() if m.due and m.topic in self.content().topics]
        return [m.topic for m in sorted(due, key=lambda m: (m.score, -m.due, m.topic))]
