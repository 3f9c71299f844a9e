"""The vectorised evaluator agrees with numeric's Evaluator, point by point, and the checker's verdicts
do not depend on which of the two found them."""

from __future__ import annotations

import random

import mpmath
import numpy as np
import pytest
import sympy

from bot.maths import compare, zeros
from bot.maths.checker import CheckOptions, check
from bot.maths.numeric import Undefined, evaluate
from bot.maths.parser import parse_answer
from bot.maths.sums import term
from bot.maths.vectorised import DEFINED, UNDEFINED, UNSURE, Unsupported, compile_expr

DECLARED = ("sigma", "relu", "softplus")

EXPRESSIONS = [
    "x^2 + 3x - 7", "sqrt(x)", "log(x)", "ln(x - 1)/x", "1/x", "x^(-2)", "x^0", "0^x", "x^x", "(-x)^x",
    "x^y", "2^x", "(x - y)^3", "x^(3/2)", "sin(x)cos(y)", "tan(x)", "sec(x) + csc(x) + cot(x)",
    "asin(x)", "acos(x/2)", "atan(x)", "asec(x)", "acsc(x)", "acot(x)", "sinh(x)", "cosh(x)", "tanh(x)",
    "sech(x)", "csch(x)", "coth(x)", "asinh(x)", "acosh(x)", "atanh(x)", "asech(x)", "acsch(x)",
    "acoth(x)", "exp(x)", "e^(-x^2)", "abs(x - 1)", "floor(x)", "ceil(x)", "max(x, y)", "min(x, y, 1)",
    "x!", "factorial(x + 1)", "binomial(5, 2) x", "sigma(x)", "relu(x)", "softplus(x)",
    "sigma(x)(1 - sigma(x))", "pi x + e", "sqrt(2)/3 x", "10! x", "x*1e-5 + 3.25", "log(x, 2)",
    "log2(x) + log10(y)", "(x + 1)^20", "\\sum_{k=1}^{10} x^k/k!", "\\prod_{k=1}^{4} (x + k)",
    "\\frac{x^2 - 1}{x - 1}", "sqrt(1 - x^2) + sqrt(y)", "x e^x", "|x| + |y|",
]  # fmt: skip

COMPLEX = ["x^2 + i x", "e^(i x)", "log(x) + i", "sqrt(x) i", "sin(x + i y)", "x^y", "abs(x + i)"]


def _points(n: int = 150) -> list[tuple[float, float]]:
    rng = random.Random(7)
    lattice = (-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3)
    out = []
    for _ in range(n):
        if rng.random() < 0.4:
            out.append((float(rng.choice(lattice)), float(rng.choice(lattice))))
        else:
            out.append((rng.uniform(-4, 4), rng.uniform(-4, 4)))
    return out


def _expr(text: str) -> sympy.Expr:
    value = parse_answer(text, functions=DECLARED)
    assert isinstance(value, sympy.Expr)
    return value


def _agree(text: str, *, complex_mode: bool) -> tuple[int, int]:
    expr = _expr(text)
    program = compile_expr(expr, complex_mode=complex_mode)
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    points = _points()
    env = {s: np.array([p[k] for p in points]) for k, s in enumerate(symbols)}
    batch = program.run(env) if env else program.run({})
    defined = undefined = 0
    for i, p in enumerate(points):
        if batch.state[i] == UNSURE:
            continue  # the checker asks the Evaluator at such points
        try:
            with mpmath.workdps(30):
                value, scale = evaluate(expr, {s: mpmath.mpf(p[k]) for k, s in enumerate(symbols)},
                                        complex_mode=complex_mode)  # fmt: skip
            finite = bool(mpmath.isfinite(value))
        except Undefined:
            finite = False
        assert (batch.state[i] == DEFINED) == finite, (text, p, batch.state[i], batch.values[i])
        if not finite:
            undefined += 1
            continue
        defined += 1
        got, want = complex(batch.values[i]), complex(value)
        assert abs(got - want) <= 1e-12 * max(abs(want), 1e-300) or abs(got - want) <= 1e-13 * float(scale), (
            text, p, got, want,
        )  # fmt: skip
    return defined, undefined


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_real_values_and_holes_match_the_evaluator(text: str) -> None:
    defined, _ = _agree(text, complex_mode=False)
    assert defined > 0


@pytest.mark.parametrize("text", COMPLEX)
def test_complex_values_match_the_evaluator(text: str) -> None:
    defined, _ = _agree(text, complex_mode=True)
    assert defined > 0


def test_domain_holes_are_reported_as_undefined() -> None:
    for text, x in (("sqrt(x)", -1.0), ("log(x)", 0.0), ("1/x", 0.0), ("x^0", 0.0), ("asin(x)", 2.0)):
        expr = _expr(text)
        (s,) = expr.free_symbols
        assert compile_expr(expr, complex_mode=False).run({s: np.array([x])}).state[0] == UNDEFINED, text


def test_odd_roots_of_negatives_are_real_as_in_the_evaluator() -> None:
    x = sympy.Symbol("x")
    expr = sympy.Pow(x, sympy.Rational(2, 3), evaluate=False)
    batch = compile_expr(expr, complex_mode=False).run({x: np.array([-8.0, 8.0])})
    assert list(batch.state) == [DEFINED, DEFINED]
    assert batch.values == pytest.approx([4.0, 4.0])


def test_overflow_and_underflow_are_left_to_the_evaluator() -> None:
    for text, x in (("x^6000", 3.0), ("exp(x)", 800.0), ("x^6000", 0.3), ("e^(-x)", 800.0)):
        expr = _expr(text)
        (s,) = expr.free_symbols
        assert compile_expr(expr, complex_mode=False).run({s: np.array([x])}).state[0] == UNSURE, text


