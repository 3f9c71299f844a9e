"""Render times of the plotting engine next to bare matplotlib drawing the same thing.

    PYTHONPATH=. python benchmarks/plots.py [--repeat N]

Prints p50/p90 for `/plot` of one function (warm process) and `/losscurve` of 100,000
points (parse + diagnosis + drawing), each with a bare-matplotlib baseline measured in the
same run, and the ratio.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

import numpy as np


def timings(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm: imports, font cache, lambdify
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def bare_function_plot() -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.linspace(-10, 10, 1500)
    ax.plot(x, np.sin(x) * x, label="f(x)")
    ax.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def loss_series(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    return 2.0 * np.exp(-t / (n / 5)) + 0.2 + 0.05 * rng.standard_normal(n)


def bare_loss_plot(y: np.ndarray, smooth: np.ndarray) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.arange(y.size)
    ax.plot(x, y, alpha=0.3)
    ax.plot(x, smooth, linewidth=2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from bot.plots.diagnosis import ema
    from bot.plots.function_plot import render_plot
    from bot.plots.losscurve import render_losscurve
    from bot.plots.models import LossCurveRequest, PlotRequest

    ours = timings(lambda: render_plot(PlotRequest("sin(x) x")), args.repeat)
    bare = timings(bare_function_plot, args.repeat)
    print(
        f"/plot one function      p50 {p(ours, 50):6.1f} ms  p90 {p(ours, 90):6.1f} ms  (target p50 < 80 ms)"
    )
    print(f"  bare matplotlib       p50 {p(bare, 50):6.1f} ms  p90 {p(bare, 90):6.1f} ms")
    print(f"  ratio ours/bare       {statistics.median(ours) / statistics.median(bare):.2f}x")

    n = 100_000
    y = loss_series(n)
    csv = ("step,loss\n" + "\n".join(f"{i},{v:.6f}" for i, v in enumerate(y)) + "\n").encode()
    request = LossCurveRequest("metrics.csv", csv)
    repeat = max(5, args.repeat // 3)
    ours = timings(lambda: render_losscurve(request), repeat)
    smooth = ema(y, 0.6)
    bare = timings(lambda: bare_loss_plot(y, smooth), repeat)
    size_kb = len(render_losscurve(request).png) / 1024
    print(f"/losscurve {n:,} points  p50 {p(ours, 50):6.1f} ms  p90 {p(ours, 90):6.1f} ms  (target < 300 ms;")
    print(f"  {len(csv) / 1e6:.1f} MB CSV parsed + diagnosed + drawn, PNG {size_kb:.0f} KB)")
    print(f"  bare matplotlib       p50 {p(bare, 50):6.1f} ms  p90 {p(bare, 90):6.1f} ms  (no parsing)")
    print(f"  ratio ours/bare       {statistics.median(ours) / statistics.median(bare):.2f}x")


if __name__ == "__main__":
    main()
