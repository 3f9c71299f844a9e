"""Equations and inequalities: proportional sides, the same zero set, or the same set of reals.

Where SymPy's solver isn't trusted, sets of reals are compared by their membership test: the same
membership at the far left, then switches at the same places.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import sympy

from bot.maths.compare.numbers import (
    DEFAULT_REL,
    POINT_DPS,
    SAME,
    Outcome,
    Tolerance,
    _close,
    const_value,
    differ,
    has_float,
)
from bot.maths.compare.sampling import FLOAT_NOISE, Point, Points, sample, sample_points
from bot.maths.compare.sets import compare_real_sets, safe_real_set
from bot.maths.numeric import Undefined, evaluate
from bot.maths.sums import BigOp, index_symbols
from bot.maths.values import Interval, Membership, Relation, Value
from bot.maths.vectorised import DEFINED, UNSURE, Unsupported, compile_expr
from bot.maths.zeros import same_zero_set

# -- equations and inequalities ---------------------------------------------------------------


def _cleared(expr: sympy.Expr) -> sympy.Expr:
    """expr times its denominators, so 1/x + 1/y = 2 and y = x/(2x-1) become comparable."""
    dens: dict[sympy.Expr, sympy.Expr] = {}
    nodes = sympy.preorder_traversal(expr)
    for node in nodes:
        if isinstance(node, BigOp):
            nodes.skip()  # a denominator inside a sum depends on its bound variable: not a factor
            continue
        if (
            isinstance(node, sympy.Pow)
            and isinstance(node.args[1], sympy.Number)
            and node.args[1] < 0
            and node.args[1].is_finite
            and not node.args[0].is_number
        ):
            dens[node] = sympy.Pow(node.args[0], -node.args[1], evaluate=False)
        if len(dens) > 8:
            break
    if not dens:
        return expr
    return sympy.Mul(expr, *dens.values(), evaluate=False)


def _difference(lhs: sympy.Expr, rhs: sympy.Expr) -> sympy.Expr:
    return sympy.Add(lhs, sympy.Mul(-1, rhs, evaluate=False), evaluate=False)


def _proportional(fe: sympy.Expr, fa: sympy.Expr, tol: Tolerance, *, positive: bool) -> Outcome:
    """fa = c * fe for one non-zero constant c (positive when the direction matters)."""
    inexact = tol.explicit or has_float(fe) or has_float(fa)
    fast = sample_points([fe, fa], want=8)
    if fast is not None:
        points = [(*fast.exact(p), p.env) for p in _ratio_screen(fast)]
    else:
        points, _ = sample([fe, fa], want=8)
    if not points:
        return differ("I couldn't find values of the variables where both answers are defined.")
    ratio = None
    e_zero_everywhere = True
    for (ve, va), (se, sa), _ in points:
        small_e = abs(ve) <= max(se, 1) * mpmath.mpf(10) ** (-(POINT_DPS - 12))
        small_a = abs(va) <= max(sa, 1) * mpmath.mpf(10) ** (-(POINT_DPS - 12))
        if small_e:
            if not small_a:
                return differ()
            continue
        e_zero_everywhere = False
        r = va / ve
        if abs(r) <= mpmath.mpf(10) ** (-(POINT_DPS - 12)):
            return differ()
        if ratio is None:
            ratio = r
        elif not _close(r, ratio, max(abs(r), abs(ratio)), tol if inexact else Tolerance(), inexact):
            return differ()
    if e_zero_everywhere:
        return SAME  # both are identities (x = x), or both hold nowhere
    if positive and ratio is not None and (isinstance(ratio, mpmath.mpc) or ratio < 0):
        return differ()
    return SAME


def _ratio_screen(fast: Points) -> list[Point]:
    """The points `_proportional` must see at 30 digits: the random ones, and every lattice point where
    float64 finds a side near zero or a ratio not the same as at the first point (in sample order)."""
    ratio = None
    out = []
    for p in fast.points:
        if not p.lattice or p.exact_values is not None:
            out.append(p)
            continue
        (ve, va), (se, sa) = p.values, p.scales
        if abs(ve) <= FLOAT_NOISE * max(se, 1) or abs(va) <= FLOAT_NOISE * max(sa, 1):
            out.append(p)
            continue
        r = va / ve
        if ratio is None:
            ratio = r
        elif abs(r - ratio) > FLOAT_NOISE * max(abs(r), abs(ratio)):
            out.append(p)
    return out


def compare_equations(e: Relation, a: Relation, tol: Tolerance) -> Outcome:
    if len(e.ops) != len(a.ops):
        return differ("Your answer has a different number of `=` signs.")
    for k in range(len(e.ops)):
        fe = _cleared(_difference(e.exprs[k], e.exprs[k + 1]))
        fa = _cleared(_difference(a.exprs[k], a.exprs[k + 1]))
        out = _proportional(fe, fa, tol, positive=False)
        if out.equal:
            continue
        if len(e.ops) == 1 and not out.message and not (tol.explicit or has_float(fe) or has_float(fa)):
            # |x| = |y| and (x - y)(x + y) = 0: not multiples of each other, yet the same solutions.
            same = same_zero_set(_difference(*e.exprs), _difference(*a.exprs))
            if same:
                return SAME
        return out
    return SAME


# -- sets of reals by their membership test (for what the solver is not trusted with) ---------

TRUTH_EPS = mpmath.mpf(10) ** -18  # |g| below this (times the scale) counts as g = 0
Truth = Callable[[Any], bool]


def truth_fn(value: Value) -> Truth | None:
    """x -> whether x belongs to the set of reals the answer describes (one variable only)."""
    if isinstance(value, Interval):
        ends = []
        for lo, hi, lo_open, hi_open in value.parts:
            lo_v, hi_v = const_value(lo, POINT_DPS), const_value(hi, POINT_DPS)
            if (
                lo_v is None
                or hi_v is None
                or isinstance(lo_v[0], mpmath.mpc)
                or isinstance(hi_v[0], mpmath.mpc)
            ):
                return None
            ends.append((lo_v[0], hi_v[0], lo_open, hi_open))

        def in_interval(x: Any) -> bool:
            return any(
                (x > lo if lo_open else x >= lo) and (x < hi if hi_open else x <= hi)
                for lo, hi, lo_open, hi_open in ends
            )

        return in_interval
    if isinstance(value, Membership):
        region = value.region
        if isinstance(region, Interval):
            return truth_fn(region)
        points = [const_value(i, POINT_DPS) for i in region.items if isinstance(i, sympy.Expr)]
        if len(points) != len(region.items) or any(p is None for p in points):
            return None
        return lambda x: any(abs(x - p[0]) <= TRUTH_EPS for p in points if p is not None)
    if isinstance(value, Relation):
        if not all(isinstance(e, sympy.Expr) for e in value.exprs) or index_symbols(value.exprs):
            return None  # a grid of reals never meets the integers a sum needs
        symbols = set().union(*(e.free_symbols for e in value.exprs))
        if len(symbols) != 1:
            return None
        var = next(iter(symbols))
        gaps = [_difference(value.exprs[k], value.exprs[k + 1]) for k in range(len(value.ops))]

        def holds(x: Any) -> bool:
            for g, op in zip(gaps, value.ops, strict=True):
                try:
                    v, scale = evaluate(g, {var: x}, complex_mode=False)
                except Undefined:
                    return False  # outside the domain: not in the set
                eps = TRUTH_EPS * max(scale, 1)
                ok = {"<": v < -eps, "<=": v <= eps, ">": v > eps, ">=": v >= -eps,
                      "!=": abs(v) > eps, "=": abs(v) <= eps}[op]  # fmt: skip
                if not ok:
                    return False
            return True

        try:
            programs = [compile_expr(g, complex_mode=False) for g in gaps]
        except Unsupported:
            return holds
        return _Holds(holds, programs, list(value.ops), var)
    return None


class _Holds:
    """A relation's membership test, point by point (calling it) or over an array of points (`batch`)."""

    def __init__(self, holds: Truth, programs: list[Any], ops: list[str], var: sympy.Symbol) -> None:
        self.holds = holds
        self.programs = programs
        self.ops = ops
        self.var = var

    def __call__(self, x: Any) -> bool:
        return self.holds(x)

    def batch(self, xs: np.ndarray) -> np.ndarray:
        """1 in the set, 0 not, -1 where float64 is too close to a boundary to say (ask `holds`)."""
        inside = np.ones(len(xs), dtype=bool)
        unsure = np.zeros(len(xs), dtype=bool)
        for program, op in zip(self.programs, self.ops, strict=True):
            b = program.run({self.var: xs})
            v = b.values
            unsure |= (b.state == UNSURE) | (
                (b.state == DEFINED) & (np.abs(v) <= FLOAT_NOISE * np.maximum(b.scale, 1))
            )
            ok = {"<": v < 0, "<=": v <= 0, ">": v > 0, ">=": v >= 0, "!=": v != 0, "=": v == 0}[op]
            inside &= ok & (b.state == DEFINED)
        return np.where(unsure, -1, inside.astype(np.int8))


