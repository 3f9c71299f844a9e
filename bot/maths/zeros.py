"""Do two equations have the same real solutions? Compared numerically, without a solver.

`|x| = |y|` and `(x - y)(x + y) = 0`, or `ln y = x` and `y = e^x`, are the same equations although
neither is a multiple of the other. Along lines through the plane (the other variables fixed at
values of both signs) the zeros of each side are located on a grid: sign changes are narrowed by bisection,
touching zeros (x - 2)^2 by a golden-section search on |f|. Each zero of one must be a zero of the
other, of the same order (multiplicity counts, as in STACK). A pole where the sign flips is not a
zero, and a point where an equation is undefined is not a solution of it (so `sqrt(y) = sqrt(x)` is
not `y = x`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import sympy

from bot.maths.numeric import Undefined, evaluate
from bot.maths.vectorised import DEFINED, UNDEFINED, Program, Unsupported, compile_expr

LINES = (0.7, -1.3, 2.1, -0.4)  # values of the other variables, one line each (jittered)
GRID = [mpmath.mpf(k) / 8 + mpmath.mpf("0.0137") for k in range(-56, 57)]  # x in about [-7, 7]
STEPS = 100  # bisection / golden-section steps: the bracket shrinks far below the tolerance
ZERO = mpmath.mpf(10) ** -12  # |f| below this times the largest value met on the way is zero
H = mpmath.mpf(10) ** -6  # step for the order of a zero (zeros are located far more finely)
MIN_ZEROS = 3  # fewer zeros found in total prove nothing (the caller keeps its verdict)
DPS = 30

Function = Callable[[Any], Any]  # x -> (f(x), largest magnitude met) on one line, None where undefined


def same_zero_set(fe: sympy.Expr, fa: sympy.Expr) -> bool | None:
    """True/False when fe = 0 and fa = 0 have (numerically) the same/different real solutions;
    None when too few solutions were found to tell (e.g. neither has any)."""
    symbols = sorted(fe.free_symbols | fa.free_symbols, key=lambda s: s.name)
    if not 1 <= len(symbols) <= 3:
        return None
    var, others = symbols[0], symbols[1:]
    rng = random.Random(int.from_bytes(hashlib.sha256(sympy.srepr((fe, fa)).encode()).digest()[:8], "big"))
    found = 0
    try:
        programs: tuple[Program, Program] | None = (
            compile_expr(fe, complex_mode=False),
            compile_expr(fa, complex_mode=False),
        )
    except Unsupported:
        programs = None  # the Evaluator alone, point by point
    with mpmath.workdps(DPS):
        for line in range(len(LINES) if others else 1):
            # Both signs for every other variable (sqrt(y) = sqrt(x) is not y = x for y < 0).
            env = {
                s: mpmath.mpf(LINES[(line + 2 * j) % len(LINES)] + rng.uniform(-0.05, 0.05))
                for j, s in enumerate(others)
            }
            on_e, on_a = _on_line(fe, var, env), _on_line(fa, var, env)
            if programs is not None:
                on_e = _Line(on_e, programs[0], var, env)
                on_a = _Line(on_a, programs[1], var, env)
            try:
                for f, g in ((on_e, on_a), (on_a, on_e)):
                    for x in bulk_zeros(f) if isinstance(f, _Line) else zeros(f):
                        found += 1
                        if not _is_zero(g, x) or not _same_order(f, g, x):
                            return False
            except _Overflow:
                return None  # x^6000 - x^6001: zeros may hide where the values overflow
    return True if found >= MIN_ZEROS else None


class _Overflow(Exception):
    pass


def _on_line(f: sympy.Expr, var: sympy.Symbol, env: dict) -> Function:
    def at(x: Any) -> Any:
        try:
            value, scale = evaluate(f, {**env, var: x}, complex_mode=False)
        except Undefined as exc:
            if str(exc) == "overflow":
                raise _Overflow from None
            return None
        return (value, max(scale, 1)) if mpmath.isfinite(value) else None

    return at


def _is_zero(f: Function, x: Any) -> bool:
    """|f(x)| is rounding noise next to the magnitudes f(x) is computed from."""
    found = f(x)
    return found is not None and abs(found[0]) <= ZERO * found[1]


def _value(f: Function, x: Any) -> Any:
    found = f(x)
    return None if found is None else found[0]


def _order(f: Function, x: Any) -> Any:
    """How fast f vanishes at its zero x: 1 for x - 2, 2 for (x - 2)^2 (None at a domain edge)."""
    for side in (1, -1):
        near, nearer = _value(f, x + side * H), _value(f, x + side * H / 10)
        if near and nearer:
            return mpmath.log10(abs(near) / abs(nearer))
    return None


def _same_order(f: Function, g: Function, x: Any) -> bool:
    """Multiplicity counts, as in STACK: x = 2 is not (x - 2)^2 = 0, nor ab = 0 a^3 b^3 = 0."""
    order_f, order_g = _order(f, x), _order(g, x)
    return order_f is None or order_g is None or abs(order_f - order_g) < mpmath.mpf("0.25")


def zeros(f: Function) -> list[Any]:
    """The real zeros of f on the grid's span: sign changes and touching zeros."""
    values = [_value(f, x) for x in GRID]
    out = []
    for k in range(len(GRID) - 1):
        lo, hi, f_lo, f_hi = GRID[k], GRID[k + 1], values[k], values[k + 1]
        if f_lo is None or f_hi is None:
            continue
        if f_lo == 0:
            out.append(lo)
        elif (f_lo < 0) != (f_hi < 0) and f_hi != 0:
            root = _bisect(f, lo, hi, f_lo)
            if root is not None and _is_zero(f, root):  # not a pole such as 1/x
                out.append(root)
        elif k > 0 and values[k - 1] is not None and abs(f_lo) < abs(values[k - 1]) and abs(f_lo) < abs(f_hi):
            root = _touch(f, GRID[k - 1], hi)
            if root is not None and _is_zero(f, root):
                out.append(root)
    return out


