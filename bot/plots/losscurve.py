"""``/losscurve``: raw line faint, smoothed line bold, NaN/inf marked, diagnosis in the title."""

from __future__ import annotations

import math

import numpy as np

from bot.plots import theme
from bot.plots.diagnosis import chunk_medians, diagnose, ema, noise_sigma
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


#: The smoothing a clean curve gets (TensorBoard's default), and the most auto ever picks.
BASE_SMOOTHING = 0.6
MAX_AUTO_SMOOTHING = 0.99
#: A log axis when the largest finite loss is more than this many times the smallest positive one.
LOG_SPAN = 100.0
#: Above this many points the y range and the log decision use percentiles, not the extremes.
_ROBUST_ABOVE = 200


def _check_smoothing(w: float | None) -> None:
    if w is None:
        return
    if not (isinstance(w, int | float) and math.isfinite(w) and 0 <= w <= 0.99):
        raise PlotError(f"smoothing must be between 0 and 0.99 (got {w})")


def auto_smoothing(y: np.ndarray) -> float:
    """The EMA weight that brings the step-to-step noise well under the trend's size.

    An EMA of weight w shrinks white noise by sqrt((1-w)/(1+w)); we ask for noise at most 5% of
    the trend's range, but no lag longer than a tenth of the run (time constant 1/(1-w))."""
    y = y[np.isfinite(y)]
    if y.size < 10:
        return 0.0 if y.size < 5 else BASE_SMOOTHING / 2
    sigma = noise_sigma(y)
    c = chunk_medians(y)
    trend = float(c.max() - c.min())
    if sigma <= 0 or trend <= 0:
        return BASE_SMOOTHING
    q = (0.05 * trend / sigma) ** 2
    needed = (1 - q) / (1 + q)
    longest = 1 - 10 / y.size
    w = min(max(BASE_SMOOTHING, needed), MAX_AUTO_SMOOTHING, max(longest, 0.0))
    return math.floor(w * 100) / 100


def log_span(values: np.ndarray) -> float:
    """Decades between the smallest positive and the largest finite value (0 when none).

    On long runs the 0.5th and 99.5th percentiles stand for the ends, as in the y range: a few
    noisy dips near a loss floor are not decades of training, and must not flip the axis to log."""
    pos = values[np.isfinite(values) & (values > 0)]
    if pos.size < 2:
        return 0.0
    if pos.size > _ROBUST_ABOVE:
        lo, hi = np.percentile(pos, [0.5, 99.5])
        return float(np.log10(hi / lo))
    return float(np.log10(pos.max() / pos.min()))


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
    _check_smoothing(request.smoothing)
    data = load(request)
    diagnosis = diagnose(data)
    fig = theme.new_figure()
    ax = fig.add_subplot()
    theme.style_axes(ax)
    notes: list[str] = []
    w = request.smoothing
    if w is None:
        w = auto_smoothing(data.train.y)
        if w != BASE_SMOOTHING:
            notes.append(f"smoothing {w:g}, chosen for the noise of this run (set smoothing: to change it)")
    use_log = request.log
    if use_log is None:
        everything = np.concatenate([s.y for s in (data.train, data.val) if s is not None])
        decades = log_span(everything)
        # only a loss that stays positive: noise around zero is not a span of decades
        use_log = decades > math.log10(LOG_SPAN) and not (everything[np.isfinite(everything)] <= 0).any()
        if use_log:
            notes.append(
                f"log scale: the loss spans {decades:.1f} decades, which a linear axis flattens"
                " (log:false for a linear one)"
            )
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
        if use_log:
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
    if use_log:
        ax.set_yscale("log")
        if dropped:
            notes.append(f"{dropped} value{'s' if dropped != 1 else ''} ≤ 0 left out of the log scale")
    if values.size:
        _robust_ylim(ax, values, log=use_log)
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
    ax.set_ylabel("loss" + (" (log scale)" if use_log else ""))
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
    p_hi = float(np.percentile(values, 99.5)) if values.size > _ROBUST_ABOVE else hi
    p_lo = float(np.percentile(values, 0.5)) if values.size > _ROBUST_ABOVE else lo
    if hi - lo > 3 * max(p_hi - p_lo, 1e-300):
        hi = p_hi + 0.3 * (p_hi - p_lo)
    if log:
        lo, hi = max(lo, 1e-300), max(hi, lo * 10)
        ax.set_ylim(lo / 1.3, hi * 1.3)  # type: ignore[attr-defined]
        return
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-3)
    ax.set_ylim(lo - pad, hi + pad)  # type: ignore[attr-defined]


def _summary(data: LossData, message: str, notes: list[str]) -> str:
    unit = "step" if data.x_label == "index" else data.x_label

    def stats(s: Series) -> str:
        """Where it started, its lowest point and when, where it ended: the shape in one line."""
        ok = np.isfinite(s.y)
        if not ok.any():
            return f"{s.y.size:,} points, none finite"
        i = int(np.argmin(np.where(ok, s.y, np.inf)))
        first, last = s.y[ok][0], s.y[ok][-1]
        return (
            f"{s.y.size:,} points: start {first:.4g}, minimum {s.y[i]:.4g} at {unit} {s.x[i]:g},"
            f" end {last:.4g}"
        )

    lines = [message, f"training: {stats(data.train)}" if data.val is not None else stats(data.train)]
    if data.val is not None:
        lines.append(f"validation: {stats(data.val)}")
    lines.extend(notes)
    return "\n".join(lines)
