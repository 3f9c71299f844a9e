"""Weekly challenges and curricula through the real services, database and worker pool.

    PYTHONPATH=. python benchmarks/challenges.py [--members 200] [--problems 10] [--repeat 50]

1. Leaderboard: a challenge with `problems` problems and `members` joined members, each with a
   random mix of solved problems and wrong attempts (seeded through the storage layer), then
   `/challenge leaderboard` timed through ChallengeService.leaderboard (the ranking query plus the
   reply), and the results post (podium, solve counts, solutions) once.
2. Upcoming: a running curriculum (Math for deep learning in 8 weeks, whose weeks name generator
   families, so each previewed day builds a generated prompt in a worker), then
   `/curriculum upcoming` timed through CurriculumService.upcoming with warm workers.
Prints the median, p90 and max of the repeated calls.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.storage import challenges as rows
from bot.storage import guilds as guild_rows

GUILD = 4242
MOD = Actor(GUILD, 1, "mod", manage_guild=True)


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.2f} ms, p90 {p90:.2f} ms, max {ordered[-1]:.2f} ms"


async def timed(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def leaderboard(
    services: Services, clock: ManualClock, members: int, problems: int, repeat: int
) -> None:
    reply = await services.challenges.create(MOD, "Bench week", count=problems)
    challenge_id = int((reply.title or "").split("#")[1].split(" ")[0])
    challenge = await rows.get_challenge(services.db, GUILD, challenge_id)
    assert challenge is not None
    positions = await rows.problems(services.db, challenge_id)
    rng = random.Random(7)
    now = challenge.opens_at
    await guild_rows.ensure_guild(services.db, GUILD)
    async with services.db.transaction():
        for index in range(members):
            user = 10_000 + index
            await rows.join(services.db, challenge_id, user, f"member{index}", now)
            for problem in positions:
                for _ in range(rng.choice((0, 0, 0, 1, 2))):
                    await rows.record_wrong(services.db, challenge_id, user, problem.position)
                if rng.random() < 0.6:
                    at = now + timedelta(minutes=rng.randrange(7 * 24 * 60))
                    score = await rows.get_score(services.db, challenge_id, user, problem.position)
                    points = max(
                        problem.difficulty * 10 - 2 * (score.wrong if score else 0), problem.difficulty * 3
                    )
                    await rows.record_solve(services.db, challenge_id, user, problem.position, points, at)
    clock.set(now + timedelta(days=3))
    member = Actor(GUILD, 10_000, "member0")
    samples = await timed(lambda: services.challenges.leaderboard(member, challenge_id), repeat)
    standings = await rows.standings(services.db, challenge_id)
    print(
        f"/challenge leaderboard: {len(standings)} members, {len(positions)} problems,"
        f" {repeat} calls: {summary(samples)}"
    )
    ranking = await timed(lambda: rows.standings(services.db, challenge_id), repeat)
    print(f"  ranking query alone: {summary(ranking)}")
    start = time.perf_counter()
    settings = await services.guilds.settings(GUILD)
    post = await services.challenges.replies.results(challenge, settings)
    print(
        f"  results post ({len(post.reply.fields)} problems with solutions):"
        f" {(time.perf_counter() - start) * 1000:.2f} ms"
    )


async def upcoming(services: Services, clock: ManualClock, repeat: int) -> None:
    clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC))
    await services.curricula.start(MOD, "Math for deep learning in 8 weeks")
    start = time.perf_counter()
    await services.curricula.upcoming(MOD)
    first = (time.perf_counter() - start) * 1000
    samples = await timed(lambda: services.curricula.upcoming(MOD), repeat)
    print(
        f"/curriculum upcoming (7 days, warm workers), {repeat} calls: {summary(samples)};"
        f" first call {first:.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--problems", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
        services = await Services.open(Settings(db_path=Path(tmp) / "bench.sqlite3", workers=2), clock=clock)
        services.start_workers()
        try:
            await services.problems.generate("gen-chain-rule", "warm-up")  # workers warm, as in a running bot
            await leaderboard(services, clock, args.members, args.problems, args.repeat)
            await upcoming(services, clock, args.repeat)
        finally:
            await services.close()


if __name__ == "__main__":
    asyncio.run(main())
