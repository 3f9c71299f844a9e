"""Evaluate a parsed SymPy expression at a point with mpmath, watching the real domain.

A point where any part of the expression leaves the reals (sqrt of a negative, log of zero, a pole)
is reported as :class:`Undefined` so the checker can pick another point: variables are real, and
two answers only have to agree where both are defined. The evaluator also records the largest
magnitude it met (``scale``) so the comparison knows how much cancellation to expect.

Sums and products (bot.maths.sums) have a value only where their limits are integers; the terms
they may compute at one point are bounded (`limits.MAX_SUM_TERMS`, `MAX_SUM_WORK`). A term of a
sequence, F(j), is a pseudo-random real fixed by (F, j, the point): the formulas are compared, not
one particular sequence.
"""

from __future__ import annotations

import hashlib
from typing import Any

import mpmath
import sympy
from mpmath.libmp import fnan, fzero, mpf_abs, mpf_gt
from sympy.core.cache import cacheit

from bot.maths import limits
from bot.maths.functions import relu, sigma, softplus
from bot.maths.sums import BigOp, body_cost, is_term

MAX_MAG_BITS = 1_000_000  # |value| beyond 2^this (about 10^300000) is treated as overflow
MAX_TRIG_ARG = mpmath.mpf(10) ** 12
MAX_GAMMA_ARG = 100_000


_MPF = type(mpmath.mpf(0))
_new_mpf = object.__new__
_PREC_ROUNDING = mpmath.mp._prec_rounding  # [prec, rounding]: workdps changes it in place
# mpf values are immutable, and 0, 1 and small integers are exact at every working precision used here
# (>= 53 bits): shared objects instead of a new mpf per use.
_ZERO, _ONE = mpmath.mpf(0), mpmath.mpf(1)
_SMALL = 1025  # a bounded table: |n| <= 1024
_SMALL_INTS: dict[int, Any] = {}


class Undefined(Exception):
    """The expression has no (real) value at this point."""


class TooManyTerms(Undefined):
    """Sums at this point need more terms than one evaluation may compute."""


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
    sympy.sign: mpmath.sign,
    sympy.floor: mpmath.floor,
    sympy.ceiling: mpmath.ceil,
    sigma: _mp_sigma,
    relu: _mp_relu,
    softplus: _mp_softplus,
}


_SYMBOL, _ADD, _MUL, _POW, _OTHER = "symbol", "add", "mul", "pow", "other"
_KINDS: dict[type, str] = {}


def _kind(cls: type) -> str:
    """The branch of Evaluator._compute a node type takes (the classes tested in its order)."""
    if issubclass(cls, sympy.Symbol):
        return _SYMBOL
    if issubclass(cls, (sympy.Integer, sympy.Rational, sympy.Float)):
        return _OTHER
    if cls in (type(sympy.pi), type(sympy.E), type(sympy.I), type(sympy.oo), type(sympy.S.NegativeInfinity)):
        return _OTHER
    if issubclass(cls, sympy.Add):
        return _ADD
    if issubclass(cls, sympy.Mul):
        return _MUL
    if issubclass(cls, sympy.Pow):
        return _POW
    return _OTHER


_UNARY_OP, _CONSTANT, _SQRT = "unary", "constant", "sqrt"


class _NoPlan(Exception):
    pass


class Same:
    """A cache key for one expression object (identity, not SymPy equality: a plan reads the nodes)."""

    __slots__ = ("expr",)

    def __init__(self, expr: sympy.Basic) -> None:
        self.expr = expr

    def __hash__(self) -> int:
        return id(self.expr)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.expr is self.expr


