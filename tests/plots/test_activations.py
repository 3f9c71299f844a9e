"""/plot knows the activations learners look at, with derivatives, and says how `g(x)` was read."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from bot.plots.errors import PlotError
from bot.plots.expressions import numeric, parse_functions
from bot.plots.function_plot import render_plot
from bot.plots.models import PlotRequest

POINTS = np.array([-3.0, -0.5, 0.25, 2.0])


def _phi(v: float) -> float:
    return 0.5 * (1 + math.erf(v / math.sqrt(2)))


def _sig(v: float) -> float:
    return 1 / (1 + math.exp(-v))


REFERENCE = {
    "sigmoid(x)": (_sig, lambda v: _sig(v) * (1 - _sig(v))),
    "sigma(x)": (_sig, lambda v: _sig(v) * (1 - _sig(v))),
    "relu(x)": (lambda v: max(0.0, v), lambda v: float(v > 0)),
    "leaky_relu(x)": (lambda v: v if v > 0 else 0.01 * v, lambda v: 1.0 if v > 0 else 0.01),
    "softplus(x)": (lambda v: math.log1p(math.exp(v)), _sig),
    "gelu(x)": (lambda v: v * _phi(v), lambda v: _phi(v) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi)),
    "swish(x)": (lambda v: v * _sig(v), lambda v: _sig(v) + v * _sig(v) * (1 - _sig(v))),
    "silu(x)": (lambda v: v * _sig(v), lambda v: _sig(v) + v * _sig(v) * (1 - _sig(v))),
    "softsign(x)": (lambda v: v / (1 + abs(v)), lambda v: 1 / (1 + abs(v)) ** 2),
    "heaviside(x)": (lambda v: float(v > 0), lambda v: 0.0),
    "step(x)": (lambda v: float(v > 0), lambda v: 0.0),
}


@pytest.mark.parametrize("text", sorted(REFERENCE))
def test_activation_values_and_derivatives(text: str) -> None:
    parsed = parse_functions(text)
    (x,) = parsed.variables
    assert x.name == "x"
    (expr,) = parsed.exprs
    f, df = REFERENCE[text]
    got = numeric(expr, (x,))(POINTS)
    assert np.allclose(got, [f(v) for v in POINTS], rtol=1e-9, atol=1e-12)
    slope = sympy.diff(expr, x)
    assert not slope.has(sympy.Derivative)
    assert np.allclose(numeric(slope, (x,))(POINTS), [df(v) for v in POINTS], rtol=1e-9, atol=1e-12)


def test_plot_summary_names_the_activation_and_its_derivative() -> None:
    image = render_plot(PlotRequest("sigmoid(x); relu(x)", derivative=True))
    first = image.summary.splitlines()[0]
    assert first.startswith("f(x) = sigmoid(x); f'(x) = ")
    assert "g(x) = relu(x); g'(x) = step(x)" in first


def test_sigmoid_is_far_from_overflow_trouble() -> None:
    parsed = parse_functions("sigmoid(x)")
    assert np.allclose(numeric(parsed.exprs[0], parsed.variables)(np.array([-800.0, 800.0])), [0.0, 1.0])


@pytest.mark.parametrize("text", ["g(x)", "a (x + 1)", "alpha(x)"])
def test_a_letter_before_a_bracket_that_makes_a_second_variable_says_how_it_was_read(text: str) -> None:
    name = text.split("(")[0].strip()
    with pytest.raises(PlotError, match=rf"`{name}\(\.\.\.\)` reads as {name}·\(\.\.\.\).*contour map"):
        parse_functions(text)


@pytest.mark.parametrize("text", ["x(x - 1)", "a*(x + 1)", "x*y", "sigma*x"])
def test_products_written_as_products_still_plot(text: str) -> None:
    parse_functions(text)
