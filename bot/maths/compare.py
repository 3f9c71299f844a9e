"""How two values of one kind compare: numbers, expressions, equations, inequalities, sets of reals.

Which comparison applies to two typed answers is decided in bot.maths.equivalence. Scalars: exact vs
exact compares exactly (rationals exactly, other constants to 50 digits); a decimal on either side,
or an explicit tolerance, compares with a tolerance. Expressions are evaluated at random real points
where both sides are defined (real arithmetic; complex only when `i` appears or no real point
exists), with a deterministic seed so a verdict never flickers. Nothing here calls simplify: every
step is bounded.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy

from bot.maths import limits
from bot.maths.numeric import TooManyTerms, Undefined, evaluate
from bot.maths.sums import BigOp, index_symbols
from bot.maths.values import Interval, Membership, Relation, Seq, SetValue, Value
from bot.maths.vectorised import DEFINED, UNDEFINED, UNSURE, Unsupported, compile_expr, evaluate_batch
from bot.maths.zeros import same_zero_set

DEFAULT_REL = 1e-3
MIN_SIG_FIGS = 3  # a decimal that isn't exact must show at least this many significant digits
EXACT_DPS = 30
POINT_DPS = 30
MAX_EXTRA_DIGITS = 400
WANT_POINTS = 6
MIN_POINTS = 3
# A difference this small next to the expected side's largest intermediate value may be rounding
# noise (binary floats, cancellation): such near ties are settled by `agree`, never waved through.
TIE_WINDOW = mpmath.mpf(10) ** -12


class ExpectedAnswerError(ValueError):
    """The expected answer itself is unusable (a content bug, not the member's fault)."""


@dataclass(frozen=True)
class Tolerance:
    """How closely an answer must match. Only `claimed_rel` comes from the answer, and it only narrows."""

    rel: float | None = None
    abs: float | None = None
    sig_figs: int | None = None
    answer_decimals: int | None = None  # decimals written in a plain decimal answer, e.g. 3.14 -> 2
    claimed_rel: float | None = None  # finest relative precision of the decimals written in the answer
    answer_sig_figs: int | None = None  # significant digits of a plain decimal answer: 0.0120 -> 3

    def __post_init__(self) -> None:
        # Out-of-range settings would make unequal answers "correct" (rel 1e308, sig_figs 0).
        # A derived rel of 0 (from a claimed precision that underflows) only means "exact".
        limits.check_tolerances(self.rel or None, self.abs, self.sig_figs)

    @property
    def explicit(self) -> bool:
        return self.rel is not None or self.abs is not None or self.sig_figs is not None


@dataclass(frozen=True)
class Outcome:
    equal: bool
    message: str = ""
    counts: bool = True  # False: not a judgement (too few digits, or a decimal where exact was asked)


SAME = Outcome(True)


def differ(message: str = "") -> Outcome:
    return Outcome(False, message)


# -- scalars ----------------------------------------------------------------------------------


def has_float(expr: sympy.Basic) -> bool:
    return any(isinstance(a, sympy.Float) for a in sympy.preorder_traversal(expr))


def exact_decimals(expr: sympy.Expr) -> sympy.Expr:
    """Every decimal as the exact number written (0.1 -> 1/10), not its nearest binary float."""
    floats = {f: sympy.Rational(str(f)) for f in expr.atoms(sympy.Float) if f.is_finite}
    return expr.xreplace(floats) if floats else expr


def exact_rational(expr: sympy.Basic) -> sympy.Rational | None:
    """The exact value when expr is built from rationals with + * / and integer powers only."""
    if isinstance(expr, sympy.Rational):
        return expr
    if isinstance(expr, sympy.Add):
        total = sympy.Integer(0)
        for a in expr.args:
            v = exact_rational(a)
            if v is None:
                return None
            total += v
        return total
    if isinstance(expr, sympy.Mul):
        prod = sympy.Integer(1)
        for a in expr.args:
            v = exact_rational(a)
            if v is None:
                return None
            prod *= v
        return prod
    if isinstance(expr, sympy.Pow):
        base, exp = exact_rational(expr.args[0]), exact_rational(expr.args[1])
        if base is None or exp is None or exp.q != 1 or (base == 0 and exp < 0):
            return None
        return base**exp
    if isinstance(expr, sympy.factorial):
        n = exact_rational(expr.args[0])
        if n is None or n.q != 1 or n < 0:
            return None
        return sympy.factorial(n)
    if isinstance(expr, sympy.binomial):
        n, k = exact_rational(expr.args[0]), exact_rational(expr.args[1])
        if n is None or k is None or n.q != 1 or k.q != 1:
            return None
        return sympy.binomial(n, k)
    if isinstance(expr, sympy.Abs):
        v = exact_rational(expr.args[0])
        return abs(v) if v is not None else None
    return None


def const_value(expr: sympy.Expr, dps: int) -> tuple[Any, Any] | None:
    """Numeric value of a constant: real arithmetic first, principal complex values otherwise."""
    with mpmath.workdps(dps):
        for complex_mode in (False, True):
            try:
                return evaluate(expr, {}, complex_mode=complex_mode)
            except Undefined:
                continue
    return None


def _rel_abs(tol: Tolerance) -> tuple[float, float]:
    """The (relative, absolute) tolerance in force: the stated ones, else the default relative one."""
    rel = tol.rel if tol.rel is not None else (DEFAULT_REL if tol.abs is None else 0.0)
    return rel, tol.abs or 0.0


def _within(a: Any, e: Any, tol: Tolerance) -> bool:
    """STACK-style tolerance on numbers, measured on the expected value e alone.

    |a-e| <= rel*|e| or |a-e| <= abs; sig_figs rounds both. No absolute floor: 2e-10 is not 1e-10.
    """
    if tol.sig_figs is not None:
        return _round_sig(a, tol.sig_figs) == _round_sig(e, tol.sig_figs)
    rel, abs_ = _rel_abs(tol)
    return bool(abs(a - e) <= (rel * abs(e) + abs_) * (1 + 1e-9))


def _tie_agrees(
    e: sympy.Expr,
    a: sympy.Expr,
    env: dict,
    xa: Any,
    xe: Any,
    scale_e: Any,
    scale: Any,
    tol: Tolerance,
    complex_mode: bool | None,
) -> bool:
    """A difference just outside tolerance that rounding noise could explain, settled by `agree`.

    The window is measured on the expected side (its largest intermediate value, scale_e), and the
    decision is made again with the decimals as written and the noise measured, so the answer's
    own intermediates never widen anything.
    """
    if tol.sig_figs is not None:
        return False
    rel, abs_ = _rel_abs(tol)
    if abs(xa - xe) > rel * abs(xe) + abs_ + max(scale_e, abs(xe)) * TIE_WINDOW:
        return False
    return agree(
        exact_decimals(e), exact_decimals(a), env, scale, complex_mode=complex_mode, rel=rel, abs_=abs_
    )


def _round_sig(x: Any, sig: int) -> tuple[Any, ...]:
    def r(v: Any) -> str:
        return mpmath.nstr(v, sig, min_fixed=-mpmath.inf, max_fixed=mpmath.inf) if v else "0"

    if isinstance(x, mpmath.mpc):
        return (r(x.real), r(x.imag))
    return (r(x),)


def _same_infinity(a: Any, e: Any) -> bool | None:
    """None when neither side is infinite; otherwise whether they are the same infinity."""
    a_inf = not mpmath.isfinite(a)
    e_inf = not mpmath.isfinite(e)
    if not a_inf and not e_inf:
        return None
    return bool(a_inf and e_inf and a == e)


def compare_constants(e: sympy.Expr, a: sympy.Expr, tol: Tolerance) -> Outcome:
    floats_e, floats_a = has_float(e), has_float(a)
    inexact = floats_e or floats_a or tol.explicit
    if not inexact:
        re_, ra = exact_rational(e), exact_rational(a)
        if re_ is not None and ra is not None:
            return Outcome(re_ == ra)
    ve, va = const_value(e, POINT_DPS), const_value(a, POINT_DPS)
    if ve is None:
        raise ExpectedAnswerError(f"the expected answer {e} has no value")
    if va is None:
        return differ("Your answer has no value (it divides by zero or similar).")
    (xe, scale_e), (xa, scale_a) = ve, va
    inf = _same_infinity(xa, xe)
    if inf is not None:
        return Outcome(inf)
    if not inexact:
        return Outcome(exactly_equal(e, a, {}, max(scale_e, scale_a), complex_mode=None))
    if tol.answer_decimals is not None and floats_a and not floats_e and tol.rel is None and tol.abs is None:
        return _written_decimal(e, a, xe, tol)
    if _within(xa, xe, tol) or _tie_agrees(e, a, {}, xa, xe, scale_e, max(scale_e, scale_a), tol, None):
        return SAME
    if xe != 0 and abs(xa - xe) <= abs(xe) * mpmath.mpf("0.02"):
        return differ("Close, but not accurate enough: check your rounding.")
    return differ()


def _written_decimal(e: sympy.Expr, a: sympy.Expr, xe: Any, tol: Tolerance) -> Outcome:
    """A plain decimal answer against an exact value: correct when it is that value correctly rounded
    to the digits written (either neighbour of an exact tie) with enough significant digits.

    The decimal is taken exactly as written (1.33 is 133/100, not a binary float). Correctly rounded
    but too short (0.33 for 1/3) is not a judgement: the member is asked for more digits.
    """
    ra = exact_rational(exact_decimals(a))
    if ra is None or tol.answer_decimals is None:
        return differ()
    unit = sympy.Rational(10) ** -tol.answer_decimals
    re_ = exact_rational(e)
    if re_ is not None:
        if ra == re_:
            return SAME
        off = abs(ra - re_)
        rounded = 2 * off <= unit
    else:
        with mpmath.workdps(POINT_DPS):
            off_mp = abs(mpmath.mpf(ra.p) / ra.q - xe)
            if off_mp <= abs(xe) * mpmath.mpf(10) ** -20 and exactly_equal(
                e, ra, {}, abs(xe), complex_mode=None
            ):
                return SAME  # 2.0 for sqrt(4): exact, however few digits
            rounded = bool(2 * off_mp <= (mpmath.mpf(unit.p) / unit.q) * (1 + mpmath.mpf(10) ** -20))
    if rounded:
        need = tol.sig_figs or MIN_SIG_FIGS
        have = tol.answer_sig_figs
        if have is None or have >= need:
            return SAME
        digits = "digit" if have == 1 else "digits"
        return Outcome(
            False,
            f"Give at least {need} significant digits (your answer has {have} {digits}); "
            "this attempt doesn't count.",
            counts=False,
        )
    with mpmath.workdps(POINT_DPS):
        close = xe != 0 and abs(mpmath.mpf(ra.p) / ra.q - xe) <= abs(xe) * mpmath.mpf("0.02")
    return differ("Close, but not accurate enough: check your rounding.") if close else differ()


def exactly_equal(e: sympy.Expr, a: sympy.Expr, env: dict, scale: Any, *, complex_mode: bool | None) -> bool:
    """Exact comparison at one point, done numerically without false alarms or false matches."""
    return agree(e, a, env, scale, complex_mode=complex_mode)


def agree(
    e: sympy.Expr,
    a: sympy.Expr,
    env: dict,
    scale: Any,
    *,
    complex_mode: bool | None,
    rel: float = 0.0,
    abs_: float = 0.0,
) -> bool:
    """|a - e| <= rel*|e| + abs_ at one point, beyond rounding noise.

    Both sides are evaluated at two precisions, each with as many extra digits as the largest
    intermediate value has (so e^192 + 1/7 is told from e^192); the change between the two
    precisions measures the rounding noise. The expected side's noise is forgiven in full; the
    answer's only up to 1e-15 of the expected value (a hair at an exact zero of it), so an answer
    written to be noisy (huge intermediates that cancel) can't hide a difference.
    """
    extra = int(mpmath.log10(scale)) + 1 if scale > 1 else 0
    extra = min(extra, MAX_EXTRA_DIGITS)
    lo, hi = EXACT_DPS + extra, EXACT_DPS + 20 + extra
    modes = (False, True) if complex_mode is None else (complex_mode,)
    for mode in modes:
        try:
            with mpmath.workdps(lo):
                e_lo, _ = evaluate(e, env, complex_mode=mode)
                a_lo, _ = evaluate(a, env, complex_mode=mode)
            with mpmath.workdps(hi):
                e_hi, _ = evaluate(e, env, complex_mode=mode)
                a_hi, _ = evaluate(a, env, complex_mode=mode)
                size = abs(e_hi)
                hair = mpmath.mpf(10) ** (-(lo - 5))
                room = rel * size + abs_ + 100 * abs(e_lo - e_hi) + size * hair
                room += min(100 * abs(a_lo - a_hi), size * mpmath.mpf(10) ** -15 if size else hair)
                return bool(abs(a_hi - e_hi) <= room)
        except Undefined:
            continue
    return False


# -- random points ----------------------------------------------------------------------------


LATTICE_ATTEMPTS = 64
LATTICE = (-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3)
INDEX_VALUES = range(10)  # n in a sum's limit or an index: closed forms are claimed for n >= 0
TOO_MANY_TERMS = 4  # give up on a plan after this many points where the sums were too long


def _seed(*exprs: sympy.Basic) -> int:
    text = "|".join(sympy.srepr(e) for e in exprs)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _regimes(rng: random.Random) -> list[Callable[[], Any]]:
    def spread() -> Any:
        v = rng.uniform(0.15, 3.0)
        return mpmath.mpf(v if rng.random() < 0.5 else -v)

    def positive() -> Any:
        return mpmath.mpf(rng.uniform(0.1, 2.5))

    def small() -> Any:
        return mpmath.mpf(rng.uniform(-0.95, 0.95))

    def integer() -> Any:
        return mpmath.mpf(rng.randint(-4, 6))

    def wide() -> Any:  # domains such as x >= 5
        v = rng.uniform(3.0, 12.0)
        return mpmath.mpf(v if rng.random() < 0.7 else -v)

    def mixed() -> Any:
        # Integers and halves next to reals: real powers of negatives are defined there, which tells
        # (a^b)^c from a^(bc) and catches sign slips hidden by the real domain.
        roll = rng.random()
        if roll < 0.35:
            return integer()
        if roll < 0.6:
            return mpmath.mpf(rng.randint(-7, 9)) / 2
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

    def exact(self, p: Point) -> tuple[list[Any], list[Any]]:
        """(values, scales) at p by the Evaluator at POINT_DPS, as `sample` returns them."""
        if p.exact_values is None:
            with mpmath.workdps(POINT_DPS):
                results = [
                    evaluate(e, p.env, complex_mode=self.complex_mode, natural=True) for e in self.exprs
                ]
            p.exact_values = ([r[0] for r in results], [r[1] for r in results])
        return p.exact_values


def sample_points(exprs: Sequence[sympy.Expr], *, want: int = WANT_POINTS) -> Points | None:
    """The points `sample` would choose, found with the vectorised evaluator (None: it can't do these).

    The random stream is drawn exactly as `sample` draws it (the same attempts, the same stop after
    `want` points, then the same lattice draws), so both pick the same points; only the arithmetic
    that tells defined from undefined is float64, with the Evaluator asked wherever float64 is unsure.
    """
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
    if not symbols or index_symbols(exprs):
        return None
    rng = random.Random(_seed(*exprs))
    regimes = _regimes(rng)
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
            lattice = [{s: mpmath.mpf(rng.choice(LATTICE)) for s in symbols} for _ in range(LATTICE_ATTEMPTS)]
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
    `limit` of them: the Evaluator is asked about the unsure ones only up to there)."""
    columns = [[float(env[s]) for env in envs] for s in symbols]
    batches = [evaluate_batch(p, symbols, columns) for p in programs]
    out = []
    for k, env in enumerate(envs):
        states = [int(b.state[k]) for b in batches]
        if any(st == UNDEFINED for st in states):
            continue
        point = Point(
            env, [b.values[k].item() for b in batches], [float(b.scale[k]) for b in batches], lattice
        )
        if any(st == UNSURE for st in states):
            try:
                with mpmath.workdps(POINT_DPS):
                    results = [
                        evaluate(e, env, complex_mode=complex_mode, natural=not lattice) for e in exprs
                    ]
            except Undefined:
                continue
            values = [r[0] for r in results]
            if any(not mpmath.isfinite(v) for v in values):
                continue
            point.exact_values = (values, [r[1] for r in results])
        out.append((k, point))
        if limit is not None and len(out) >= limit:
            break
    return out


def _close(a: Any, e: Any, scale: Any, tol: Tolerance, inexact: bool) -> bool:
    """a within tolerance of the expected value e. Only e (and `scale`, the largest intermediate of
    the expected side) sets the tolerance; a difference at the level of rounding noise is a near tie
    for `_tie_agrees` to settle, not a pass."""
    diff = abs(a - e)
    if not inexact:
        return bool(diff <= max(scale, abs(e)) * mpmath.mpf(10) ** (-(POINT_DPS - 10)))
    return _within(a, e, tol)


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
    for p in screened:
        scale = max(p.exact_values[1]) if p.exact_values is not None else mpmath.mpf(max(p.scales))
        if not exactly_equal(e, a, p.env, scale, complex_mode=fast.complex_mode):
            return differ()
    return SAME


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


def _evaluated(expr: sympy.Basic) -> sympy.Basic:
    """Rebuild with SymPy's normal evaluation (safe: sizes were bounded by the parser)."""
    if not expr.args:
        return expr
    return expr.func(*(_evaluated(a) for a in expr.args))


