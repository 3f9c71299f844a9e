"""Which guilds this process schedules for: its own shards, and only guilds the bot is still in.

A separate hook around each scheduler job (not a change to the scheduler): the filter runs before a
run is claimed, so a run another shard process owns is never claimed, and so never lost, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.services.scheduler import DueRun, Job, Scheduler
from bot.storage import guilds as guild_rows
from bot.storage.database import Database


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule for which shard receives a guild's events."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class ShardScope:
    """`shard_ids` None means every shard (one process, or shard count left to Discord)."""

    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard ids need a shard count")
            bad = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if bad or not self.shard_ids:
                raise ValueError(f"shard ids must be between 0 and {self.shard_count - 1}, got {bad}")

    def owns(self, guild_id: int) -> bool:
        if self.shard_ids is None or self.shard_count is None:
            return True
        return shard_of(guild_id, self.shard_count) in self.shard_ids


class ScopedJob:
    """A job whose due runs are limited to the guilds this process should post for."""

    def __init__(self, job: Job, db: Database, scope: ShardScope) -> None:
        self.job = job
        self.db = db
        self.scope = scope
        self.kind = job.kind

    def owns(self, guild_id: int) -> bool:
        """Whether this process posts for the guild's shard (the scheduler's sweep asks too)."""
        return self.scope.owns(guild_id)

    async def _ours(self, runs: Sequence[DueRun]) -> Sequence[DueRun]:
        if not runs:
            return runs
        removed = await guild_rows.removed_ids(self.db)
        return [run for run in runs if self.scope.owns(run.guild_id) and run.guild_id not in removed]

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        return await self._ours(await self.job.due_runs(now))

    async def build_post(self, run: DueRun, now: datetime) -> Any:
        return await self.job.build_post(run, now)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.job, name)
        if name == "upcoming_runs":  # the scheduler prepares ahead only the posts this process makes

            async def upcoming_runs(now: datetime, horizon: timedelta) -> Sequence[DueRun]:
                return await self._ours(await attribute(now, horizon))

            return upcoming_runs
        return attribute


def scope_scheduler(scheduler: Scheduler, db: Database, scope: ShardScope) -> None:
    """Wrap every job of `scheduler` (once); call after all jobs are added."""
    scheduler.jobs = [
        job if isinstance(job, ScopedJob) else ScopedJob(job, db, scope) for job in scheduler.jobs
    ]
