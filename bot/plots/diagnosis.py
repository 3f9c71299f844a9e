"""What a loss curve says, as a pure function of the full series (no drawing here)."""

from __future__ import annotations

import math

import numpy as np

from bot.plots.lossfile import LossData, Series
from bot.plots.models import Diagnosis

# One catalog id per kind (the adapter resolves ids to links):
RESOURCES = {
    "diverging": "dlbook-ch8",  # optimisation: learning rates, instability
    "plateau": "cs231n-backprop",  # gradients that do not flow; sanity checks on a network
    "overfitting": "dlbook-ch5",  # capacity, generalisation, early stopping's rationale
    "noisy": "mit-18-650",  # a minibatch loss is an estimator: its variance shrinks like 1/B
    "healthy": "dlbook-ch6",  # next: what the network and its loss are doing
    "unknown": "dlbook-ch8",
}

_MIN_POINTS = 5


def ema(y: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased EMA: last = last*w + (1-w)*x, divided by 1 - w^n.

    Non-finite values are skipped (the smoothed value there is NaN). Vectorised in blocks (one
    product with a small lower-triangular matrix of powers, then a carry per block) so a million
    points stay fast.
    """
    y = np.asarray(y, dtype=float)
    out = np.full(y.shape, np.nan)
    finite = np.isfinite(y)
    vals = y[finite]
    if weight <= 0 or vals.size == 0:
        out[finite] = vals
        return out
    block = 64  # flops grow with the block, the Python loop below with its count: 64 balances both
    k = np.arange(block)
    powers = weight ** (k[:, None] - k[None, :])
    tri = np.tril(powers) * (1 - weight)
    carry_pow = weight ** (k + 1)
    # Every block smoothed from zero in one matrix product, then each block's start corrected by the
    # carry of the blocks before it: a scalar recurrence over blocks, not over points.
    blocks = -(-vals.size // block)
    padded = np.zeros(blocks * block)
    padded[: vals.size] = vals
    local = padded.reshape(blocks, block) @ tri.T
    carries = [0.0] * blocks
    last, step = 0.0, float(carry_pow[-1])
    for b, block_last in enumerate(local[:, -1].tolist()):  # Python floats: no numpy scalar overhead
        carries[b] = last
        last = block_last + step * last
    smoothed = (local + np.array(carries)[:, None] * carry_pow[None, :]).ravel()[: vals.size]
    # The debiasing 1 - w^n is exactly 1.0 in float64 once w^n < 1e-17: divide only the prefix.
    prefix = min(vals.size, math.ceil(math.log(1e-17) / math.log(weight)))
    smoothed[:prefix] /= 1 - weight ** np.arange(1, prefix + 1, dtype=float)
    out[finite] = smoothed
    return out


def centred_smooth(y: np.ndarray, weight: float) -> np.ndarray:
    """Zero-lag smoothing (forward and backward EMA averaged) so turns are not shifted late."""
    fwd = ema(y, weight)
    bwd = ema(y[::-1], weight)[::-1]
    return (fwd + bwd) / 2


def chunk_medians(y: np.ndarray, chunks: int = 20) -> np.ndarray:
    """Robust trend: the median of each of up to ``chunks`` consecutive pieces."""
    k = max(1, min(chunks, y.size // 3))
    size = y.size // k
    if y.size == size * k:  # equal pieces (the usual case): one vectorised median
        return np.median(y.reshape(k, size), axis=1)
    return np.array([np.median(part) for part in np.array_split(y, k)])


def noise_sigma(y: np.ndarray) -> float:
    """Noise level from second differences (a smooth trend barely moves them), robust to spikes.

    For white noise of level s, a second difference has standard deviation s * sqrt(6).
    """
    if y.size < 4:
        return 0.0
    d2 = np.diff(y, 2)
    return float(1.4826 * np.median(np.abs(d2 - np.median(d2))) / np.sqrt(6))


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def diagnose(data: LossData) -> Diagnosis:
    """diverging | plateau | overfitting | noisy | healthy (unknown: too few points)."""
    train, val, unit = data.train, data.val, data.x_label
    unit_word = "point" if unit == "index" else unit
    bad = _first_nonfinite(train) or (_first_nonfinite(val) if val is not None else None)
    if bad is not None:
        where, count, name = bad
        return Diagnosis(
            "diverging",
            f"diverging: the {name} became NaN/inf at {unit_word} {where:g} ({count} non-finite value"
            f"{'s' if count != 1 else ''}). Learning rate too high? Also check for log(0) or a division "
            "by zero in the loss.",
            RESOURCES["diverging"],
        )
    y = train.y
    if y.size < _MIN_POINTS:
        return Diagnosis(
            "unknown",
            f"only {y.size} value{'s' if y.size != 1 else ''}: too few to say how training is going.",
            RESOURCES["unknown"],
        )
    c = chunk_medians(y)
    start, end, best = float(c[0]), float(c[-1]), float(c.min())
    scale = max(abs(start), abs(end), 1e-12)
    drop = start - end
    rising_tail = int(np.argmin(c)) < len(c) - 2 and end - best > 0.5 * max(start - best, 0.0)
    if end > start + 0.1 * abs(start) or (rising_tail and end - best > 0.1 * scale):
        turn_x = float(np.array_split(train.x, len(c))[int(np.argmin(c))][0])
        how = (
            f"the loss rose from {_fmt(start)} to {_fmt(end)}"
            if end > start + 0.1 * abs(start)
            else f"the loss fell to {_fmt(best)} until about {unit_word} {turn_x:g}, then rose to {_fmt(end)}"
        )
        return Diagnosis(
            "diverging",
            f"diverging: {how}. Learning rate too high? Try it 3-10x smaller, or add warm-up / clipping.",
            RESOURCES["diverging"],
        )
    if abs(drop) < 0.05 * scale and (c.max() - c.min()) < 0.1 * scale:
        return Diagnosis(
            "plateau",
            f"not learning: the loss is flat at about {_fmt(end)} from the start. Check the learning rate "
            "(too small?), the loss function (does it match the outputs?) and the labels (shuffled with "
            "the inputs?). Can the model overfit a single batch?",
            RESOURCES["plateau"],
        )
    over = _overfitting(train, val, unit_word) if val is not None else None
    if over is not None:
        return over
    sigma = noise_sigma(y[y.size // 2 :])  # judged where the loss has settled, against its level there
    if sigma > 0.5 * abs(end) or sigma > 0.35 * max(drop, 1e-12):
        return Diagnosis(
            "noisy",
            f"noisy: step-to-step noise (±{_fmt(sigma)}) is large next to the trend ({_fmt(start)} → "
            f"{_fmt(end)}). Small batch size? A larger batch or a lower learning rate steadies it; the "
            "smoothed line shows the trend.",
            RESOURCES["noisy"],
        )
    still = len(c) >= 4 and (c[-2] - c[-1]) > 0.02 * abs(c[-1])
    return Diagnosis(
        "healthy",
        f"healthy: the loss fell from {_fmt(start)} to {_fmt(end)} ({_how_much(start, end)})"
        + ("; still falling, so more training may help." if still else " and is levelling off."),
        RESOURCES["healthy"],
    )


def _how_much(start: float, end: float) -> str:
    if end > 0 and start / end >= 20:
        return f"{start / end:.0f}x lower"
    return f"{100 * (start - end) / max(abs(start), 1e-12):.0f}% lower"


def _first_nonfinite(series: Series) -> tuple[float, int, str] | None:
    bad = ~np.isfinite(series.y)
    if not bad.any():
        return None
    name = "validation loss" if "val" in series.name.lower() else "loss"
    return float(series.x[int(np.argmax(bad))]), int(bad.sum()), name


def _overfitting(train: Series, val: Series, unit_word: str) -> Diagnosis | None:
    """Validation loss rising (beyond its noise) while training loss keeps falling."""
    vy = val.y
    n = vy.size
    if n < 4:
        return None
    w = 0.5 if n < 50 else min(0.95, 1 - 25 / n)
    vs = centred_smooth(vy, w)
    t = int(np.argmin(vs))
    if t >= n - 2:
        return None
    vmin, vend = float(vs[t]), float(vs[-1])
    rise = vend - vmin
    if rise <= max(0.03 * abs(vmin), 2 * noise_sigma(vy) / np.sqrt(max(1, n - t))):
        return None
    turn = float(val.x[t])
    after = train.y[train.x >= turn]
    if after.size >= 2:
        c = chunk_medians(after, 5)
        if c[-1] > c[0]:
            return None  # training rose too: that is not overfitting
    return Diagnosis(
        "overfitting",
        f"overfitting: validation loss bottomed out at {unit_word} {turn:g} (≈{_fmt(vmin)}) and rose to "
        f"{_fmt(vend)} while training loss kept falling. Stop early around {unit_word} {turn:g}, or add "
        "regularisation (weight decay, dropout, augmentation) or more data.",
        RESOURCES["overfitting"],
        turn=turn,
    )
