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
import sympy

from bot.maths.numeric import Undefined, evaluate

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
    with mpmath.workdps(DPS):
        for line in range(len(LINES) if others else 1):
            # Both signs for every other variable (sqrt(y) = sqrt(x) is not y = x for y < 0).
            env = {
                s: mpmath.mpf(LINES[(line + 2 * j) % len(LINES)] + rng.uniform(-0.05, 0.05))
                for j, s in enumerate(others)
            }
            on_e, on_a = _on_line(fe, var, env), _on_line(fa, var, env)
            try:
                for f, g in ((on_e, on_a), (on_a, on_e)):
                    for x in zeros(f):
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


def _bisect(f: Function, lo: Any, hi: Any, f_lo: Any) -> Any:
    for _ in range(STEPS):
        mid = (lo + hi) / 2
        f_mid = _value(f, mid)
        if f_mid is None:
            return None
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2


def _touch(f: Function, lo: Any, hi: Any) -> Any:
    """Where |f| is least between lo and hi (golden-section search): a zero if |f| reaches 0 there."""
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = lo + (1 - ratio) * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = _value(f, a), _value(f, b)
    for _ in range(STEPS):
        if fa is None or fb is None:
            return None
        if abs(fa) < abs(fb):
            hi, b, fb = b, a, fa
            a = lo + (1 - ratio) * (hi - lo)
            fa = _value(f, a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = _value(f, b)
    return (lo + hi) / 2