@pytest.mark.parametrize("text", ["\\sum_{k=1}^{n} k", "x + oo", "binomial(x, 2)"])
def test_what_it_cannot_do_is_unsupported(text: str) -> None:
    with pytest.raises(Unsupported):
        compile_expr(_expr(text), complex_mode=False)
    with pytest.raises(Unsupported):  # a sequence term F(j): the Evaluator's hash, not a formula
        compile_expr(term("a", sympy.Symbol("n")) + 1, complex_mode=False)


PAIRS = [
    ("x^2 + 3x - 7", "x/1e9"), ("2x cos(x^2)", "2x cos(x^2)"), ("log(x^2)", "2 log(x)"),
    ("sqrt(x^2)", "abs(x)"), ("(x^2)^(1/2)", "x"), ("x^(1/3)", "(x^2)^(1/6)"), ("1/(1 + e^(-x))", "sigma(x)"),
    ("e^(192) x + 1/7", "e^(192) x"), ("x/1000", "2*x/1e3"), ("x^2/3", "0.333333333333333*x^2"),
    ("sin(x)^2 + cos(x)^2", "1 + 0 x"), ("(x + y)^2", "x^2 + 2xy + y^2"), ("tan(x)", "sin(x)/cos(x)"),
    ("x + i", "x + i"), ("(x - 4a)^6000", "(4a - x)^6000"), ("relu(x) - relu(-x)", "x"),
]  # fmt: skip


@pytest.mark.parametrize(("expected", "answer"), PAIRS)
def test_fast_sampling_picks_the_points_the_evaluator_picks(expected: str, answer: str) -> None:
    exprs = [_expr(expected), _expr(answer)]
    fast = compare.sample_points(exprs)
    slow, complex_mode = compare.sample(exprs)
    assert fast is not None
    assert fast.complex_mode == complex_mode or not slow
    assert [p.env for p in fast.points] == [env for _, _, env in slow]
    for p, (values, _, _) in zip(fast.points, slow, strict=True):
        for got, want in zip(p.values, values, strict=True):
            if p.exact_values is None:
                assert abs(complex(got) - complex(want)) <= 1e-9 * max(1, abs(complex(want)))


EQUATIONS = [
    ("x^2 + y^2 = 1", "y = sqrt(1 - x^2)"), ("(x - y)(x + y) = 0", "|x| = |y|"), ("x^2 = y^2", "x = y"),
    ("y = e^x", "ln(y) = x"), ("x = y", "sqrt(x) = sqrt(y)"), ("(x - 1)^3 = 0", "x = 1"),
    ("(x-2)^2 = 0", "x = 2"), ("1/x + 1/y = 2", "y = x/(2x - 1)"), ("y = 2x + 1", "2y = 4x + 2"),
    ("x^2 - 5x + 6 = 0", "(x - 2)(x - 3) = 0"), ("y = sin(x)", "y = cos(x - pi/2)"), ("x > 1", "1 < x"),
    ("e^x > 2", "x > ln(2)"), ("x^2 >= 4", "x^4 >= 16"), ("sin(x) = y", "y - sin(x) = 0"),
    ("ln(x) < 1", "x < e"), ("sin(x) > 0", "x > 0"), ("e^x > 2", "x > 0.693"), ("1/x > 1", "0 < x < 1"),
    ("ln(x) < 1", "0 < x < e"), ("tanh(x) > 0.5", "x > 0.55"), ("tanh(x) > 0.5", "x > 0.5493"),
    ("sin(x) >= 0", "cos(x - pi/2) >= 0"), ("e^x < 3", "x < 1.1"), ("sigma(x) > 1/2", "x > 0"),
]  # fmt: skip


def _verdicts(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for expected, answer in pairs:
        v = check(expected, answer, CheckOptions(functions=DECLARED))
        out.append((v.status, v.message))
    return out


def test_verdicts_and_feedback_do_not_depend_on_the_evaluator_used(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = PAIRS + EQUATIONS
    fast = _verdicts(pairs)

    def unsupported(*args: object, **kwargs: object) -> object:
        raise Unsupported("forced")

    monkeypatch.setattr(compare.sampling, "compile_expr", unsupported)  # sampling
    monkeypatch.setattr(compare.relations, "compile_expr", unsupported)  # membership tests
    monkeypatch.setattr(zeros, "compile_expr", unsupported)
    assert _verdicts(pairs) == fast
    assert [s for s, _ in fast].count("correct") >= 10 and [s for s, _ in fast].count("incorrect") >= 5


def test_zero_sets_found_over_arrays_are_the_evaluators(monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = sympy.symbols("x y")
    cases = [
        ((x - y) * (x + y), sympy.Abs(x) - sympy.Abs(y), True),
        (x**2 - y**2, x - y, False),
        ((x - 2) ** 2, x - 2, False),  # multiplicity counts
        ((x - 1) * (x + 2) * (x - 3), x**3 - 2 * x**2 - 5 * x + 6, True),
        (sympy.sin(x), sympy.sin(x) * (x**2 + 1), True),
        (x**2 + 1, x**2 + 2, None),  # no real zeros: too few to tell
        (1 / x - 1, 1 - x, True),  # the pole at 0 is not a zero
    ]
    for fe, fa, want in cases:
        assert zeros.same_zero_set(fe, fa) is want, (fe, fa)

    def unsupported(*args: object, **kwargs: object) -> object:
        raise Unsupported("forced")

    monkeypatch.setattr(zeros, "compile_expr", unsupported)  # the Evaluator alone, point by point
    for fe, fa, want in cases:
        assert zeros.same_zero_set(fe, fa) is want, (fe, fa)
