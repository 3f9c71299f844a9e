"""Poles and holes become gaps; steep-but-continuous curves stay joined; y-range ignores spikes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from bot.plots import sampling
from bot.plots.errors import PlotError
from bot.plots.expressions import analyse, numeric
from bot.plots.function_plot import render_parsed
from bot.plots.models import PlotRequest

x = sympy.Symbol("x")


def drawn_segments(expr: sympy.Expr, a: float = -10, b: float = 10) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) polyline exactly as the plot draws it: NaN separates pieces."""
    f = numeric(expr, (x,))
    xs, ys = sampling.sample(f, a, b)
    ylim = sampling.robust_ylim([ys])
    assert ylim is not None
    return sampling.prepare(f, xs, ys, ylim)


def segments_crossing(xs: np.ndarray, ys: np.ndarray, poles: list[float]) -> list[tuple[float, float]]:
    joined = np.isfinite(ys[:-1]) & np.isfinite(ys[1:])
    bad = []
    for i in np.flatnonzero(joined):
        if any(xs[i] <= p <= xs[i + 1] for p in poles):
            bad.append((float(xs[i]), float(xs[i + 1])))
    return bad


def test_tan_has_a_gap_at_every_pole() -> None:
    xs, ys = drawn_segments(sympy.tan(x))
    poles = [math.pi / 2 + k * math.pi for k in range(-3, 3)]
    assert all(-10 < p < 10 for p in poles)
    assert segments_crossing(xs, ys, poles) == []


def test_one_over_x_has_a_gap_at_zero() -> None:
    xs, ys = drawn_segments(1 / x, -10, 10.3)  # 0 is not a sample point
    assert segments_crossing(xs, ys, [0.0]) == []
    assert np.isfinite(ys).sum() > 1000  # and everything else is drawn


def test_steep_continuous_curve_is_not_broken() -> None:
    _, ys = drawn_segments(sympy.tanh(200 * x))
    assert np.isnan(ys).sum() == 0


def test_step_discontinuity_is_not_bridged() -> None:
    xs, ys = drawn_segments(sympy.sign(x - sympy.Rational(1, 3)))
    assert segments_crossing(xs, ys, [1 / 3]) == []


def test_undefined_region_is_a_gap_not_a_line() -> None:
    f = numeric(sympy.sqrt(x**2 - 4), (x,))
    xs, ys = sampling.sample(f, -10, 10)
    assert np.isnan(ys[np.abs(xs) < 2]).all()
    assert np.isfinite(ys[np.abs(xs) > 2]).all()


def test_robust_ylim_ignores_a_pole_but_keeps_a_bounded_curve_whole() -> None:
    xs = np.linspace(-10, 10, 1500)
    lo, hi = sampling.robust_ylim([np.tan(xs)])  # type: ignore[misc]
    assert -20 < lo < -2 and 2 < hi < 20
    lo, hi = sampling.robust_ylim([np.sin(xs)])  # type: ignore[misc]
    assert lo < -1 and hi > 1 and hi - lo < 2.5
    assert sampling.robust_ylim([np.full(10, np.nan)]) is None
    lo, hi = sampling.robust_ylim([np.full(10, 3.0)])  # type: ignore[misc]
    assert lo < 3 < hi


def test_nothing_to_draw_names_the_range() -> None:
    with pytest.raises(PlotError, match="nothing to draw between -5 and 5"):
        render_parsed(analyse([sympy.log(-(x**2) - 1)]), PlotRequest("", -5, 5))


def test_partly_defined_function_is_framed_where_it_exists() -> None:
    image = render_parsed(analyse([sympy.log(x)]), PlotRequest(""))
    assert "x ∈ [0.0" in image.summary


def test_polynomial_features_widen_the_default_range() -> None:
    image = render_parsed(analyse([(x - 30) ** 2 * (x - 40)]), PlotRequest(""))
    lo, hi = (float(v) for v in image.summary.split("x ∈ [")[1].split("]")[0].split(", "))
    assert lo < 30 and hi > 40


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (PlotRequest("", 5, 1), "x_min must be less than x_max"),
        (PlotRequest("", math.nan, 1), "finite"),
        (PlotRequest("", -1, 1, 3, 2), "y_min must be less than y_max"),
        (PlotRequest("", -math.inf, 1), "finite"),
    ],
)
def test_invalid_ranges(request_: PlotRequest, message: str) -> None:
    with pytest.raises(PlotError, match=message):
        render_parsed(analyse([x**2]), request_)


def test_too_many_variables_and_mixed_dimensions() -> None:
    a, b, c = sympy.symbols("a b c")
    with pytest.raises(PlotError, match="too many variables"):
        analyse([a * b * c])
    with pytest.raises(PlotError, match="one function f\\(x, y\\)"):
        analyse([a * b, a])
    assert [v.name for v in analyse([sympy.Symbol("y") * x]).variables] == ["x", "y"]


def test_only_one_y_bound_given() -> None:
    image = render_parsed(analyse([x**2]), PlotRequest("", -3, 3, y_min=-1))
    assert "y ∈ [-1, " in image.summary
    image = render_parsed(analyse([x**2]), PlotRequest("", -3, 3, y_max=100))
    assert image.summary.endswith(", 100]")
