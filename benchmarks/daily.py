"""The daily loop under load, through the real services, database and worker pool.

    PYTHONPATH=. python benchmarks/daily.py [--members 500] [--window 60] [--history-members 10000]

1. Burst: N members answer today's prompt within `window` seconds (arrivals spread uniformly; a
   third answer wrong first and then right). Direct service calls, 2 checker workers. Prints how
   many submissions and counted days were recorded, event-loop lag (a 10 ms ticker's overshoot)
   p50/p99/max and end-to-end verdict latency p50/p99/max.
2. History: a database with `history-members` members and a year of daily history (seeded with
   bulk inserts), then the /leaderboard and /stats queries timed through the services (median
   of repeated calls; the /stats figure excludes and then includes drawing the heatmap).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.content import load_content
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.services.streaks import period_keys

GUILD = 4242


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def loop_lag(samples: list[float], stop: asyncio.Event, interval: float = 0.01) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(interval)
        samples.append((time.perf_counter() - start - interval) * 1000)


async def burst(members: int, window: float, workdir: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    settings = Settings(db_path=workdir / "burst.sqlite3", workers=2)
    services = await Services.open(settings, clock=clock)
    services.start_workers()
    actors = [Actor(GUILD, 10_000 + i, f"member{i}") for i in range(members)]
    today = await services.daily.today(actors[0])
    right = today.prompt.answer
    wrong = "123456789"
    await services.answers.answer(Actor(GUILD, 1, "warm-up"), wrong)  # workers warm, as in a running bot
    rng = random.Random(7)
    latencies: list[float] = []
    lag: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(loop_lag(lag, stop))

    async def one(actor: Actor, delay: float, wrong_first: bool) -> None:
        await asyncio.sleep(delay)
        for text in ([wrong] if wrong_first else []) + [right]:
            t = time.perf_counter()
            await services.answers.answer(actor, text)
            latencies.append((time.perf_counter() - t) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(a, rng.uniform(0, window), rng.random() < 1 / 3) for a in actors))
    elapsed = time.perf_counter() - started
    stop.set()
    await ticker
    submissions = await services.db.fetch_value(
        "SELECT COUNT(*) FROM submissions WHERE guild_id = ? AND user_id >= 10000", (GUILD,)
    )
    counted = await services.db.fetch_value(
        "SELECT COUNT(*) FROM streak_days WHERE guild_id = ? AND user_id >= 10000", (GUILD,)
    )
    print(f"burst: {members} members, {len(latencies)} answers over {elapsed:.1f} s (window {window:g} s)")
    print(f"  recorded: {submissions}/{len(latencies)} submissions, {counted}/{members} counted days")
    print(
        f"  event-loop lag ms: p50 {pct(lag, 50):.1f}  p99 {pct(lag, 99):.1f}  max {max(lag):.1f}"
        f"  ({len(lag)} ticks)"
    )
    print(
        f"  verdict latency ms: p50 {pct(latencies, 50):.0f}  p99 {pct(latencies, 99):.0f}"
        f"  max {max(latencies):.0f}"
    )
    await services.close()


async def seed_history(services: Services, members: int, today: date, rng: random.Random) -> Actor:
    """Members with different habits over a year; returns the busiest member."""
    bank = load_content()
    prompts = list(bank.prompts.values())
    db = services.db
    start = today - timedelta(days=364)
    days = [start + timedelta(days=i) for i in range(365)]
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC).isoformat(timespec="seconds")
    await db.execute(
        "INSERT INTO guilds (guild_id, name, timezone, created_at) VALUES (?, 'bench', 'UTC', ?)",
        (GUILD, now),
    )
    await db.execute_many(
        "INSERT INTO members (guild_id, user_id, display_name, first_seen) VALUES (?, ?, ?, ?)",
        [(GUILD, 10_000 + m, f"member{m}", now) for m in range(members)],
    )
    daily = [
        (GUILD, d.isoformat(), prompts[i % len(prompts)].id, prompts[i % len(prompts)].topic)
        for i, d in enumerate(days)
    ]
    await db.execute_many(
        "INSERT INTO daily_prompts (guild_id, local_date, prompt_id, topic, difficulty, chosen_at)"
        " VALUES (?, ?, ?, ?, 2, '')",
        daily,
    )
    busiest = Actor(GUILD, 10_000, "member0")
    progress: list[tuple] = []
    solved: list[tuple] = []
    subs: list[tuple] = []
    totals: dict[tuple[str, int], list[int]] = {}
    for m in range(members):
        user = 10_000 + m
        habit = 0.97 if m == 0 else rng.betavariate(1.2, 2.5)  # most members come now and then
        for (_, iso, pid, topic), day in zip(daily, days, strict=True):
            if rng.random() > habit:
                continue
            attempts = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
            hints = int(rng.random() < 0.2)
            ok = rng.random() < 0.85
            progress.append((GUILD, user, iso, pid, attempts, hints, None if not ok else now, int(ok)))
            if ok:
                solved.append((GUILD, user, iso))
            for a in range(attempts):
                status = "correct" if ok and a == attempts - 1 else "incorrect"
                subs.append((GUILD, user, pid, topic, iso, "x", status, now))
            for key in period_keys(day):
                t = totals.setdefault((key, user), [0, 0, 0])
                t[0] += int(ok)
                t[1] += hints
                t[2] += attempts
        if len(subs) > 200_000:
            await flush(db, progress, solved, subs)
    await flush(db, progress, solved, subs)
    await db.execute_many(
        "INSERT INTO leaderboard_totals (guild_id, period, user_id, days, hints, attempts)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(GUILD, key, user, *t) for (key, user), t in totals.items()],
    )
    await db.execute("ANALYZE")
    return busiest


async def flush(db, progress: list[tuple], solved: list[tuple], subs: list[tuple]) -> None:
    async with db.transaction():
        await db.execute_many(
            "INSERT INTO daily_progress (guild_id, user_id, local_date, prompt_id, attempts, hints_used,"
            " solved_at, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            progress,
        )
        await db.execute_many(
            "INSERT INTO streak_days (guild_id, user_id, local_date, kind) VALUES (?, ?, ?, 'solved')", solved
        )
        await db.execute_many(
            "INSERT INTO submissions (guild_id, user_id, problem_id, kind, topic, local_date, answer, status,"
            " created_at) VALUES (?, ?, ?, 'daily', ?, ?, ?, ?, ?)",
            subs,
        )
    progress.clear()
    solved.clear()
    subs.clear()


async def timed(fn, repeat: int = 15) -> float:
    await fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


async def history(members: int, workdir: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    services = await Services.open(Settings(db_path=workdir / "history.sqlite3", workers=2), clock=clock)
    rng = random.Random(11)
    t = time.perf_counter()
    busiest = await seed_history(services, members, date(2026, 11, 21), rng)
    counts = {
        table: await services.db.fetch_value(f"SELECT COUNT(*) FROM {table}")
        for table in ("daily_progress", "streak_days", "submissions", "leaderboard_totals")
    }
    print(
        f"history: {members} members, a year; seeded in {time.perf_counter() - t:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )
    viewer = Actor(GUILD, 10_000 + members // 2, "someone")
    for period, key in zip(("all", "month", "week"), period_keys(date(2026, 11, 21)), strict=True):
        ranked = await services.db.fetch_value(
            "SELECT COUNT(*) FROM leaderboard_totals WHERE guild_id = ? AND period = ? AND days > 0",
            (GUILD, key),
        )
        print(f"  {period}: {ranked:,} members ranked")
    for period in ("week", "month", "all"):
        first = await timed(lambda period=period: services.progress.leaderboard(viewer, period, 1))
        middle = await timed(lambda period=period: services.progress.leaderboard(viewer, period, 300))
        print(
            f"  /leaderboard {period:<5} page 1: {first:.1f} ms   page 300 (or last): {middle:.1f} ms"
            " (median)"
        )
    streak = await timed(lambda: services.progress.streak(busiest))
    solved = len(
        await services.db.fetch_all(
            "SELECT 1 FROM streak_days WHERE guild_id = ? AND user_id = ?", (GUILD, busiest.user_id)
        )
    )
    print(f"  /streak (busiest member, {solved} solved days): {streak:.1f} ms")

    async def stats_queries() -> None:
        from bot.storage import daily as daily_rows
        from bot.storage import submissions as submission_rows

        today = date(2026, 11, 21)
        await services.progress.streak_state(GUILD, busiest.user_id, today)
        await daily_rows.progress_between(
            services.db, GUILD, busiest.user_id, today - timedelta(days=182), today
        )
        await submission_rows.topic_accuracy(services.db, GUILD, busiest.user_id)

    print(f"  /stats queries (busiest member): {await timed(stats_queries):.1f} ms")
    services.start_workers()
    drawn = await timed(lambda: services.progress.stats(busiest), 5)
    print(f"  /stats with the heatmap drawn in a worker: {drawn:.0f} ms")
    await services.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--history-members", type=int, default=10_000)
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--skip-history", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_burst:
            await burst(args.members, args.window, Path(tmp))
        if not args.skip_history:
            await history(args.history_members, Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
