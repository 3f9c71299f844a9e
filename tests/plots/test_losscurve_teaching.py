"""/losscurve pictures that teach: a log axis when the loss spans decades (and saying so), smoothing
that follows the noise, and a reply that states start, minimum (with its step) and end."""

from __future__ import annotations

import numpy as np

from bot.plots.losscurve import auto_smoothing, log_span, render_losscurve
from bot.plots.models import LossCurveRequest


def _values(y: np.ndarray) -> str:
    return ", ".join(f"{v:.6g}" for v in y)


def test_a_loss_spanning_decades_gets_a_log_axis_and_says_so() -> None:
    y = np.concatenate([np.geomspace(2.3, 0.02, 60), np.geomspace(0.02, 900, 40)])
    result = render_losscurve(LossCurveRequest(values=_values(y)))
    assert "log scale: the loss spans 4.7 decades" in result.summary
    # asked for linear: kept linear, and nothing is claimed
    linear = render_losscurve(LossCurveRequest(values=_values(y), log=False))
    assert "log scale" not in linear.summary


def test_a_loss_within_two_decades_stays_linear() -> None:
    y = np.geomspace(2.3, 0.05, 80)  # 1.66 decades
    assert "log scale" not in render_losscurve(LossCurveRequest(values=_values(y))).summary


def test_noise_dips_near_a_floor_do_not_make_a_log_axis() -> None:
    # a healthy run 2.2 -> 0.2 (one decade) whose noise dips to ~0.02 a few times in 5,000 steps
    rng = np.random.default_rng(0)
    steps = np.arange(5000)
    y = 2.0 * np.exp(-steps / 1000) + 0.2 + 0.05 * rng.standard_normal(steps.size)
    y[[4100, 4500, 4900]] = 0.02
    assert np.log10(y.max() / y[y > 0].min()) > 2  # the extremes alone would say two decades
    assert "log scale" not in render_losscurve(LossCurveRequest(values=_values(y))).summary
    # a long run that really spans decades still gets one
    decay = 3.0 * np.exp(-steps / 400) + 0.001
    assert "log scale" in render_losscurve(LossCurveRequest(values=_values(decay))).summary


def test_log_span_ignores_non_positive_and_non_finite() -> None:
    assert log_span(np.array([0.0, -1.0, np.nan, 1.0, 1000.0])) == 3.0
    assert log_span(np.array([1.0])) == 0.0


def test_smoothing_follows_the_noise() -> None:
    rng = np.random.default_rng(7)
    steps = np.arange(2000)
    trend = 0.5 + 2.0 * np.exp(-steps / 400)
    clean = auto_smoothing(trend + rng.normal(0, 0.002, steps.size))
    noisy = auto_smoothing(trend + rng.normal(0, 0.4, steps.size))
    assert clean == 0.6
    assert 0.9 <= noisy <= 0.99
    # short runs are never smoothed past a tenth of their length
    assert auto_smoothing(trend[:40] + rng.normal(0, 0.4, 40)) <= 0.75


def test_noisy_run_reply_names_the_chosen_smoothing() -> None:
    rng = np.random.default_rng(3)
    steps = np.arange(1500)
    y = 0.5 + 2.0 * np.exp(-steps / 300) + rng.normal(0, 0.4, steps.size)
    result = render_losscurve(LossCurveRequest(values=_values(y)))
    assert "chosen for the noise of this run" in result.summary
    explicit = render_losscurve(LossCurveRequest(values=_values(y), smoothing=0.6))
    assert "chosen for the noise" not in explicit.summary


def test_reply_states_start_minimum_with_its_step_and_end() -> None:
    result = render_losscurve(LossCurveRequest(values="2.3, 1.9, 1.2, 0.8, 0.9, 1.4, 2.5", smoothing=0))
    assert "7 points: start 2.3, minimum 0.8 at step 3, end 2.5" in result.summary


def test_values_at_or_below_zero_never_switch_to_log_on_their_own() -> None:
    y = np.array([2.0, 1.0, 0.5, 0.001, -0.2, 0.3, 0.2, 0.1])
    assert "log scale" not in render_losscurve(LossCurveRequest(values=_values(y))).summary
