"""Evaluate a parsed SymPy expression at a point with mpmath, watching the real domain.

A point where any part of the expression leaves the reals (sqrt of a negative, log of zero, a pole)
is reported as :class:`Undefined` so the checker can pick another point: variables are real, and
two answers only have to agree where both are defined. The evaluator also records the largest
magnitude it met (``scale``) so the comparison knows how much cancellation to expect.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy

from bot.maths.functions import relu, sigma, softplus

MAX_MAG_BITS = 1_000_000  # |value| beyond 2^this (about 10^300000) is treated as overflow
MAX_TRIG_ARG = mpmath.mpf(10) ** 12
MAX_GAMMA_ARG = 100_000


class Undefined(Exception):
    """The expression has no (real) value at this point."""


def _mp_sigma(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


def _mp_relu(x: Any) -> Any:
    if isinstance(x, mpmath.mpc):
        raise Undefined
    return x if x > 0 else mpmath.mpf(0)


def _mp_softplus(x: Any) -> Any:
    return mpmath.log(1 + mpmath.exp(x))


_TRIG = {sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot}

_UNARY: dict[type, Any] = {
    sympy.sin: mpmath.sin,
    sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan,
    sympy.sec: mpmath.sec,
    sympy.csc: mpmath.csc,
    sympy.cot: mpmath.cot,
    sympy.asin: mpmath.asin,
    sympy.acos: mpmath.acos,
    sympy.atan: mpmath.atan,
    sympy.asec: mpmath.asec,
    sympy.acsc: mpmath.acsc,
    sympy.acot: mpmath.acot,
    sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh,
    sympy.tanh: mpmath.tanh,
    sympy.sech: mpmath.sech,
    sympy.csch: mpmath.csch,
    sympy.coth: mpmath.coth,
    sympy.asinh: mpmath.asinh,
    sympy.acosh: mpmath.acosh,
    sympy.atanh: mpmath.atanh,
    sympy.asech: mpmath.asech,
    sympy.acsch: mpmath.acsch,
    sympy.acoth: mpmath.acoth,
    sympy.exp: mpmath.exp,
    sympy.log: mpmath.log,
    sympy.Abs: abs,
    sympy.floor: mpmath.floor,
    sympy.ceiling: mpmath.ceil,
    sigma: _mp_sigma,
    relu: _mp_relu,
    softplus: _mp_softplus,
}


class Evaluator:
    """One evaluation context: the point, real or complex arithmetic, and the scale seen."""

    def __init__(self, env: dict[sympy.Symbol, Any], *, complex_mode: bool) -> None:
        self.env = env
        self.complex_mode = complex_mode
        self.scale = mpmath.mpf(0)
        self._memo: dict[sympy.Basic, Any] = {}

    def __call__(self, expr: sympy.Basic) -> Any:
        try:
            value = self._value_of(expr)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError) as exc:
            raise Undefined(str(exc)) from None
        return value

    def _value_of(self, expr: sympy.Basic) -> Any:
        cached = self._memo.get(expr)
        if cached is not None:
            return cached
        value = self._compute(expr)
        value = self._check(value)
        self._memo[expr] = value
        return value

    def _check(self, value: Any) -> Any:
        if isinstance(value, mpmath.mpc):
            if not self.complex_mode:
                if value.imag != 0 and abs(value.imag) > abs(value.real) * mpmath.mpf(10) ** (
                    -mpmath.mp.dps + 5
                ):
                    raise Undefined("not real")
                value = value.real
            elif value.imag == 0:
                value = value.real
        if not mpmath.isfinite(value):
            if mpmath.isnan(value):
                raise Undefined("nan")
            return value  # +-oo is a legitimate value (limits, intervals)
        magnitude = abs(value)
        if magnitude and mpmath.mag(magnitude) > MAX_MAG_BITS:
            raise Undefined("overflow")
        if magnitude > self.scale:
            self.scale = magnitude
        return value

    def _compute(self, expr: sympy.Basic) -> Any:
        if isinstance(expr, sympy.Symbol):
            try:
                return self.env[expr]
            except KeyError:
                raise Undefined(f"no value for {expr}") from None
        if isinstance(expr, sympy.Integer):
            return mpmath.mpf(int(expr))
        if isinstance(expr, sympy.Rational):
            return mpmath.mpf(expr.p) / expr.q
        if isinstance(expr, sympy.Float):
            return mpmath.mpf(expr._mpf_)
        if expr is sympy.pi:
            return +mpmath.pi
        if expr is sympy.E:
            return +mpmath.e
        if expr is sympy.I:
            if not self.complex_mode:
                raise Undefined("imaginary")
            return mpmath.mpc(0, 1)
        if expr is sympy.oo:
            return mpmath.inf
        if expr is sympy.S.NegativeInfinity:
            return -mpmath.inf
        if isinstance(expr, sympy.Add):
            total = mpmath.mpf(0)
            for arg in expr.args:
                total += self._value_of(arg)
            return total
        if isinstance(expr, sympy.Mul):
            prod = mpmath.mpf(1)
            for arg in expr.args:
                prod *= self._value_of(arg)
            return prod
        if isinstance(expr, sympy.Pow):
            return self._pow(expr)
        if isinstance(expr, sympy.factorial):
            return mpmath.gamma(self._bounded(expr.args[0]) + 1)
        if isinstance(expr, sympy.gamma):
            return mpmath.gamma(self._bounded(expr.args[0]))
        if isinstance(expr, sympy.binomial):
            return mpmath.binomial(self._bounded(expr.args[0]), self._bounded(expr.args[1]))
        if isinstance(expr, (sympy.Max, sympy.Min)):
            values = [self._value_of(a) for a in expr.args]
            if any(isinstance(v, mpmath.mpc) for v in values):
                raise Undefined("max of complex")
            return max(values) if isinstance(expr, sympy.Max) else min(values)
        func = _UNARY.get(type(expr))
        if func is not None and len(expr.args) == 1:
            arg = self._value_of(expr.args[0])
            if type(expr) in _TRIG and abs(arg) > MAX_TRIG_ARG:
                raise Undefined("trig argument too large")
            if isinstance(arg, mpmath.mpc) and func in (mpmath.floor, mpmath.ceil):
                raise Undefined("floor of complex")
            if func is mpmath.log and arg == 0:
                raise Undefined("log 0")
            if func is mpmath.exp:
                self._guard_exp(arg)
            return func(arg)
        raise Undefined(f"can't evaluate {type(expr).__name__}")

    def _bounded(self, expr: sympy.Basic) -> Any:
        """An argument of factorial/gamma/binomial; huge ones (x!! of x = e^n) count as overflow."""
        value = self._value_of(expr)
        if abs(value) > MAX_GAMMA_ARG:
            raise Undefined("factorial argument too large")
        return value

    def _guard_exp(self, x: Any) -> None:
        re_x = x.real if isinstance(x, mpmath.mpc) else x
        if re_x > 2_000_000:
            raise Undefined("overflow")

    def _pow(self, expr: sympy.Pow) -> Any:
        base_expr, exp_expr = expr.args
        base = self._value_of(base_expr)
        exponent = mpmath.mpf(0.5) if exp_expr is sympy.S.Half else self._value_of(exp_expr)
        if base == 0:
            if (exponent.real if isinstance(exponent, mpmath.mpc) else exponent) <= 0:
                raise Undefined("0 to a non-positive power")
            return mpmath.mpf(0)
        if mpmath.isinf(base) or mpmath.isinf(exponent):
            return mpmath.power(base, exponent)
        log_mag = abs(exponent) * abs(mpmath.log(abs(base)))
        if log_mag > 2_000_000:
            raise Undefined("overflow")
        if not self.complex_mode and not isinstance(base, mpmath.mpc) and base < 0:
            if isinstance(exponent, mpmath.mpc):
                raise Undefined("complex exponent")
            if exponent == int(exponent):
                return mpmath.power(base, int(exponent))
            # Odd roots of negatives are real: (-8)^(1/3) = -2, as a member means it.
            if isinstance(exp_expr, sympy.Rational) and exp_expr.q % 2 == 1:
                root = mpmath.power(-base, exponent)
                return root if exp_expr.p % 2 == 0 else -root
            raise Undefined("even root of a negative number")
        return mpmath.power(base, exponent)


def evaluate(expr: sympy.Basic, env: dict[sympy.Symbol, Any], *, complex_mode: bool) -> tuple[Any, Any]:
    """(value, scale) of expr at env; raises Undefined. Call inside an mpmath precision context."""
    ev = Evaluator(env, complex_mode=complex_mode)
    value = ev(expr)
    return value, max(ev.scale, abs(value) if mpmath.isfinite(value) else 0)
