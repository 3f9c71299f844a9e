"""Start-up figures for issue 2: `studybot console` start to first reply, and the bot's setup_hook.

Both should be under 1.5 s median on a 2-core machine. Printed beside the bare interpreter's own
start-up, measured in the same run, because this machine is shared and noisy.

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
        bot = StudyBot(Settings(db_path=Path(tmp) / "bench.sqlite3"), start_jobs=False)
        started = time.perf_counter()
        async with simcord.run(bot):
            elapsed = time.perf_counter() - started
        await bot.services.close()  # simcord leaves closing to the test
        return elapsed


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


if __name__ == "__main__":
    main()
