"""Prompt data can't set a tolerance the checker would refuse: the same ranges as `studybot check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import ContentError, load_content


@pytest.mark.parametrize(
    ("tolerance", "message"),
    [
        ("{rel_tol: 1.0e+308}", "tolerance.rel_tol must be more than 0 and at most 0.5"),
        ("{rel_tol: 0}", "tolerance.rel_tol must be more than 0"),
        ("{rel_tol: .nan}", "tolerance.rel_tol must be a finite number"),
        ("{abs_tol: .inf}", "tolerance.abs_tol must be a finite number"),
        ("{abs_tol: -0.1}", "tolerance.abs_tol must be from 0 to 1"),
        ("{abs_tol: 5}", "tolerance.abs_tol must be from 0 to 1"),
        ("{sig_figs: 0}", "tolerance.sig_figs must be a whole number from 1 to 15"),
        ("{sig_figs: 16}", "tolerance.sig_figs must be a whole number from 1 to 15"),
        ("{sig_figs: 2.5}", "tolerance.sig_figs must be a whole number"),
        ("{rel_tol: x}", "tolerance.rel_tol must be a number"),
    ],
)
def test_out_of_range_tolerances_are_named(good_copy: Path, tolerance: str, message: str) -> None:
    path = good_copy / "prompts" / "bayes.yaml"
    text = path.read_text()
    path.write_text(text.replace("tolerance: {rel_tol: 0.01}", f"tolerance: {tolerance}", 1))
    with pytest.raises(ContentError) as info:
        load_content(good_copy)
    assert info.value.id == "bayes-base-rate" and message in info.value.message


@pytest.mark.parametrize("tolerance", ["{rel_tol: 0.5}", "{abs_tol: 0}", "{abs_tol: 1}", "{sig_figs: 15}"])
def test_the_ends_of_each_range_are_allowed(good_copy: Path, tolerance: str) -> None:
    path = good_copy / "prompts" / "bayes.yaml"
    path.write_text(path.read_text().replace("tolerance: {rel_tol: 0.01}", f"tolerance: {tolerance}", 1))
    assert "bayes-base-rate" in {p.id for p in load_content(good_copy).prompts.values()}
