"""Sampling a function for drawing: gaps at poles and holes, and a y-range spikes cannot wreck."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

SAMPLES = 1500
_BISECTIONS = 40

Fn = Callable[[np.ndarray], np.ndarray]


def sample(f: Fn, a: float, b: float, n: int = SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(a, b, n)
    return x, f(x)


def robust_ylim(curves: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """The full range when it is sane; otherwise the 5th..95th percentiles (poles, exp blow-ups).

    None when no curve has a single finite value.
    """
    finite = [c[np.isfinite(c)] for c in curves]
    values = np.concatenate(finite) if finite else np.array([])
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    p_lo, p_hi = (float(v) for v in np.percentile(values, [5, 95]))
    if hi - lo > 1.5 * (p_hi - p_lo) + 1e-12:
        lo, hi = p_lo, p_hi
        pad = 0.15 * (hi - lo)
    else:
        pad = 0.06 * (hi - lo)
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
        mid = (lo + hi) / 2
        half = max(1.0, abs(mid) * 0.1)
        return mid - half, mid + half
    return lo - pad, hi + pad


def break_jumps(f: Fn, x: np.ndarray, y: np.ndarray, span: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Insert a NaN wherever the function really jumps (pole, step) between two samples.

    A big jump between neighbours is only a candidate: steep-but-continuous curves (tanh(100x))
    have them too. Bisecting each candidate interval towards its larger half tells them apart:
    for a continuous function the jump shrinks to nothing, at a pole or a step it does not.
    Returns the new arrays and how many breaks were inserted.
    """
    dy = np.abs(np.diff(y))
    cand = np.flatnonzero(np.isfinite(dy) & (dy > 0.5 * span))
    if cand.size == 0:
        return x, y, 0
    a, b = x[cand].copy(), x[cand + 1].copy()
    ya, yb = y[cand].copy(), y[cand + 1].copy()
    hole = np.zeros(cand.size, dtype=bool)
    for _ in range(_BISECTIONS):
        m = (a + b) / 2
        ym = f(m)
        hole |= ~np.isfinite(ym)
        left = np.abs(ym - ya) >= np.abs(yb - ym)
        b = np.where(left, m, b)
        yb = np.where(left, ym, yb)
        a = np.where(left, a, m)
        ya = np.where(left, ya, ym)
    jump = hole | ~np.isfinite(ya) | ~np.isfinite(yb) | (np.abs(yb - ya) > 0.02 * span)
    idx = cand[jump]
    if idx.size == 0:
        return x, y, 0
    mids = (x[idx] + x[idx + 1]) / 2
    return np.insert(x, idx + 1, mids), np.insert(y, idx + 1, np.nan), int(idx.size)


def prepare(f: Fn, x: np.ndarray, y: np.ndarray, ylim: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Break at jumps, then clamp far-off values so Agg never sees 1e300 (the view is unchanged)."""
    span = ylim[1] - ylim[0]
    x2, y2, _ = break_jumps(f, x, y, span)
    lo, hi = ylim[0] - 5 * span, ylim[1] + 5 * span
    return x2, np.clip(y2, lo, hi)


def finite_extent(x: np.ndarray, curves: Sequence[np.ndarray]) -> tuple[float, float] | None:
    ok = np.zeros(x.size, dtype=bool)
    for c in curves:
        ok |= np.isfinite(c)
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    return float(x[idx[0]]), float(x[idx[-1]])
