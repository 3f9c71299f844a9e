"""Synthetic loss curves of each kind, seeded, for the diagnosis tests."""

from __future__ import annotations

import numpy as np

from bot.plots.lossfile import LossData, Series


def _data(y: np.ndarray, val: np.ndarray | None = None, unit: str = "step") -> LossData:
    x = np.arange(y.size, dtype=float)
    v = Series("val_loss", np.arange(val.size, dtype=float), val) if val is not None else None
    return LossData(Series("loss", x, y), v, unit)


def healthy(n: int = 2000, seed: int = 0) -> LossData:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    trend = 2.0 * np.exp(-t / (n / 5)) + 0.2
    return _data(trend * (1 + 0.03 * rng.standard_normal(n)))


def diverging(n: int = 500, seed: int = 1) -> LossData:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return _data(1.0 * np.exp(t / (n / 3)) + 0.02 * rng.standard_normal(n))


def fall_then_blow_up(n: int = 1000, seed: int = 2) -> LossData:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 2.0 * np.exp(-t / 100) + 0.3 + np.where(t > 600, (t - 600) / 100.0, 0.0) ** 2
    return _data(y * (1 + 0.02 * rng.standard_normal(n)))


def with_nan(n: int = 800, nan_from: int = 500, seed: int = 3) -> LossData:
    data = healthy(n, seed)
    y = data.train.y.copy()
    y[nan_from:] = np.nan
    y[nan_from + 5] = np.inf
    return _data(y)


def plateau(n: int = 1000, seed: int = 4) -> LossData:
    rng = np.random.default_rng(seed)
    return _data(2.302 + 0.01 * rng.standard_normal(n))  # ln(10): 10 classes, chance level


def overfitting(epochs: int = 60, turn: int = 25, seed: int = 5) -> LossData:
    """Per-epoch curves; validation loss is lowest at epoch ``turn``."""
    rng = np.random.default_rng(seed)
    t = np.arange(epochs, dtype=float)
    train = 1.5 * np.exp(-t / 12) + 0.05 + 0.005 * rng.standard_normal(epochs)
    falling = 0.9 * (np.exp(-t / 8) - np.exp(-turn / 8))
    val = 0.6 + np.where(t <= turn, falling, 0.002 * (t - turn) ** 2)
    val += 0.002 * rng.standard_normal(epochs)
    return _data(train, val, unit="epoch")


def noisy(n: int = 2000, seed: int = 6) -> LossData:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    trend = 1.0 * np.exp(-t / (n / 5)) + 0.4
    return _data(trend + 0.35 * rng.standard_normal(n))
