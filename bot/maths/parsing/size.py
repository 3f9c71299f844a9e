"""Size limits on a parsed answer: exponent towers, factorials and node count, before any SymPy work."""

from __future__ import annotations

import math

import mpmath
import sympy
from mpmath.libmp import fzero

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.sums import BigOp, check_terms, constant_terms
from bot.maths.values import Value, scalars


def _size(expr: sympy.Basic, budget: list[int]) -> float:
    """Upper bound on the digits (for numbers) or degree (for polynomials) the expression can reach.

    The bound multiplies through nested powers, so ((9^9)^9999)^9999 is caught even though every
    single exponent looks harmless.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise ParseError(f"The answer is too long (more than {limits.MAX_NODES} parts).", limit="node count")
    if isinstance(expr, sympy.Integer):
        return max(1, len(str(abs(int(expr)))))
    if isinstance(expr, sympy.Rational):
        return len(str(abs(expr.p))) + len(str(expr.q))
    if isinstance(expr, sympy.Float):
        if expr._mpf_ == fzero:  # Float.is_zero, without a query to the assumptions system
            return 1
        return 1 + abs(int(mpmath.mag(mpmath.mpf(expr._mpf_)))) * 0.302
    if isinstance(expr, sympy.Pow):
        base, exp = expr.args
        sb, se = _size(base, budget), _size(exp, budget)
        total = sb * max(1.0, _exponent_bound(exp, se))
        if total > limits.MAX_SIZE:
            raise ParseError(
                "The powers in that answer are too large to work with (exponent tower).",
                limit="exponent size",
            )
        return total
    if isinstance(expr, (sympy.factorial, sympy.gamma, sympy.binomial)):
        sizes = [_size(a, budget) for a in expr.args]
        digits = max(sizes) * 4 + 1
        for arg in expr.args:
            if arg.free_symbols:
                continue
            value = _small_constant(arg)
            if value is None or value > limits.MAX_FACTORIAL:
                raise ParseError(
                    f"Factorials are limited to arguments up to {limits.MAX_FACTORIAL}.", limit="factorial"
                )
            digits = max(digits, value * math.log10(max(value, 10)) + 1)  # about the digits of value!
        return digits
    if isinstance(expr, BigOp):
        return _big_op_size(expr, budget)
    if not expr.args:
        return 1
    if isinstance(expr, sympy.Add):  # a sum has about as many digits (or the degree) of its largest term
        return max(_size(a, budget) for a in expr.args) + 1
    return sum(_size(a, budget) for a in expr.args)


def _big_op_size(expr: sympy.Sum | sympy.Product, budget: list[int]) -> float:
    """A sum is about as big as its largest term (plus a few digits); a product of c terms like a c-th
    power (symbolic limits count once, as symbolic exponents do: nothing is ever expanded)."""
    check_terms(expr)  # (again for nested ones: cheap, and only answers with sums pay for it)
    body = _size(expr.function, budget)
    for _, lower, upper in expr.limits:
        _size(lower, budget)
        _size(upper, budget)
    if isinstance(expr, sympy.Sum):
        return body + 4
    total = body * max(1, constant_terms(expr) or 1)
    if total > limits.MAX_SIZE:
        raise ParseError("That product is too large to work with.", limit="exponent size")
    return total


def _small_constant(arg: sympy.Expr) -> float | None:
    """|value| of a small constant expression (None when it is big, complex or undefined)."""
    if _size(arg, [limits.MAX_NODES]) >= 6:
        return None
    from bot.maths.numeric import Undefined, evaluate

    try:
        with mpmath.workdps(15):
            value, _ = evaluate(arg, {}, complex_mode=True)
    except Undefined:
        return None
    return float(abs(value)) if mpmath.isfinite(value) else None


def _exponent_bound(exp: sympy.Expr, size: float) -> float:
    """An upper bound on |exp| for a constant exponent (1 for symbolic ones: never expanded)."""
    if exp.free_symbols:
        return 1.0
    if isinstance(exp, sympy.Rational):
        return float(abs(exp.p))
    if isinstance(exp, sympy.Float):
        return float(abs(exp))
    if size > 12:
        return float("inf")
    from bot.maths.numeric import Undefined, evaluate

    try:
        with mpmath.workdps(15):
            value, _ = evaluate(exp, {}, complex_mode=True)
        return float(abs(value)) if mpmath.isfinite(value) else float("inf")
    except Undefined:
        return 1.0


def check_size(value: Value) -> None:
    budget = [limits.MAX_NODES]
    total = 0.0
    for e in scalars(value):
        total += _size(e, budget)
    if total > limits.MAX_SIZE:
        raise ParseError("The numbers in that answer are too large to work with.", limit="exponent size")
