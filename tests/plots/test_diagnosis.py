"""The diagnosis on synthetic curves of each kind, the smoothing, and the drawing limits."""

from __future__ import annotations

import numpy as np
import pytest

from bot.plots.diagnosis import RESOURCES, diagnose, ema
from bot.plots.errors import PlotError
from bot.plots.losscurve import DRAW_POINTS, analyse_losscurve, decimate, render_losscurve
from bot.plots.lossfile import LossData, Series
from bot.plots.models import LossCurveRequest
from tests.plots import curves
from tests.plots.helpers import check_picture

ALLOWED_RESOURCES = {"dlbook-ch8", "dlbook-ch5", "mit-18-650", "dlbook-ch6", "cs231n-backprop"}


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (curves.healthy, "healthy"),
        (curves.diverging, "diverging"),
        (curves.fall_then_blow_up, "diverging"),
        (curves.with_nan, "diverging"),
        (curves.plateau, "plateau"),
        (curves.overfitting, "overfitting"),
        (curves.noisy, "noisy"),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_kind_is_recognised(make, kind: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    d = diagnose(make(seed=seed))
    assert d.kind == kind, d.message
    assert d.resource in ALLOWED_RESOURCES


def test_overfitting_names_the_turn() -> None:
    for turn in (15, 25, 40):
        d = diagnose(curves.overfitting(turn=turn))
        assert d.kind == "overfitting" and d.turn is not None
        assert abs(d.turn - turn) <= 2
        assert f"epoch {d.turn:g}" in d.message


def test_messages_say_what_to_try() -> None:
    assert "learning rate too high" in diagnose(curves.diverging()).message.lower()
    nan = diagnose(curves.with_nan(nan_from=500))
    assert "NaN/inf at step 500" in nan.message and "300 non-finite" in nan.message
    flat = diagnose(curves.plateau()).message
    assert "not learning" in flat and "learning rate" in flat and "labels" in flat
    assert "batch size" in diagnose(curves.noisy()).message


def test_validation_without_overfitting_is_healthy() -> None:
    data = curves.healthy()
    val = Series("val_loss", data.train.x[::100], data.train.y[::100] + 0.05)
    assert diagnose(LossData(data.train, val, "step")).kind == "healthy"


def test_smooth_curve_over_many_decades_is_not_noisy() -> None:
    t = np.arange(400.0)
    d = diagnose(LossData(Series("loss", t, 1e6 * np.exp(-t / 50) + 1), None, "step"))
    assert d.kind == "healthy", d.message


def test_too_few_points() -> None:
    d = diagnose(LossData(Series("loss", np.arange(3.0), np.array([1.0, 0.9, 0.8])), None, "index"))
    assert d.kind == "unknown" and "too few" in d.message


def test_every_kind_has_an_allowed_resource() -> None:
    assert set(RESOURCES.values()) <= ALLOWED_RESOURCES


def test_ema_is_tensorboards_debiased_smoothing() -> None:
    y = np.random.default_rng(0).random(700)
    w, last, expected = 0.8, 0.0, []
    for i, v in enumerate(y):
        last = last * w + (1 - w) * v
        expected.append(last / (1 - w ** (i + 1)))
    assert np.allclose(ema(y, w), expected)
    assert np.array_equal(ema(y, 0), y)
    with_nan = y.copy()
    with_nan[5] = np.nan
    s = ema(with_nan, w)
    assert np.isnan(s[5]) and np.isfinite(np.delete(s, 5)).all()


def test_decimation_keeps_extremes_and_bounds_size() -> None:
    rng = np.random.default_rng(1)
    y = rng.standard_normal(200_000)
    y[123_457] = 50.0
    y[77_777] = -50.0
    x = np.arange(y.size, dtype=float)
    dx, dy = decimate(x, y)
    assert dy.size <= DRAW_POINTS
    assert dy.max() == 50.0 and dy.min() == -50.0
    assert (np.diff(dx) > 0).all()


def test_long_series_draws_and_diagnoses_all_points() -> None:
    n = 150_000
    t = np.arange(n)
    y = 2 * np.exp(-t / 30_000) + 0.1 + 0.01 * np.random.default_rng(2).standard_normal(n)
    y[-3:] = np.nan  # only the very end: the diagnosis must see it
    values = "\n".join(f"{v:.5f}" for v in y)
    result = render_losscurve(LossCurveRequest(values=values))
    check_picture(result.png)
    assert result.diagnosis.kind == "diverging" and "3 non-finite" in result.diagnosis.message
    assert "3 NaN/inf values" in result.summary


def test_smoothing_and_log_options() -> None:
    with pytest.raises(PlotError, match=r"smoothing must be between 0 and 0\.99"):
        analyse_losscurve(LossCurveRequest(values="1 2 3", smoothing=1.5))
    result = render_losscurve(LossCurveRequest(values="2 1 0 -1 0.5 0.4 0.3", smoothing=0, log=True))
    assert "2 values ≤ 0 left out of the log scale" in result.summary


def test_nothing_given() -> None:
    with pytest.raises(PlotError, match="attach a file"):
        analyse_losscurve(LossCurveRequest())
