"""The daily job at scale: one scheduler tick at 09:00 for N configured guilds, no-op delivery.

    PYTHONPATH=. python benchmarks/schedule.py [--guilds 1000] [--date 2026-11-19] [--baseline-guilds N]
                                               [--no-images] [--prepared]

Real services, database and 2 warm workers; each guild's prompt is planned (generators run,
statements drawn, as at post time) and its post built, claimed and "sent" to a delivery that does
nothing. Both runs start from the same fresh database and cold caches (images, generated prompts),
with the content bank already loaded, as in a bot that has been up since yesterday.

* tick: the scheduler as configured for the bot (one content snapshot per tick, guilds delivered
  16 at a time);
* prepared (--prepared): the same tick after `Scheduler.prepare` built the posts in the hour
  before, as the running bot does; its preparation is timed separately;
* baseline, the same work the old way: guilds one after another and the content cache
  re-validated on every lookup (Scheduler(concurrency=1) without the snapshot).

Prints elapsed time, posts made, event-loop lag (a 10 ms ticker's overshoot) p50/p99/max, and the
worker tasks (count, summed wall time) by kind, then the ratio tick/baseline. `--no-images` leaves
out the statement drawing (the part that costs the same however the tick is organised) to show the
scheduling and planning alone. The default date, a Thursday, is the week's worst case: about a
quarter of the guilds get a generated (per-guild) problem, each one generated and drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.content import load_content
from bot.replies import Post
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.services.scheduler import DEFAULT_CONCURRENCY, Scheduler
from bot.storage.database import Database


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def loop_lag(samples: list[float], stop: asyncio.Event, interval: float = 0.01) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(interval)
        samples.append((time.perf_counter() - start - interval) * 1000)


async def seed(path: Path, guilds: int, now: datetime) -> None:
    db = await Database.open(path)
    stamp = now.isoformat(timespec="seconds")
    await db.execute_many(
        "INSERT INTO guilds (guild_id, name, timezone, created_at, channel_id, channel_name, post_time)"
        " VALUES (?, ?, 'UTC', ?, ?, 'study', '09:00')",
        [(10_000 + g, f"guild {g}", stamp, 900_000 + g) for g in range(guilds)],
    )
    await db.close()


class Counted:
    """Wraps the worker pool's `run` to count tasks and their wall time by function."""

    def __init__(self, run: Callable[..., Any]) -> None:
        self.inner = run
        self.tasks: dict[str, list[float]] = defaultdict(list)

    async def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await self.inner(fn, *args, **kwargs)
        finally:
            self.tasks[fn.__name__].append(time.perf_counter() - start)


async def one_tick(
    template: Path, workdir: Path, now: datetime, *, baseline: bool, images: bool, prepared: bool = False
) -> dict:
    path = workdir / f"{'baseline' if baseline else 'tick'}-{prepared}.sqlite3"
    shutil.copy(template, path)
    clock = ManualClock(now)
    services = await Services.open(Settings(db_path=path, workers=2), clock=clock)
    services.start_workers()
    await services.workers.run(len, "warm-up")  # warm workers, as in a bot that is up
    counted = Counted(services.workers.run)
    services.workers.run = counted  # type: ignore[method-assign]
    if not images:

        async def no_image(key: str, markdown: str) -> bytes | None:
            return None

        services.problems.formula_image = no_image  # type: ignore[method-assign]
    scheduler = services.scheduler
    if baseline:
        scheduler = Scheduler(services.db, clock, scheduler.jobs, concurrency=1)
    sent = 0
    prep: dict = {}
    if prepared:  # what the running bot does in the hour before post time
        lag_before: list[float] = []
        stop_before = asyncio.Event()
        ticker = asyncio.create_task(loop_lag(lag_before, stop_before))
        start = time.perf_counter()
        count = await scheduler.prepare(now - timedelta(hours=1))
        prep = {"elapsed": time.perf_counter() - start, "count": count, "lag": lag_before}
        stop_before.set()
        await ticker
        prep["tasks"] = {fn: list(times) for fn, times in counted.tasks.items()}
        counted.tasks.clear()

    async def deliver(post: Post) -> None:
        nonlocal sent
        sent += 1

    lag: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(loop_lag(lag, stop))
    start = time.perf_counter()
    posts = await scheduler.run_once(deliver)
    elapsed = time.perf_counter() - start
    stop.set()
    await ticker
    await services.close()
    assert len(posts) == sent
    return {"elapsed": elapsed, "sent": sent, "lag": lag, "tasks": dict(counted.tasks), "prepare": prep}


def report(name: str, result: dict, guilds: int) -> None:
    prep = result.get("prepare")
    if prep:
        print(
            f"  {'prepare':<9} {prep['elapsed']:8.1f} s  {prep['count']:>6} posts built from 08:00"
            f"  loop lag ms p50 {pct(prep['lag'], 50):.1f} p99 {pct(prep['lag'], 99):.1f}"
            f" max {max(prep['lag']):.1f}"
        )
        for fn, times in sorted(prep["tasks"].items()):
            print(f"  {'':<9} worker {fn}: {len(times)} tasks, {sum(times):.1f} s summed wall time")
    lag = result["lag"]
    print(
        f"  {name:<9} {result['elapsed']:8.1f} s  {result['sent']:>6}/{guilds} posts"
        f"  {1000 * result['elapsed'] / max(guilds, 1):7.1f} ms/guild"
        f"  loop lag ms p50 {pct(lag, 50):.1f} p99 {pct(lag, 99):.1f} max {max(lag):.1f}"
    )
    for fn, times in sorted(result["tasks"].items()):
        print(f"  {'':<9} worker {fn}: {len(times)} tasks, {sum(times):.1f} s summed wall time")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 19))
    parser.add_argument(
        "--baseline-guilds",
        type=int,
        default=None,
        help="guilds for the baseline run (default: the same; 0 skips it)",
    )
    parser.add_argument("--no-images", action="store_true", help="leave out drawing the statements")
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="also time the tick after the bot prepared the posts in the hour before (as run_forever does)",
    )
    args = parser.parse_args()
    now = datetime.combine(args.date, dtime(9, 0, 30), tzinfo=UTC)
    load_content()  # the bank is loaded at start-up in a running bot
    base_n = args.guilds if args.baseline_guilds is None else args.baseline_guilds
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(
            f"daily tick at {now:%Y-%m-%d %H:%M} UTC ({args.date:%A}), no-op delivery,"
            f" {'no images' if args.no_images else 'statements drawn'},"
            f" concurrency {DEFAULT_CONCURRENCY}"
        )
        results = {}
        runs = [("tick", args.guilds, False, False), ("baseline", base_n, True, False)]
        if args.prepared:
            runs.insert(1, ("prepared", args.guilds, False, True))
        for name, n, baseline, prepared in runs:
            if n == 0:
                continue
            template = workdir / f"template-{n}.sqlite3"
            if not template.exists():
                await seed(template, n, now)
            result = await one_tick(
                template, workdir, now, baseline=baseline, images=not args.no_images, prepared=prepared
            )
            results[name] = (n, result)
            report(name, result, n)
        if "baseline" in results:
            bn, base = results["baseline"]
            for name in ("tick", "prepared"):
                if name not in results:
                    continue
                n, result = results[name]
                ratio = (result["elapsed"] / n) / (base["elapsed"] / bn)
                print(
                    f"  ratio {name}/baseline per guild at post time: {ratio:.2f}"
                    f"  (loop lag p99 {pct(result['lag'], 99):.1f} vs {pct(base['lag'], 99):.1f} ms)"
                )


if __name__ == "__main__":
    asyncio.run(main())
