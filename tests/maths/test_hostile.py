"""Hostile answers through the real worker pool, by the path members' answers take
(bot.services.checks): always answered, never correct, nothing run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services.checks import check_in_worker, check_in_worker_sync
from bot.workers import WorkerPool

HOSTILE = [
    "__import__('os').system('touch pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "exec('import os; os.system(\"touch pwned\")')",
    "eval('1+1')",
    "lambda: 0",
    "x; import os",
    "((9^9)^9999)^9999",
    "9^9^9^9^9",
    "2^(2^(2^(2^(2^(2^2)))))",
    "99999999!",
    "(10^6)!",
    "gamma(10^9)",
    "x^(10^10)",
    "exp(exp(exp(exp(exp(exp(x))))))",
    "sin(10^100) + tan(10^50)",
    "1e999999",
    "9" * 1000,
    "x" * (1 << 20),
    "(" * 5000 + "x" + ")" * 5000,
    "-" * 5000 + "x",
    "(" * 240 + "x" + ")" * 240,
    "-" * 490 + "x",
    "2^" * 240 + "2",
    "[" * 5000 + "]" * 5000,
    "x\x00",
    "x\x1b]0;title\x07",
    "\\frac{" * 300,
    "\\begin{pmatrix}" + "&".join(["1"] * 200) + "\\end{pmatrix}",
    "[" + ",".join(["[" + ",".join(["1"] * 30) + "]"] * 30) + "]",
    "(x+1)^100000",
    "\\pm 1 \\pm 2 \\pm 3 \\pm 4 \\pm 5",
    "y = " + " = ".join(["(x+1)^9/(x-1)^7*sin(x)^2"] * 12),  # working: every step is compared
    "1" + "=1" * 200,
    "f" + "'" * 200 + "(x) = " + "g'(x) = " * 40 + "1",
]

PRELOAD = ("sympy", "mpmath", "bot.maths.checker", "bot.services.checks")


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(2, timeout=2.0, preload=PRELOAD)
    pool.start()
    # The pool really checks (a broken worker would make every hostile case "pass" as a timeout).
    assert check_in_worker_sync(pool, "2x", "x + x").status == "correct"
    yield pool
    pool.close()


@pytest.mark.parametrize("answer", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_answer_is_never_correct(pool: WorkerPool, answer: str) -> None:
    before = set(Path().iterdir())
    verdict = check_in_worker_sync(pool, "x + 1", answer)
    assert verdict.status in ("invalid", "timeout", "incorrect")
    assert verdict.status != "correct"
    assert verdict.message
    assert set(Path().iterdir()) == before
    assert not Path("pwned").exists()


def test_hostile_expected_numbers_too(pool: WorkerPool) -> None:
    for answer in ("((9^9)^9999)^9999", "99999999!", "9^9^9^9"):
        verdict = check_in_worker_sync(pool, "1", answer)
        assert verdict.status == "invalid"
        assert "too large" in verdict.message or "limited" in verdict.message


async def test_async_check_keeps_working_after_a_timeout() -> None:
    pool = WorkerPool(1, timeout=0.05, preload=PRELOAD)
    try:
        # A timeout this short trips on any real check; the pool must replace the worker.
        first = await check_in_worker(pool, "x^2", "x*x")
        assert first.status in ("timeout", "correct")
        pool.timeout = 5.0
        second = await check_in_worker(pool, "x^2", "x*x")
        assert second.status == "correct"
    finally:
        await pool.aclose()


async def test_event_loop_stays_responsive_during_20_hostile_checks(pool: WorkerPool) -> None:
    import asyncio

    events: list[str] = []

    async def probe() -> None:
        while True:
            await asyncio.sleep(0.005)
            events.append("tick")

    prober = asyncio.create_task(probe())
    answers = [*HOSTILE[:20], *[HOSTILE[6]] * (20 - len(HOSTILE[:20]))]
    burst = [
        asyncio.ensure_future(check_in_worker(pool, "x + 1", answer, key=f"member{i}"))
        for i, answer in enumerate(answers)
    ]
    for task in burst:
        task.add_done_callback(lambda _: events.append("verdict"))
    verdicts = await asyncio.gather(*burst)
    normal = await check_in_worker(pool, "2x", "x + x", key="ada")
    prober.cancel()

    assert len(verdicts) == 20 and all(v.status != "correct" for v in verdicts)
    assert normal.status == "correct"
    # Checks run on the loop would finish back to back before the probe's first tick; in workers,
    # the loop keeps serving other tasks between verdicts (a busier machine only adds ticks).
    last_verdict = max(i for i, event in enumerate(events) if event == "verdict")
    assert "tick" in events[:last_verdict], events
