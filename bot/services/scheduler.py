"""One scheduler for every timed post: due runs come from jobs, each run is posted exactly once.

Exactly once across crashes, restarts and concurrent processes (issue 12):

* claim -> build -> mark "sending" -> send -> mark done, each step a row update in the database;
* a process that dies holding a claim loses it when its lease runs out; the next process takes the
  run over without counting an attempt, since nothing failed to deliver;
* a run whose send may have started (a crash after "sending", or a failure whose request may have
  reached Discord) is looked for in the channel first (each post carries its run key) and sent only
  if absent, so the guarantee does not depend on Discord's few-minute nonce window;
* only real delivery failures count as attempts; permanent ones (no access, channel gone) end the
  run at once. discord.py already retries 5xx and 429 inside one send, so nothing here stacks
  retries on top of it;
* a run that is given up is logged once and kept with its reason for `/setup` to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.replies import Post
from bot.services.context import Clock
from bot.storage import jobs as job_rows
from bot.storage.database import Database

log = logging.getLogger(__name__)

Deliver = Callable[[Post], Awaitable[None]]
#: Posts of one job delivered at the same time. Discord's own rate limits are handled by discord.py's
#: HTTP client (it waits on 429 per route); this only bounds how much is in flight.
DEFAULT_CONCURRENCY = 16
#: Posts due within this are prepared (planned, generated, drawn) before their time.
PREPARE_AHEAD = timedelta(hours=1)
#: How often a process working on a run renews its lease (well inside STALE_AFTER).
LEASE_RENEW_SECONDS = 30.0


class DeliveryError(Exception):
    """The post could not be delivered this time; a later attempt may succeed."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (the bot may not post there, the channel is gone): the run fails now."""


class RecipientRefused(PermanentDeliveryError):
    """The one recipient of a direct message will not take it (they closed their DMs): the run ends
    `skipped`, not `failed` (the guild's posts did not fail), and the job's `refused(run, reason,
    now)` hook, if it has one, is told once, so it can stop asking."""


class SkipRun(Exception):
    """Raised by `build_post` when the post's moment has passed; `str()` says why."""


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
        """The post for a claimed run; None when there is nothing to say after all; SkipRun when
        it is too late for it to make sense. A job with `upcoming_runs(now, horizon)` (runs due
        within `horizon`) has its posts built ahead too, so build_post must not depend on being
        called only once."""
        ...


@runtime_checkable
class Delivery(Protocol):
    """Where posts go. `find` answers whether a post with this run reference is already in its
    channel (sent since `since`); the scheduler asks before resending a run that may have gone out."""

    async def send(self, post: Post) -> None: ...

    async def find(self, post: Post, since: datetime) -> bool: ...


class _SendOnly:
    """A plain send function (console, tests): it has nothing to look in, so nothing is found."""

    def __init__(self, send: Deliver) -> None:
        self._send = send

    async def send(self, post: Post) -> None:
        await self._send(post)

    async def find(self, post: Post, since: datetime) -> bool:
        return False


def run_ref(kind: str, run_key: str) -> str:
    """The run key as it is written on the post (embed footer) for `Delivery.find` to look for."""
    return f"ref {kind}/{run_key}"


def with_run_key(post: Post, guild_id: int, kind: str, run_key: str) -> Post:
    """The post marked with its run: the footer reference and the key the nonce derives from."""
    ref = run_ref(kind, run_key)
    footer = post.reply.footer
    if not footer or ref not in footer:
        footer = f"{footer} · {ref}" if footer else ref
    extra = {**post.extra, "idempotency_key": f"{guild_id}:{kind}:{run_key}", "run_ref": ref}
    return dataclasses.replace(post, reply=dataclasses.replace(post.reply, footer=footer), extra=extra)


class Scheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        jobs: Sequence[Job] = (),
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        build_concurrency: int = 2,
        tick_context: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.jobs: list[Job] = list(jobs)
        self.concurrency = concurrency
        # Building a post plans the prompt and draws it in the worker pool: more builds in flight
        # than workers only queue there (or make an elastic pool fork cold workers), while the
        # sends, which mostly wait on Discord, overlap freely up to `concurrency`.
        self._build_slots = asyncio.Semaphore(build_concurrency)
        # Preparing ahead uses one worker at most: the other stays free for members and due posts.
        self._prepare_slots = asyncio.Semaphore(1)
        self._prepared: set[tuple[str, int, str]] = set()
        # Entered around each tick (e.g. one content snapshot for every guild of the tick).
        self.tick_context = tick_context or contextlib.nullcontext

    def add(self, job: Job) -> None:
        self.jobs.append(job)

    async def run_once(self, deliver: Deliver | Delivery) -> list[Post]:
        """Claim and deliver every due run; returns the posts sent in this tick.

        Jobs run in order (a curriculum's end before the day's post, a weekly challenge created
        before the job that announces it); within a job, guilds are delivered concurrently.
        """
        delivery: Delivery = deliver if isinstance(deliver, Delivery) else _SendOnly(deliver)
        now = self.clock.now()
        delivered: list[Post] = []
        with self.tick_context():
            for job in self.jobs:
                runs = list(await job.due_runs(now))
                await self._sweep(job, runs, now)
                slots = asyncio.Semaphore(self.concurrency)

                async def one(run: DueRun, job: Job = job, slots: asyncio.Semaphore = slots) -> Post | None:
                    async with slots:
                        return await self._run(job, run, now, delivery)

                for post in await asyncio.gather(*(one(run) for run in runs)):
                    if post is not None:
                        delivered.append(post)
        return delivered

    async def _sweep(self, job: Job, due: Sequence[DueRun], now: datetime) -> None:
        """Runs left open (waiting to retry, or claimed by a process that died) whose moment has
        passed are given up, once, with the reason: never stuck `claimed` for ever."""
        due_keys = {(run.guild_id, run.run_key) for run in due}
        # A job scoped to this process's shards (services.job_scope) leaves other processes' runs alone.
        owns: Callable[[int], bool] | None = getattr(job, "owns", None)
        for row in await job_rows.open_runs(self.db, job.kind, now):
            if (row.guild_id, row.run_key) in due_keys:
                continue
            if owns is not None and not owns(row.guild_id):
                continue
            if row.status == "retry":
                reason = f"{row.detail or 'delivery failed'} (its time passed before another attempt)"
            elif row.send_started:
                reason = "the bot stopped while sending it and its time passed; it may not have gone out"
            else:
                reason = "the bot stopped before sending it and its time passed"
            if await job_rows.expire_run(self.db, row, now, reason):
                log.error("gave up %s %s for guild %s: %s", job.kind, row.run_key, row.guild_id, reason)

    async def _run(self, job: Job, run: DueRun, now: datetime, delivery: Delivery) -> Post | None:
        claim = await job_rows.claim_run(self.db, run.guild_id, job.kind, run.run_key, now)
        if claim is None:
            return None
        if claim.takeover:
            log.info(
                "taking over %s %s for guild %s from a stopped process", job.kind, run.run_key, run.guild_id
            )
        async with self._lease(claim):
            return await self._deliver(job, run, claim, now, delivery)

    async def _deliver(
        self, job: Job, run: DueRun, claim: job_rows.Claim, now: datetime, delivery: Delivery
    ) -> Post | None:
        what = f"{job.kind} {run.run_key} for guild {run.guild_id}"
        try:
            async with self._build_slots:
                post = await job.build_post(run, now)
        except SkipRun as skip:
            log.info("skipped %s: %s", what, skip)
            await job_rows.finish_run(self.db, claim, now, status="skipped", detail=str(skip))
            return None
        except Exception as exc:  # our bug or our database: worth a traceback, and an attempt
            log.exception("building %s failed", what)
            await self._failed(claim, now, what, f"could not prepare the post ({type(exc).__name__})")
            return None
        if post is None:
            await job_rows.finish_run(self.db, claim, now, status="done", detail="nothing to post")
            return None
        post = with_run_key(post, run.guild_id, job.kind, run.run_key)
        try:
            if claim.maybe_sent and await delivery.find(post, claim.first_claimed):
                log.info("%s was already in its channel; not sending it again", what)
                await job_rows.finish_run(self.db, claim, now, status="done", detail="found in the channel")
                return None
            if not await job_rows.mark_sending(self.db, claim, now):
                return None  # the claim was lost meanwhile: its new holder delivers it
            await delivery.send(post)
        except RecipientRefused as exc:
            log.warning("not sending %s: %s", what, exc)
            await job_rows.finish_run(self.db, claim, now, status="skipped", detail=str(exc))
            refused: Callable[[DueRun, str, datetime], Awaitable[None]] | None = getattr(job, "refused", None)
            if refused is not None:
                try:
                    await refused(run, str(exc), now)
                except Exception:
                    log.exception("handling the refusal of %s failed", what)
            return None
        except PermanentDeliveryError as exc:
            log.warning("not posting %s: %s", what, exc)
            await job_rows.finish_run(self.db, claim, now, status="failed", detail=str(exc))
            return None
        except Exception as exc:
            await self._failed(claim, now, what, str(exc) or type(exc).__name__)
            return None
        await job_rows.finish_run(self.db, claim, now, status="done")
        return post

    async def _failed(self, claim: job_rows.Claim, now: datetime, what: str, reason: str) -> None:
        status = await job_rows.record_failure(self.db, claim, now, reason)
        if status == "failed":
            log.error("gave up %s after %d failed attempts: %s", what, job_rows.MAX_ATTEMPTS, reason)
        elif status == "retry":
            log.warning("posting %s failed (%s); trying again in a few minutes", what, reason)

    @contextlib.asynccontextmanager
    async def _lease(self, claim: job_rows.Claim) -> AsyncIterator[None]:
        """Renew the claim in the background while this process works on it (a slow send must not
        look like a dead process)."""

        async def renew() -> None:
            while True:
                await asyncio.sleep(LEASE_RENEW_SECONDS)
                with contextlib.suppress(Exception):
                    await job_rows.renew_lease(self.db, claim, self.clock.now())

        task = asyncio.create_task(renew())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def prepare(self, now: datetime, horizon: timedelta = PREPARE_AHEAD) -> int:
        """Build, ahead of time, the posts that fall due within `horizon` (jobs with
        `upcoming_runs`): the daily prompt is chosen and stored, generated and drawn, so that at
        post time a thousand guilds are only sent, not planned. Nothing is claimed or sent here;
        each run is prepared once per process. Returns how many were prepared."""
        with self.tick_context():
            work: list[tuple[Job, DueRun]] = []
            for job in self.jobs:
                upcoming = getattr(job, "upcoming_runs", None)
                if upcoming is None:
                    continue
                for run in await upcoming(now, horizon):
                    key = (job.kind, run.guild_id, run.run_key)
                    if key not in self._prepared:
                        self._prepared.add(key)
                        work.append((job, run))

            async def one(job: Job, run: DueRun) -> None:
                async with self._prepare_slots:
                    if await job_rows.get_run(self.db, run.guild_id, job.kind, run.run_key) is not None:
                        return  # already posted (or being posted)
                    try:
                        await job.build_post(run, now)
                    except Exception:  # it is built again, and reported, at post time
                        log.debug("preparing %s %s failed", job.kind, run.run_key, exc_info=True)

            await asyncio.gather(*(one(job, run) for job, run in work))
        if len(self._prepared) > 200_000:  # keys of past days; a restart forgets them too
            self._prepared.clear()
        return len(work)

    async def run_forever(
        self,
        deliver: Deliver | Delivery,
        *,
        interval: float = 30.0,
        on_tick: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`on_tick` runs after every tick, failed or not (the heartbeat `studybot health` reads)."""
        preparing: asyncio.Task[int] | None = None
        try:
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
                # In the background, so a long preparation never delays a post that is due.
                if preparing is None or preparing.done():
                    preparing = asyncio.create_task(self.prepare(self.clock.now()))
                    preparing.add_done_callback(_log_failure)
                await asyncio.sleep(interval)
        finally:
            if preparing is not None:
                preparing.cancel()


def _log_failure(task: asyncio.Task[int]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("preparing upcoming posts failed", exc_info=task.exception())
