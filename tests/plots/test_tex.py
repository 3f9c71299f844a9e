"""Formulas mathtext can draw, the ones it cannot (clear messages), and prompt statements."""

from __future__ import annotations

import pytest

from bot.plots.errors import PlotError
from bot.plots.tex import explain, render_statement, render_tex, translate
from tests.plots.helpers import decode


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\dfrac{1}{2}", r"\frac{1}{2}"),
        (r"\tfrac{a}{b}", r"\frac{a}{b}"),
        (r"x \le y \ne z", r"x \leq y \neq z"),
        (r"\lVert v \rVert", r"\Vert v \Vert"),
        (r"\bigl( x \bigr)", r"( x )"),
        (r"\displaystyle \sum_i x_i", r"\sum_i x_i"),
    ],
)
def test_translations(latex: str, expected: str) -> None:
    assert translate(latex) == expected
    assert explain(translate(latex)) is None


def test_left_right_and_matrices_render() -> None:
    for latex in (
        r"\left(\frac{1}{2}\right)^2",
        r"A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        r"|x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}",
        r"$$\nabla_w L = X^\top (Xw - y)$$",
    ):
        assert decode(render_tex(latex).png).shape[0] > 20


def test_unknown_command_is_named() -> None:
    with pytest.raises(PlotError, match=r"`\\foo` is not supported by the formula renderer"):
        render_tex(r"\foo{x}")
    with pytest.raises(PlotError, match=r"`\\begin\{tikzpicture\}` environment cannot be drawn"):
        render_tex(r"\begin{tikzpicture} x \end{tikzpicture}")


def test_syntax_error_says_what_was_expected() -> None:
    with pytest.raises(PlotError, match="expected a closing `}`"):
        render_tex(r"x^{2")


def test_empty_and_too_long() -> None:
    with pytest.raises(PlotError, match="nothing to render"):
        render_tex("$$")
    with pytest.raises(PlotError, match="too long"):
        render_tex("x+" * 600)


def test_statement_falls_back_to_text_for_bad_formulas() -> None:
    image = render_statement("Compute $\\frac{d}{dx} x^2$ and $\\foo$ (costs \\$5).")
    assert len(image.warnings) == 1 and "\\foo" in image.warnings[0]
    assert decode(image.png).shape[1] == 900


def test_statement_wraps_long_text() -> None:
    short = decode(render_statement("One line with $x^2$.").png)
    long = decode(render_statement(" ".join(["word"] * 120) + " $e^x$").png)
    assert long.shape[0] > 2 * short.shape[0]