def _flags(t: Truth, xs: list[Any]) -> list[bool]:
    if not isinstance(t, _Holds):
        return [t(x) for x in xs]
    codes = t.batch(np.array([float(x) for x in xs]))
    return [t(x) if c < 0 else bool(c) for x, c in zip(xs, codes, strict=True)]


BOUNDARY_WIDTH = mpmath.mpf("0.1") * mpmath.mpf(2) ** -60  # where the grid's bisections end


def _bulk_boundaries(t: _Holds, xs: list[Any], flags: list[bool]) -> list[Any]:
    """`_boundaries`, narrowed over arrays (256 points per bracket per round) while float64 is sure of
    the membership, then bisected by `holds` down to the same width."""
    brackets = [k for k in range(len(xs) - 1) if flags[k] != flags[k + 1]]
    if not brackets:
        return []
    lo = np.array([float(xs[k]) for k in brackets])
    hi = np.array([float(xs[k + 1]) for k in brackets])
    moved_lo = np.zeros(len(brackets), dtype=bool)
    moved_hi = np.zeros(len(brackets), dtype=bool)
    active = np.ones(len(brackets), dtype=bool)
    want = np.array([flags[k] for k in brackets])
    split = np.linspace(0, 1, 257)[1:-1]
    for _ in range(7):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        grid = lo[idx, None] + (hi[idx] - lo[idx])[:, None] * split
        codes = t.batch(grid.ravel()).reshape(grid.shape)
        for row, j in enumerate(idx):
            sure = codes[row] >= 0
            same = codes[row] == int(want[j])
            other = np.flatnonzero(sure & ~same)
            first = other[0] if len(other) else len(split)
            before = np.flatnonzero(sure[:first] & same[:first])
            new_lo = grid[row, before[-1]] if len(before) else lo[j]
            new_hi = grid[row, first] if first < len(split) else hi[j]
            if (new_lo == lo[j] and new_hi == hi[j]) or not new_lo < new_hi:
                active[j] = False
            moved_lo[j] |= new_lo != lo[j]
            moved_hi[j] |= new_hi != hi[j]
            lo[j], hi[j] = new_lo, new_hi
    found = []
    for n, k in enumerate(brackets):
        a = mpmath.mpf(float(lo[n])) if moved_lo[n] else xs[k]
        b = mpmath.mpf(float(hi[n])) if moved_hi[n] else xs[k + 1]
        for _ in range(60):
            if b - a <= BOUNDARY_WIDTH:
                break
            mid = (a + b) / 2
            if t(mid) == flags[k]:
                a = mid
            else:
                b = mid
        found.append((a + b) / 2)
    return found


