"""Contour maps keep one unit the same length on both axes, so circles look like circles."""

from __future__ import annotations

from bot.plots import theme
from bot.plots.function_plot import equal_aspect


def test_comparable_ranges_get_equal_units_and_lopsided_ones_do_not() -> None:
    ax = theme.new_figure().add_subplot()
    assert equal_aspect(ax, (-10, 10), (-10, 10)) and ax.get_aspect() == 1.0
    assert equal_aspect(ax, (-1, 5), (-1, 3)) and ax.get_aspect() == 1.0
    assert not equal_aspect(ax, (-10, 10), (-0.1, 0.1)) and ax.get_aspect() == "auto"
