"""Evaluate a SymPy expression at many points at once with numpy, watching the domain as numeric does.

The checker evaluates each answer at dozens of points (more along the lines of an equation); the
mpmath interpreter in bot.maths.numeric costs 100-250 µs a point, numpy over an array of points well
under one. :func:`compile_expr` walks the SymPy tree once into a flat list of numpy operations (no
lambdify, eval, exec or generated source: each step is a plain function applied to earlier results),
and :meth:`Program.run` applies it to arrays of variable values.

Each point comes back with one of three states:

* DEFINED: a float64 (complex128 in complex mode) value, and the largest magnitude met on the way
  (``scale``, as numeric's Evaluator records it);
* UNDEFINED: the Evaluator would say :class:`~bot.maths.numeric.Undefined` there too (sqrt or log of
  a negative, log 0, 0 to a non-positive power, an even root of a negative, max of complex...);
* UNSURE: float64 cannot tell (an intermediate overflowed or underflowed): the caller asks the
  Evaluator at that point, so the verdict never rests on a float accident.

Whatever the compiler does not know (sums with variable limits, sequence terms, binomials of
variables, oo in an expression) raises :class:`Unsupported`, and callers use the Evaluator. Constant
subtrees are evaluated once by the Evaluator (30 digits) and rounded, so 10! or sqrt(2)/3 cost nothing
per point and keep their exact value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy

from bot.maths import limits
from bot.maths.functions import relu, sigma, softplus
from bot.maths.numeric import MAX_GAMMA_ARG, MAX_TRIG_ARG, Undefined, evaluate
from bot.maths.sums import BigOp, body_cost, is_term

DEFINED, UNDEFINED, UNSURE = 0, 1, 2
HUGE = 1e300  # |value| beyond this (or a nonzero one below TINY) is left to the Evaluator
TINY = 1e-300
CONST_DPS = 30
_TRIG_LIMIT = float(MAX_TRIG_ARG)


class Unsupported(Exception):
    """The expression has a part the vectorised evaluator does not do: use the Evaluator."""


@dataclass
class Batch:
    """One expression over n points."""

    values: np.ndarray
    scale: np.ndarray  # float64, largest |intermediate| per point
    state: np.ndarray  # int8: DEFINED / UNDEFINED / UNSURE


class _Run:
    """Per-call state: which points left the domain, which float64 cannot vouch for, the scale."""

    def __init__(self, n: int, complex_mode: bool) -> None:
        self.n = n
        self.complex_mode = complex_mode
        self.scale = np.zeros(n)
        self.bad = np.zeros(n, dtype=bool)
        self.unsure = np.zeros(n, dtype=bool)

    def note(self, v: np.ndarray) -> np.ndarray:
        mag = np.abs(v)
        nan = np.isnan(mag)
        self.bad |= nan  # nan from finite inputs is a domain hole (inf inputs are already unsure)
        self.unsure |= np.isinf(mag) | (mag > HUGE) | ((mag < TINY) & (mag > 0))
        np.fmax(self.scale, mag, out=self.scale)
        return v


Op = Callable[[_Run, list[np.ndarray]], np.ndarray]


@dataclass
class _Step:
    op: Op
    args: tuple[int, ...]


class Program:
    """A compiled expression: a list of steps, each applied to the results of earlier steps."""

    def __init__(self, steps: list[_Step], symbols: dict[sympy.Symbol, int], complex_mode: bool) -> None:
        self.steps = steps
        self.symbols = symbols  # symbol -> the step that loads it
        self.complex_mode = complex_mode

    def _execute(self, run: _Run, env: dict[sympy.Symbol, np.ndarray]) -> np.ndarray:
        slots: list[np.ndarray] = []
        for step in self.steps:
            if isinstance(step.op, _Load):
                value = step.op.load(env, run)
            else:
                value = step.op(run, [slots[k] for k in step.args])
            slots.append(run.note(value))
        return slots[-1]

    def run(self, env: dict[sympy.Symbol, np.ndarray]) -> Batch:
        """Values at len(points) points; env maps every free symbol to a float64 array."""
        n = len(next(iter(env.values()))) if env else 1
        run = _Run(n, self.complex_mode)
        with np.errstate(all="ignore"):
            values = self._execute(run, env)
        if values.shape != (n,):
            values = np.broadcast_to(values, (n,)).copy()
        state = np.where(run.unsure, UNSURE, np.where(run.bad, UNDEFINED, DEFINED)).astype(np.int8)
        return Batch(values, run.scale, state)


class _Load:
    """Step that reads a variable (or a sum's bound variable) from the environment."""

    def __init__(self, symbol: sympy.Symbol, complex_mode: bool) -> None:
        self.symbol = symbol
        self.complex_mode = complex_mode

    def load(self, env: dict[sympy.Symbol, np.ndarray], run: _Run) -> np.ndarray:
        try:
            value = env[self.symbol]
        except KeyError:
            raise Unsupported(f"no value for {self.symbol}") from None
        return value.astype(complex) if self.complex_mode else value

    def __call__(self, run: _Run, args: list[np.ndarray]) -> np.ndarray:  # pragma: no cover - not used
        raise NotImplementedError


def _const(value: Any, complex_mode: bool, scale: float) -> Op:
    def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
        np.fmax(run.scale, scale, out=run.scale)
        return np.full(run.n, value, dtype=complex if complex_mode else float)

    return op


def _undefined(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    run.bad[:] = True
    return np.zeros(run.n)


def _add(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    total = args[0]
    for a in args[1:]:
        total = total + a
    return total


def _mul(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    prod = args[0]
    zero_factor = args[0] == 0
    for a in args[1:]:
        prod = prod * a
        zero_factor |= a == 0
    run.unsure |= (prod == 0) & ~zero_factor  # underflow: the Evaluator keeps 30 digits, float none
    return prod


def _real_pow(exp_const: sympy.Basic | None) -> Op:
    """Real powers as numeric's Evaluator takes them: odd roots of negatives are real, (-8)^(1/3) = -2."""
    odd_root = isinstance(exp_const, sympy.Rational) and exp_const.q != 1 and exp_const.q % 2 == 1
    even_numerator = odd_root and exp_const.p % 2 == 0  # type: ignore[union-attr]

    def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
        base, exponent = args
        zero = base == 0
        run.bad |= zero & ~(exponent > 0)  # 0 to a non-positive power (as numeric: not 0^0 = 1)
        safe = np.where(zero, 1.0, base)
        if odd_root:
            root = np.power(np.abs(safe), exponent)
            out = np.where(safe < 0, root if even_numerator else -root, root)
        else:
            out = np.power(safe, exponent)  # nan for a negative base and a non-integer power
        run.unsure |= out == 0  # underflow (the base is not 0 here)
        return np.where(zero, 0.0, out)

    return op


def _complex_pow(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    base, exponent = args
    zero = base == 0
    run.bad |= zero & ~(exponent.real > 0)
    out = np.power(np.where(zero, 1, base), exponent)
    run.unsure |= out == 0
    return np.where(zero, 0, out)


def _exp(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    out = np.exp(args[0])
    run.unsure |= out == 0
    return out


def _log(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    x = args[0]
    zero = x == 0
    run.bad |= zero
    return np.log(np.where(zero, 1, x))


def _trig(fn: Callable[[np.ndarray], np.ndarray]) -> Op:
    def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
        x = args[0]
        run.bad |= np.abs(x) > _TRIG_LIMIT
        return fn(x)

    return op


def _reciprocal_arg(fn: Callable[[np.ndarray], np.ndarray]) -> Op:
    """acot(x) = atan(1/x) and friends; at x = 0 the Evaluator decides (acot 0 = pi/2, asec 0 undefined)."""

    def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
        x = args[0]
        run.unsure |= x == 0
        return fn(1 / x)

    return op


def _simple(fn: Callable[[np.ndarray], np.ndarray]) -> Op:
    return lambda run, args: fn(args[0])


def _real_only(fn: Callable[[list[np.ndarray]], np.ndarray]) -> Op:
    """max / min / relu of a complex value has no meaning (numeric raises Undefined)."""

    def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
        if np.iscomplexobj(args[0]):
            for a in args:
                run.bad |= a.imag != 0
            args = [a.real for a in args]
        out = fn(args)
        return out.astype(complex) if run.complex_mode else out

    return op


def _gamma(shift: float) -> Op:
    def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
        x = args[0] + shift
        out = np.empty(run.n)
        for k, v in enumerate(x):
            if not math.isfinite(v) or abs(v - shift) > MAX_GAMMA_ARG:
                run.bad[k] = True
                out[k] = 0.0
                continue
            try:
                out[k] = math.gamma(v)
            except ValueError:  # a pole: 0, -1, -2, ...
                run.bad[k] = True
                out[k] = 0.0
            except OverflowError:
                run.unsure[k] = True
                out[k] = 0.0
        return out

    return op


def _sigma(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    return 1 / (1 + np.exp(-args[0]))


def _softplus(run: _Run, args: list[np.ndarray]) -> np.ndarray:
    x = args[0]
    if np.iscomplexobj(x):
        return np.log(1 + np.exp(x))
    return np.logaddexp(0.0, x)  # log(1 + e^x) without losing e^x when it is tiny


_REAL_UNARY: dict[type, Op] = {
    sympy.sin: _trig(np.sin),
    sympy.cos: _trig(np.cos),
    sympy.tan: _trig(np.tan),
    sympy.sec: _trig(lambda x: 1 / np.cos(x)),
    sympy.csc: _trig(lambda x: 1 / np.sin(x)),
    sympy.cot: _trig(lambda x: np.cos(x) / np.sin(x)),
    sympy.asin: _simple(np.arcsin),
    sympy.acos: _simple(np.arccos),
    sympy.atan: _simple(np.arctan),
    sympy.asec: _reciprocal_arg(np.arccos),
    sympy.acsc: _reciprocal_arg(np.arcsin),
    sympy.acot: _reciprocal_arg(np.arctan),
    sympy.sinh: _simple(np.sinh),
    sympy.cosh: _simple(np.cosh),
    sympy.tanh: _simple(np.tanh),
    sympy.sech: _simple(lambda x: 1 / np.cosh(x)),
    sympy.csch: _simple(lambda x: 1 / np.sinh(x)),
    sympy.coth: _simple(lambda x: np.cosh(x) / np.sinh(x)),
    sympy.asinh: _simple(np.arcsinh),
    sympy.acosh: _simple(np.arccosh),
    sympy.atanh: _simple(np.arctanh),
    sympy.asech: _reciprocal_arg(np.arccosh),
    sympy.acsch: _reciprocal_arg(np.arcsinh),
    sympy.acoth: _reciprocal_arg(np.arctanh),
    sympy.exp: _exp,
    sympy.log: _log,
    sympy.Abs: _simple(np.abs),
    sympy.floor: _simple(np.floor),
    sympy.ceiling: _simple(np.ceil),
    sigma: _sigma,
    relu: _real_only(lambda a: np.where(a[0] > 0, a[0], 0.0)),
    softplus: _softplus,
    sympy.factorial: _gamma(1.0),
    sympy.gamma: _gamma(0.0),
}

# Complex mode: only functions whose numpy principal branch is mpmath's (no cuts where they differ).
_COMPLEX_UNARY: dict[type, Op] = {
    sympy.sin: _trig(np.sin),
    sympy.cos: _trig(np.cos),
    sympy.tan: _trig(np.tan),
    sympy.sinh: _simple(np.sinh),
    sympy.cosh: _simple(np.cosh),
    sympy.tanh: _simple(np.tanh),
    sympy.exp: _exp,
    sympy.log: _log,
    sympy.Abs: lambda run, args: np.abs(args[0]).astype(complex),
    sigma: _sigma,
    softplus: _softplus,
    relu: _REAL_UNARY[relu],
}


class _Compiler:
    def __init__(self, complex_mode: bool) -> None:
        self.complex_mode = complex_mode
        self.steps: list[_Step] = []
        self.memo: dict[sympy.Basic, int] = {}
        self.symbols: dict[sympy.Symbol, int] = {}
        self.sum_terms = 0
        self.sum_work = 0

    def emit(self, op: Op, *args: int) -> int:
        self.steps.append(_Step(op, args))
        return len(self.steps) - 1

    def node(self, expr: sympy.Basic) -> int:
        found = self.memo.get(expr)
        if found is None:
            found = self.memo[expr] = self._node(expr)
        return found

    def _node(self, expr: sympy.Basic) -> int:
        if isinstance(expr, sympy.Symbol):
            index = self.emit(_Load(expr, self.complex_mode))
            self.symbols[expr] = index
            return index
        if is_term(expr):
            raise Unsupported("sequence term")
        if not expr.free_symbols:
            if expr.has(*BigOp):
                raise Unsupported("constant sum")  # numeric's reversed-range rule is about the whole answer
            return self.constant(expr)
        if isinstance(expr, sympy.Add):
            return self.emit(_add, *(self.node(a) for a in expr.args))
        if isinstance(expr, sympy.Mul):
            return self.emit(_mul, *(self.node(a) for a in expr.args))
        if isinstance(expr, sympy.Pow):
            return self.power(expr)
        if isinstance(expr, (sympy.Max, sympy.Min)):
            reduce: Any = np.maximum.reduce if isinstance(expr, sympy.Max) else np.minimum.reduce
            return self.emit(_real_only(reduce), *(self.node(a) for a in expr.args))
        if isinstance(expr, BigOp):
            return self.big_operator(expr)
        table = _COMPLEX_UNARY if self.complex_mode else _REAL_UNARY
        op = table.get(type(expr))
        if op is None or len(expr.args) != 1:
            raise Unsupported(type(expr).__name__)
        return self.emit(op, self.node(expr.args[0]))

    def constant(self, expr: sympy.Basic) -> int:
        """Once, by the Evaluator: the value the mpmath path would use, rounded to float64."""
        try:
            with mpmath.workdps(CONST_DPS):
                value, scale = evaluate(expr, {}, complex_mode=self.complex_mode)
        except Undefined:
            return self.emit(_undefined)
        if isinstance(value, mpmath.mpc):
            number: complex | float = complex(value)
        else:
            number = float(value)
        size = abs(number)
        if not math.isfinite(size) or size > HUGE or 0 < size < TINY or float(scale) > HUGE:
            raise Unsupported("constant out of float range")
        return self.emit(_const(number, self.complex_mode, float(scale)))

    def power(self, expr: sympy.Pow) -> int:
        base, exponent = expr.args
        if base is sympy.E:
            return self.emit(_exp, self.node(exponent))
        exp_const = exponent if not exponent.free_symbols else None
        op = _complex_pow if self.complex_mode else _real_pow(exp_const)
        return self.emit(op, self.node(base), self.node(exponent))

    def big_operator(self, expr: sympy.Sum | sympy.Product) -> int:
        """A sum / product with constant integer limits: one pass of the body per term."""
        body: sympy.Basic = expr.function
        ranges = []
        for var, lower, upper in expr.limits:
            if lower.free_symbols or upper.free_symbols:
                raise Unsupported("limits depend on a variable")
            lo, hi = _integer(lower), _integer(upper)
            if hi < lo:
                raise Unsupported("empty range")
            ranges.append((var, lo, hi))
        count = math.prod(hi - lo + 1 for _, lo, hi in ranges)
        self.sum_terms += count
        self.sum_work += count * body_cost(body)
        if self.sum_terms > limits.MAX_SUM_TERMS or self.sum_work > limits.MAX_SUM_WORK:
            raise Unsupported("too many terms")  # the Evaluator reports TooManyTerms
        inner = _Compiler(self.complex_mode)
        inner.node(body)
        program = Program(inner.steps, inner.symbols, self.complex_mode)
        bound = [var for var, _, _ in ranges]
        free = [s for s in inner.symbols if s not in bound]
        is_sum = isinstance(expr, sympy.Sum)
        for s in free:
            self.node(s)
        arg_slots = tuple(self.symbols[s] for s in free)

        def op(run: _Run, args: list[np.ndarray]) -> np.ndarray:
            env = dict(zip(free, args, strict=True))
            total: np.ndarray = np.zeros(run.n) if is_sum else np.ones(run.n)
            if self.complex_mode:
                total = total.astype(complex)
            for values in _grid(ranges):
                for var, j in zip(bound, values, strict=True):
                    env[var] = np.full(run.n, float(j))
                term = program._execute(run, env)
                total = total + term if is_sum else total * term
            return total

        return self.emit(op, *arg_slots)


def _grid(ranges: list[tuple[sympy.Symbol, int, int]]) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    for _, lo, hi in ranges:
        out = [(*prefix, j) for prefix in out for j in range(lo, hi + 1)]
    return out


def _integer(expr: sympy.Basic) -> int:
    if isinstance(expr, sympy.Integer):
        return int(expr)
    raise Unsupported("limit is not an integer literal")


def compile_expr(expr: sympy.Basic, *, complex_mode: bool) -> Program:
    """The expression as numpy steps; raises Unsupported for what only the Evaluator does."""
    if expr.has(sympy.oo, sympy.S.NegativeInfinity, sympy.zoo, sympy.nan):
        raise Unsupported("infinity")  # +-oo is a value for the Evaluator, float inf is an accident here
    compiler = _Compiler(complex_mode)
    compiler.node(expr)
    return Program(compiler.steps, compiler.symbols, complex_mode)


def evaluate_batch(
    program: Program, symbols: Sequence[sympy.Symbol], columns: Sequence[Sequence[float]]
) -> Batch:
    """The program at points given column-wise (one float list per symbol, in `symbols` order)."""
    env = {s: np.asarray(col, dtype=float) for s, col in zip(symbols, columns, strict=True)}
    if not env:
        env = {}
    batch = program.run(env) if env else _run_constant(program)
    return batch


def _run_constant(program: Program) -> Batch:
    run = _Run(1, program.complex_mode)
    with np.errstate(all="ignore"):
        values = program._execute(run, {})
    state = np.where(run.unsure, UNSURE, np.where(run.bad, UNDEFINED, DEFINED)).astype(np.int8)
    return Batch(np.broadcast_to(values, (1,)).copy(), run.scale, state)