def _boundaries(t: Truth, xs: list[Any], flags: list[bool]) -> list[Any]:
    """Where membership switches, located by bisection between grid points."""
    found = []
    for k in range(len(xs) - 1):
        if flags[k] == flags[k + 1]:
            continue
        lo, hi = xs[k], xs[k + 1]
        for _ in range(60):
            mid = (lo + hi) / 2
            if t(mid) == flags[k]:
                lo = mid
            else:
                hi = mid
        found.append((lo + hi) / 2)
    return found


def compare_truth(te: Truth, ta: Truth, tol: Tolerance, inexact: bool) -> Outcome:
    """The same set of reals: same membership at the far left, then switches at the same places.

    Used where the solver isn't (e^x > 2 against x > ln 2); boundaries are compared with the
    tolerance when a decimal is involved. Whether a boundary point itself belongs to the set is
    not decided here: a domain edge (ln x at 0) and an equality edge look alike numerically.
    """
    rng = random.Random(12345)
    with mpmath.workdps(POINT_DPS):
        xs = [mpmath.mpf(-30) + mpmath.mpf(k) / 10 + mpmath.mpf("0.00731") for k in range(601)]
        xs += [mpmath.mpf(rng.uniform(-30, 30)) for _ in range(100)]
        xs += [mpmath.mpf(v) for v in (-1000, -100, 100, 1000)]
        xs.sort()
        fe, fa = _flags(te, xs), _flags(ta, xs)
        if fe[0] != fa[0] or fe[-1] != fa[-1]:
            return differ()
        be, ba = (
            _bulk_boundaries(t, xs, f) if isinstance(t, _Holds) else _boundaries(t, xs, f)
            for t, f in ((te, fe), (ta, fa))
        )
        if len(be) != len(ba):
            return differ()
        rel = (tol.rel if tol.rel is not None else DEFAULT_REL) if inexact else 1e-12
        resolution = mpmath.mpf(10) ** -17  # the bisection's reach (0.1 / 2^60), not a tolerance
        for x, y in zip(be, ba, strict=True):  # x is the expected boundary: it alone sets the room
            if abs(x - y) > rel * abs(x) + (tol.abs or 0) + resolution:
                return differ("The boundaries of the two sets are in different places.")
    return SAME


def compare_inequalities(e: Relation, a: Relation, tol: Tolerance) -> Outcome:
    se, sa = safe_real_set(e), safe_real_set(a)
    if se is not None and sa is not None:
        return compare_real_sets(se, sa, tol)
    if len(e.ops) != len(a.ops):
        return differ()
    for k in range(len(e.ops)):
        ge, strict_e, ne_e = _oriented(e.exprs[k], e.ops[k], e.exprs[k + 1])
        ga, strict_a, ne_a = _oriented(a.exprs[k], a.ops[k], a.exprs[k + 1])
        if strict_e != strict_a or ne_e != ne_a:
            return differ()
        out = _proportional(ge, ga, tol, positive=not ne_e)
        if not out.equal:
            return out
    return SAME


def _oriented(lhs: sympy.Expr, op: str, rhs: sympy.Expr) -> tuple[sympy.Expr, bool, bool]:
    """(g, strict, is_ne) with the relation read as g > 0 / g >= 0 / g != 0."""
    if op in (">", ">="):
        return _difference(lhs, rhs), op == ">", False
    if op in ("<", "<="):
        return _difference(rhs, lhs), op == "<", False
    return _difference(lhs, rhs), False, True
