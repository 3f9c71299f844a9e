"""``/gd``: gradient descent drawn over the curve (1-D) or the contour map (2-D)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from bot.plots import gradient_descent as gd
from bot.plots import sampling, theme
from bot.plots.errors import PlotError
from bot.plots.expressions import parse_functions, to_latex
from bot.plots.function_plot import contour_grid, draw_contours, equal_aspect
from bot.plots.models import GDRequest, GDResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_SEARCH = (-10.0, 10.0)
START_COLOUR = "#009e73"
END_COLOUR = "#b00020"
PATH_COLOUR = "#d55e00"


def render_gd(request: GDRequest) -> GDResult:
    """Parse, run, explain and draw. Runs in a worker process."""
    gd.check_settings(request.lr, request.steps)
    parsed = parse_functions(request.expr)
    if len(parsed.exprs) != 1:
        raise PlotError("gradient descent runs on one function: drop the `;`")
    start = gd.parse_start(request.start, len(parsed.variables))
    problem = gd.make_problem(parsed.exprs[0], parsed.variables)
    return run_and_draw(problem, start, request.lr, request.steps)


def run_and_draw(problem: gd.Problem, start: tuple[float, ...], lr: float, steps: int) -> GDResult:
    run = gd.descend(problem, start, lr, steps)
    visible = _visible(run, np.array(start))
    search = [
        (min(_SEARCH[0], float(visible[:, i].min())), max(_SEARCH[1], float(visible[:, i].max())))
        for i in range(problem.dims)
    ]
    critical = gd.critical_points(problem, search)
    run = gd.Run(run.points, run.values, run.grad_norms, run.status, run.reason, run.lr, critical)
    verdict = gd.verdict(problem, run)
    lesson = gd.lesson(problem, run)
    minima = np.array([c.point for c in critical if c.kind == "minimum"]).reshape(-1, problem.dims)
    box = _view(visible, minima if len(minima) <= 6 else np.empty((0, problem.dims)))
    fig = theme.new_figure()
    ax = fig.add_subplot()
    theme.style_axes(ax)
    if problem.dims == 1:
        _draw_1d(ax, problem, run, box[0], minima)
    else:
        _draw_2d(fig, ax, problem, run, box, minima)
    title = textwrap.wrap(verdict, 95)
    ax.set_title("\n".join(title), fontsize=12, loc="left")
    legend = ax.legend(loc="best", fontsize=10, frameon=True)
    legend.get_frame().set_facecolor(theme.BACKGROUND)
    theme.layout(fig, title_lines=len(title), ylabel=problem.dims == 2)
    return GDResult(
        png=theme.to_png(fig),
        status=run.status,
        verdict=verdict,
        lesson=lesson,
        table=gd.table(problem, run),
        steps_run=run.steps,
        final_point=tuple(float(c) for c in run.points[-1]),
    )


def _visible(run: gd.Run, start: np.ndarray) -> np.ndarray:
    """The iterates worth framing: a diverging run's last points are off to infinity."""
    limit = 50 * (1 + float(np.abs(start).max()))
    pts = run.points
    ok = np.isfinite(pts).all(axis=1) & (np.abs(pts - start).max(axis=1) <= limit)
    return pts[ok] if ok.any() else start[None, :]


def _view(visible: np.ndarray, minima: np.ndarray) -> list[tuple[float, float]]:
    pts = np.vstack([visible, minima]) if minima.size else visible
    box = []
    for i in range(pts.shape[1]):
        lo, hi = float(pts[:, i].min()), float(pts[:, i].max())
        pad = max(1.0, 0.2 * (hi - lo))
        box.append((lo - pad, hi + pad))
    return box


def _draw_1d(ax: Axes, problem: gd.Problem, run: gd.Run, xr: tuple[float, float], minima: np.ndarray) -> None:
    var = problem.variables[0]
    f = problem.f
    x = np.linspace(*xr, sampling.SAMPLES)
    y = f(x)
    px = run.points[:, 0]
    inside = (px >= xr[0]) & (px <= xr[1]) & np.isfinite(run.values)
    ylim = sampling.robust_ylim([y, run.values[inside]]) or (-1.0, 1.0)
    cx, cy = sampling.prepare(f, x, y, ylim)
    latex = to_latex(problem.expr)
    label = f"$f({var.name}) = {latex}$" if latex else f"f({var.name})"
    ax.plot(cx, cy, color=theme.PALETTE[0], linewidth=2.2, label=label)
    py = np.clip(run.values, ylim[0] - 5 * (ylim[1] - ylim[0]), ylim[1] + 5 * (ylim[1] - ylim[0]))
    ax.plot(px, py, color=PATH_COLOUR, linewidth=1.0, alpha=0.7, marker="o", markersize=4, label="iterates")
    ax.plot(px[:1], py[:1], "o", color=START_COLOUR, markersize=11, label="start", zorder=5)
    ax.plot(px[-1:], py[-1:], "X", color=END_COLOUR, markersize=12, label="end", zorder=6)
    if minima.size:
        my = f(minima[:, 0])
        ax.plot(
            minima[:, 0],
            my,
            "v",
            color=theme.FOREGROUND,
            markersize=8,
            label="local minima" if len(minima) > 1 else "local minimum",
            zorder=4,
        )
    ax.set_xlim(*xr)
    ax.set_ylim(*ylim)
    ax.set_xlabel(var.name, fontsize=12)


def _draw_2d(
    fig: Figure,
    ax: Axes,
    problem: gd.Problem,
    run: gd.Run,
    box: list[tuple[float, float]],
    minima: np.ndarray,
) -> None:
    from matplotlib import patheffects

    xv, yv = problem.variables
    gx, gy, z = contour_grid(problem.expr, problem.variables, box[0], box[1])
    ax.grid(False)
    if np.isfinite(z).any():
        draw_contours(fig, ax, gx, gy, z, f"f({xv.name}, {yv.name})")
    outline = [patheffects.Stroke(linewidth=3.5, foreground="#1f2328"), patheffects.Normal()]
    pts = run.points
    ax.plot(
        pts[:, 0],
        pts[:, 1],
        color="#ffffff",
        linewidth=1.6,
        marker="o",
        markersize=4,
        path_effects=outline,
        label="iterates",
    )
    ax.plot(
        pts[:1, 0], pts[:1, 1], "o", color=START_COLOUR, markersize=12, markeredgecolor="white", label="start"
    )
    ax.plot(
        pts[-1:, 0], pts[-1:, 1], "X", color=END_COLOUR, markersize=13, markeredgecolor="white", label="end"
    )
    if minima.size:
        ax.plot(
            minima[:, 0],
            minima[:, 1],
            "v",
            color="white",
            markeredgecolor="black",
            markersize=9,
            label="local minima" if len(minima) > 1 else "local minimum",
        )
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    equal_aspect(ax, box[0], box[1])
    ax.set_xlabel(xv.name, fontsize=12)
    ax.set_ylabel(yv.name, fontsize=12)
