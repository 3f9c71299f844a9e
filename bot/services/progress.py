"""/streak, /stats and /leaderboard: what a member's days add up to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.content import ContentBank
from bot.plots.heatmap import FROZEN, NONE, SOLVED, SOLVED_LATE, TRIED, HeatmapRequest, render_heatmap
from bot.plots.mastery import AREAS, MasteryRequest, render_mastery
from bot.replies import Action, Attachment, Button, Field, Reply, md, plural
from bot.services.context import Actor, Clock
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.streaks import MAX_FREEZES, StreakState, compute_streak, last_days, local_date, period_key
from bot.services.topic_scores import MIN_ATTEMPTS, WEAK_BELOW, TopicScore, weakest
from bot.storage import daily as daily_rows
from bot.storage import leaderboard as board_rows
from bot.storage import submissions as submission_rows
from bot.storage.database import Database
from bot.workers import WorkerPool

if TYPE_CHECKING:
    from bot.services.review_rules import Mastery
    from bot.services.reviews import ReviewService

log = logging.getLogger(__name__)

PERIODS = ("week", "month", "all")
PAGE_SIZE = 10
HEATMAP_DAYS = 183  # six months
WEAKEST = 3
_PERIOD_TITLES = {"week": "this week", "month": "this month", "all": "all time"}


class ProgressService:
    def __init__(
        self,
        db: Database,
        guilds: GuildService,
        workers: WorkerPool,
        clock: Clock,
        content: Callable[[], ContentBank],
    ) -> None:
        self.db = db
        self.guilds = guilds
        self.workers = workers
        self.clock = clock
        self.content = content
        self.reviews: ReviewService | None = None  # issue 16: reviews and mastery in /stats

    async def _today(self, actor: Actor) -> date:
        settings = await self.guilds.register(actor)
        return local_date(self.clock.now(), settings.timezone)

    async def streak_state(self, guild_id: int, user_id: int, today: date) -> StreakState:
        return compute_streak(await daily_rows.solved_days(self.db, guild_id, user_id), today)

    async def streak(self, actor: Actor, member: Actor | None = None) -> Reply:
        today = await self._today(actor)
        who = member or actor
        state = await self.streak_state(actor.guild_id, who.user_id, today)
        progress = {
            p.local_date: p
            for p in await daily_rows.progress_between(
                self.db, actor.guild_id, who.user_id, today - timedelta(days=6), today + timedelta(days=1)
            )
        }
        lines = [
            f"current streak {state.current}",
            f"longest streak {state.longest}",
            f"freezes held {state.freezes} of {MAX_FREEZES} (next one after {state.days_to_next_freeze} more"
            " solved days)"
            if state.current
            else f"freezes held {state.freezes} of {MAX_FREEZES}",
            "",
            "Last 7 days:",
        ]
        first = await daily_rows.first_day(self.db, actor.guild_id, who.user_id)
        # Days before the member's first answer were not missed: they had not started yet.
        shown = [day for day in last_days(today) if day == today or (first is not None and day >= first)]
        for day in shown:
            row = progress.get(day.isoformat())
            if row is not None and row.counted:
                mark = "✅ solved"
            elif day in state.frozen:
                mark = "🧊 freeze used"
            elif row is not None and row.solved:
                mark = "☑️ solved after the solution (not counted)"
            elif day == today:
                mark = "⏳ not solved yet today"
            elif row is not None:
                mark = "❌ tried, not solved"
            else:
                mark = "· missed"
            lines.append(f"{day:%a %d %b}: {mark}")
        if state.current and not state.solved_today:
            lines.append("\nSolve today's prompt to keep the streak going: /daily")
        return Reply(title=f"{md(who.name)}'s streak", text="\n".join(lines), ephemeral=member is None)

    async def stats(self, actor: Actor, member: Actor | None = None) -> Reply:
        settings = await self.guilds.register(actor)
        today = local_date(self.clock.now(), settings.timezone)
        who = member or actor
        start = today - timedelta(days=HEATMAP_DAYS - 1)
        state = await self.streak_state(actor.guild_id, who.user_id, today)
        days = {
            p.local_date: p
            for p in await daily_rows.progress_between(
                self.db, actor.guild_id, who.user_id, start, today + timedelta(days=1)
            )
        }
        levels: list[int] = []
        for offset in range(HEATMAP_DAYS):
            day = start + timedelta(days=offset)
            row = days.get(day.isoformat())
            if row is not None and row.counted:
                levels.append(SOLVED)
            elif day in state.frozen:
                levels.append(FROZEN)
            elif row is not None and row.solved:
                levels.append(SOLVED_LATE)
            elif row is not None and (row.attempts or row.hints_used or row.solution_seen):
                levels.append(TRIED)
            else:
                levels.append(NONE)
        # graded answers only: unreadable input and timeouts say nothing about a topic
        accuracy = [
            r for r in await submission_rows.topic_accuracy(self.db, actor.guild_id, who.user_id) if r.answers
        ]
        solved = sum(1 for level in levels if level == SOLVED)
        hints = sum(row.hints_used for row in days.values())
        fields = [
            Field("Days solved (6 months)", str(solved), inline=True),
            Field("Streak", f"current streak {state.current} · longest streak {state.longest}", inline=True),
            Field("Hints used (6 months)", str(hints), inline=True),
        ]
        bank = self.content()
        if accuracy:
            lines = []
            for topic_row in sorted(accuracy, key=lambda r: -r.answers)[:15]:
                topic = topic_row.topic
                title = bank.topics[topic].title if topic in bank.topics else topic
                percent = f"{100 * topic_row.correct / topic_row.answers:.0f}%"
                lines.append(
                    f"{title}: {percent} of {plural(topic_row.answers, 'answer')} correct,"
                    f" {topic_row.solved}/{topic_row.problems} problems solved"
                )
            fields.append(Field("Accuracy per topic", "\n".join(lines)))
            # The same rule as /resources and /practice: enough answers, below the bar.
            weak = weakest(
                {r.topic: TopicScore(r.topic, r.answers, r.correct) for r in accuracy},
                limit=WEAKEST,
            )
            if weak:
                tips = []
                for score in weak:
                    title = bank.topics[score.topic].title if score.topic in bank.topics else score.topic
                    resources = bank.resources_for_topic(score.topic)
                    study = (
                        f"study [{resources[0].title}]({resources[0].url})" if resources else "see /resources"
                    )
                    tips.append(f"{title} ({score.accuracy:.0%} correct): {study}")
                fields.append(Field("Weakest topics", "\n".join(tips)))
            else:
                fields.append(
                    Field(
                        "Weakest topics",
                        f"None so far: no topic below {WEAK_BELOW:.0%} with at least {MIN_ATTEMPTS} answers.",
                    )
                )
        else:
            fields.append(Field("Accuracy per topic", "No answers yet: start with /daily."))
        mastery: dict[str, Mastery] = {}
        if self.reviews is not None:
            mastery = await self.reviews.mastery(actor, who.user_id, settings.timezone)
            fields += self._mastery_fields(bank, mastery, public=member is not None)
        attachments: tuple[Attachment, ...] = ()
        try:
            png = await self.workers.run(
                render_heatmap,
                HeatmapRequest(f"{who.name} — the last 6 months", start.isoformat(), tuple(levels)),
                timeout=15.0,
            )
            attachments = (Attachment("heatmap.png", png, "Calendar of solved days, last 6 months"),)
        except Exception:
            log.warning("could not draw the heatmap", exc_info=True)
        if mastery:
            try:
                png = await self.workers.run(
                    render_mastery,
                    MasteryRequest(f"{who.name} — mastery per area", area_scores(bank, mastery)),
                    timeout=15.0,
                )
                attachments += (Attachment("mastery.png", png, "Mastery per area, 0 to 100"),)
            except Exception:
                log.warning("could not draw the mastery chart", exc_info=True)
        return Reply(
            title=f"{md(who.name)}'s stats",
            fields=tuple(fields),
            attachments=attachments,
            image="heatmap.png" if any(a.filename == "heatmap.png" for a in attachments) else None,
            ephemeral=member is None,
        )

    @staticmethod
    def _mastery_fields(
        bank: ContentBank, mastery: dict[str, Mastery], *, public: bool = False
    ) -> list[Field]:
        """The reviews line (due, done, retention) and per topic: level, and what to do next. What a
        member has due is theirs alone: a public /stats member:<x> leaves it out."""
        cards_due = sum(m.due for m in mastery.values())
        reviews = sum(m.reviews for m in mastery.values())
        passed = sum(m.reviews_passed for m in mastery.values())
        retention = f"retention {passed / reviews:.0%}" if reviews else "no retention yet"
        line = f"{plural(reviews, 'review')} done · {retention}"
        if not public:
            line = f"{plural(cards_due, 'review')} due today · {line}" + (" · /review" if cards_due else "")
        fields = [Field("Reviews", line)]
        lines = []
        for m in sorted(mastery.values(), key=lambda m: (m.score, m.topic))[:8]:
            if m.topic not in bank.topics:
                continue
            resources = bank.resources_for_topic(m.topic)
            study = f" · [{resources[0].title}]({resources[0].url})" if resources else ""
            lines.append(
                f"{bank.topics[m.topic].title}: {m.level} ({m.score:.0f}/100) — next:"
                f" /practice topic:{m.topic} difficulty:{m.next_difficulty}{study}"
            )
        if lines:
            fields.append(Field("Mastery per topic (/help topic:mastery)", "\n".join(lines)))
        return fields

    async def leaderboard(self, actor: Actor, period: str = "week", page: int = 1) -> Reply:
        if period not in PERIODS:
            raise UserError(f"period must be one of {', '.join(PERIODS)} — got {period!r}.")
        if page < 1:
            raise UserError("page must be 1 or more.")
        today = await self._today(actor)
        key = period_key(period, today)
        total = await board_rows.count(self.db, actor.guild_id, key)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page, pages)
        standings = await board_rows.page(
            self.db, actor.guild_id, key, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        first = (page - 1) * PAGE_SIZE + 1
        lines = [
            f"{first + i}. {md(s.name)} — {plural(s.days, 'day')} solved · {plural(s.hints, 'hint')} ·"
            f" {plural(s.attempts, 'attempt')}"
            for i, s in enumerate(standings)
        ] or ["Nobody has solved a daily prompt in this period yet. Be the first: /daily"]
        mine = await board_rows.rank(self.db, actor.guild_id, key, actor.user_id)
        footer = f"Page {page} of {pages} · ranked by days solved, then fewer hints, then fewer attempts"
        if mine is not None:
            footer += f" · you are #{mine}"
        buttons = []
        if page > 1:
            buttons.append(
                Button(
                    "Previous",
                    Action("leaderboard", period, page - 1),
                    hint=f"/leaderboard period:{period} page:{page - 1}",
                    style="secondary",
                )
            )
        if page < pages:
            buttons.append(
                Button(
                    "Next",
                    Action("leaderboard", period, page + 1),
                    hint=f"/leaderboard period:{period} page:{page + 1}",
                    style="secondary",
                )
            )
        return Reply(
            title=f"Leaderboard — {_PERIOD_TITLES[period]}",
            text="\n".join(lines),
            footer=footer,
            buttons=tuple(buttons),
        )


def area_of(bank: ContentBank, slug: str) -> str:
    """The chart's area for a topic: optimisation is drawn apart from the rest of calculus."""
    if slug.startswith("optimi"):
        return "optimisation"
    topic = bank.topics.get(slug)
    return topic.area if topic else "other"


def area_scores(bank: ContentBank, mastery: dict[str, Mastery]) -> tuple[tuple[str, float | None], ...]:
    """Mean mastery of the tried topics of each area; the six core areas always appear."""
    grouped: dict[str, list[float]] = {area: [] for area in AREAS}
    for m in mastery.values():
        if m.first_tries or m.reviews:
            grouped.setdefault(area_of(bank, m.topic), []).append(m.score)
    return tuple((area, sum(s) / len(s) if s else None) for area, s in grouped.items())