_REL_CLASS = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "!=": sympy.Ne, "=": sympy.Eq}


def real_set(value: Value) -> sympy.Set | None:
    """The set of reals an inequality / membership / interval describes (one variable), or None."""
    if isinstance(value, Interval):
        ends = [x for part in value.parts for x in part[:2]]
        if any(x.free_symbols or not _solvable(x) for x in ends):
            return None  # the membership test handles odd endpoints without SymPy's assumptions
        parts = [
            sympy.Interval(_evaluated(lo), _evaluated(hi), left_open=lo_open, right_open=hi_open)
            for lo, hi, lo_open, hi_open in value.parts
        ]
        return sympy.Union(*parts)
    if isinstance(value, Seq) and len(value.items) == 2 and value.open:
        lo, hi = value.items
        if (
            isinstance(lo, sympy.Expr)
            and isinstance(hi, sympy.Expr)
            and not (lo.free_symbols or hi.free_symbols)
            and _solvable(lo)
            and _solvable(hi)
        ):
            return sympy.Interval(
                _evaluated(lo), _evaluated(hi), left_open=value.open == "(", right_open=value.close == ")"
            )
        return None
    if isinstance(value, Membership):
        if isinstance(value.region, SetValue):
            items = value.region.items
            if all(isinstance(i, sympy.Expr) and not i.free_symbols and _solvable(i) for i in items):
                return sympy.FiniteSet(*(_evaluated(i) for i in items))
            return None
        return real_set(value.region)
    if isinstance(value, Relation):
        symbols = set().union(*(x.free_symbols for x in value.exprs if isinstance(x, sympy.Expr)))
        if len(symbols) != 1 or not all(isinstance(x, sympy.Expr) for x in value.exprs):
            return None
        var = next(iter(symbols))
        if not all(_solvable(x) for x in value.exprs):
            return None
        result: sympy.Set = sympy.S.Reals
        for k, op in enumerate(value.ops):
            rel = _REL_CLASS[op](_evaluated(value.exprs[k]), _evaluated(value.exprs[k + 1]))
            if rel is sympy.true:
                continue
            if rel is sympy.false:
                return sympy.S.EmptySet
            try:
                part = sympy.solveset(rel, var, sympy.S.Reals)
            except (NotImplementedError, ValueError, TypeError):
                return None
            if isinstance(part, sympy.ConditionSet):
                return None
            result = sympy.Intersection(result, part)
        return result
    return None


