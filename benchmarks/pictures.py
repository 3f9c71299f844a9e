"""What a member waits for: each picture command through the service and the worker pool.

    PYTHONPATH=. python benchmarks/pictures.py [--repeat N]

For each command prints p50/p90 of the whole service call (option checks, pickling the request,
the render in a warm worker, pickling the PNG back, building the reply) next to the same render
called in this process, and the difference (the pool's overhead). Also the largest upload the bot
accepts (a 5 MB CSV) against its time limit, and the first call on a freshly started pool.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from bot.plots.models import MAX_UPLOAD_BYTES, GDRequest, LossCurveRequest, PlotRequest
from bot.services import picture_jobs as jobs
from bot.services import pictures
from bot.services.app import WORKER_PRELOAD
from bot.services.context import Actor, Upload
from bot.services.pictures import PictureService
from bot.workers import WorkerPool

_members = itertools.count(1)


def member() -> Actor:
    """A new member per call: the per-member cooldowns (5 /plot a minute) would otherwise refuse
    the repeats, and this measures the work, not the limiter."""
    return Actor(guild_id=1, user_id=next(_members), name="bench")


def csv_of(points: int, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    step = np.arange(points)
    loss = 2.0 * np.exp(-step / (points / 5)) + 0.2 + 0.05 * rng.standard_normal(points)
    val = loss + 0.1
    rows = "\n".join(f"{s},{a:.6f},{b:.6f}" for s, a, b in zip(step, loss, val, strict=True))
    return ("step,loss,val_loss\n" + rows + "\n").encode()


def largest_csv() -> bytes:
    """The most rows of a step,loss,val_loss CSV that still fit under the upload cap."""
    lo, hi = 150_000, 260_000
    while lo < hi:  # rows grow longer with the step number: bisect on the real size
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if len(csv_of(mid)) <= MAX_UPLOAD_BYTES else (lo, mid - 1)
    return csv_of(lo)


async def timed(fn: Callable[[], Awaitable[Any]], repeat: int) -> list[float]:
    await fn()  # warm: lambdify caches, fonts
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def timed_sync(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


async def main(repeat: int) -> None:
    pool = WorkerPool(2, timeout=30.0, preload=WORKER_PRELOAD)
    service = PictureService(pool)
    started = time.perf_counter()
    pool.start()
    await service.plot(member(), "x^2 - 1")
    first = (time.perf_counter() - started) * 1000
    print(f"first /plot on a fresh pool (forkserver start + preload + render): {first:.0f} ms")

    values_100k = csv_of(100_000)
    biggest = largest_csv()
    cases: list[tuple[str, Callable[[], Awaitable[Any]], Callable[[], Any]]] = [
        (
            "/plot sin(x)",
            lambda: service.plot(member(), "sin(x)"),
            lambda: jobs.plot_job(PlotRequest("sin(x)")),
        ),
        (
            "/plot 3 functions + derivative",
            lambda: service.plot(member(), "sin(x); x^2/10; exp(-x^2)", derivative=True),
            lambda: jobs.plot_job(PlotRequest("sin(x); x^2/10; exp(-x^2)", derivative=True)),
        ),
        (
            "/gd x^4-3x^2+x, 100 steps",
            lambda: service.gd(member(), "x^4 - 3x^2 + x", 0.01, "2", 100),
            lambda: jobs.gd_job(GDRequest("x^4 - 3x^2 + x", 0.01, "2", 100)),
        ),
        (
            "/losscurve 100k steps (+val)",
            lambda: service.losscurve(member(), Upload("m.csv", values_100k)),
            lambda: jobs.losscurve_job(LossCurveRequest("m.csv", values_100k)),
        ),
        (
            "/tex",
            lambda: service.tex(member(), r"\frac{\partial L}{\partial w} = x (y - \hat{y})"),
            lambda: jobs.tex_job(r"\frac{\partial L}{\partial w} = x (y - \hat{y})"),
        ),
    ]
    print(f"\n{'command':34} {'service p50':>11} {'p90':>7} {'in-process p50':>15} {'pool overhead':>14}")
    for name, through_pool, direct in cases:
        a = await timed(through_pool, repeat)
        b = timed_sync(direct, max(3, repeat // 2))
        print(
            f"{name:34} {pct(a, 50):9.0f} ms {pct(a, 90):5.0f} ms {pct(b, 50):13.0f} ms "
            f"{pct(a, 50) - pct(b, 50):12.0f} ms"
        )

    rows = biggest.count(b"\n") - 1
    big = await timed(lambda: service.losscurve(member(), Upload("big.csv", biggest)), 3)
    print(
        f"\nlargest accepted upload: {len(biggest) / 1e6:.2f} MB, {rows:,} rows x 2 series: "
        f"median {statistics.median(big):.0f} ms (limit {pictures.LOSSCURVE_TIMEOUT:g} s)"
    )
    rng = np.random.default_rng(1)
    million = 1.0 + 0.5 * np.exp(-np.arange(1_000_000) / 2e5) + 0.01 * rng.random(1_000_000)
    most = ("\n".join(f"{v:.2f}" for v in million) + "\n").encode()
    worst = await timed(lambda: service.losscurve(member(), Upload("losses.txt", most)), 3)
    print(
        f"most points accepted: 1,000,000 values in {len(most) / 1e6:.2f} MB: "
        f"median {statistics.median(worst):.0f} ms (limit {pictures.LOSSCURVE_TIMEOUT:g} s)"
    )
    await pool.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    asyncio.run(main(parser.parse_args().repeat))
