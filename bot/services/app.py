"""The service container: one per process, shared by the Discord cogs and the console."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.content import load_content
from bot.content.loader import pinned_content
from bot.services.answers import AnswerService
from bot.services.challenges import (
    ChallengeOpenJob,
    ChallengeReminderJob,
    ChallengeResultsJob,
    ChallengeService,
    WeeklyChallengeJob,
)
from bot.services.context import Clock, OffsetClock, SystemClock
from bot.services.curricula import CurriculumEndJob, CurriculumService, CurriculumWeekJob
from bot.services.daily import DailyPlanner, DailyPostJob, DailyService
from bot.services.guilds import GuildService
from bot.services.limits import MemberLimiter
from bot.services.mydata import MemberDataService
from bot.services.pictures import PictureService
from bot.services.practice import PracticeService
from bot.services.problems import Problems, warm_up
from bot.services.progress import ProgressService
from bot.services.reminders import ReminderService, ReviewReminderJob
from bot.services.resources import ResourceService
from bot.services.reviews import ReviewService
from bot.services.scheduler import Scheduler
from bot.services.threads import ThreadCloseJob, ThreadOpenJob
from bot.storage.database import Database
from bot.workers import WorkerPool

# Imported once in the forkserver so that every (re)started worker is warm.
WORKER_PRELOAD = (
    "sympy",
    "numpy",
    "matplotlib",
    "matplotlib.figure",
    "bot.maths.checker",
    # the picture engine: render modules and the job entry points the workers are handed
    "bot.plots.function_plot",
    "bot.plots.gd_plot",
    "bot.plots.losscurve",
    "bot.plots.tex",
    "bot.services.picture_jobs",
    "bot.services.problems",
    "bot.plots.heatmap",
    "bot.plots.mastery",
)


class Services:
    """Owns the database, the clock and the worker pool; exposes one object per use case."""

    def __init__(self, settings: Settings, db: Database, clock: Clock, workers: WorkerPool) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.workers = workers
        self.guilds = GuildService(db, settings.default_timezone)
        # One content snapshot per scheduler tick: planning 10,000 guilds must not stat every
        # content file dozens of times per guild (issue 12).
        self.scheduler = Scheduler(
            db, clock, build_concurrency=max(1, workers.size), tick_context=pinned_content
        )
        # Shared by every use case and adapter: one heavy task per member, cooldowns on pictures.
        self.limits = MemberLimiter(clock)
        self.pictures = PictureService(workers, limits=self.limits)
        self.resources = ResourceService(db)
        # The daily loop (issue 6). Issue 7 plugs in through `self.daily.planner.curriculum_source`,
        # `self.daily.planner.exclusions` and `self.answers.add_resolver(...)`.
        self.content = load_content
        self.problems = Problems(workers, self.content)
        self.practice = PracticeService(db, clock, workers, self.guilds, self.problems.statement_image)
        planner = DailyPlanner(db, self.problems, self.content, clock)
        self.daily = DailyService(db, self.guilds, planner, self.problems, clock, self.content)
        self.answers = AnswerService(db, self.daily, self.problems, clock, self.limits)
        self.progress = ProgressService(db, self.guilds, workers, clock, self.content)
        # Issue 7: curricula drive the planner (curriculum_source), challenges keep their problems out
        # of the daily (planner.exclusions) and answer `/answer problem:<n>` (a resolver).
        self.curricula = CurriculumService(
            db, self.guilds, planner, self.content, clock, self.problems.families
        )
        self.challenges = ChallengeService(db, self.guilds, planner, self.problems, self.content, clock)
        self.challenges.week_topics = self.curricula.week_topics
        self.answers.add_resolver(self.challenges.resolve)
        # Issue 16: spaced review. Cards are made where answers and solutions are recorded; review
        # answers resolve before practice ids; /practice and /stats read mastery.
        self.reviews = ReviewService(db, self.guilds, self.problems, clock, self.content)
        self.answers.add_resolver(self.reviews.resolve)
        self.answers.review_resolver = self.reviews.resolve
        self.answers.on_first_go = self.daily.on_first_go = self.reviews.record_first
        self.answers.due_note = self.daily.due_note = self.reviews.due_note
        self.practice.due_topics = self.reviews.weakest_due_topics
        self.progress.reviews = self.reviews
        # /review remind:true|false and its daily DM; /mydata, the member's own export.
        self.reminders = ReminderService(db, self.guilds, clock)
        self.reviews.reminder_note = self.reminders.note
        self.mydata = MemberDataService(db, self.guilds, clock, self.limits)
        # Order matters within one tick: a curriculum's end before the day's post, a weekly challenge
        # created before the job that announces it.
        self.scheduler.add(CurriculumEndJob(self.curricula))
        self.scheduler.add(CurriculumWeekJob(self.curricula))
        self.scheduler.add(DailyPostJob(db, self.daily))
        # After the daily post of the same tick: yesterday's thread gets its solution, today's opens.
        self.scheduler.add(ThreadCloseJob(db, self.daily))
        self.scheduler.add(ThreadOpenJob(db))
        # Review reminder DMs go out once the guild's daily post is done (checked in its due runs).
        self.scheduler.add(ReviewReminderJob(db))
        self.scheduler.add(WeeklyChallengeJob(self.challenges))
        self.scheduler.add(ChallengeResultsJob(self.challenges))
        self.scheduler.add(ChallengeOpenJob(self.challenges))
        self.scheduler.add(ChallengeReminderJob(self.challenges))

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        db: Database | None = None,
        workers: WorkerPool | None = None,
    ) -> Services:
        """Open (and migrate) the database. Workers start lazily, or when `start_workers` is called."""
        db = db or await Database.open(settings.db_path)
        workers = workers or WorkerPool(
            settings.workers, timeout=settings.check_timeout, preload=WORKER_PRELOAD, warmup=warm_up
        )
        return cls(settings, db, clock or SystemClock(), workers)

    @classmethod
    async def open_local(
        cls,
        settings: Settings,
        *,
        db_path: Path | str,
        guild_id: int,
        guild_name: str,
        channel_id: int,
        channel_name: str,
        local: datetime | None = None,
        workers: WorkerPool | None = None,
    ) -> Services:
        """Services for a local adapter (the console) in its own guild; `local` (naive) is a time
        to run as if it were now, read in that guild's time zone."""
        db = await Database.open(db_path)
        guild = await GuildService(db, settings.default_timezone).ensure_home(
            guild_id, name=guild_name, channel_id=channel_id, channel_name=channel_name
        )
        clock: Clock = (
            SystemClock() if local is None else OffsetClock(local.replace(tzinfo=ZoneInfo(guild.timezone)))
        )
        # Workers start on first use: a scripted session that only reads needs none.
        return await cls.open(settings, clock=clock, db=db, workers=workers)

    def start_workers(self) -> None:
        """Warm the worker processes in the background (returns at once)."""
        self.workers.start()

    async def warm_workers(self) -> bool:
        """Start the workers and wait until each is up and warm: the bot takes work after this, so
        no member's first check pays for imports or cold caches. False if they did not come up."""
        ready = getattr(self.workers, "ready", None)
        if ready is None:  # a pool without readiness (tests' shared wrappers) is warm already
            self.workers.start()
            return True
        return bool(await ready())

    async def close(self) -> None:
        await self.workers.aclose()
        await self.db.close()
