"""Tolerance settings are range-checked where the checker builds them, not only at the edges."""

from __future__ import annotations

import pytest

from bot.maths.checker import CheckOptions, check
from bot.maths.compare import Tolerance


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"rel_tol": 1e308}, "rel_tol"),
        ({"rel_tol": 0.0}, "rel_tol"),
        ({"rel_tol": float("nan")}, "rel_tol"),
        ({"abs_tol": -1.0}, "abs_tol"),
        ({"abs_tol": float("inf")}, "abs_tol"),
        ({"sig_figs": 0}, "sig_figs"),
        ({"sig_figs": 99}, "sig_figs"),
        ({"sig_figs": True}, "sig_figs"),
    ],
)
def test_check_options_refuse_tolerances_that_would_pass_anything(settings: dict, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        CheckOptions(**settings)


@pytest.mark.parametrize(
    "fields", [{"rel": 1e308}, {"abs": 1e308}, {"abs": float("nan")}, {"sig_figs": 0}, {"sig_figs": -3}]
)
def test_tolerance_itself_is_guarded(fields: dict) -> None:
    with pytest.raises(ValueError):
        Tolerance(**fields)


def test_in_range_tolerances_still_decide() -> None:
    assert check("1", "2", CheckOptions(sig_figs=1)).status == "incorrect"
    assert check("x^2", "y", CheckOptions(rel_tol=0.5, abs_tol=1.0)).status == "incorrect"
    assert check("pi", "3.1", CheckOptions(rel_tol=0.02)).status == "correct"
    assert Tolerance(rel=0.0).rel == 0.0  # a derived "exact" tolerance is not an out-of-range setting
