"""Print the latency of /topics, /resources, topic autocomplete and /practice at the service level.

Run from the repo root: `python benchmarks/content_commands.py`. Uses a temporary database with a
seeded answer history (so /resources without a topic takes the weakest-topics path) and the real
worker pool for generated problems.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.content import load_content
from bot.services.app import Services
from bot.services.context import Actor


async def timed(label: str, call: Callable[[int], Awaitable[object]], runs: int) -> None:
    samples = []
    for i in range(runs):
        t = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(f"{label:<44} p50 {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   ({runs} runs)")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = await Services.open(Settings(db_path=Path(tmp) / "bench.sqlite3"))
        services.start_workers()
        ada = Actor(1, 1, "ada")
        await services.guilds.register(ada)
        bank = load_content()
        for n, prompt in enumerate(list(bank.prompts.values())[:120]):
            await services.db.insert(
                "INSERT INTO submissions (guild_id, user_id, problem_id, kind, local_date, answer, status,"
                " created_at) VALUES (1, 1, ?, 'daily', '2026-11-20', 'x', ?, '2026-11-20T10:00:00')",
                (prompt.id, "correct" if n % 3 else "incorrect"),
            )
        t = time.perf_counter()
        await services.practice.practice(ada, "derivatives", 1)  # may wait for the pool to start
        print(f"{'first /practice (worker pool warming up)':<44} {(time.perf_counter() - t) * 1000:7.1f} ms")
        queries = ["lin alg", "bayes", "kl", "eigen values", "derivitive", "entropy", "", "sgd"]
        await timed("topic autocomplete", lambda i: services.resources.topic_choices(queries[i % 8]), 400)
        await timed("/topics", lambda i: services.resources.topics(ada), 100)
        await timed(
            "/resources topic:<fuzzy>", lambda i: services.resources.resources(ada, queries[i % 6]), 200
        )
        await timed(
            "/resources (weakest topics, 120 answers)", lambda i: services.resources.resources(ada), 100
        )
        await timed(
            "/practice topic:bayes (bank)", lambda i: services.practice.practice(ada, "bayes", 4), 100
        )
        # With every derivatives prompt solved, its generators are picked: fresh numbers, built in a worker.
        for prompt in bank.prompts_by_topic("derivatives"):
            await services.db.insert(
                "INSERT INTO submissions (guild_id, user_id, problem_id, kind, local_date, answer, status,"
                " created_at) VALUES (1, 1, ?, 'daily', '2026-11-20', 'x', 'correct', '2026-11-20T10:00:00')",
                (prompt.id,),
            )
        await timed(
            "/practice topic:derivatives (generated)",
            lambda i: services.practice.practice(ada, "derivatives"),
            100,
        )
        await services.close()


if __name__ == "__main__":
    asyncio.run(main())