def _solvable(expr: sympy.Expr) -> bool:
    """Small rational expressions (with |..|) only: SymPy's inequality solver is fast on those and
    unbounded on transcendental ones, which are compared numerically instead."""
    constants = (sympy.oo, sympy.S.NegativeInfinity, sympy.pi, sympy.E)
    abs_count = 0
    for count, node in enumerate(sympy.preorder_traversal(expr)):
        abs_count += isinstance(node, sympy.Abs)
        if count > 40 or abs_count > 2:
            return False
        if isinstance(node, sympy.Pow):
            exp = node.args[1]
            if not (isinstance(exp, sympy.Integer) and abs(exp) <= 4) and exp != sympy.S.Half:
                return False
        elif (
            not isinstance(node, (sympy.Add, sympy.Mul, sympy.Symbol, sympy.Number, sympy.Abs))
            and node not in constants
        ):
            return False
    return True


def safe_real_set(value: Value) -> sympy.Set | None:
    try:
        return real_set(value)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None


def _parts(s: sympy.Set) -> list[tuple[Any, Any, bool, bool]] | None:
    if s is sympy.S.EmptySet:
        return []
    if s is sympy.S.Reals:
        return [(sympy.S.NegativeInfinity, sympy.oo, True, True)]
    if isinstance(s, sympy.Interval):
        return [(s.start, s.end, bool(s.left_open), bool(s.right_open))]
    if isinstance(s, sympy.FiniteSet):
        return [(p, p, False, False) for p in s.args]
    if isinstance(s, sympy.Union):
        out: list[tuple[Any, Any, bool, bool]] = []
        for arg in s.args:
            p = _parts(arg)
            if p is None:
                return None
            out.extend(p)
        return out
    return None


