"""Expressions compared at random real points where both sides are defined.

Real arithmetic; complex only when `i` appears or no real point exists; a deterministic seed so a
verdict never flickers. Points are found by the vectorised evaluator where it can, by the Evaluator
otherwise, and both pick the same points.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy
from sympy.core.cache import cacheit

from bot.maths.compare.numbers import (
    DEFAULT_REL,
    POINT_DPS,
    SAME,
    Outcome,
    Tolerance,
    _close,
    _tie_agrees,
    compare_constants,
    differ,
    exactly_equal,
    has_float,
)
from bot.maths.numeric import Same, TooManyTerms, Undefined, evaluate
from bot.maths.sums import index_symbols
from bot.maths.vectorised import UNDEFINED, UNSURE, Unsupported, compile_expr, evaluate_batch

WANT_POINTS = 6
MIN_POINTS = 3


# -- random points ----------------------------------------------------------------------------


LATTICE_ATTEMPTS = 64
LATTICE = (-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3)
INDEX_VALUES = range(10)  # n in a sum's limit or an index: closed forms are claimed for n >= 0
TOO_MANY_TERMS = 4  # give up on a plan after this many points where the sums were too long


def _seed(*exprs: sympy.Basic) -> int:
    text = "|".join(sympy.srepr(e) for e in exprs)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _regimes(rng: random.Random, number: Callable[[Any], Any] = mpmath.mpf) -> list[Callable[[], Any]]:
    """The ways a variable's value is drawn. `number` makes the value: mpf, or float where only the
    vectorised evaluator looks at most draws (every value here is exact in both, and the same number)."""

    def spread() -> Any:
        v = rng.uniform(0.15, 3.0)
        return number(v if rng.random() < 0.5 else -v)

    def positive() -> Any:
        return number(rng.uniform(0.1, 2.5))

    def small() -> Any:
        return number(rng.uniform(-0.95, 0.95))

    def integer() -> Any:
        return number(rng.randint(-4, 6))

    def wide() -> Any:  # domains such as x >= 5
        v = rng.uniform(3.0, 12.0)
        return number(v if rng.random() < 0.7 else -v)

    def mixed() -> Any:
        # Integers and halves next to reals: real powers of negatives are defined there, which tells
        # (a^b)^c from a^(bc) and catches sign slips hidden by the real domain.
        roll = rng.random()
        if roll < 0.35:
            return integer()
        if roll < 0.6:
            return number(rng.randint(-7, 9)) / 2
        return spread()

    return [spread, positive, small, integer, mixed, wide]


def sample(
    exprs: Sequence[sympy.Expr],
    *,
    want: int = WANT_POINTS,
    accept: Callable[[list[Any]], bool] | None = None,
) -> tuple[list[tuple[list[Any], list[Any], dict[sympy.Symbol, Any]]], bool]:
    """Values of every expr at random real points where all are defined.

    Returns ([(values, scales, point), ...], complex_mode). Real arithmetic first; integer points when the
    reals give too few (powers like (-1)^n); complex arithmetic last (or at once when `i` appears).
    Variables in the limits of a sum or in a sequence index always get integers 0..9, and points where
    an outermost sum runs backwards are skipped: sum_{i=1}^{n} i is compared with n(n+1)/2 for n >= 0.
    """
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
    rng = random.Random(_seed(*exprs))
    regimes = _regimes(rng)
    index = index_symbols(exprs)  # integers only (sums' limits, sequence indices); empty for most answers
    needs_complex = any(e.has(sympy.I) for e in exprs)
    plans: list[tuple[bool, list[int], int]] = []
    if not needs_complex:
        plans.append((False, [0, 1, 4, 2, 5, 4], 48))
        plans.append((False, [3], 16))
    plans.append((True, [0, 1, 2], 24))
    for complex_mode, which, attempts in plans:
        found: list[tuple[list[Any], list[Any], dict[sympy.Symbol, Any]]] = []
        seen: set[tuple[Any, ...]] = set()
        too_long = 0
        with mpmath.workdps(POINT_DPS):
            for k in range(attempts):
                gen = regimes[which[k % len(which)]]
                env = {s: mpmath.mpf(rng.choice(INDEX_VALUES)) if s in index else gen() for s in symbols}
                if index:  # few distinct integer points exist: don't spend attempts on repeats
                    key = tuple(env.values())
                    if key in seen:
                        continue
                    seen.add(key)
                try:
                    results = [evaluate(e, env, complex_mode=complex_mode, natural=True) for e in exprs]
                except TooManyTerms:
                    too_long += 1
                    if too_long >= TOO_MANY_TERMS:
                        break
                    continue
                except Undefined:
                    continue
                values = [r[0] for r in results]
                if any(not mpmath.isfinite(v) for v in values):
                    continue
                if accept is not None and not accept(values):
                    continue
                found.append((values, [r[1] for r in results], env))
                if len(found) >= want:
                    break
            if not complex_mode and found and not index:
                # Lattice points on top: integers and halves make real powers of negative bases
                # defined, where (a^b)^c and a^(bc) part ways; random reals almost never land there.
                for _ in range(LATTICE_ATTEMPTS):
                    env = {s: mpmath.mpf(rng.choice(LATTICE)) for s in symbols}
                    try:
                        results = [evaluate(e, env, complex_mode=False) for e in exprs]
                    except Undefined:
                        continue
                    values = [r[0] for r in results]
                    if all(mpmath.isfinite(v) for v in values) and (accept is None or accept(values)):
                        found.append((values, [r[1] for r in results], env))
        if len(found) >= MIN_POINTS:
            return found, complex_mode
    return [], False


@dataclass
class Point:
    """One sample point of :func:`sample_points`: float64 values, or the Evaluator's where float can't say."""

    env: dict[sympy.Symbol, Any]  # mpf values (exact floats), as `sample` gives them
    values: list[Any]  # float / complex per expression (mpmath numbers when `exact_values` is set)
    scales: list[float]
    lattice: bool
    exact_values: tuple[list[Any], list[Any]] | None = None  # (values, scales) from the Evaluator


@dataclass
class Points:
    points: list[Point]
    complex_mode: bool
    exprs: Sequence[sympy.Expr]
    # The Evaluator's (values, scales) by point: lattice points repeat (10 values a variable), and the
    # same expressions at the same point have the same values.
    _exact: dict[tuple[Any, ...], tuple[list[Any], list[Any]]] = field(default_factory=dict, repr=False)

    def exact(self, p: Point) -> tuple[list[Any], list[Any]]:
        """(values, scales) at p by the Evaluator at POINT_DPS, as `sample` returns them.

        Kept here, not on the point: sample_points hands the same Points to every caller in a check,
        and each must see the points as they were found (exact_values only where float64 was unsure).
        """
        if p.exact_values is not None:
            return p.exact_values
        key = tuple(p.env.values())
        known = self._exact.get(key)
        if known is None:
            with mpmath.workdps(POINT_DPS):
                mode = self.complex_mode
                results = [evaluate(e, p.env, complex_mode=mode, natural=True) for e in self.exprs]
            known = self._exact[key] = ([r[0] for r in results], [r[1] for r in results])
        return list(known[0]), list(known[1])


def sample_points(exprs: Sequence[sympy.Expr], *, want: int = WANT_POINTS) -> Points | None:
    """The points `sample` would choose, found with the vectorised evaluator (None: it can't do these).

    The random stream is drawn exactly as `sample` draws it (the same attempts, the same stop after
    `want` points, then the same lattice draws), so both pick the same points; only the arithmetic
    that tells defined from undefined is float64, with the Evaluator asked wherever float64 is unsure.

    The same expression objects give the same points, so a check asking twice (the comparison, then
    the sign / factor-2 hint) gets them once: the answer is kept in SymPy's cache (cleared with it).
    """
    return _sample_points(tuple(Same(e) for e in exprs), want)


@cacheit
def _sample_points(keys: tuple[Same, ...], want: int) -> Points | None:
    exprs = [k.expr for k in keys]
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
    if not symbols or index_symbols(exprs):
        return None
    rng = random.Random(_seed(*exprs))
    regimes = _regimes(rng, float)  # as mpf for the points kept (_defined_points)
    needs_complex = any(e.has(sympy.I) for e in exprs)
    plans: list[tuple[bool, list[int], int]] = []
    if not needs_complex:
        plans.append((False, [0, 1, 4, 2, 5, 4], 48))
        plans.append((False, [3], 16))
    plans.append((True, [0, 1, 2], 24))
    for complex_mode, which, attempts in plans:
        try:
            programs = [compile_expr(e, complex_mode=complex_mode) for e in exprs]
        except Unsupported:
            return None
        state = rng.getstate()
        envs = [{s: regimes[which[k % len(which)]]() for s in symbols} for k in range(attempts)]
        found = _defined_points(programs, exprs, symbols, envs, complex_mode, lattice=False, limit=want)
        if len(found) >= want:
            last = found[want - 1][0]
            found = found[:want]
            rng.setstate(state)  # draw on as `sample` does after its `want`-th point: redraw to there
            for k in range(last + 1):
                for _ in symbols:
                    regimes[which[k % len(which)]]()
        points = [p for _, p in found]
        if not complex_mode and points:
            lattice = [{s: float(rng.choice(LATTICE)) for s in symbols} for _ in range(LATTICE_ATTEMPTS)]
            points += [p for _, p in _defined_points(programs, exprs, symbols, lattice, False, lattice=True)]
        if len(points) >= MIN_POINTS:
            return Points(points, complex_mode, exprs)
    return Points([], False, exprs)


def _defined_points(
    programs: Sequence[Any],
    exprs: Sequence[sympy.Expr],
    symbols: Sequence[sympy.Symbol],
    envs: list[dict[sympy.Symbol, Any]],
    complex_mode: bool,
    *,
    lattice: bool,
    limit: int | None = None,
) -> list[tuple[int, Point]]:
    """(attempt number, point) for the envs where every expression has a finite value (the first
    `limit` of them: the Evaluator is asked about the unsure ones only up to there). The envs hold
    floats; a point's env holds the same numbers as mpf, as `sample` draws them."""
    columns = [[float(env[s]) for env in envs] for s in symbols]
    batches = [evaluate_batch(p, symbols, columns) for p in programs]
    out = []
    judged: dict[tuple[Any, ...], tuple[list[Any], list[Any]] | None] = {}  # repeated points (the lattice)
    for k, drawn in enumerate(envs):
        states = [int(b.state[k]) for b in batches]
        if any(st == UNDEFINED for st in states):
            continue
        env = {s: mpmath.mpf(v) for s, v in drawn.items()}
        point = Point(
            env, [b.values[k].item() for b in batches], [float(b.scale[k]) for b in batches], lattice
        )
        if any(st == UNSURE for st in states):
            key = tuple(drawn[s] for s in symbols)
            if key not in judged:
                judged[key] = _exact_at(exprs, env, complex_mode, natural=not lattice)
            exact = judged[key]
            if exact is None:
                continue
            point.exact_values = (list(exact[0]), list(exact[1]))
        out.append((k, point))
        if limit is not None and len(out) >= limit:
            break
    return out


def _exact_at(
    exprs: Sequence[sympy.Expr], env: dict[sympy.Symbol, Any], complex_mode: bool, *, natural: bool
) -> tuple[list[Any], list[Any]] | None:
    """The Evaluator's (values, scales) at a point float64 was unsure of; None where one is undefined."""
    try:
        with mpmath.workdps(POINT_DPS):
            results = [evaluate(e, env, complex_mode=complex_mode, natural=natural) for e in exprs]
    except Undefined:
        return None
    values = [r[0] for r in results]
    if any(not mpmath.isfinite(v) for v in values):
        return None
    return values, [r[1] for r in results]


def compare_expressions(e: sympy.Expr, a: sympy.Expr, tol: Tolerance) -> Outcome:
    if not e.free_symbols and not a.free_symbols:
        return compare_constants(e, a, tol)
    inexact = tol.explicit or has_float(e) or has_float(a)
    if inexact and not tol.explicit and not has_float(e) and tol.claimed_rel is not None:
        # Decimals are trusted to the digits they show: 25.00001 claims more than 25 does.
        tol = Tolerance(rel=min(DEFAULT_REL, tol.claimed_rel))
    fast = sample_points([e, a])
    if fast is not None:
        return _judge_points(e, a, tol, inexact, fast)
    points, complex_mode = sample([e, a])
    if not points:
        return differ("I couldn't find values of the variables where both answers are defined.")
    for (ve, va), (se, sa), point in points:
        if inexact:
            if not (
                _close(va, ve, se, tol, inexact)
                or _tie_agrees(e, a, point, va, ve, se, max(se, sa), tol, complex_mode)
            ):
                return differ()
        elif not exactly_equal(e, a, point, max(se, sa), complex_mode=complex_mode):
            return differ()
    return SAME


FLOAT_NOISE = 1e-10  # float64 values here are good to this, relative to the largest magnitude met
FLOAT_CLOSE = 1e-12  # below this (relative) float64 sees no difference; above it the Evaluator looks


def _mp(x: Any) -> Any:
    if isinstance(x, complex):
        return mpmath.mpf(x.real) if x.imag == 0 else mpmath.mpc(x.real, x.imag)
    return mpmath.mpf(x)


def _float_scale(p: Point) -> float:
    return max(*p.scales, *(abs(v) for v in p.values))


def _float_differs(p: Point) -> bool:
    """Float64 sees the two values apart (the Evaluator then decides at this point)."""
    ve, va = p.values
    return bool(abs(va - ve) > FLOAT_CLOSE * _float_scale(p))


def _float_close(p: Point, tol: Tolerance) -> bool:
    """`_close` holds on the float64 values, and would however float64 error moved them."""
    ve, va = p.values
    scale = _float_scale(p)
    d = va - ve
    noise = FLOAT_NOISE * scale
    step = noise * (d / abs(d) if d else 1)
    far = _close(_mp(va + step), _mp(ve), scale, tol, True)  # the true values may be further apart
    near = _close(_mp(va - step if abs(d) > noise else ve), _mp(ve), scale, tol, True)  # or nearer
    return far and near


def _judge_points(e: sympy.Expr, a: sympy.Expr, tol: Tolerance, inexact: bool, fast: Points) -> Outcome:
    """compare_expressions on vectorised samples: float64 screens every point, mpmath judges.

    With a tolerance, a point within it beyond float64's error passes; every other point (a near tie,
    or apart) is judged on the Evaluator's values, as `sample`'s points are. Exactly, every point where
    float64 sees a difference is checked by `exactly_equal` (so a difference is always confirmed at 30+
    digits), and so is every random point: `exactly_equal` vouches for equality where float64 can only
    say "equal to 12 digits". Lattice points that float64 finds equal are not re-checked (they are
    there to catch real powers of negatives, O(1) apart).
    """
    if not fast.points:
        return differ("I couldn't find values of the variables where both answers are defined.")
    if inexact:
        for p in fast.points:
            if p.exact_values is None and _float_close(p, tol):
                continue  # within tolerance beyond doubt; anything else is judged on the Evaluator's values
            (ve, va), (se, sa) = fast.exact(p)
            if not _close(va, ve, max(se, sa), tol, inexact):
                return differ()
        return SAME
    screened = [p for p in fast.points if p.exact_values is not None or _float_differs(p)]
    screened += [p for p in fast.points if not p.lattice and p not in screened]
    confirmed: set[tuple[Any, ...]] = set()  # a repeated point (the lattice) with the same scale: same answer
    for p in screened:
        scale = max(p.exact_values[1]) if p.exact_values is not None else mpmath.mpf(max(p.scales))
        key = (*p.env.values(), scale)
        if key in confirmed:
            continue
        if not exactly_equal(e, a, p.env, scale, complex_mode=fast.complex_mode):
            return differ()
        confirmed.add(key)
    return SAME
