"""The worker pool: results, errors, CPU-time limits that really kill, fairness, no churn, warm-up,
a free event loop. Ordering and counts only: nothing here depends on how fast the machine is."""

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


def nap(seconds: float) -> str:
    time.sleep(seconds)
    return "rested"


def c_loop() -> int:
    return sum(range(10**13))  # one C call: Python signal handlers would never run in it


_warmed = False


def warm() -> None:
    global _warmed
    _warmed = True


def was_warmed() -> bool:
    return _warmed


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, timeout=2.0, memory_mb=512, preload=())
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
    assert not Path(f"/proc/{pid_file.read_text()}").exists()  # killed and reaped, not left spinning
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
    # mallory's tasks run one at a time: the second cannot have finished before ada's
    assert sum(task.done() for task in hostile) <= 1
    await asyncio.gather(*hostile, return_exceptions=True)


def test_free_workers_take_members_round_robin() -> None:
    pool = WorkerPool(1, timeout=5.0, preload=())
    try:
        assert pool.wait_ready(60)
        done: list[str] = []
        futures = [pool.submit(square, i, key="mallory") for i in range(6)]
        futures.append(pool.submit(square, 1, key="ada"))
        for i, future in enumerate(futures):
            future.add_done_callback(lambda _, label=("ada" if i == 6 else f"m{i}"): done.append(label))
        for future in futures:
            future.result()
        # ada's one task waits for at most one of mallory's (the one already running), not six
        assert done.index("ada") <= 2
    finally:
        pool.close()


def test_cpu_time_counts_not_wall_time() -> None:
    pool = WorkerPool(1, timeout=0.2, preload=())
    try:
        # sleeping uses no CPU: a descheduled or waiting worker is not charged for the clock
        assert pool.run_sync(nap, 0.6) == "rested"
        with pytest.raises(WorkerTimeout):
            pool.run_sync(c_loop)  # the kernel stops it inside a single C call
        assert pool.run_sync(square, 4) == 16
        assert pool.stats.timeouts == 1
    finally:
        pool.close()


def test_a_stuck_worker_hits_the_wall_limit() -> None:
    pool = WorkerPool(1, timeout=1.0, wall_timeout=0.5, preload=())
    try:
        with pytest.raises(WorkerTimeout):
            pool.run_sync(nap, 60)
        assert pool.run_sync(square, 6) == 36
    finally:
        pool.close()


async def test_warm_workers_are_kept_not_forked_per_burst() -> None:
    pool = WorkerPool(2, timeout=5.0, preload=(), warmup=warm)
    try:
        assert await pool.ready(60)
        results = await asyncio.gather(*(pool.run(square, i, key=i % 7) for i in range(60)))
        assert results == [i * i for i in range(60)]
        assert pool.stats.workers_started == 2  # no growth, no retirement
        assert pool.stats.tasks == 60  # warm-ups are not tasks
        assert await pool.run(was_warmed) is True  # warm-up ran before the first task
    finally:
        await pool.aclose()


def test_a_closed_pool_refuses_and_fails_what_was_queued() -> None:
    pool = WorkerPool(1, timeout=5.0, preload=())
    pool.wait_ready(60)
    running = pool.submit(spin, 30, key="a")
    queued = pool.submit(square, 2, key="a")
    pool.close()
    with pytest.raises((RuntimeError, WorkerCrashed)):
        running.result()
    with pytest.raises(RuntimeError):
        queued.result()
    with pytest.raises(RuntimeError):
        pool.submit(square, 3)