@cacheit
def _plan(key: Same) -> list[tuple[str, Any, tuple[int, ...]]] | None:
    """The nodes of an expression in the order Evaluator._value_of first computes them, each once.

    Evaluating an answer at dozens of points walks the same tree each time; a plan walks it once per
    check (SymPy's cache holds it, so it is cleared with SymPy's, bounded, and keyed on this very
    object). Only numbers, constants, symbols, + * ^ and the one-argument functions of _UNARY:
    anything else (sums, factorials, max, sequence terms) is evaluated by _value_of as before.
    An exponent of exactly 1/2 is not a node of its own, as in _pow.
    """
    steps: list[tuple[str, Any, tuple[int, ...]]] = []
    index: dict[sympy.Basic, int] = {}  # as Evaluator._memo: SymPy-equal nodes are computed once

    def visit(node: sympy.Basic) -> int:
        found = index.get(node)
        if found is not None:
            return found
        kind = _KINDS.get(type(node))
        if kind is None:
            kind = _KINDS[type(node)] = _kind(type(node))
        args: tuple[int, ...]
        op: str
        if kind is _SYMBOL:
            op, args = _SYMBOL, ()
        elif kind is _ADD or kind is _MUL:
            op, args = kind, tuple(visit(a) for a in node.args)
        elif kind is _POW:
            base, exponent = node.args
            b = visit(base)
            op, args = (_SQRT, (b,)) if exponent is sympy.S.Half else (_POW, (b, visit(exponent)))
        elif not node.args:
            op, args = _CONSTANT, ()
        elif type(node) in _UNARY and len(node.args) == 1:
            op, args = _UNARY_OP, (visit(node.args[0]),)
        else:
            raise _NoPlan
        steps.append((op, node, args))
        index[node] = len(steps) - 1
        return len(steps) - 1

    try:
        visit(key.expr)
    except _NoPlan:
        return None
    return steps


