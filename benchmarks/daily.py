"""The daily loop under load, through the real services, database and worker pool.

    PYTHONPATH=. python benchmarks/daily.py [--rates 300,500,700] [--window 30] [--history-members 10000]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres]

With `--pg` (or STUDYBOT_TEST_PG, as `.ci/with-postgres` sets it) the rates and the history run on
SQLite and on PostgreSQL (a fresh database made on that server) in the same run, printed side by
side with the PostgreSQL/SQLite ratio.

1. Rates: for each rate (answers per minute) fresh members answer over `window` seconds (arrivals
   spread uniformly) with *varied* answers: today's prompt right or wrong, and practice problems
   from the whole bank (numbers, tuples, matrices, expressions, sets, intervals) answered right,
   with a listed classic mistake, or with a wrong value. The pool is sized to the cores and warmed
   first, as the bot does. Prints per rate: timeouts, event-loop lag (a 10 ms ticker's overshoot)
   p50/p99/max, verdict latency p50/p99, worker processes started; then the highest rate that kept
   0 timeouts and lag p99 <= 50 ms. The baseline is the same answers checked one after another in
   one warm worker: their CPU cost gives the capacity of the pool (answers/min), printed beside it.
2. Spam: 60 members answer normally while one member fires 200 concurrent /plot and /answer calls;
   prints the others' /answer p50/p99 next to the same members' run without the spammer (ratio),
   and what happened to the 200 calls (answered, refused as busy, refused by the cooldown).
3. History: a database with `history-members` members and a year of daily history (seeded with
   bulk inserts), then the /leaderboard and /stats queries timed through the services (median
   of repeated calls; the /stats figure excludes and then includes drawing the heatmap).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
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
from bot.services.limits import Busy, CoolingDown
from bot.services.streaks import period_keys

GUILD = 4242
SPAM_WINDOW = 30.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def loop_lag(samples: list[float], stop: asyncio.Event, interval: float = 0.01) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(interval)
        samples.append((time.perf_counter() - start - interval) * 1000)


def varied_answers(services: Services, today_id: str, today_answer: str) -> list[tuple[str, str | None]]:
    """(answer text, problem id or None for today's prompt): every kind of answer the bank has."""
    bank = services.content()
    pool: list[tuple[str, str | None]] = []
    for prompt in sorted(bank.prompts.values(), key=lambda p: p.id):
        if prompt.id == today_id:
            continue
        pool.append((prompt.answer, prompt.id))  # right
        pool.extend((m.answer, prompt.id) for m in prompt.mistakes[:1])  # a classic slip
        pool.append(("2", prompt.id))  # a plain wrong value
    pool += [(today_answer, None)] * 20 + [("123456789", None), ("x^2 + 1", None), ("hello", None)] * 5
    return pool


async def rate_step(
    services: Services, rate: float, window: float, first_user: int, pool: list[tuple[str, str | None]]
) -> dict[str, float]:
    count = max(1, round(rate * window / 60))
    rng = random.Random(int(rate))
    latencies: list[float] = []
    lag: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(loop_lag(lag, stop))
    statuses: dict[str, int] = {}

    async def one(i: int, delay: float) -> None:
        await asyncio.sleep(delay)
        text, problem = rng.choice(pool)
        actor = Actor(GUILD, first_user + i, f"member{first_user + i}")
        t = time.perf_counter()
        result = await services.answers.answer(actor, text, problem)
        latencies.append((time.perf_counter() - t) * 1000)
        status = result.reply.title.split(" — ")[0]
        statuses[status] = statuses.get(status, 0) + 1

    started_workers = services.workers.stats.workers_started
    timeouts_before = services.workers.stats.timeouts
    await asyncio.gather(*(one(i, rng.uniform(0, window)) for i in range(count)))
    stop.set()
    await ticker
    return {
        "answers": count,
        "timeouts": services.workers.stats.timeouts - timeouts_before,
        "took_too_long": statuses.get("Took too long", 0),
        "lag_p50": pct(lag, 50),
        "lag_p99": pct(lag, 99),
        "lag_max": max(lag),
        "lat_p50": pct(latencies, 50),
        "lat_p99": pct(latencies, 99),
        "forks": services.workers.stats.workers_started - started_workers,
    }


async def fresh_pg(server: str, name: str) -> str:
    """A new, empty database `name` on the server; its URL."""
    import asyncpg

    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server.rpartition('/')[0]}/{name}"


