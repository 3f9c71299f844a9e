"""A discussion thread on each daily post (/setup threads:true), as two scheduler jobs.

* "thread-open" (run key: the local date) runs once the day's daily post is done: it opens a public
  thread "Discuss · YYYY-MM-DD" on that post, its first message asking for spoiler tags;
* "thread-close" (run key: the date of the thread's prompt) runs once a later daily post is done:
  it posts that prompt's worked solution in the thread as a spoiler, with the solve count, and
  archives the thread.

Both are ordinary scheduler runs (claim, lease, "sending", look before resending), so a thread is
opened and closed exactly once across crashes and processes. The post says which thread it is for
in `extra` (the run reference of its daily post, and when that post went out); the adapter finds the
daily post there and opens or uses the thread on it. Nothing here knows what a thread is on Discord.

The thread is archived, not locked: locking needs Manage Threads (a moderator's permission the bot
otherwise never asks for), and once the solution is out there is nothing left to spoil, so a member
who solves it late may still reopen the thread by writing in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.plots.latex_text import readable_text
from bot.replies import Attachment, Post, Reply, plural
from bot.services.daily import DailyService
from bot.services.scheduler import DueRun, SkipRun, run_ref
from bot.services.streaks import local_date
from bot.storage import daily as daily_rows
from bot.storage import guilds as guild_rows
from bot.storage import jobs as job_rows
from bot.storage.database import Database

OPEN_KIND = "thread-open"
CLOSE_KIND = "thread-close"
#: Threads of prompts older than this are not closed any more (the bot was off for days; Discord
#: has archived them after a day of quiet anyway): it keeps each tick's lookup to a few days of runs.
CLOSE_WINDOW = timedelta(days=3)


def thread_name(day: str) -> str:
    return f"Discuss · {day}"


def spoiler(text: str) -> str:
    """`text` hidden behind one spoiler: a `||` inside would end it early, so it becomes ‖."""
    return f"||{text.replace('||', '‖')}||" if text else ""


async def _thread_extra(db: Database, guild_id: int, day: str, action: str) -> dict[str, str]:
    since = await job_rows.first_claimed_at(db, guild_id, "daily", day)
    if since is None:
        raise SkipRun(f"the daily post of {day} was never made")
    return {
        "thread": action,
        "thread_name": thread_name(day),
        "starter_ref": run_ref("daily", day),
        "starter_since": since,
    }


class ThreadOpenJob:
    """Opens the day's discussion thread right after the daily post (the job after it in a tick)."""

    kind = OPEN_KIND

    def __init__(self, db: Database) -> None:
        self.db = db

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        wanted = [
            DueRun(guild.guild_id, local_date(now, guild.timezone).isoformat())
            for guild in await guild_rows.configured_guilds(self.db)
            if guild.threads
        ]
        posted = await job_rows.done_runs(self.db, "daily", {run.run_key for run in wanted})
        return [run for run in wanted if (run.guild_id, run.run_key) in posted]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        settings = await guild_rows.get_guild(self.db, run.guild_id)
        if settings is None or settings.channel_id is None or not settings.threads:
            return None
        name = thread_name(run.run_key)
        reply = Reply(
            title=name,
            text=(
                "Talk about today's prompt here. Hide anything that gives the answer away in spoiler"
                " tags, ||like this||, so everyone can still solve it themselves.\n"
                "The worked solution is posted here when the next prompt goes out."
            ),
        )
        return Post(
            guild_id=run.guild_id,
            channel_id=settings.channel_id,
            title=name,
            reply=reply,
            extra=await _thread_extra(self.db, run.guild_id, run.run_key, "open"),
        )


class ThreadCloseJob:
    """Posts the solution in a thread whose prompt was replaced by the next daily post, and archives it."""

    kind = CLOSE_KIND

    def __init__(self, db: Database, daily: DailyService) -> None:
        self.db = db
        self.daily = daily

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        since = (now - CLOSE_WINDOW).date().isoformat()
        rows = await job_rows.runs_to_follow(self.db, OPEN_KIND, "daily", CLOSE_KIND, since)
        return [DueRun(guild_id, run_key) for guild_id, run_key in rows]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        settings = await guild_rows.get_guild(self.db, run.guild_id)
        if settings is None or settings.channel_id is None:
            return None
        day = date.fromisoformat(run.run_key)
        row = await self.daily.planner.stored(run.guild_id, day)
        prompt = None if row is None else await self.daily.problems.get(row.prompt_id)
        solved = await daily_rows.solved_count(self.db, run.guild_id, day)
        count = f"{plural(solved, 'member')} solved it."
        attachments: tuple[Attachment, ...] = ()
        if prompt is None:
            text = f"That prompt is no longer in the prompt bank, so there is no solution to show.\n\n{count}"
        else:
            worked = prompt.solution or "No worked solution is written for this prompt."
            text = f"{spoiler(readable_text(worked))}\n\nAnswer: {spoiler(prompt.answer)}\n\n{count}"
            png = await self.daily.problems.formula_image(f"{prompt.id}#solution", worked)
            if png:
                # SPOILER_ makes Discord blur the image until clicked; it is sent as a plain file,
                # not shown inside the embed (an embed image cannot be a spoiler).
                attachments = (Attachment("SPOILER_solution.png", png, "The worked solution"),)
        name = thread_name(run.run_key)
        reply = Reply(
            title=f"Solution · {run.run_key}",
            text=text,
            attachments=attachments,
            footer="This thread is archived now; writing in it reopens it.",
        )
        return Post(
            guild_id=run.guild_id,
            channel_id=settings.channel_id,
            title=name,
            reply=reply,
            extra=await _thread_extra(self.db, run.guild_id, run.run_key, "close"),
        )


__all__ = ["CLOSE_KIND", "OPEN_KIND", "ThreadCloseJob", "ThreadOpenJob", "spoiler", "thread_name"]