class Evaluator:
    """One evaluation context: the point, real or complex arithmetic, and the scale seen."""

    # A sum's terms are evaluated by children (the bound variable changes, so memos can't be shared);
    # the term budget and the point's salt belong to the outermost evaluator (class defaults keep the
    # constructor as cheap as before for the many evaluations without sums).
    natural = False
    _parent: Evaluator | None = None
    _budget: list[int] | None = None
    _salt: str | None = None

    def __init__(self, env: dict[sympy.Symbol, Any], *, complex_mode: bool) -> None:
        self.env = env
        self.complex_mode = complex_mode
        self.scale = _ZERO
        self._memo: dict[sympy.Basic, Any] = {}

    @property
    def _root(self) -> Evaluator:
        root = self
        while root._parent is not None:
            root = root._parent
        return root

    def __call__(self, expr: sympy.Basic) -> Any:
        try:
            plan = _plan(Same(expr)) if not self._memo else None
            value = self._run(plan) if plan is not None else self._value_of(expr)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError) as exc:
            raise Undefined(str(exc)) from None
        return value

    def _run(self, plan: list[tuple[str, Any, tuple[int, ...]]]) -> Any:
        """_value_of over a plan: the same nodes computed and checked in the same order (see _plan)."""
        slots: list[Any] = []
        env = self.env
        check = self._check
        for op, node, args in plan:
            if op is _SYMBOL:
                try:
                    value = env[node]
                except KeyError:
                    raise Undefined(f"no value for {node}") from None
            elif op is _ADD:
                value = _ZERO
                for k in args:
                    value += slots[k]
            elif op is _MUL:
                value = _ONE
                for k in args:
                    value *= slots[k]
            elif op is _POW:
                value = self._pow_of(node, slots[args[0]], slots[args[1]])
            elif op is _SQRT:
                value = self._pow_of(node, slots[args[0]], mpmath.mpf(0.5))
            elif op is _UNARY_OP:
                value = self._unary(node, _UNARY[type(node)], slots[args[0]])
            else:
                value = self._compute_other(node)  # a number or constant: no arguments
            slots.append(check(value))
        return slots[-1]

    def _value_of(self, expr: sympy.Basic) -> Any:
        cached = self._memo.get(expr)
        if cached is not None:
            return cached
        value = self._compute(expr)
        value = self._check(value)
        self._memo[expr] = value
        return value

    def _check(self, value: Any) -> Any:
        if type(value) is _MPF:
            # The common case (a real mpf) on mpmath's raw tuples: the same tests as below, in the same
            # order, without an mpf object per comparison.
            raw = value._mpf_
            if not raw[1]:  # zero, or inf / nan
                if raw == fnan:
                    raise Undefined("nan")
                return value
            sign, man, exp, bits = raw
            if bits <= _PREC_ROUNDING[0] and man & 1:  # normalized and within the precision: exact
                magnitude = (0, man, exp, bits) if sign else raw
            else:
                magnitude = mpf_abs(raw, *_PREC_ROUNDING)  # as abs(value): rounded to the working precision
            if magnitude[2] + magnitude[3] > MAX_MAG_BITS:  # mpmath.mag: exponent + bit count
                raise Undefined("overflow")
            if mpf_gt(magnitude, self.scale._mpf_):
                scale = _new_mpf(_MPF)
                scale._mpf_ = magnitude
                self.scale = scale
            return value
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
        kind = _KINDS.get(type(expr))
        if kind is None:
            kind = _KINDS[type(expr)] = _kind(type(expr))
        if kind is _SYMBOL:
            try:
                return self.env[expr]
            except KeyError:
                raise Undefined(f"no value for {expr}") from None
        if kind is _ADD:
            total = _ZERO
            for arg in expr.args:
                total += self._value_of(arg)
            return total
        if kind is _MUL:
            prod = _ONE
            for arg in expr.args:
                prod *= self._value_of(arg)
            return prod
        if kind is _POW:
            return self._pow(expr)
        return self._compute_other(expr)

    def _compute_other(self, expr: sympy.Basic) -> Any:
        if isinstance(expr, sympy.Integer):
            n = int(expr)
            if -_SMALL < n < _SMALL and _PREC_ROUNDING[0] >= 53:
                small = _SMALL_INTS.get(n)
                if small is None:
                    small = _SMALL_INTS[n] = mpmath.mpf(n)  # exact: the same mpf at any precision >= 53 bits
                return small
            return mpmath.mpf(n)
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
            return self._unary(expr, func, self._value_of(expr.args[0]))
        if isinstance(expr, BigOp):
            return self._big_operator(expr, len(expr.limits) - 1)
        if is_term(expr) and len(expr.args) == 1:
            return _term_value(type(expr).__name__, self._integer(expr.args[0]), self._root.salt())
        raise Undefined(f"can't evaluate {type(expr).__name__}")

    def _unary(self, expr: sympy.Basic, func: Any, arg: Any) -> Any:
        if type(expr) in _TRIG and abs(arg) > MAX_TRIG_ARG:
            raise Undefined("trig argument too large")
        if isinstance(arg, mpmath.mpc) and func in (mpmath.floor, mpmath.ceil):
            raise Undefined("floor of complex")
        if func is mpmath.log and arg == 0:
            raise Undefined("log 0")
        if func is mpmath.exp:
            self._guard_exp(arg)
        return func(arg)

    def _big_operator(self, expr: sympy.Sum | sympy.Product, level: int) -> Any:
        """Sum / product over limits[level] (SymPy lists several limits innermost first).

        An empty range (upper < lower) gives 0 / 1. With `natural` (the sampler's points), an outermost
        range with fewer than zero terms is Undefined instead: closed forms such as n(n+1)/2 only claim
        to agree with their sums where the sum has a meaning a member would give it.
        """
        var, lower, upper = expr.limits[level]
        lo, hi = self._integer(lower), self._integer(upper)
        count = hi - lo + 1
        is_sum = isinstance(expr, sympy.Sum)
        total = mpmath.mpf(0) if is_sum else mpmath.mpf(1)
        if count <= 0:
            if count < 0 and self.natural and self._root is self:
                raise Undefined("reversed range")
            return total
        budget = self._root._budget
        if budget is None:
            budget = self._root._budget = [limits.MAX_SUM_TERMS, limits.MAX_SUM_WORK]
        budget[0] -= count
        budget[1] -= count * (body_cost(expr.function) if level == 0 else 1)
        if budget[0] < 0 or budget[1] < 0:
            raise TooManyTerms("too many terms")
        for j in range(lo, hi + 1):
            child = Evaluator({**self.env, var: mpmath.mpf(j)}, complex_mode=self.complex_mode)
            child.natural, child._parent = self.natural, self
            value = child._value_of(expr.function) if level == 0 else child._big_operator(expr, level - 1)
            self.scale = max(self.scale, child.scale)
            total = total + value if is_sum else total * value
        return total

    def _integer(self, expr: sympy.Basic) -> int:
        """A limit of a sum or an index: only integers mean anything there."""
        value = self._value_of(expr)
        if isinstance(value, mpmath.mpc):
            if value.imag:
                raise Undefined("complex index")
            value = value.real
        if not mpmath.isfinite(value) or value != mpmath.floor(value):
            raise Undefined("index not an integer")
        return int(value)

    def salt(self) -> str:
        """The point, exactly (independent of the working precision), for sequence terms."""
        if self._salt is None:
            items = sorted(self.env.items(), key=lambda kv: str(kv[0]))
            self._salt = ";".join(f"{k}={_exact(v)}" for k, v in items)
        return self._salt

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
        return self._pow_of(expr, base, exponent)

    def _pow_of(self, expr: sympy.Pow, base: Any, exponent: Any) -> Any:
        exp_expr = expr.args[1]
        if base == 0:
            if (exponent.real if isinstance(exponent, mpmath.mpc) else exponent) <= 0:
                raise Undefined("0 to a non-positive power")
            return mpmath.mpf(0)
        if mpmath.isinf(base) or mpmath.isinf(exponent):
            return mpmath.power(base, exponent)
        if not _surely_small_power(base, exponent):
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


