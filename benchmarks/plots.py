"""Render times of the plotting engine next to bare matplotlib drawing the same picture.

    PYTHONPATH=. python benchmarks/plots.py [--repeat N]

Each baseline draws what the engine's image holds, with plain matplotlib and no engine code: the
same figure size, grid, spines, zero lines, axis labels, title, mathtext legend and PNG encoding,
and the *same series* the engine hands to matplotlib (the 1,500 samples of the function; the
decimated raw and smoothed loss lines, computed before the clock starts). So the ratio is what the
engine adds on top of drawing: parsing the expression or the file, sampling, the diagnosis.

Prints CPU-time p50/p90 (the two run alternately, single-threaded as in the worker pool) for `/plot`
of one function and `/losscurve` of 100,000 points from a CSV, each beside its baseline and the
ratio, then the CPU time of `/losscurve` for 1,000,000 points (a plain list that fits the 5 MB
upload limit) against the task's CPU limit.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable

from bot.workers import WORKER_ENV

# The environment the worker pool gives the engine (one BLAS thread, Agg), set before numpy loads:
# a multi-threaded matrix product would count other cores' spinning as this figure's CPU time.
os.environ.update(WORKER_ENV)

import numpy as np

# The engine's look, restated here so the baseline imports nothing from it.
BG, FG, GRID, SPINE = "#ffffff", "#1f2328", "#d0d7de", "#57606a"
BLUE = "#0072b2"


def paired(
    ours: Callable[[], object], bare: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """CPU milliseconds of each, run alternately: a busy spell of this shared machine falls on both
    alike, and CPU time does not count the time another process held the core."""
    ours(), bare()  # warm: imports, font cache, mathtext parser
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, out in ((ours, a), (bare, b)):
            t = time.process_time()
            fn()
            out.append((time.process_time() - t) * 1000)
    return a, b


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def bare_axes():  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 6), dpi=100, facecolor=BG)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_facecolor(BG)
    for spine in ax.spines.values():
        spine.set_color(SPINE)
    ax.tick_params(colors=FG, labelsize=10)
    ax.grid(True, color=GRID, linewidth=0.7, alpha=0.8)
    return fig, ax


def png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, facecolor=BG)
    return buf.getvalue()


def bare_function_plot(x: np.ndarray, y: np.ndarray, ylim: tuple[float, float]) -> bytes:
    fig, ax = bare_axes()
    ax.plot(x, y, color=BLUE, linewidth=2.2, label=r"$f(x) = x \sin{\left(x \right)}$")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(*ylim)
    ax.axvline(0, color=SPINE, linewidth=0.9, zorder=1)
    ax.axhline(0, color=SPINE, linewidth=0.9, zorder=1)
    ax.set_xlabel("x", fontsize=12)
    legend = ax.legend(loc="best", fontsize=12, frameon=True)
    legend.get_frame().set_facecolor(BG)
    fig.subplots_adjust(left=0.085, right=0.975, bottom=0.09, top=0.965)
    return png(fig)


def loss_series(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    return 2.0 * np.exp(-t / (n / 5)) + 0.2 + 0.05 * rng.standard_normal(n)


def bare_loss_plot(
    raw: tuple[np.ndarray, np.ndarray], smooth: tuple[np.ndarray, np.ndarray], title: str, log: bool
) -> bytes:
    fig, ax = bare_axes()
    ax.plot(*raw, color=BLUE, alpha=0.28, linewidth=1.0)
    ax.plot(*smooth, color=BLUE, linewidth=2.2, label="loss (smoothed 0.6)")
    lo, hi = float(raw[1].min()), float(raw[1].max())
    if log:  # the engine's axis, whichever it chose (a log axis costs more ticks to draw)
        ax.set_yscale("log")
        ax.set_ylim(lo / 1.3, hi * 1.3)
    else:
        ax.set_ylim(lo - 0.06 * (hi - lo), hi + 0.06 * (hi - lo))
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title, fontsize=14, loc="left")
    legend = ax.legend(loc="best", frameon=True, fontsize=10)
    legend.get_frame().set_facecolor(BG)
    fig.subplots_adjust(left=0.085, right=0.975, bottom=0.09, top=0.93)
    return png(fig)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from bot.plots.diagnosis import ema
    from bot.plots.function_plot import render_plot
    from bot.plots.losscurve import decimate, render_losscurve
    from bot.plots.models import MAX_POINTS, MAX_UPLOAD_BYTES, LossCurveRequest, PlotRequest
    from bot.services.pictures import LOSSCURVE_TIMEOUT

    # -- /plot: the engine's own samples and y range, drawn bare --------------------------------
    x = np.linspace(-10, 10, 1500)
    y = np.sin(x) * x
    ylim = (-6.242, 8.718)  # what the engine chose (its summary says so)
    ours, bare = paired(
        lambda: render_plot(PlotRequest("sin(x) x")), lambda: bare_function_plot(x, y, ylim), args.repeat
    )
    print(f"/plot one function      CPU p50 {p(ours, 50):6.1f} ms  p90 {p(ours, 90):6.1f} ms")
    print(
        f"  bare matplotlib       CPU p50 {p(bare, 50):6.1f} ms  p90 {p(bare, 90):6.1f} ms"
        "  (same samples and elements)"
    )
    print(f"  ratio ours/bare       {statistics.median(ours) / statistics.median(bare):.2f}x")

    # -- /losscurve of 100k points from a CSV ---------------------------------------------------
    n = 100_000
    values = loss_series(n)
    csv = ("step,loss\n" + "\n".join(f"{i},{v:.6f}" for i, v in enumerate(values)) + "\n").encode()
    request = LossCurveRequest("metrics.csv", csv)
    steps = np.arange(n, dtype=float)
    raw = decimate(steps, values)
    smooth = decimate(steps, ema(values, 0.6))
    result = render_losscurve(request)
    title = "Healthy" if result.diagnosis.kind == "healthy" else result.diagnosis.kind
    log = "log scale" in result.summary
    repeat = max(5, args.repeat // 3)
    ours, bare = paired(
        lambda: render_losscurve(request), lambda: bare_loss_plot(raw, smooth, title, log), repeat
    )
    print(
        f"/losscurve {n:,} points  CPU p50 {p(ours, 50):6.1f} ms  p90 {p(ours, 90):6.1f} ms"
        f"  ({len(csv) / 1e6:.1f} MB CSV parsed + diagnosed + drawn, PNG {len(result.png) / 1024:.0f} KB)"
    )
    print(
        f"  bare matplotlib       CPU p50 {p(bare, 50):6.1f} ms  p90 {p(bare, 90):6.1f} ms"
        f"  (the same {raw[0].size:,} + {smooth[0].size:,} decimated points,"
        f" {'log' if log else 'linear'} axis, no parsing)"
    )
    print(
        f"  ratio ours/bare       {statistics.median(ours) / statistics.median(bare):.2f}x  (target <= 1.3x)"
    )

    # -- 1M points: CPU time against the task's limit -------------------------------------------
    million = loss_series(MAX_POINTS)
    text = ("\n".join(f"{v:.2f}" for v in million) + "\n").encode()
    assert len(text) <= MAX_UPLOAD_BYTES, len(text)
    big = LossCurveRequest("losses.txt", text)
    render_losscurve(big)
    cpu, wall = [], []
    for _ in range(3):
        c, w = time.process_time(), time.perf_counter()
        render_losscurve(big)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    print(
        f"/losscurve {MAX_POINTS:,} points  CPU {statistics.median(cpu):.2f} s"
        f" (wall {statistics.median(wall):.2f} s)"
        f"  of the {LOSSCURVE_TIMEOUT:g} s CPU limit: {statistics.median(cpu) / LOSSCURVE_TIMEOUT:.0%}"
        f"  ({len(text) / 1e6:.1f} MB list)"
    )


if __name__ == "__main__":
    main()
