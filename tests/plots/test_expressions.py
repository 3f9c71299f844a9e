"""Text through the checker's safe parser: `;`-separated functions, limits and clear messages."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from bot.plots.errors import PlotError
from bot.plots.expressions import numeric, parse_functions
from bot.plots.function_plot import render_plot
from bot.plots.gd_plot import render_gd
from bot.plots.models import GDRequest, PlotRequest
from tests.plots.helpers import check_picture


def test_semicolon_separated_functions() -> None:
    parsed = parse_functions("sin(x); x^2/10 ;2x(1-x)")
    assert len(parsed.exprs) == 3 and [v.name for v in parsed.variables] == ["x"]


def test_named_functions_are_accepted() -> None:
    assert str(parse_functions("f(x) = x^2").exprs[0]) == "x**2"
    assert str(parse_functions("y = 3x").exprs[0]) == "3*x"
    assert [v.name for v in parse_functions("f(x, y) = x^2 + y^2").variables] == ["x", "y"]


def test_sums_and_products_with_number_limits_are_written_out() -> None:
    parsed = parse_functions(r"\sum_{k=1}^{3} x^k; \prod_{k=1}^{3} (x - k)")
    at_two = [float(numeric(e, parsed.variables)(np.array([2.0]))[0]) for e in parsed.exprs]
    assert at_two == [2 + 4 + 8, 0.0]
    check_picture(render_plot(PlotRequest(r"\sum_{k=0}^{4} x^k / k!")).png)


@pytest.mark.parametrize(
    "text", [r"\sum_{k=1}^{n} x^k", r"\prod_{k=1}^{n} (x - k)", r"\sum_{k=1}^{3} a_k x^k"]
)
def test_sums_that_cannot_be_drawn_say_why(text: str) -> None:
    with pytest.raises(PlotError, match=r"limit|sequence"):
        render_plot(PlotRequest(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x; x^2; x^3; x^4; x^5; x^6", "too many functions (6): at most 5"),
        ("x*y*z", "too many variables (x, y, z)"),
        ("foo(x)", "Unknown name 'foo'."),  # the checker's own message, unchanged
        ("x +", "ends too early"),
        (" ; ", "nothing to plot"),
        ("x*y; x", "one function f(x, y)"),
        ("__import__('os').system('true')", ""),
    ],
)
def test_bad_text(text: str, message: str) -> None:
    with pytest.raises(
        PlotError, match=None if not message else message.replace("(", r"\(").replace(")", r"\)")
    ):
        parse_functions(text)


def test_plot_from_text_end_to_end() -> None:
    image = render_plot(PlotRequest("tan(x); 1/x", derivative=True))
    check_picture(image.png)
    assert "f(x) = tan(x)" in image.summary and "g'(x) = -1/x^2" in image.summary


def test_contour_from_text() -> None:
    image = render_plot(PlotRequest("x^2 + 3y^2 - x y", -3, 3))
    check_picture(image.png)
    assert "(contours)" in image.summary and "y ∈ [-3, 3]" in image.summary


def test_gd_from_text() -> None:
    result = render_gd(GDRequest("x^4 - 2x^2", 0.05, "-0.5"))
    assert result.status == "converged" and result.final_point[0] == pytest.approx(-1.0, abs=1e-3)
    assert "converged to x ≈ -1.000" in result.summary
    with pytest.raises(PlotError, match="one function"):
        render_gd(GDRequest("x^2; x^3", 0.1, "1"))
    result2 = render_gd(GDRequest("(x-1)^2 + 2(y+1)^2", 0.1, "(pi, 0)"))
    assert result2.final_point == pytest.approx((1.0, -1.0), abs=1e-3)


def test_factorial_is_evaluated_without_scipy() -> None:
    parsed = parse_functions("x!")
    f = numeric(parsed.exprs[0], parsed.variables)
    assert f(np.array([3.0, 4.0])).tolist() == pytest.approx([6.0, 24.0])


def test_no_eval_in_the_plotting_code() -> None:
    out = subprocess.run(
        ["git", "grep", "-nE", r"(sympify|parse_expr|eval|exec)\(", "--", "bot/plots"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.stdout == ""