def _surely_small_power(base: Any, exponent: Any) -> bool:
    """|exponent * log|base|| is far below the overflow bound (2e6), without computing a logarithm.

    For finite non-zero reals: 2^(m-1) <= |base| < 2^m with m = mpmath.mag(base), so
    |log|base|| <= (|m| + 1) log 2; and |exponent| < 2^mag(exponent). A bound under 1e6 leaves room
    for any rounding in the exact test, which then could only say "not overflow" too.
    """
    if type(base) is not _MPF or type(exponent) is not _MPF:
        return False
    b, e = base._mpf_, exponent._mpf_
    if not b[1]:
        return False  # 0 is handled before; inf / nan go the exact way
    if not e[1]:
        return e == fzero
    e_mag = e[2] + e[3]
    if e_mag > 20:
        return False
    return 2.0**e_mag * (abs(b[2] + b[3]) + 1) * 0.7 < 1e6


def _exact(value: Any) -> str:
    if isinstance(value, mpmath.mpc):
        return f"{_exact(value.real)},{_exact(value.imag)}"
    if isinstance(value, mpmath.mpf):
        sign, man, exp, _ = value._mpf_
        return f"{sign}:{int(man)}:{exp}"
    return repr(value)


def _term_value(name: str, index: int, salt: str) -> Any:
    """F(j) at one point: a real in [-2, 2) with 46 fraction bits, so exact at every precision."""
    digest = hashlib.sha256(f"{name}|{index}|{salt}".encode()).digest()
    return mpmath.mpf(int.from_bytes(digest[:6], "big")) / 2**46 - 2


def evaluate(
    expr: sympy.Basic, env: dict[sympy.Symbol, Any], *, complex_mode: bool, natural: bool = False
) -> tuple[Any, Any]:
    """(value, scale) of expr at env; raises Undefined. Call inside an mpmath precision context.

    `natural`: an outermost sum or product whose range is reversed (upper < lower - 1) is Undefined
    instead of empty, so random points stay where closed forms hold (see Evaluator._big_operator).
    """
    ev = Evaluator(env, complex_mode=complex_mode)
    if natural:
        ev.natural = True
    value = ev(expr)
    raw = value._mpf_ if type(value) is _MPF else None  # mpmath.isfinite on the raw tuple: a mantissa, or 0
    finite = (bool(raw[1]) or raw == fzero) if raw is not None else mpmath.isfinite(value)
    return value, max(ev.scale, abs(value) if finite else 0)