def _bisect(f: Function, lo: Any, hi: Any, f_lo: Any, steps: int = STEPS, width: Any = 0) -> Any:
    for _ in range(steps):
        if hi - lo <= width:
            break
        mid = (lo + hi) / 2
        f_mid = _value(f, mid)
        if f_mid is None:
            return None
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


def _touch(f: Function, lo: Any, hi: Any, width: Any = 0) -> Any:
    """Where |f| is least between lo and hi (golden-section search): a zero if |f| reaches 0 there."""
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = lo + (1 - ratio) * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = _value(f, a), _value(f, b)
    for _ in range(STEPS):
        if fa is None or fb is None:
            return None
        if hi - lo <= width:
            break
        if abs(fa) < abs(fb):
            hi, b, fb = b, a, fa
            a = lo + (1 - ratio) * (hi - lo)
            fa = _value(f, a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = _value(f, b)
    return (lo + hi) / 2


# -- the same search over arrays ---------------------------------------------------------------

FLOAT_SURE = 1e-12  # |f| above this times its scale: float64 has its sign right
POLE = 1e-6  # |f| still above this (times the scale) when float64 can't narrow further: a pole
FINE = mpmath.mpf(10) ** -16  # the Evaluator narrows a bracket down to this (relative) width
SPLIT, ROUNDS = 255, 7  # each round cuts a bracket into 256: 7 rounds reach float64's resolution
TOUCH_POINTS, TOUCH = 4096, 1e-4  # |f| this small (times the scale) on the fine grid may touch zero
ZOOMS, TOUCH_ZERO = 3, 1e-9  # zoom in on the least |f| this often; then above this it touches nothing
FLOAT_GRID = np.array([float(x) for x in GRID])


class _Line:
    """A function on one line, by the Evaluator point by point (calling it) or by numpy over arrays."""

    def __init__(self, exact: Function, program: Program, var: sympy.Symbol, env: dict) -> None:
        self.exact = exact
        self.program = program
        self.var = var
        self.fixed = {s: float(v) for s, v in env.items()}

    def __call__(self, x: Any) -> Any:
        return self.exact(x)

    def batch(self, xs: np.ndarray) -> Any:
        env = {s: np.full(len(xs), v) for s, v in self.fixed.items()}
        env[self.var] = xs
        return self.program.run(env)


def bulk_zeros(f: _Line) -> list[Any]:
    """`zeros` with the grid, the bisections and the touch searches done over arrays in float64.

    The Evaluator is asked wherever float64 can't vouch for a sign (grid values near zero, points it
    overflows on), finishes each bisection from where float64 stops being sure, and re-runs a
    golden-section search wherever float64 finds |f| close to zero.
    """
    grid = f.batch(FLOAT_GRID)
    values: list[Any] = []
    for k, x in enumerate(GRID):
        v, state = grid.values[k], grid.state[k]
        if state == DEFINED and abs(v) > FLOAT_SURE * max(grid.scale[k], 1):
            values.append(mpmath.mpf(float(v)))
        elif state == UNDEFINED:
            values.append(None)
        else:
            values.append(_value(f, x))
    out = []
    crossings, touches = [], []
    for k in range(len(GRID) - 1):
        lo, f_lo, f_hi = GRID[k], values[k], values[k + 1]
        if f_lo is None or f_hi is None:
            continue
        if f_lo == 0:
            out.append(lo)
        elif (f_lo < 0) != (f_hi < 0) and f_hi != 0:
            crossings.append((k, f_lo < 0))
        elif k > 0 and values[k - 1] is not None and abs(f_lo) < abs(values[k - 1]) and abs(f_lo) < abs(f_hi):
            touches.append(k)
    found = {k: root for k, root in _bulk_bisect(f, crossings, values)}
    for k in touches:
        near = _near_touch(f, float(GRID[k - 1]), float(GRID[k + 1]))
        if near is True:
            root = _touch(f, GRID[k - 1], GRID[k + 1])
        elif near:
            lo, hi = (mpmath.mpf(x) for x in near)
            root = _touch(f, lo, hi, FINE * max(abs(lo), 1))
        else:
            continue
        if root is not None and _is_zero(f, root):
            found[k] = root
    out += [found[k] for k in sorted(found)]
    return sorted(out)


def _bulk_bisect(f: _Line, crossings: list[tuple[int, bool]], values: list[Any]) -> list[tuple[int, Any]]:
    """Narrow every sign change at once (SPLIT points per bracket per round) while float64 is sure of
    the signs, then finish each with the Evaluator's bisection."""
    if not crossings:
        return []
    lo = np.array([float(GRID[k]) for k, _ in crossings])
    hi = np.array([float(GRID[k + 1]) for k, _ in crossings])
    negative_lo = np.array([neg for _, neg in crossings])
    dead = np.zeros(len(crossings), dtype=bool)
    active = np.ones(len(crossings), dtype=bool)
    t = np.linspace(0, 1, SPLIT + 2)[1:-1]
    for _ in range(ROUNDS):
        idx = np.flatnonzero(active & ~dead)
        if not len(idx):
            break
        xs = lo[idx, None] + (hi[idx] - lo[idx])[:, None] * t  # one row per bracket
        b = f.batch(xs.ravel())
        vals, state = b.values.reshape(xs.shape), b.state.reshape(xs.shape)
        scale = b.scale.reshape(xs.shape)
        dead[idx[(state == UNDEFINED).any(axis=1)]] = True  # a hole inside: the Evaluator would stop too
        sure = (state == DEFINED) & (np.abs(vals) > FLOAT_SURE * np.maximum(scale, 1))
        same = (vals < 0) == negative_lo[idx, None]
        for row, j in enumerate(idx):
            if dead[j]:
                continue
            other = np.flatnonzero(sure[row] & ~same[row])
            first = other[0] if len(other) else SPLIT  # the first sure value of the other sign (or hi)
            before = np.flatnonzero(sure[row, :first] & same[row, :first])
            new_lo = xs[row, before[-1]] if len(before) else lo[j]
            new_hi = xs[row, first] if first < SPLIT else hi[j]
            if (new_lo == lo[j] and new_hi == hi[j]) or not new_lo < new_hi:
                active[j] = False  # float64 can't narrow it further
            lo[j], hi[j] = new_lo, new_hi
    out = []
    for n, (k, _) in enumerate(crossings):
        if dead[n]:
            continue
        ends = f.batch(np.array([lo[n], hi[n]]))
        large = (ends.state == DEFINED).all() and (
            np.abs(ends.values) > POLE * np.maximum(ends.scale, 1)
        ).all()
        if large and hi[n] - lo[n] <= 1e-14 * max(abs(lo[n]), 1):
            continue  # narrowed to nothing and |f| is still large on both sides: a pole
        a, b_ = mpmath.mpf(float(lo[n])), mpmath.mpf(float(hi[n]))
        f_lo = _value(f, a)
        if f_lo is None:
            continue
        root = a if f_lo == 0 else _bisect(f, a, b_, f_lo, STEPS, FINE * max(abs(a), 1))
        if root is not None and _is_zero(f, root):  # not a pole such as 1/x
            out.append((k, root))
    return out


def _near_touch(f: _Line, lo: float, hi: float) -> tuple[float, float] | bool:
    """Where |f| may touch zero between lo and hi: False (surely nowhere: on a fine float64 grid |f|
    stays well away from zero), a small bracket around the least |f| (zoomed in float64), or True
    (float64 can't tell: search the whole bracket with the Evaluator)."""
    for round_ in range(ZOOMS):
        xs = np.linspace(lo, hi, TOUCH_POINTS)
        b = f.batch(xs)
        if (b.state != DEFINED).any():
            return True
        size = np.abs(b.values) / np.maximum(b.scale, 1)
        k = int(np.argmin(size))
        if round_ == 0 and size[k] > TOUCH:
            return False
        lo, hi = float(xs[max(k - 1, 0)]), float(xs[min(k + 1, len(xs) - 1)])
    return (lo, hi) if size[k] <= TOUCH_ZERO else False