def compare_real_sets(se: sympy.Set, sa: sympy.Set, tol: Tolerance) -> Outcome:
    pe, pa = _parts(se), _parts(sa)
    if pe is None or pa is None:
        try:
            return Outcome(bool(se.symmetric_difference(sa).is_empty))
        except Exception:
            return Outcome(se == sa)
    if len(pe) != len(pa):
        return differ()

    def key(p: tuple[Any, ...]) -> float:
        return float(p[0]) if _finite(p[0]) else float("-inf")

    for (lo_e, hi_e, lo_oe, hi_oe), (lo_a, hi_a, lo_oa, hi_oa) in zip(
        sorted(pe, key=key), sorted(pa, key=key), strict=True
    ):
        for x, y in ((lo_e, lo_a), (hi_e, hi_a)):
            if x == y:
                continue
            if not compare_constants(_elementary(x), _elementary(y), tol).equal:
                return differ()
        if (_finite(lo_e) and lo_oe != lo_oa) or (_finite(hi_e) and hi_oe != hi_oa):
            return differ("An endpoint is included on one side and not on the other.")
    return SAME


def _finite(x: sympy.Expr) -> bool:
    """Structural test (SymPy's assumption system can take seconds on odd constants)."""
    return not x.has(sympy.oo, sympy.S.NegativeInfinity, sympy.zoo)


def _elementary(x: sympy.Expr) -> sympy.Expr:
    """Solver output such as CRootOf(...) as a 40-digit number the evaluator understands."""
    if any(not isinstance(n, (sympy.Number, sympy.Add, sympy.Mul, sympy.Pow)) and n not in (sympy.pi, sympy.E)
           for n in sympy.preorder_traversal(x)):  # fmt: skip
        return sympy.N(x, 40)
    return x


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
