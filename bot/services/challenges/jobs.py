"""The scheduled challenge runs: announcement, 24-hour reminder, results, and the weekly challenge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.replies import Post
from bot.services.scheduler import DueRun, SkipRun
from bot.services.streaks import local_date
from bot.storage import challenges as rows
from bot.storage import guilds as guild_rows
from bot.storage.challenges import ChallengeRow

if TYPE_CHECKING:
    from bot.services.challenges.commands import ChallengeService

RESULTS_WINDOW = timedelta(days=14)  # a bot down longer than this does not post old results
REMINDER_LEAD = timedelta(hours=24)  # the reminder says "24 hours left"
# A reminder more than this late (a bot that was down) would say "24 hours left" with far less
# left, on the eve of the close: it is skipped. Results always post.
REMINDER_GRACE = timedelta(hours=4)


class _ChallengeJob:
    kind = ""

    def __init__(self, service: ChallengeService) -> None:
        self.service = service
        self.db = service.db

    async def _settings(self, guild_id: int) -> guild_rows.GuildSettings:
        return await self.service.guilds.settings(guild_id)

    async def _challenge(self, run: DueRun) -> ChallengeRow | None:
        found = await rows.get_challenge(self.db, run.guild_id, int(run.run_key))
        return found if found is not None and found.status == "scheduled" else None


class ChallengeOpenJob(_ChallengeJob):
    """ "challenge-open": the announcement with the Join button, once, while the challenge is open."""

    kind = "challenge-open"

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        found = await rows.challenges_between(self.db, opens_before=now, closes_after=now)
        return [DueRun(c.guild_id, str(c.id)) for c in found]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        challenge = await self._challenge(run)
        if challenge is None:
            return None
        return await self.service.replies.announcement(challenge, await self._settings(run.guild_id), now)


class ChallengeReminderJob(_ChallengeJob):
    """ "challenge-reminder": 24 hours before the close (only for challenges open longer than that)."""

    kind = "challenge-reminder"

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        found = await rows.challenges_between(self.db, opens_before=now, closes_after=now)
        return [
            DueRun(c.guild_id, str(c.id))
            for c in found
            if c.closes_at - REMINDER_LEAD <= now and c.closes_at - c.opens_at > REMINDER_LEAD
        ]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        challenge = await self._challenge(run)
        if challenge is None:
            return None
        left = challenge.closes_at - now
        if left < REMINDER_LEAD - REMINDER_GRACE:
            raise SkipRun(f"too late for a '24 hours left' reminder: it closes in {left}")
        return await self.service.replies.reminder(challenge, await self._settings(run.guild_id), now)


class ChallengeResultsJob(_ChallengeJob):
    """ "challenge-results": podium, solve counts and solutions, once, at (or after a downtime, soon
    after) the close."""

    kind = "challenge-results"

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        found = await rows.challenges_between(self.db, opens_before=now, closes_after=now - RESULTS_WINDOW)
        return [DueRun(c.guild_id, str(c.id)) for c in found if c.closes_at <= now]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        challenge = await self._challenge(run)
        if challenge is None:
            return None
        return await self.service.replies.results(challenge, await self._settings(run.guild_id))


class WeeklyChallengeJob(_ChallengeJob):
    """ "challenge-weekly": with /setup weekly_challenge:true, each week gets a challenge — created on
    Thursday for the next week (so moderators can review it), or on a Monday for that same week."""

    kind = "challenge-weekly"

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        due = []
        for settings in await guild_rows.weekly_challenge_guilds(self.db):
            today = local_date(now, settings.timezone)
            if today.weekday() == 0:
                monday = today
            elif today.weekday() >= 3:
                monday = today + timedelta(days=7 - today.weekday())
            else:
                continue
            due.append(DueRun(settings.guild_id, monday.isoformat()))
        return due

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        monday = date.fromisoformat(run.run_key)
        iso = monday.isocalendar()
        await self.service.create_weekly(run.guild_id, monday, f"W{iso.year}-{iso.week:02d}")
        return None  # the challenge-open job announces it when it opens
