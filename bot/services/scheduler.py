"""One scheduler for every timed post: due runs come from jobs, each run is claimed exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.replies import Post
from bot.services.context import Clock
from bot.storage import jobs as job_rows
from bot.storage.database import Database

log = logging.getLogger(__name__)

Deliver = Callable[[Post], Awaitable[None]]


@dataclass(frozen=True)
class DueRun:
    """One post that should exist: `run_key` (usually the guild's local date) makes it unique."""

    guild_id: int
    run_key: str


class Job(Protocol):
    kind: str

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        """Every run whose time has come (and whose window has not passed) at `now`."""
        ...

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        """The post for a claimed run; None when there is nothing to say after all."""
        ...


class Scheduler:
    def __init__(self, db: Database, clock: Clock, jobs: Sequence[Job] = ()) -> None:
        self.db = db
        self.clock = clock
        self.jobs: list[Job] = list(jobs)

    def add(self, job: Job) -> None:
        self.jobs.append(job)

    async def run_once(self, deliver: Deliver) -> list[Post]:
        """Claim and deliver every due run. A run already claimed (by an earlier tick, an earlier
        process, or a concurrent one) is skipped, so each post is made once."""
        now = self.clock.now()
        delivered: list[Post] = []
        for job in self.jobs:
            for run in await job.due_runs(now):
                if not await job_rows.claim_run(self.db, run.guild_id, job.kind, run.run_key, now):
                    continue
                try:
                    post = await job.build_post(run, now)
                    if post is not None:
                        await deliver(post)
                        delivered.append(post)
                except Exception as exc:
                    log.exception(
                        "scheduled %s for guild %s (%s) failed", job.kind, run.guild_id, run.run_key
                    )
                    await job_rows.finish_run(
                        self.db, run.guild_id, job.kind, run.run_key, now, ok=False, detail=repr(exc)[:500]
                    )
                else:
                    await job_rows.finish_run(self.db, run.guild_id, job.kind, run.run_key, now, ok=True)
        return delivered

    async def run_forever(
        self,
        deliver: Deliver,
        *,
        interval: float = 30.0,
        on_tick: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`on_tick` runs after every tick, failed or not (the heartbeat `studybot health` reads)."""
        while True:
            try:
                await self.run_once(deliver)
            except Exception:
                log.exception("scheduler tick failed")
            if on_tick is not None:
                try:
                    await on_tick()
                except Exception:
                    log.exception("scheduler heartbeat failed")
            await asyncio.sleep(interval)