async def rates(
    rate_list: list[float], window: float, target: Path | str, label: str = ""
) -> list[dict[str, float]]:
    clock = ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    services = await Services.open(Settings(db_path=target), clock=clock)
    await services.warm_workers()  # as the bot does before it takes commands
    today = await services.daily.today(Actor(GUILD, 1, "warm-up"))
    pool = varied_answers(services, today.prompt.id, today.prompt.answer)
    kinds = {services.content().prompts[pid].answer_type for _, pid in pool if pid}
    results: list[dict[str, float]] = []
    print(
        f"rates{label}: {services.workers.size} warm workers (one per core), {len(pool)} varied answers"
        f" over {len(kinds)} answer kinds, window {window:g} s per rate"
    )

    # Baseline: the same answers, one after another in one warm worker: their CPU cost.
    from bot.maths.checker import CheckOptions, check

    sample = random.Random(1).sample(pool, min(120, len(pool)))
    prompts = services.content().prompts

    def cost(text: str, pid: str | None) -> float:
        prompt = prompts[pid] if pid else today.prompt
        t = time.process_time()
        with contextlib.suppress(Exception):
            check(prompt.answer, text, CheckOptions(**prompt.check_kwargs()))
        return (time.process_time() - t) * 1000

    for text, pid in sample:  # warm, as the workers are
        cost(text, pid)
    cpu = [cost(text, pid) for text, pid in sample]
    mean_cpu = statistics.fmean(cpu)
    capacity = services.workers.size * 60_000 / mean_cpu
    print(
        f"  baseline: one check costs {mean_cpu:.1f} ms CPU on average (p99 {pct(cpu, 99):.0f} ms,"
        f" max {max(cpu):.0f} ms), so {services.workers.size} workers can check ~{capacity:,.0f}/min"
    )
    best = None
    first_user = 10_000
    for rate in rate_list:
        r = await rate_step(services, rate, window, first_user, pool)
        results.append({"rate": rate, **r})
        first_user += int(r["answers"]) + 1
        ok = r["timeouts"] == 0 and r["lag_p99"] <= 50
        best = rate if ok else best
        print(
            f"  {rate:6,.0f}/min ({rate / capacity:4.0%} of capacity): {r['answers']:.0f} answers,"
            f" {r['timeouts']:.0f} timeouts, lag p50 {r['lag_p50']:.1f} p99 {r['lag_p99']:.1f}"
            f" max {r['lag_max']:.0f} ms, verdict p50 {r['lat_p50']:.0f} p99 {r['lat_p99']:.0f} ms,"
            f" {r['forks']:.0f} forks  {'ok' if ok else 'FAILS'}"
        )
    print(f"  highest rate with 0 timeouts and lag p99 <= 50 ms: {best or 0:,.0f}/min")
    await services.close()
    return results


