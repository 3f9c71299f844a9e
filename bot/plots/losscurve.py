"""``/losscurve``: raw line faint, smoothed line bold, NaN/inf marked, diagnosis in the title."""

from __future__ import annotations

import math

import numpy as np

from bot.plots import theme
from bot.plots.diagnosis import diagnose, ema
from bot.plots.errors import PlotError
from bot.plots.lossfile import LossData, Series, parse_loss_file, parse_values
from bot.plots.models import Diagnosis, LossCurveRequest, LossCurveResult

#: Above this many points a series is decimated for drawing (the diagnosis uses all of them).
DRAW_POINTS = 4000
_MAX_MARKERS = 80

_TITLES = {
    "diverging": "Diverging",
    "plateau": "Not learning (flat from the start)",
    "overfitting": "Overfitting",
    "noisy": "Noisy",
    "healthy": "Healthy",
    "unknown": "Too few points to judge",
}


def decimate(x: np.ndarray, y: np.ndarray, target: int = DRAW_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Keep each bucket's min and max (in order), so spikes survive and the line looks the same."""
    n = y.size
    if n <= target:
        return x, y
    buckets = target // 2
    size = math.ceil(n / buckets)
    pad = buckets * size - n
    yy = np.concatenate([y, np.full(pad, np.nan)]).reshape(buckets, size)
    lo = np.argmin(np.where(np.isnan(yy), np.inf, yy), axis=1)
    hi = np.argmax(np.where(np.isnan(yy), -np.inf, yy), axis=1)
    base = np.arange(buckets) * size
    idx = np.unique(np.concatenate([base + lo, base + hi]))
    idx = idx[idx < n]
    return x[idx], y[idx]


def load(request: LossCurveRequest) -> LossData:
    if request.values is not None:
        return parse_values(request.values)
    if not request.data:
        raise PlotError("attach a file (CSV, JSON or a list of numbers) or type values")
    return parse_loss_file(request.filename, request.data)


def _check_smoothing(w: float) -> None:
    if not (isinstance(w, int | float) and math.isfinite(w) and 0 <= w <= 0.99):
        raise PlotError(f"smoothing must be between 0 and 0.99 (got {w})")


def analyse_losscurve(request: LossCurveRequest) -> tuple[Diagnosis, str]:
    """Parse and diagnose without drawing (the text-only path, e.g. the CLI without --out)."""
    _check_smoothing(request.smoothing)
    data = load(request)
    diagnosis = diagnose(data)
    notes = []
    bad = int(sum((~np.isfinite(s.y)).sum() for s in (data.train, data.val) if s is not None))
    if bad:
        notes.append(f"{bad} NaN/inf value{'s' if bad != 1 else ''}")
    return diagnosis, _summary(data, diagnosis.message, notes)


def render_losscurve(request: LossCurveRequest) -> LossCurveResult:
    """Parse, diagnose and draw. Runs in a worker process."""
    w = request.smoothing
    _check_smoothing(w)
    data = load(request)
    diagnosis = diagnose(data)
    fig = theme.new_figure()
    ax = fig.add_subplot()
    theme.style_axes(ax)
    notes: list[str] = []
    series = [(data.train, theme.PALETTE[0], "training loss" if data.val is not None else "loss")]
    if data.val is not None:
        series.append((data.val, theme.VALIDATION, "validation loss"))
    dropped = 0
    bad_x: list[np.ndarray] = []
    finite_all: list[np.ndarray] = []
    for s, colour, label in series:
        y = s.y.copy()
        bad = ~np.isfinite(y)
        if bad.any():
            bad_x.append(s.x[bad])
        if request.log:
            nonpos = np.isfinite(y) & (y <= 0)
            dropped += int(nonpos.sum())
            y[nonpos] = np.nan
        ok = np.isfinite(y)
        finite_all.append(y[ok])
        smooth = ema(y, w)
        rx, ry = decimate(s.x[ok], y[ok])
        if w > 0:
            ax.plot(rx, ry, color=colour, alpha=0.28, linewidth=1.0)
            sx, sy = decimate(s.x[ok], smooth[ok])
            ax.plot(sx, sy, color=colour, linewidth=2.2, label=f"{label} (smoothed {w:g})")
        else:
            ax.plot(rx, ry, color=colour, linewidth=1.8, label=label)
    values = np.concatenate(finite_all) if finite_all else np.array([])
    if request.log:
        ax.set_yscale("log")
        if dropped:
            notes.append(f"{dropped} value{'s' if dropped != 1 else ''} ≤ 0 left out of the log scale")
    if values.size:
        _robust_ylim(ax, values, log=request.log)
    if bad_x:
        xs = np.unique(np.concatenate(bad_x))
        total = int(sum(b.size for b in bad_x))
        if xs.size > _MAX_MARKERS:
            xs = xs[np.linspace(0, xs.size - 1, _MAX_MARKERS).astype(int)]
        ax.plot(
            xs,
            np.full(xs.size, 0.97),
            linestyle="none",
            marker="x",
            markersize=7,
            markeredgewidth=2,
            color=theme.BAD,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            label=f"NaN/inf ({total})",
        )
        notes.append(f"{total} NaN/inf value{'s' if total != 1 else ''} (red ×)")
    if diagnosis.turn is not None:
        ax.axvline(diagnosis.turn, color="#57606a", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"val. minimum\n{data.x_label} {diagnosis.turn:g}",
            xy=(diagnosis.turn, 0.9),
            xycoords=("data", "axes fraction"),
            xytext=(6, 0),
            textcoords="offset points",
            color=theme.FOREGROUND,
            fontsize=10,
        )
    ax.set_xlabel(data.x_label if data.x_label != "index" else "step (index)")
    ax.set_ylabel("loss" + (" (log scale)" if request.log else ""))
    title = _TITLES.get(diagnosis.kind, diagnosis.kind)
    if diagnosis.turn is not None:
        title += f" after {data.x_label} {diagnosis.turn:g}"
    ax.set_title(title, fontsize=14, loc="left")
    legend = ax.legend(loc="best", frameon=True, fontsize=10)
    legend.get_frame().set_facecolor(theme.BACKGROUND)
    theme.layout(fig, title_lines=1)
    png = theme.to_png(fig)
    summary = _summary(data, diagnosis.message, notes)
    return LossCurveResult(png, diagnosis, summary)


def _robust_ylim(ax: object, values: np.ndarray, *, log: bool) -> None:
    """Full range unless a few spikes would squash the curve (then the 99.5th percentile)."""
    lo, hi = float(values.min()), float(values.max())
    p_hi = float(np.percentile(values, 99.5)) if values.size > 200 else hi
    p_lo = float(np.percentile(values, 0.5)) if values.size > 200 else lo
    if hi - lo > 3 * max(p_hi - p_lo, 1e-300):
        hi = p_hi + 0.3 * (p_hi - p_lo)
    if log:
        lo, hi = max(lo, 1e-300), max(hi, lo * 10)
        ax.set_ylim(lo / 1.3, hi * 1.3)  # type: ignore[attr-defined]
        return
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-3)
    ax.set_ylim(lo - pad, hi + pad)  # type: ignore[attr-defined]


def _summary(data: LossData, message: str, notes: list[str]) -> str:
    def stats(s: Series) -> str:
        ok = np.isfinite(s.y)
        if not ok.any():
            return f"{s.y.size:,} points, none finite"
        i = int(np.argmin(np.where(ok, s.y, np.inf)))
        last = s.y[ok][-1]
        return f"{s.y.size:,} points, min {s.y[i]:.4g} at {data.x_label} {s.x[i]:g}, last {last:.4g}"

    lines = [message, f"training: {stats(data.train)}" if data.val is not None else stats(data.train)]
    if data.val is not None:
        lines.append(f"validation: {stats(data.val)}")
    lines.extend(notes)
    return "\n".join(lines)
