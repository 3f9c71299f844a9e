"""The discussion-thread jobs' cost per scheduler tick at scale, next to the daily job's.

    PYTHONPATH=. python benchmarks/threads.py [--guilds 10000] [--days 60] [--repeat 20]

Seeds N guilds with threads on and `--days` days of history (a done daily post, a thread opened
and closed for each day, yesterday's thread still open), then times, at 09:30 with today's post
done, the `due_runs` of ThreadOpenJob and ThreadCloseJob next to the same-work baseline: DailyPostJob's
`due_runs` (one pass over the configured guilds, which every tick already pays). Prints the median
over `--repeat` ticks of each and their ratio to the baseline. Times are per tick (every 30 s).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.services.daily import DailyPostJob
from bot.services.threads import ThreadCloseJob, ThreadOpenJob
from bot.storage.database import Database


async def seed(db: Database, guilds: int, days: int, today: datetime) -> None:
    stamp = today.isoformat(timespec="seconds")
    await db.execute_many(
        "INSERT INTO guilds (guild_id, name, timezone, created_at, channel_id, channel_name,"
        " post_time, threads) VALUES (?, ?, 'UTC', ?, ?, 'study', '09:00', 1)",
        [(10_000 + g, f"guild {g}", stamp, 900_000 + g) for g in range(guilds)],
    )
    rows = []
    for back in range(days, -1, -1):
        key = (today - timedelta(days=back)).date().isoformat()
        kinds = ["daily", "thread-open", "thread-close"] if back >= 2 else ["daily", "thread-open"]
        if back == 0:
            kinds = ["daily"]  # today's post is out: today's thread opens, yesterday's closes
        rows += [(10_000 + g, kind, key, stamp) for g in range(guilds) for kind in kinds]
    await db.execute_many(
        "INSERT INTO job_runs (guild_id, kind, run_key, status, claimed_at, lease_until, done_at)"
        " VALUES (?, ?, ?, 'done', ?, ?, ?)",
        [(g, k, key, s, s, s) for g, k, key, s in rows],
    )


async def median_ms(call, now: datetime, repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = len(await call(now))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), count


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    now = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")
        await seed(db, args.guilds, args.days, now)
        rows = await db.fetch_value("SELECT COUNT(*) FROM job_runs")
        print(f"{args.guilds:,} guilds, {rows:,} job runs ({args.days} days), median of {args.repeat} ticks")
        baseline, posts = await median_ms(DailyPostJob(db, None).due_runs, now, args.repeat)  # type: ignore[arg-type]
        print(f"  baseline daily due_runs   {baseline:8.1f} ms  ({posts:,} due)")
        for name, job in (("thread-open", ThreadOpenJob(db)), ("thread-close", ThreadCloseJob(db, None))):  # type: ignore[arg-type]
            ms, due = await median_ms(job.due_runs, now, args.repeat)
            print(f"  {name:<12} due_runs   {ms:8.1f} ms  ({due:,} due)  {ms / baseline:5.2f}x baseline")
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
