"""Numbers: tolerances, outcomes, exact and decimal scalars, and agreement at one point.

Exact vs exact compares exactly (rationals exactly, other constants to 50 digits); a decimal on either
side, or an explicit tolerance, compares with a tolerance. Nothing here calls simplify: every step is
bounded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from mpmath.libmp import finf, fninf

from bot.maths import limits
from bot.maths.numeric import Undefined, evaluate

DEFAULT_REL = 1e-3
MIN_SIG_FIGS = 3  # a decimal that isn't exact must show at least this many significant digits
EXACT_DPS = 30
POINT_DPS = 30
MAX_EXTRA_DIGITS = 400


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
    floats = {f: sympy.Rational(str(f)) for f in expr.atoms(sympy.Float) if f._mpf_ not in (finf, fninf)}
    return expr.xreplace(floats) if floats else expr


def exact_rational(expr: sympy.Basic) -> sympy.Rational | None:
    """The exact value when expr is built from rationals with + * / and integer powers only."""
    if isinstance(expr, sympy.Rational):
        return expr
    value = _fraction(expr)
    return None if value is None else sympy.Rational(value.numerator, value.denominator)


def _fraction(expr: sympy.Basic) -> Fraction | None:
    """exact_rational in Python's exact fractions: the same values, without SymPy's evaluation (and
    its assumption queries on every intermediate number) at each step."""
    if isinstance(expr, sympy.Rational):
        return Fraction(int(expr.p), int(expr.q))
    if isinstance(expr, sympy.Add):
        total = Fraction(0)
        for a in expr.args:
            v = _fraction(a)
            if v is None:
                return None
            total += v
        return total
    if isinstance(expr, sympy.Mul):
        prod = Fraction(1)
        for a in expr.args:
            v = _fraction(a)
            if v is None:
                return None
            prod *= v
        return prod
    if isinstance(expr, sympy.Pow):
        base, exp = _fraction(expr.args[0]), _fraction(expr.args[1])
        if base is None or exp is None or exp.denominator != 1 or (base == 0 and exp < 0):
            return None
        return base ** int(exp)
    if isinstance(expr, sympy.factorial):
        n = _fraction(expr.args[0])
        if n is None or n.denominator != 1 or n < 0:
            return None
        return Fraction(math.factorial(int(n)))
    if isinstance(expr, sympy.binomial):
        n, k = _fraction(expr.args[0]), _fraction(expr.args[1])
        if n is None or k is None or n.denominator != 1 or k.denominator != 1:
            return None
        return Fraction(int(sympy.binomial(sympy.Integer(int(n)), sympy.Integer(int(k)))))
    if isinstance(expr, sympy.Abs):
        v = _fraction(expr.args[0])
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
    d = tol.answer_decimals  # 10^-d, built directly (an evaluated power asks SymPy's assumptions)
    unit = sympy.Rational(1, 10**d) if d >= 0 else sympy.Integer(10**-d)
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


def _close(a: Any, e: Any, scale: Any, tol: Tolerance, inexact: bool) -> bool:
    """a within tolerance of the expected value e. Only e (and `scale`, the largest intermediate of
    the expected side) sets the tolerance; a difference at the level of rounding noise is a near tie
    for `_tie_agrees` to settle, not a pass."""
    diff = abs(a - e)
    if not inexact:
        return bool(diff <= max(scale, abs(e)) * mpmath.mpf(10) ** (-(POINT_DPS - 10)))
    return _within(a, e, tol)
