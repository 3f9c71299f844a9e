"""Requests and results that cross the worker-process boundary.

Plain frozen dataclasses of str/float/int/bytes/tuples so they pickle cheaply; no heavy imports.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Largest loss-curve upload accepted, in bytes.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Most points a loss-curve upload may hold (all series together).
MAX_POINTS = 1_000_000
#: Most functions in one ``/plot``.
MAX_FUNCTIONS = 5
#: Default and maximum number of gradient-descent steps.
GD_DEFAULT_STEPS = 50
GD_MAX_STEPS = 1000


@dataclass(frozen=True, slots=True)
class PlotRequest:
    """``/plot``: ``expr`` is ``f(x)[; g(x) ...]`` (or one ``f(x, y)``) as the member typed it."""

    expr: str
    x_min: float | None = None
    x_max: float | None = None
    y_min: float | None = None
    y_max: float | None = None
    derivative: bool = False


@dataclass(frozen=True, slots=True)
class PlotImage:
    """A rendered PNG and a short text to send with it."""

    png: bytes
    summary: str


@dataclass(frozen=True, slots=True)
class GDRequest:
    """``/gd``: ``start`` is the text the member typed (``x0`` or ``(x0, y0)``)."""

    expr: str
    lr: float
    start: str
    steps: int = GD_DEFAULT_STEPS


@dataclass(frozen=True, slots=True)
class GDResult:
    """Outcome of a gradient-descent run.

    ``status`` is one of ``converged | diverged | oscillating | moving``; ``verdict`` is the
    plain sentence ("converged to x ≈ 1.000 in 23 steps"), ``lesson`` what to learn from it,
    ``table`` a monospace table of the first and last iterates.
    """

    png: bytes
    status: str
    verdict: str
    lesson: str
    table: str
    steps_run: int
    final_point: tuple[float, ...]

    @property
    def summary(self) -> str:
        return f"{self.verdict}\n{self.lesson}\n```\n{self.table}\n```"


@dataclass(frozen=True, slots=True)
class LossCurveRequest:
    """``/losscurve``: either an uploaded file (``filename`` + ``data``) or typed ``values``."""

    filename: str = ""
    data: bytes = b""
    values: str | None = None
    smoothing: float | None = None  # None: chosen for the curve's noise (auto_smoothing)
    log: bool | None = None  # None: a log axis when the loss spans more than two decades


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What a loss curve says. ``kind``: diverging | plateau | overfitting | noisy | healthy.

    ``resource`` is a catalog id the adapter turns into a link; ``turn`` is the step/epoch
    where validation loss started rising (overfitting only).
    """

    kind: str
    message: str
    resource: str
    turn: float | None = None


@dataclass(frozen=True, slots=True)
class LossCurveResult:
    png: bytes
    diagnosis: Diagnosis
    summary: str


@dataclass(frozen=True, slots=True)
class TexImage:
    """A rendered formula/statement (a formula that cannot be drawn raises PlotError instead)."""

    png: bytes
    warnings: tuple[str, ...] = ()
