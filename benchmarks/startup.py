"""Start-up figures: `studybot console` start to first reply, the bot's setup_hook, and the day's
first start.

The console and setup_hook figures (issue 2) are printed beside the bare interpreter's own start-up,
measured in the same run, because this machine is shared and noisy. setup_hook now returns only
once the worker pool is up and warm (issue 12), so that figure includes the forkserver importing
SymPy/matplotlib, overlapped with loading the cogs.

The day's first start (issue 12): a fresh database, a server whose daily post is due, the pool
cold, in a fresh interpreter: time until the pool is warm, until the daily post is delivered (its
formula image is drawn in a worker) and until the first /answer verdict; beside the same post and
answer steps repeated in that process with the pool warm (the ratio is what being cold costs).

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def time_first_line(command: list[str], stdin: str) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin and process.stdout
    process.stdin.write(stdin)
    process.stdin.flush()
    first = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.stdin.close()
    process.wait(timeout=60)
    if not first:
        raise RuntimeError(f"{command} printed nothing")
    return elapsed


def console_runs(runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        command = [sys.executable, "-m", "bot", "console", "--db", db, "--user", "bench", "--out", tmp]
        time_first_line(command, "/help\n")  # first run creates and migrates the database
        return [time_first_line(command, "/help\n") for _ in range(runs)]


def interpreter_runs(runs: int) -> list[float]:
    command = [sys.executable, "-c", "import sys; print(sys.stdin.readline())"]
    return [time_first_line(command, "x\n") for _ in range(runs)]


async def setup_hook_once() -> float:
    import simcord

    from bot.config import Settings
    from bot.discord_app import StudyBot

    with tempfile.TemporaryDirectory() as tmp:
        # shard_count: StudyBot is auto-sharded, and simcord needs a known count (as the tests give it)
        bot = StudyBot(Settings(db_path=Path(tmp) / "bench.sqlite3", shard_count=1), start_jobs=False)
        started = time.perf_counter()
        async with simcord.run(bot):
            elapsed = time.perf_counter() - started
        await bot.services.close()  # simcord leaves closing to the test
        return elapsed


async def first_start_once() -> dict[str, float]:
    from datetime import UTC, datetime

    from bot.config import Settings
    from bot.services.app import Services
    from bot.services.context import Actor, ManualClock

    started = time.perf_counter()
    marks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(datetime(2026, 11, 23, 9, 1, tzinfo=UTC))  # just after the 09:00 post
        services = await Services.open(Settings(db_path=Path(tmp) / "fresh.sqlite3"), clock=clock)
        marks["database opened and migrated"] = time.perf_counter() - started
        moderator = Actor(1, 1, "mod", manage_guild=True)
        await services.guilds.register(moderator)
        await services.guilds.setup(moderator, channel=(10, "study"), time="09:00", timezone="UTC")
        await services.warm_workers()
        marks["pool warm"] = time.perf_counter() - started

        async def post_and_answer(day: int, user: int) -> tuple[float, float]:
            clock.set(datetime(2026, 11, 23 + day, 9, 1, tzinfo=UTC))
            t = time.perf_counter()
            posts: list[object] = []

            async def deliver(post: object) -> None:
                posts.append(post)

            await services.scheduler.run_once(deliver)  # type: ignore[arg-type]
            posted = time.perf_counter() - t
            assert posts, "the daily post was not due"
            today = await services.daily.today(Actor(1, user, "ada"))
            t = time.perf_counter()
            await services.answers.answer(Actor(1, user, "ada"), today.prompt.answer)
            return posted, time.perf_counter() - t

        before = time.perf_counter() - started
        posted, answered = await post_and_answer(0, 2)
        marks["daily post delivered"] = before + posted
        marks["first /answer verdict"] = time.perf_counter() - started
        warm = [await post_and_answer(day, 2 + day) for day in (1, 2, 3)]
        marks["post (cold day)"] = posted
        marks["answer (cold day)"] = answered
        marks["post (warm, median)"] = statistics.median(p for p, _ in warm)
        marks["answer (warm, median)"] = statistics.median(a for _, a in warm)
        await services.close()
    return marks


def first_start_runs(runs: int) -> list[dict[str, float]]:
    code = (
        "import asyncio, json, sys; sys.path.insert(0, 'benchmarks'); import startup; "
        "print(json.dumps(asyncio.run(startup.first_start_once())))"
    )
    import json

    results = []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        marks = json.loads(out.stdout.strip().splitlines()[-1])
        marks["process start to here"] = time.perf_counter() - started
        results.append(marks)
    return results


def setup_hook_runs(runs: int) -> list[float]:
    """Each run in a fresh interpreter, so imports (discord.py, cogs) are counted."""
    code = (
        "import asyncio, sys; sys.path.insert(0, 'benchmarks'); import startup; "
        "print(asyncio.run(startup.setup_hook_once()))"
    )
    results = []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        total = time.perf_counter() - started
        results.append((float(out.stdout.strip().splitlines()[-1]), total))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    bare = statistics.median(interpreter_runs(runs))
    console = console_runs(runs)
    hooks = setup_hook_runs(runs)
    hook_only = statistics.median(h for h, _ in hooks)
    hook_process = statistics.median(t for _, t in hooks)

    print(f"runs per figure: {runs}")
    print(f"bare python start to first line       median {bare * 1000:7.1f} ms")
    print(
        f"studybot console start to /help reply  median {statistics.median(console) * 1000:7.1f} ms"
        f"  max {max(console) * 1000:7.1f} ms  ({statistics.median(console) / bare:.1f}x bare python)"
        f"  target < 1500 ms"
    )
    print(
        f"bot setup_hook (db, cogs, sync, simcord login)  median {hook_only * 1000:7.1f} ms  target < 1500 ms"
    )
    print(f"  whole process incl. imports of discord.py      median {hook_process * 1000:7.1f} ms")

    first = first_start_runs(max(1, runs // 2))
    print(f"the day's first start (fresh database, daily post due, pool cold), {len(first)} runs, median ms:")
    for key in ("database opened and migrated", "pool warm", "daily post delivered", "first /answer verdict"):
        print(f"  {key:<30} at {statistics.median(m[key] for m in first) * 1000:7.0f} ms after start")
    for step in ("post", "answer"):
        cold = statistics.median(m[f"{step} (cold day)"] for m in first)
        warm = statistics.median(m[f"{step} (warm, median)"] for m in first)
        print(
            f"  {step:<6} step: first of the day {cold * 1000:6.0f} ms, later days {warm * 1000:6.0f} ms"
            f"  ({cold / warm:.2f}x)"
        )


if __name__ == "__main__":
    main()
