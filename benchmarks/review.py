"""/review and /stats with review data at scale (issue 16: 10,000 members x 1 year, < 50 ms).

    PYTHONPATH=. python benchmarks/review.py [--members 10000] [--samples 300]

Seeds the year of daily history benchmarks/daily.py uses (same generator, same seed), then a review
card for every day a member missed, needed a hint or several attempts, with 0-6 past reviews each
in review_log. Prints p50/p99 over members sampled at random (and the busiest member):

* /review through the services (the due count, the next card, its issue written; statement images
  are drawn once beforehand, as the bot's cache holds them);
* the /stats queries without review data (streak, 6-month calendar, accuracy per topic: what /stats
  ran before issue 16) next to the same queries plus mastery and the reviews line, as a ratio;
* the whole /stats reply with both pictures drawn in a worker (fewer samples: it is worker-bound).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.daily import GUILD, pct, seed_history
from bot.config import Settings
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.storage import daily as daily_rows
from bot.storage import submissions as submission_rows
from bot.storage.reviews import iso

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


async def seed_reviews(services: Services, rng: random.Random) -> tuple[int, int]:
    """A card per (member, problem) whose first go was not a clean first-try solve; past reviews
    in review_log. Returns (cards, log rows)."""
    db = services.db
    rows = await db.fetch_all(
        "SELECT p.user_id, p.prompt_id, d.topic, p.local_date, p.attempts, p.hints_used, p.counted"
        " FROM daily_progress p JOIN daily_prompts d"
        " ON d.guild_id = p.guild_id AND d.local_date = p.local_date"
        " WHERE p.guild_id = ? AND (p.attempts > 1 OR p.hints_used > 0 OR p.counted = 0)",
        (GUILD,),
    )
    cards: dict[tuple[int, str], tuple] = {}
    for user, pid, topic, day, _attempts, _hints, _counted in rows:
        made = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
        reviews = rng.randint(0, 6)
        due = made + timedelta(days=2 ** (reviews + 1) * rng.uniform(0.7, 1.3))
        cards[(user, pid)] = (
            GUILD, user, pid, pid, topic, 2, 2, None, 2.0 * (reviews + 1), 5.0, iso(due), iso(made),
            reviews, int(reviews > 3), iso(made), iso(made),
        )  # fmt: skip
    async with db.transaction():
        await db.execute_many(
            "INSERT INTO review_cards (guild_id, user_id, card_key, problem_id, topic, difficulty,"
            " fsrs_state, fsrs_step, stability, fsrs_difficulty, due_at, last_review, reviews, lapses,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(cards.values()),
        )
    ids = await db.fetch_all("SELECT id, user_id, problem_id, topic, reviews FROM review_cards")
    log: list[tuple] = []
    for card_id, user, pid, topic, reviews in ids:
        log.append((card_id, GUILD, user, topic, pid, "first", "incorrect", 1, iso(NOW)))
        for _ in range(reviews):
            passed = rng.random() < 0.85
            status, rating = ("correct", 3) if passed else ("incorrect", 1)
            log.append((card_id, GUILD, user, topic, pid, "review", status, rating, iso(NOW)))
    async with db.transaction():
        await db.execute_many(
            "INSERT INTO review_log (card_id, guild_id, user_id, topic, problem_id, source, status, rating,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            log,
        )
    await db.execute("ANALYZE")
    return len(cards), len(log)


async def latencies(fn: Callable[[Actor], Awaitable[object]], actors: list[Actor]) -> list[float]:
    return (await interleaved([fn], actors))[0]


async def interleaved(
    fns: list[Callable[[Actor], Awaitable[object]]], actors: list[Actor]
) -> list[list[float]]:
    """Each member through every variant in turn, so a busy moment on a shared machine falls on
    all of them alike and the ratios stay meaningful."""
    for fn in fns:
        await fn(actors[0])
    samples: list[list[float]] = [[] for _ in fns]
    for actor in actors:
        for fn, out in zip(fns, samples, strict=True):
            t = time.perf_counter()
            await fn(actor)
            out.append((time.perf_counter() - t) * 1000)
    return samples


def line(name: str, samples: list[float]) -> str:
    return f"{name}: p50 {pct(samples, 50):.1f} ms  p99 {pct(samples, 99):.1f} ms  (n={len(samples)})"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="seed this database once and reuse it on later runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(NOW)
        path = args.keep or Path(tmp) / "review.sqlite3"
        seeded = path.exists()
        services = await Services.open(Settings(db_path=path), clock=clock)
        rng = random.Random(11)
        t = time.perf_counter()
        if seeded:
            busiest = Actor(GUILD, 10_000, "member0")
            cards = await services.db.fetch_value("SELECT COUNT(*) FROM review_cards")
            logged = await services.db.fetch_value("SELECT COUNT(*) FROM review_log")
            await services.db.execute("UPDATE review_cards SET issued_problem = NULL")  # a fresh /review
        else:
            busiest = await seed_history(services, args.members, TODAY, rng)
            cards, logged = await seed_reviews(services, rng)
        subs = await services.db.fetch_value("SELECT COUNT(*) FROM submissions")
        print(
            f"{args.members:,} members x 1 year: {subs:,} submissions, {cards:,} review cards,"
            f" {logged:,} review_log rows (seeded in {time.perf_counter() - t:.0f} s)"
        )
        sample = random.Random(5).sample(range(args.members), min(args.samples, args.members))
        actors = [busiest] + [Actor(GUILD, 10_000 + m, f"member{m}") for m in sample]
        due = [await services.reviews.due_count(a) for a in actors]
        print(f"members sampled: {len(actors)}; reviews due among them: p50 {pct(due, 50)}, max {max(due)}")

        # the statement images, drawn once as the bot's cache holds them after first use
        services.start_workers()
        for prompt in services.content().prompts.values():
            await services.problems.statement_image(prompt)

        async def review(actor: Actor) -> None:
            await services.reviews.review(actor)

        async def stats_before(actor: Actor) -> None:
            await services.progress.streak_state(GUILD, actor.user_id, TODAY)
            await daily_rows.progress_between(
                services.db, GUILD, actor.user_id, TODAY - timedelta(days=182), TODAY + timedelta(days=1)
            )
            await submission_rows.topic_accuracy(services.db, GUILD, actor.user_id)

        async def stats_with_reviews(actor: Actor) -> None:
            await stats_before(actor)
            await services.reviews.mastery(actor, actor.user_id, "UTC")

        review_ms, before_ms, after_ms = await interleaved([review, stats_before, stats_with_reviews], actors)
        print(line("/review (due count + next card + issue)", review_ms))
        print(line("/stats queries before issue 16 (baseline)", before_ms))
        print(line("/stats queries with mastery + reviews", after_ms))
        print(
            f"  ratio with/without review data: p50 {pct(after_ms, 50) / pct(before_ms, 50):.2f}x"
            f"  p99 {pct(after_ms, 99) / pct(before_ms, 99):.2f}x"
        )

        async def stats(actor: Actor) -> None:
            await services.progress.stats(actor)

        drawn = await latencies(stats, actors[:30])
        print(line("/stats whole reply, heatmap + mastery chart drawn in a worker", drawn))
        await services.close()


if __name__ == "__main__":
    asyncio.run(main())
