"""Golden properties of every kind of picture, and readability on Discord's two themes."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from bot.plots import theme
from bot.plots.expressions import analyse
from bot.plots.function_plot import render_parsed
from bot.plots.gd_plot import run_and_draw
from bot.plots.gradient_descent import make_problem
from bot.plots.losscurve import render_losscurve
from bot.plots.models import LossCurveRequest, PlotRequest
from bot.plots.tex import render_statement, render_tex
from tests.plots.helpers import check_picture, on_background

x, y = sympy.symbols("x y")
DARK, LIGHT = (0x31, 0x33, 0x38), (0xFF, 0xFF, 0xFF)


@pytest.fixture(scope="module")
def pictures() -> dict[str, bytes]:
    values = ", ".join(f"{2 * np.exp(-i / 40) + 0.1:.4f}" for i in range(300))
    return {
        "curves": render_parsed(analyse([sympy.sin(x), x**2 / 10]), PlotRequest("", derivative=True)).png,
        "contour": render_parsed(analyse([sympy.sin(x) * sympy.cos(y) + x**2 / 20]), PlotRequest("")).png,
        "gd": run_and_draw(make_problem(x**4 - 2 * x**2, (x,)), (2.0,), 0.05, 50).png,
        "gd2": run_and_draw(make_problem(x**2 + 10 * y**2, (x, y)), (5.0, 1.0), 0.09, 100).png,
        "loss": render_losscurve(LossCurveRequest(values=values)).png,
    }


@pytest.mark.parametrize("kind", ["curves", "contour", "gd", "gd2", "loss"])
def test_picture_properties(pictures: dict[str, bytes], kind: str) -> None:
    check_picture(pictures[kind])


@pytest.mark.parametrize("kind", ["curves", "loss"])
def test_same_on_dark_and_light_theme(pictures: dict[str, bytes], kind: str) -> None:
    px = check_picture(pictures[kind])
    assert (on_background(px, DARK) == on_background(px, LIGHT)).all()


def test_palette_contrasts_with_the_card() -> None:
    for colour in (*theme.PALETTE, theme.VALIDATION, theme.BAD, theme.FOREGROUND):
        assert theme.contrast_ratio(colour, theme.BACKGROUND) >= 3.0, colour
    assert theme.contrast_ratio(theme.FOREGROUND, theme.BACKGROUND) >= 7.0


def test_card_stands_out_on_the_dark_theme() -> None:
    dark = "#{:02x}{:02x}{:02x}".format(*DARK)
    assert theme.contrast_ratio(theme.BACKGROUND, dark) >= 3.0


def test_curve_colours_are_drawn(pictures: dict[str, bytes]) -> None:
    px = check_picture(pictures["curves"])[..., :3].astype(int)
    for colour in theme.PALETTE[:2]:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(px - rgb).sum(axis=2) < 30).sum() > 500, colour


def test_tex_and_statement_images() -> None:
    tex = render_tex(r"\dfrac{\partial L}{\partial w} = \sum_i (\hat y_i - y_i) x_i")
    px = check_picture(tex.png, size=None)
    assert 100 < px.shape[1] < 1000 and 30 < px.shape[0] < 300
    st = render_statement(
        "Show that $\\sigma'(x) = \\sigma(x)(1-\\sigma(x))$ for the sigmoid.\n\n$$e^{i\\pi}+1=0$$"
    )
    px = check_picture(st.png, size=None)
    assert px.shape[1] == 900 and st.warnings == ()