async def spam(workdir: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    services = await Services.open(Settings(db_path=workdir / "spam.sqlite3"), clock=clock)
    await services.warm_workers()
    today = await services.daily.today(Actor(GUILD, 1, "warm-up"))
    right = today.prompt.answer

    async def others(first_user: int) -> list[float]:
        rng = random.Random(5)
        latencies: list[float] = []

        async def one(i: int) -> None:
            await asyncio.sleep(rng.uniform(0, SPAM_WINDOW))
            actor = Actor(GUILD, first_user + i, f"member{i}")
            for text in ("123456789", right):
                t = time.perf_counter()
                await services.answers.answer(actor, text)
                latencies.append((time.perf_counter() - t) * 1000)

        await asyncio.gather(*(one(i) for i in range(60)))
        return latencies

    quiet = await others(20_000)
    spammer = Actor(GUILD, 666, "spammer")
    outcomes: dict[str, int] = {}

    async def spam_call(i: int) -> None:
        try:
            if i % 2:
                await services.pictures.plot(spammer, f"sin({i} x) x^2")
            else:
                await services.answers.answer(spammer, f"{i} x^{i % 7}")
            outcomes["answered"] = outcomes.get("answered", 0) + 1
        except Busy:
            outcomes["busy"] = outcomes.get("busy", 0) + 1
        except CoolingDown:
            outcomes["cooldown"] = outcomes.get("cooldown", 0) + 1

    async def spam_waves() -> None:
        for wave in range(4):  # 4 waves of 50 concurrent calls spread over the window
            await asyncio.gather(*(spam_call(wave * 50 + i) for i in range(50)))
            await asyncio.sleep(SPAM_WINDOW / 4)

    loud, _ = await asyncio.gather(others(30_000), spam_waves())
    print(
        f"spam: 60 members answer today's prompt (wrong, then right) over {SPAM_WINDOW:g} s while one"
        " member fires 200 /plot and /answer"
    )
    print(f"  others' /answer without the spammer  p50 {pct(quiet, 50):.0f} ms  p99 {pct(quiet, 99):.0f} ms")
    print(
        f"  others' /answer with the spammer     p50 {pct(loud, 50):.0f} ms  p99 {pct(loud, 99):.0f} ms"
        f"  ({pct(loud, 99) / pct(quiet, 99):.2f}x; goal p99 < 1000 ms)"
    )
    print("  the spammer's 200 calls: " + ", ".join(f"{v} {k}" for k, v in sorted(outcomes.items())))
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


async def bulk(db, sql: str, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Seeding only: COPY on PostgreSQL (as a restore would), executemany on SQLite."""
    copy_rows = getattr(db, "copy_rows", None)
    if copy_rows is None:
        await db.execute_many(sql, rows)
    else:
        await copy_rows(table, columns, rows)


async def flush(db, progress: list[tuple], solved: list[tuple], subs: list[tuple]) -> None:
    async with db.transaction():
        await bulk(
            db,
            "INSERT INTO daily_progress (guild_id, user_id, local_date, prompt_id, attempts, hints_used,"
            " solved_at, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "daily_progress",
            [
                "guild_id",
                "user_id",
                "local_date",
                "prompt_id",
                "attempts",
                "hints_used",
                "solved_at",
                "counted",
            ],
            progress,
        )
        await bulk(
            db,
            "INSERT INTO streak_days (guild_id, user_id, local_date, kind) VALUES (?, ?, ?, ?)",
            "streak_days",
            ["guild_id", "user_id", "local_date", "kind"],
            [(*row, "solved") for row in solved],
        )
        await bulk(
            db,
            "INSERT INTO submissions (guild_id, user_id, problem_id, kind, topic, local_date, answer, status,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "submissions",
            [
                "guild_id",
                "user_id",
                "problem_id",
                "kind",
                "topic",
                "local_date",
                "answer",
                "status",
                "created_at",
            ],
            [(g, u, p, "daily", *rest) for g, u, p, *rest in subs],
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


async def history(members: int, target: Path | str, label: str = "") -> dict[str, float]:
    """Prints the figures as it goes; returns them (ms) for the side-by-side table."""
    clock = ManualClock(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    services = await Services.open(Settings(db_path=target), clock=clock)
    figures: dict[str, float] = {}
    rng = random.Random(11)
    t = time.perf_counter()
    busiest = await seed_history(services, members, date(2026, 11, 21), rng)
    counts = {
        table: await services.db.fetch_value(f"SELECT COUNT(*) FROM {table}")
        for table in ("daily_progress", "streak_days", "submissions", "leaderboard_totals")
    }
    figures["seed (s)"] = (time.perf_counter() - t) * 1000
    print(
        f"history{label}: {members} members, a year; seeded in {time.perf_counter() - t:.0f} s: "
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
        pages = await services.db.fetch_value(
            "SELECT COUNT(*) FROM leaderboard_totals WHERE guild_id = ? AND period = ? AND days > 0",
            (GUILD, period_keys(date(2026, 11, 21))[("all", "month", "week").index(period)]),
        )
        last_page = max(1, -(-int(pages) // 10))
        last = await timed(
            lambda period=period, page=last_page: services.progress.leaderboard(viewer, period, page)
        )
        figures[f"/leaderboard {period} first page"] = first
        figures[f"/leaderboard {period} last page"] = last
        print(
            f"  /leaderboard {period:<5} page 1: {first:.1f} ms   page 300: {middle:.1f} ms"
            f"   last page ({last_page}): {last:.1f} ms (median)"
        )
    streak = await timed(lambda: services.progress.streak(busiest))
    solved = len(
        await services.db.fetch_all(
            "SELECT 1 FROM streak_days WHERE guild_id = ? AND user_id = ?", (GUILD, busiest.user_id)
        )
    )
    figures["/streak"] = streak
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

    figures["/stats queries"] = await timed(stats_queries)
    print(f"  /stats queries (busiest member): {figures['/stats queries']:.1f} ms")
    services.start_workers()
    drawn = await timed(lambda: services.progress.stats(busiest), 5)
    figures["/stats with heatmap"] = drawn
    print(f"  /stats with the heatmap drawn in a worker: {drawn:.0f} ms")
    await services.close()
    return figures


def side_by_side(title: str, sqlite: dict[str, float], pg: dict[str, float]) -> None:
    print(f"{title}: SQLite vs PostgreSQL, same work, same run (ratio = PostgreSQL / SQLite)")
    for key, value in sqlite.items():
        scale, unit = (1000, "s") if key.endswith("(s)") else (1, "ms")
        other = pg.get(key, float("nan"))
        name = key.removesuffix(" (s)")
        ratio = other / value if value else float("nan")
        print(f"  {name:<32} {value / scale:9.1f} {unit:<2}  {other / scale:9.1f} {unit:<2}  x{ratio:5.2f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="300,500,700", help="answers per minute, comma separated")
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--history-members", type=int, default=10_000)
    parser.add_argument("--skip-rates", action="store_true")
    parser.add_argument("--skip-spam", action="store_true")
    parser.add_argument("--skip-history", action="store_true")
    parser.add_argument(
        "--pg",
        default=os.environ.get("STUDYBOT_TEST_PG"),
        help="a PostgreSQL server URL: run on both backends",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_rates:
            rate_list = [float(r) for r in args.rates.split(",")]
            lite = await rates(rate_list, args.window, Path(tmp) / "rates.sqlite3", " [SQLite]")
            if args.pg:
                pg = await rates(
                    rate_list, args.window, await fresh_pg(args.pg, "studybot_bench_rates"), " [PostgreSQL]"
                )
                for a, b in zip(lite, pg, strict=True):
                    side_by_side(
                        f"burst {a['rate']:,.0f}/min ({a['answers']:.0f} answers)",
                        {
                            "verdict p50": a["lat_p50"],
                            "verdict p99": a["lat_p99"],
                            "loop lag p99": a["lag_p99"],
                        },
                        {
                            "verdict p50": b["lat_p50"],
                            "verdict p99": b["lat_p99"],
                            "loop lag p99": b["lag_p99"],
                        },
                    )
                    print(f"  timeouts: SQLite {a['timeouts']:.0f}, PostgreSQL {b['timeouts']:.0f}")
        if not args.skip_spam:
            await spam(Path(tmp))
        if not args.skip_history:
            lite_h = await history(args.history_members, Path(tmp) / "history.sqlite3", " [SQLite]")
            if args.pg:
                url = await fresh_pg(args.pg, "studybot_bench_history")
                side_by_side("history", lite_h, await history(args.history_members, url, " [PostgreSQL]"))


if __name__ == "__main__":
    asyncio.run(main())
