"""Review reminders (issue 16): `/review remind:true` asks for one DM a day when reviews are due.

Never without opting in, and never public: the DM goes to the member alone. It is an ordinary
scheduler job that runs once the guild's daily post is done, with one run per member and local
day (key `YYYY-MM-DD:<user id>`). Why a run per member rather than one run per guild-day that
sends them all: each DM then gets the scheduler's whole exactly-once machinery on its own (claim,
lease, "sending", look in the DM channel before resending after a crash), and one member's closed
DMs or a failed send ends or retries only their run, never the others'. A guild-day run would have
to rebuild all of that per member inside itself.

A member whose DMs are closed (Discord says 403) has reminders turned off, with the reason, and
/review says so; they can turn them on again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.replies import Post, Reply, md, plural
from bot.services.context import Actor, Clock
from bot.services.guilds import GuildService
from bot.services.reviews import day_end
from bot.services.scheduler import DueRun, SkipRun
from bot.services.streaks import local_date
from bot.storage import guilds as guild_rows
from bot.storage import members as member_rows
from bot.storage import reminders as reminder_rows
from bot.storage import reviews as review_rows
from bot.storage.database import Database

DM_KIND = reminder_rows.DM_KIND
ON_TEXT = "I'll DM you once a day when reviews are due; /review remind:false stops it."
OFF_TEXT = "No more review DMs. /review remind:true turns them back on."


def dm_text(count: int, guild_name: str) -> str:
    return f"{plural(count, 'review')} due in {md(guild_name) or 'your server'}: /review"


class ReminderService:
    """The member's choice, behind `/review remind:true|false`."""

    def __init__(self, db: Database, guilds: GuildService, clock: Clock) -> None:
        self.db = db
        self.guilds = guilds
        self.clock = clock

    async def set(self, actor: Actor, enabled: bool) -> Reply:
        settings = await self.guilds.register(actor)
        now = self.clock.now()
        async with self.db.transaction():
            await reminder_rows.set_enabled(self.db, actor.guild_id, actor.user_id, enabled, now)
        if not enabled:
            return Reply(title="Review reminders off", text=OFF_TEXT, ephemeral=True)
        due = await review_rows.count_due(
            self.db, actor.guild_id, actor.user_id, day_end(now, settings.timezone)
        )
        lines = [
            ON_TEXT,
            "The DM comes after the server's daily post, only on days with reviews due, and only if"
            " I can reach you (if your DMs are closed, reminders switch off and /review tells you).",
        ]
        if due:
            lines.append(f"{plural(due, 'review')} due today: /review")
        return Reply(title="Review reminders on", text="\n".join(lines), tone="success", ephemeral=True)

    async def note(self, actor: Actor) -> str | None:
        """A line for /review when the bot turned reminders off (the member should know why)."""
        reminder = await reminder_rows.get(self.db, actor.guild_id, actor.user_id)
        if reminder is None or reminder.enabled or not reminder.off_reason:
            return None
        return f"Review reminders are off: {reminder.off_reason}. /review remind:true turns them on again."


class ReviewReminderJob:
    """One DM per opted-in member with due reviews, per local day, after the guild's daily post."""

    kind = DM_KIND

    def __init__(self, db: Database) -> None:
        self.db = db

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        # One query per time zone in use (a handful), not per guild: it runs every tick.
        runs: list[DueRun] = []
        for zone in await reminder_rows.guild_timezones(self.db):
            day = local_date(now, zone).isoformat()
            for guild_id, user_id in await reminder_rows.owed(self.db, zone, day, day_end(now, zone)):
                runs.append(DueRun(guild_id, reminder_rows.dm_run_key(day, user_id)))
        return runs

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        day, user_id = reminder_rows.dm_run_user(run.run_key)
        settings = await guild_rows.get_guild(self.db, run.guild_id)
        if settings is None:
            return None
        if local_date(now, settings.timezone) != date.fromisoformat(day):
            raise SkipRun("its day is over")
        reminder = await reminder_rows.get(self.db, run.guild_id, user_id)
        if reminder is None or not reminder.enabled:
            return None  # turned off since the run was listed
        due = await review_rows.count_due(self.db, run.guild_id, user_id, day_end(now, settings.timezone))
        if not due:
            return None  # reviewed meanwhile: nothing to remind of
        name = await member_rows.member_name(self.db, run.guild_id, user_id) or str(user_id)
        return Post(
            guild_id=run.guild_id,
            channel_id=None,
            title="Reviews due",
            reply=Reply(text=dm_text(due, settings.name), footer="/review remind:false stops these DMs"),
            extra={"dm_user_id": str(user_id), "dm_name": name},
        )

    async def refused(self, run: DueRun, reason: str, now: datetime) -> None:
        """The member's DMs are closed: stop reminding them (the scheduler logged it, once)."""
        _, user_id = reminder_rows.dm_run_user(run.run_key)
        async with self.db.transaction():
            await reminder_rows.set_enabled(
                self.db, run.guild_id, user_id, False, now, reason="I could not DM you (your DMs are closed)"
            )


__all__ = ["DM_KIND", "OFF_TEXT", "ON_TEXT", "ReminderService", "ReviewReminderJob", "dm_text"]
