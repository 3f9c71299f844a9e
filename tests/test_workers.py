"""The worker pool: results, errors, hard timeouts that really kill, fairness, a free event loop."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from bot.workers import WorkerCrashed, WorkerPool, WorkerTimeout


def square(x: int) -> int:
    return x * x


def spin(seconds: float) -> int:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return os.getpid()


def report_pid_and_spin(path: str) -> None:
    Path(path).write_text(str(os.getpid()))
    spin(30)


def fail() -> None:
    raise ValueError("bad input")


def hog_memory() -> int:
    return len(bytearray(4 * 1024**3))


def die() -> None:
    os._exit(3)


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, max_size=4, timeout=2.0, memory_mb=512, preload=())
    pool.start()
    yield pool
    pool.close()


def test_runs_and_reraises(pool: WorkerPool) -> None:
    assert pool.run_sync(square, 12) == 144
    with pytest.raises(ValueError, match="bad input"):
        pool.run_sync(fail)


def test_timeout_kills_the_worker_and_the_pool_recovers(pool: WorkerPool, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(WorkerTimeout):
        pool.run_sync(report_pid_and_spin, str(pid_file), timeout=0.3)
    # Stopped, not waited for: the worker that would spin for 30 s is gone (killed and reaped).
    assert not Path(f"/proc/{pid_file.read_text()}").exists()
    assert pool.run_sync(square, 3) == 9


def test_memory_limit_fails_inside_the_worker(pool: WorkerPool) -> None:
    with pytest.raises(MemoryError):
        pool.run_sync(hog_memory)
    assert pool.run_sync(square, 2) == 4


def test_a_dead_worker_is_reported_and_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed):
        pool.run_sync(die)
    assert pool.run_sync(square, 5) == 25


async def test_event_loop_stays_responsive_while_hostile_tasks_burn(pool: WorkerPool) -> None:
    events: list[str] = []

    async def probe() -> None:
        while True:
            await asyncio.sleep(0.01)
            events.append("tick")

    prober = asyncio.create_task(probe())
    hostile = [asyncio.ensure_future(pool.run(spin, 30, timeout=0.3, key="mallory")) for _ in range(3)]
    for task in hostile:
        task.add_done_callback(lambda _: events.append("stopped"))
    results = await asyncio.gather(*hostile, return_exceptions=True)
    prober.cancel()
    assert all(isinstance(r, WorkerTimeout) for r in results)
    # Spinning tasks that held the loop would all end before the probe's first tick.
    assert events.index("tick") < events.index("stopped"), events


async def test_one_members_burst_does_not_block_another_member(pool: WorkerPool) -> None:
    hostile = [asyncio.ensure_future(pool.run(spin, 30, timeout=0.6, key="mallory")) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert await pool.run(square, 7, key="ada") == 49
    # Served before mallory's burst finished: not queued behind all three of them.
    assert sum(not task.done() for task in hostile) >= 1
    await asyncio.gather(*hostile, return_exceptions=True)
