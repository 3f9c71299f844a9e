"""SIGKILL at random points of claim -> send -> mark, again and again around post time: every post
is in its channel exactly once, none missing (issue 12)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.database import Database

GUILDS = 16
# (kind, due from HH, MM): two posts at 09:00 and one a few minutes later, as on a challenge day.
KINDS = (("daily", 9, 0), ("challenge-reminder", 9, 0), ("challenge-results", 9, 5))
ROUNDS = 26
START = datetime(2026, 11, 21, 8, 57, tzinfo=UTC)  # just before post time
RESTART_EVERY = timedelta(minutes=3)  # longer than a lease: the next process takes over

# The bot side in a child process: the real Scheduler and job records on the real database; the
# jobs are light stand-ins (no SymPy to import), and the "channel" is a file whose lines are the
# channel's history, read back by `find` as Discord's history would be.
CHILD = textwrap.dedent(
    """
    import asyncio, os, random, sys
    from datetime import datetime
    from bot.replies import Post, Reply
    from bot.services.context import ManualClock
    from bot.services.scheduler import DueRun, Scheduler

    from bot.storage.database import Database

    db_path, channel_path, guilds, kinds = sys.argv[1:5]
    rng = random.Random(0)
    GUILDS = range(1, int(guilds) + 1)

    async def jitter(most):
        await asyncio.sleep(rng.uniform(0, most))

    class StandIn:
        def __init__(self, kind, hour, minute):
            self.kind, self.at = kind, (int(hour), int(minute))

        async def due_runs(self, now):
            if (now.hour, now.minute) < self.at:
                return []
            return [DueRun(g, now.date().isoformat()) for g in GUILDS]

        async def build_post(self, run, now):
            await jitter(0.003)
            title = f"{self.kind} {run.run_key}"
            return Post(run.guild_id, 100 + run.guild_id, title, Reply(title=title, text="..."))

    class FileChannel:
        def __init__(self, path):
            self.path = path

        async def send(self, post):
            await jitter(0.006)  # the request on its way
            with open(self.path, "a", encoding="utf-8") as history:
                history.write(f"{post.channel_id} {post.reply.footer}\\n")
            await jitter(0.006)  # the response on its way back

        async def find(self, post, since):
            await jitter(0.003)
            with open(self.path, encoding="utf-8") as history:
                lines = history.read().splitlines()
            return any(
                line.split(" ", 1)[0] == str(post.channel_id) and post.extra["run_ref"] in line
                for line in lines
            )

    async def main(db_path, channel_path, now, seed):
        global rng
        rng = random.Random(int(seed))
        db = await Database.open(db_path)
        jobs = [StandIn(*spec.split(":")) for spec in kinds.split(",")]
        scheduler = Scheduler(db, ManualClock(datetime.fromisoformat(now)), jobs, concurrency=3)
        print("ready", os.getpid(), flush=True)
        await scheduler.run_once(FileChannel(channel_path))
        await db.close()
        print("done", flush=True)

    # Imports are paid once here; each bot process is a fresh fork that the test SIGKILLs.
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            asyncio.run(main(db_path, channel_path, *line.split()))
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print("exit", status, flush=True)
    """
)


class Processes:
    """Starts bot processes (forks of one warm parent, so each start is cheap) and kills them."""

    def __init__(self, db_path: Path, channel: Path) -> None:
        kinds = ",".join(f"{kind}:{hour}:{minute}" for kind, hour, minute in KINDS)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db_path), str(channel), str(GUILDS), kinds],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "STUDYBOT_LOG_LEVEL": "WARNING"},
        )

    def run(self, now: datetime, seed: int, kill_after: float | None) -> bool:
        """One bot process, SIGKILLed `kill_after` seconds into its tick; True if it finished first."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{now.isoformat()} {seed}\n")
        self.proc.stdin.flush()
        ready, pid = self.proc.stdout.readline().split()
        assert ready == "ready"
        if kill_after is not None:
            time.sleep(kill_after)
            # SIGKILL: no cleanup, no "finally", mid-statement if it happens to be.
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        lines = []
        while not (line := self.proc.stdout.readline()).startswith("exit"):
            lines.append(line.strip())
        return "done" in lines

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_random_kills_around_post_time_post_everything_exactly_once(tmp_path: Path) -> None:
    db_path, channel = tmp_path / "bot.sqlite3", tmp_path / "channel.txt"
    channel.touch()
    asyncio.run(_migrate(db_path))
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    processes = Processes(db_path, channel)
    killed_with_work_left = 0
    try:
        for round_ in range(ROUNDS):
            now = START + round_ * RESTART_EVERY
            finished = processes.run(now, rng.randrange(2**32), kill_after=rng.uniform(0.0, 0.03))
            if not finished and _done(db_path) < len(KINDS) * GUILDS:
                killed_with_work_left += 1
        # A clean process after the storm finishes whatever is left.
        assert processes.run(START + ROUNDS * RESTART_EVERY, 0, kill_after=None)
    finally:
        processes.close()

    per_key: Counter[tuple[int, str]] = Counter()
    for line in channel.read_text().splitlines():
        channel_id, ref = line.split(" ", 1)
        per_key[(int(channel_id), ref)] += 1
    wanted = {(100 + g, f"ref {kind}/2026-11-21") for g in range(1, GUILDS + 1) for kind, _, _ in KINDS}
    assert set(per_key) == wanted, f"seed {seed}: missing {wanted - set(per_key)}"
    assert [key for key, count in per_key.items() if count != 1] == [], f"seed {seed}: sent twice"
    statuses = asyncio.run(_statuses(db_path))
    assert statuses == {"done": len(wanted)}, f"seed {seed}: {statuses}"
    assert killed_with_work_left >= 20, f"seed {seed}: only {killed_with_work_left} kills mid-tick"


def _done(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT COUNT(*) FROM job_runs WHERE status = 'done'").fetchone()[0]


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


async def _statuses(path: Path) -> dict[str, int]:
    db = await Database.open(path)
    try:
        rows = await db.fetch_all("SELECT status, COUNT(*) FROM job_runs GROUP BY status")
        return {row[0]: row[1] for row in rows}
    finally:
        await db.close()
