"""Gradient descent on a member's function: the run, what happened, and the lesson (no drawing).

The gradient comes from ``sympy.diff``; numbers from ``lambdify`` of those SymPy objects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy

from bot.plots.errors import PlotError
from bot.plots.expressions import NumericFn, numeric
from bot.plots.models import GD_MAX_STEPS

TOL_STEP = 1e-4
TOL_GRAD = 1e-3
_WINDOW = 10
_BLOW_UP = 1e6
#: This many consecutive rises of f (by 10% overall) is divergence: GD with a sane lr never climbs.
_RISING = 8


@dataclass(frozen=True)
class Problem:
    """f, its gradient and Hessian as numeric functions of 1 or 2 variables."""

    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    f: NumericFn
    grad: tuple[NumericFn, ...]
    hess: tuple[tuple[NumericFn, ...], ...]
    grad_exprs: tuple[sympy.Expr, ...]
    hess_exprs: tuple[tuple[sympy.Expr, ...], ...]

    @property
    def dims(self) -> int:
        return len(self.variables)

    def value(self, p: np.ndarray) -> float:
        return float(self.f(*(np.asarray(c) for c in p)))

    def gradient(self, p: np.ndarray) -> np.ndarray:
        return np.array([float(g(*(np.asarray(c) for c in p))) for g in self.grad])

    def hessian(self, p: np.ndarray) -> np.ndarray:
        return np.array([[float(h(*(np.asarray(c) for c in p))) for h in row] for row in self.hess])


def make_problem(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> Problem:
    variables = tuple(variables)
    grads = tuple(sympy.diff(expr, v) for v in variables)
    hess = tuple(tuple(sympy.diff(g, v) for v in variables) for g in grads)
    if any(g.has(sympy.Derivative) for g in grads):
        raise PlotError("I can't differentiate this function symbolically, so gradient descent can't run")
    return Problem(
        expr,
        variables,
        numeric(expr, variables),
        tuple(numeric(g, variables) for g in grads),
        tuple(tuple(numeric(h, variables) for h in row) for row in hess),
        grads,
        hess,
    )


@dataclass(frozen=True)
class Critical:
    point: tuple[float, ...]
    value: float
    kind: str  # "minimum" | "maximum" | "saddle" | "flat"


@dataclass(frozen=True)
class Run:
    points: np.ndarray  # (k+1, d): the start and every iterate
    values: np.ndarray  # f at each point
    grad_norms: np.ndarray
    status: str  # converged | diverged | oscillating | moving
    reason: str  # the why behind diverged/oscillating, '' otherwise
    lr: float
    critical: tuple[Critical, ...] = field(default=())

    @property
    def steps(self) -> int:
        return len(self.points) - 1


def check_settings(lr: float, steps: int) -> None:
    if not (isinstance(lr, int | float) and math.isfinite(lr) and 0 < lr <= 1e6):
        raise PlotError(f"lr must be a positive number (got {lr})")
    if not isinstance(steps, int) or not 1 <= steps <= GD_MAX_STEPS:
        raise PlotError(f"steps must be a whole number from 1 to {GD_MAX_STEPS} (got {steps})")


def descend(problem: Problem, start: Sequence[float], lr: float, steps: int) -> Run:
    """Plain GD: x <- x - lr * grad f(x), stopping early when converged or clearly diverged."""
    check_settings(lr, steps)
    x = np.array(start, dtype=float)
    f0 = problem.value(x)
    g = problem.gradient(x)
    if not math.isfinite(f0) or not np.isfinite(g).all():
        where = ", ".join(f"{c:g}" for c in x)
        raise PlotError(
            f"the function (or its gradient) is not defined at the start ({where}): pick another start"
        )
    points, values, norms = [x.copy()], [f0], [float(np.linalg.norm(g))]
    bound = _BLOW_UP * (1 + float(np.abs(x).max()))
    status, reason = "", ""
    for k in range(1, steps + 1):
        with np.errstate(all="ignore"):
            step = lr * g
            new = x - step
        if not np.isfinite(new).all() or np.abs(new).max() > bound:
            status, reason = "diverged", f"|{_var_text(problem)}| blew up past {bound:.3g}"
            if np.isfinite(new).all():
                points.append(new)
                values.append(problem.value(new))
                norms.append(math.nan)
            break
        fv = problem.value(new)
        g = problem.gradient(new)
        points.append(new)
        values.append(fv)
        norms.append(float(np.linalg.norm(g)) if np.isfinite(g).all() else math.nan)
        if not math.isfinite(fv) or not np.isfinite(g).all():
            status = "diverged"
            reason = f"it left the region where f is defined, at {_fmt_point(new)}"
            break
        if float(np.linalg.norm(new - x)) < TOL_STEP and norms[-1] < TOL_GRAD:
            status = "converged"
            x = new
            break
        x = new
        if k >= _RISING and _rising(np.array(values[-(_RISING + 1) :])):
            tail = values[-(_RISING + 1) :]
            status = "diverged"
            reason = f"f rose at every one of the last {_RISING} steps ({tail[0]:.4g} → {tail[-1]:.4g})"
            break
    pts, vals, gn = np.array(points), np.array(values, dtype=float), np.array(norms, dtype=float)
    if not status:
        status, reason = _classify_tail(pts, vals)
    return Run(pts, vals, gn, status, reason, lr)


def _rising(tail: np.ndarray) -> bool:
    rises = np.diff(tail)
    strict = (rises > 1e-12 * np.maximum(1.0, np.abs(tail[:-1]))).all()
    return bool(strict and tail[-1] - tail[0] > 0.1 * max(abs(tail[0]), 1e-12))


def _classify_tail(points: np.ndarray, values: np.ndarray) -> tuple[str, str]:
    """After all the steps: a zig-zag that does not shrink is oscillating; else still moving."""
    n = len(values) - 1
    w = min(_WINDOW, n)
    if w >= 4:
        tail = values[-(w + 1) :]
        if _rising(tail):
            return "diverged", f"f rose at every one of the last {w} steps ({tail[0]:.4g} → {tail[-1]:.4g})"
        steps = np.diff(points[-(w + 1) :], axis=0)
        dots = np.einsum("ij,ij->i", steps[1:], steps[:-1])
        sizes = np.linalg.norm(steps, axis=1)
        if (dots < 0).all() and sizes[-1] >= 0.95 * sizes[0] and sizes[-1] > TOL_STEP:
            return "oscillating", "each step overshoots to the other side and the jumps do not shrink"
    return "moving", ""


def _var_text(problem: Problem) -> str:
    return (
        problem.variables[0].name
        if problem.dims == 1
        else "(" + ", ".join(v.name for v in problem.variables) + ")"
    )


def _fmt_point(p: Sequence[float] | np.ndarray) -> str:
    if len(p) == 1:
        return f"{p[0]:.3f}"
    return "(" + ", ".join(f"{c:.3f}" for c in p) + ")"


# --- critical points -------------------------------------------------------------------------


def critical_points(problem: Problem, box: Sequence[tuple[float, float]]) -> tuple[Critical, ...]:
    """Minima, maxima and saddles found numerically inside ``box`` (one (lo, hi) per variable)."""
    found = _critical_1d(problem, box[0]) if problem.dims == 1 else _critical_2d(problem, box)
    out: list[Critical] = []
    for p in found:
        if any(np.allclose(p, c.point, atol=1e-5 * (1 + float(np.abs(p).max()))) for c in out):
            continue
        value = problem.value(p)
        if not math.isfinite(value):
            continue
        out.append(Critical(tuple(float(c) for c in p), value, _kind(problem, p)))
    return tuple(sorted(out, key=lambda c: c.point))


def _kind(problem: Problem, p: np.ndarray) -> str:
    h = problem.hessian(p)
    if not np.isfinite(h).all():
        return "flat"
    eig = np.linalg.eigvalsh((h + h.T) / 2)
    scale = 1e-9 * (1 + float(np.abs(eig).max()))
    if (eig > scale).all():
        return "minimum"
    if (eig < -scale).all():
        return "maximum"
    if (eig > scale).any() and (eig < -scale).any():
        return "saddle"
    # degenerate curvature (x^4 at 0): decide by looking around
    f0 = problem.value(p)
    r = 1e-3 * (1 + float(np.abs(p).max()))
    around = [problem.value(p + r * d) for d in _directions(len(p))]
    if all(math.isfinite(v) and v > f0 for v in around):
        return "minimum"
    if all(math.isfinite(v) and v < f0 for v in around):
        return "maximum"
    return "flat"


def _directions(d: int) -> list[np.ndarray]:
    if d == 1:
        return [np.array([1.0]), np.array([-1.0])]
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    return [np.array([math.cos(a), math.sin(a)]) for a in angles]


def _critical_1d(problem: Problem, box: tuple[float, float]) -> list[np.ndarray]:
    lo, hi = box
    xs = np.linspace(lo, hi, 4001)
    g = problem.grad[0](xs)
    roots: list[np.ndarray] = []
    exact = np.flatnonzero(g == 0)
    roots.extend(np.array([xs[i]]) for i in exact)
    ok = np.isfinite(g[:-1]) & np.isfinite(g[1:])
    change = np.flatnonzero(ok & (np.sign(g[:-1]) * np.sign(g[1:]) < 0))
    for i in change:
        a, b, ga = xs[i], xs[i + 1], g[i]
        for _ in range(60):
            m = (a + b) / 2
            gm = float(problem.grad[0](np.asarray(m)))
            if not math.isfinite(gm):
                break
            if np.sign(gm) == np.sign(ga):
                a, ga = m, gm
            else:
                b = m
        m = (a + b) / 2
        gm = float(problem.grad[0](np.asarray(m)))
        local = np.nanmax(np.abs(g[max(0, i - 5) : i + 7]))
        if math.isfinite(gm) and abs(gm) <= 1e-6 * (1 + local):  # a root, not a pole of f'
            roots.append(np.array([m]))
    return roots


def _critical_2d(problem: Problem, box: Sequence[tuple[float, float]]) -> list[np.ndarray]:
    (a, b), (c, d) = box
    n = 121
    gx, gy = np.meshgrid(np.linspace(a, b, n), np.linspace(c, d, n))
    g1, g2 = problem.grad[0](gx, gy), problem.grad[1](gx, gy)
    mag = np.where(np.isfinite(g1) & np.isfinite(g2), g1**2 + g2**2, np.inf)
    padded = np.pad(mag, 1, constant_values=np.inf)
    centre = padded[1:-1, 1:-1]
    is_min = np.ones_like(centre, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx or dy:
                is_min &= centre <= padded[1 + dy : n + 1 + dy, 1 + dx : n + 1 + dx]
    is_min &= np.isfinite(centre)
    idx = np.argwhere(is_min)
    if idx.size == 0:
        return []
    order = np.argsort(centre[is_min])[:40]
    px = gx[idx[order, 0], idx[order, 1]].astype(float)
    py = gy[idx[order, 0], idx[order, 1]].astype(float)
    # Newton on the gradient, all candidates at once
    for _ in range(40):
        j1, j2 = problem.grad[0](px, py), problem.grad[1](px, py)
        hxx, hxy = problem.hess[0][0](px, py), problem.hess[0][1](px, py)
        hyy = problem.hess[1][1](px, py)
        det = hxx * hyy - hxy * hxy
        with np.errstate(all="ignore"):
            step_x = np.where(np.abs(det) > 1e-14, (hyy * j1 - hxy * j2) / det, 0.0)
            step_y = np.where(np.abs(det) > 1e-14, (hxx * j2 - hxy * j1) / det, 0.0)
        px, py = px - step_x, py - step_y
    j1, j2 = problem.grad[0](px, py), problem.grad[1](px, py)
    width = max(b - a, d - c)
    keep = (
        np.isfinite(j1)
        & np.isfinite(j2)
        & (np.hypot(j1, j2) < 1e-6 * (1 + width))
        & (px >= a - 0.05 * width)
        & (px <= b + 0.05 * width)
        & (py >= c - 0.05 * width)
        & (py <= d + 0.05 * width)
    )
    return [np.array([x, y]) for x, y in zip(px[keep], py[keep], strict=True)]


# --- words ---------------------------------------------------------------------------------


def verdict(problem: Problem, run: Run) -> str:
    n = run.steps
    s = "" if n == 1 else "s"
    end = run.points[-1]
    if run.status == "converged":
        name = _var_text(problem)
        return f"converged to {name} ≈ {_fmt_point(end)} in {n} step{s} (f ≈ {run.values[-1]:.4g})"
    if run.status == "diverged":
        return f"diverged after {n} step{s}: {run.reason}"
    if run.status == "oscillating":
        a, b = run.points[-2], run.points[-1]
        between = f"jumping between ≈ {_fmt_point(a)} and ≈ {_fmt_point(b)}"
        return f"oscillating after {n} step{s}: {between} ({run.reason})"
    return f"still moving after {n} step{s} (|gradient| ≈ {run.grad_norms[-1]:.3g}, f ≈ {run.values[-1]:.4g})"


def _is_quadratic(problem: Problem) -> bool:
    try:
        return sympy.Poly(problem.expr, *problem.variables).total_degree() == 2
    except (sympy.PolynomialError, TypeError, ValueError):
        return False


def _nearest_min(run: Run) -> Critical | None:
    minima = [c for c in run.critical if c.kind == "minimum"]
    if not minima:
        return None
    end = run.points[-1] if run.status == "converged" else run.points[0]
    return min(minima, key=lambda c: float(np.linalg.norm(np.array(c.point) - end)))


def lesson(problem: Problem, run: Run) -> str:
    """What the learner should take away: the critical learning rate and which minimum."""
    parts: list[str] = []
    stuck = _stuck_at(run)
    if stuck is None or stuck.kind == "minimum":
        parts.append(_curvature_lesson(problem, run))
    if run.status in ("diverged", "oscillating"):
        parts.append(_start_lesson(problem, run))
    parts.append(_which_minimum(problem, run, stuck))
    return " ".join(p for p in parts if p)


def _curvature_lesson(problem: Problem, run: Run) -> str:
    quad = _is_quadratic(problem)
    ref = _nearest_min(run)
    if ref is None and not quad:
        return ""
    where = np.array(ref.point) if ref is not None else run.points[0]
    h = problem.hessian(where)
    if not np.isfinite(h).all():
        return ""
    eig = np.linalg.eigvalsh((h + h.T) / 2)
    top = float(eig.max())
    if top <= 1e-12:
        if quad:
            return "This quadratic has no minimum (it curves downward or is flat), so descent runs away."
        return ""
    crit = 2 / top
    if problem.dims == 1:
        at = "" if quad else f" at {problem.variables[0].name} ≈ {where[0]:.3f}"
        rate = 1 - run.lr * top
        one_step = ", and lr = 1/f'' lands in one step" if quad else ""
        return (
            f"{'For this quadratic' if quad else 'Near the minimum'} f'' = {top:.4g}{at}: each step "
            f"multiplies the distance to the minimum by (1 − lr·f'') = {rate:.3g}, so it shrinks only if "
            f"lr < 2/f'' ≈ {crit:.4g} (the critical learning rate); lr > 1/f'' ≈ {1 / top:.4g} "
            f"zig-zags{one_step}."
        )
    low = float(eig.min())
    cond = ""
    if low > 1e-12 and top / low > 5:
        cond = (
            f" The condition number λmax/λmin ≈ {top / low:.3g} is why the path zig-zags across "
            "a narrow valley."
        )
    return (
        f"The Hessian's largest eigenvalue {'is' if quad else 'near the minimum is'} λmax ≈ {top:.4g}, "
        f"so steps shrink only if lr < 2/λmax ≈ {crit:.4g} (the critical learning rate).{cond}"
    )


def _start_lesson(problem: Problem, run: Run) -> str:
    """For non-quadratics the curvature differs from place to place: what the start needed."""
    if _is_quadratic(problem):
        return ""
    h = problem.hessian(run.points[0])
    if not np.isfinite(h).all():
        return ""
    top = float(np.linalg.eigvalsh((h + h.T) / 2).max())
    if top <= 1e-12:
        return ""
    what = "f''" if problem.dims == 1 else "λmax"
    return (
        f"At the start {what} ≈ {top:.4g}, so lr = {run.lr:g} overshoots there; lr < {2 / top:.4g} "
        "would not (curvature changes from place to place, so a far start may need a smaller lr)."
    )


def _stuck_at(run: Run) -> Critical | None:
    """The critical point a converged run stopped at, if any."""
    if run.status != "converged":
        return None
    end = run.points[-1]
    for c in run.critical:
        if np.linalg.norm(np.array(c.point) - end) < 1e-2 * (1 + float(np.abs(end).max())):
            return c
    return None


def _which_minimum(problem: Problem, run: Run, here: Critical | None) -> str:
    minima = [c for c in run.critical if c.kind == "minimum"]
    if here is not None and here.kind in ("maximum", "saddle"):
        kind = "local maximum" if here.kind == "maximum" else "saddle point"
        return (
            f"This point is a {kind}, not a minimum: the gradient is zero there, so plain gradient "
            "descent cannot leave it. Start slightly to one side."
        )
    if len(minima) < 2:
        return ""
    listing = ", ".join(f"{_fmt_point(c.point)} (f ≈ {c.value:.4g})" for c in minima)
    head = f"This function has {len(minima)} local minima in view: {listing}."
    if here is None or here.kind != "minimum":
        return head + " Where you end up depends on where you start."
    best = min(c.value for c in minima)
    tol = 1e-9 * (1 + abs(best))
    if here.value <= best + tol:
        ties = sum(1 for c in minima if c.value <= best + tol)
        which = "one of the lowest (tied)" if ties > 1 else "the lowest one"
        return (
            f"{head} This start reached {_fmt_point(here.point)}, {which}; another start can land in "
            "another minimum."
        )
    lowest = min(minima, key=lambda c: c.value)
    return (
        f"{head} This start reached the local minimum at {_fmt_point(here.point)}, not the lowest "
        f"({_fmt_point(lowest.point)}): gradient descent only goes downhill from where it starts."
    )


def table(problem: Problem, run: Run, head: int = 5, tail: int = 5) -> str:
    names = [v.name for v in problem.variables]
    cols = ["step", *names, "f", "|grad|"]
    rows = []
    for i in range(len(run.points)):
        rows.append(
            [str(i), *(f"{c:.5g}" for c in run.points[i]), f"{run.values[i]:.5g}", f"{run.grad_norms[i]:.3g}"]
        )
    if len(rows) > head + tail + 1:
        rows = [*rows[:head], ["..."] + [""] * (len(cols) - 1), *rows[-tail:]]
    widths = [max(len(c), *(len(r[j]) for r in rows)) for j, c in enumerate(cols)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def parse_start(text: str, dims: int) -> tuple[float, ...]:
    """``"1.5"``, ``"(1, -2)"``, ``"pi/2"``: numbers only, through the safe parser when not plain."""
    from bot.plots.expressions import parse_one

    s = text.strip()
    if s[:1] in "([" and s[-1:] in ")]":
        s = s[1:-1]
    pieces = [p.strip() for p in s.split(",")] if s else []
    values: list[float] = []
    for p in pieces:
        try:
            v = float(p)
        except ValueError:
            try:
                e = parse_one(p)
            except PlotError:
                raise PlotError(f"start: expected a number, got '{p[:30]}'") from None
            if e.free_symbols:
                raise PlotError(f"start: expected a number, got '{p[:30]}'") from None
            v = float(e.evalf())
        if not math.isfinite(v):
            raise PlotError(f"start: {p} is not a finite number")
        values.append(v)
    if len(values) != dims:
        want = "one number x0" if dims == 1 else "two numbers (x0, y0)"
        raise PlotError(f"start: this function has {dims} variable{'s' if dims > 1 else ''}, so give {want}")
    return tuple(values)
