"""Pictures for members: /plot, /gd, /losscurve, /tex, and the daily prompt's formula image.

Adapter-neutral: every use case takes an ``Actor`` and plain values and returns a ``Reply`` whose
PNG is an ``Attachment`` shown inside the embed (``Reply.image``). Option bounds are checked here,
before any work (the ``*_request`` functions are pure, so an adapter may call them first to refuse
bad options before it defers). Drawing runs in the worker pool with a hard time limit, keyed by the
member so one member's burst occupies one worker. Nothing here imports matplotlib, SymPy or numpy.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bot.plots.errors import PlotError
from bot.plots.latex_text import formula_text, readable
from bot.plots.models import (
    GD_DEFAULT_STEPS,
    GD_MAX_STEPS,
    MAX_FUNCTIONS,
    GDRequest,
    LossCurveRequest,
    PlotRequest,
)
from bot.plots.tex import MAX_STATEMENT, has_math
from bot.replies import Attachment, Field, Reply
from bot.services import picture_jobs as jobs
from bot.services.context import Actor, SystemClock, Upload, oversize_message
from bot.services.errors import UserError
from bot.services.limits import MemberLimiter
from bot.workers import WorkerCrashed, WorkerPool, WorkerTimeout

if TYPE_CHECKING:
    from bot.content.loader import ContentBank

log = logging.getLogger(__name__)

T = TypeVar("T")

#: CPU-time limits per picture (a warm worker draws a plot in ~70 ms, 100k loss points in ~300 ms).
PLOT_TIMEOUT = 3.0
GD_TIMEOUT = 3.0
TEX_TIMEOUT = 3.0
LOSSCURVE_TIMEOUT = 5.0

MAX_EXPR_CHARS = 500  # the engine's own limit, checked here before any work
MAX_START_CHARS = 100
MAX_LATEX_CHARS = 1000
MAX_VALUES_CHARS = 4000  # what a member can paste into one option (the console's line limit)
MAX_LR = 1e6
MAX_SMOOTHING = 0.99

_LOSS_TITLES = {
    "diverging": "Loss curve: diverging",
    "plateau": "Loss curve: not learning",
    "overfitting": "Loss curve: overfitting",
    "noisy": "Loss curve: noisy",
    "healthy": "Loss curve: healthy",
    "unknown": "Loss curve: too few points to judge",
}
_LOSS_TONES = {"healthy": "success", "unknown": "info"}
_GD_TONES = {"converged": "success", "diverged": "warning", "oscillating": "warning"}


# --- option checks: pure, cheap, before any work ----------------------------------------------


def _number(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UserError(f"{name} must be a finite number — got {value!r}.")
    return float(value)


def _finite(name: str, value: float | None) -> float | None:
    return None if value is None else _number(name, value)


def _expression(expr: str, *, max_functions: int) -> str:
    text = (expr or "").strip()
    if not text:
        raise UserError("Type a function of x, e.g. `sin(x); x^2/10`.")
    if len(text) > MAX_EXPR_CHARS:
        raise UserError(f"That expression is {len(text)} characters; the limit is {MAX_EXPR_CHARS}.")
    count = sum(1 for part in text.split(";") if part.strip())
    if count > max_functions:
        if max_functions == 1:
            raise UserError("Gradient descent runs on one function: drop the `;`.")
        raise UserError(f"That is {count} functions; at most {max_functions}, separated by `;`.")
    return text


def _range(name: str, lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None and lo >= hi:
        raise UserError(f"{name}_min must be less than {name}_max (got {lo:g} and {hi:g}).")


def plot_request(
    expr: str,
    x_min: float | None = None,
    x_max: float | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    derivative: bool = False,
) -> PlotRequest:
    """The /plot options as an engine request; UserError names the first bad option."""
    text = _expression(expr, max_functions=MAX_FUNCTIONS)
    bounds = {
        name: _finite(name, v)
        for name, v in (("x_min", x_min), ("x_max", x_max), ("y_min", y_min), ("y_max", y_max))
    }
    _range("x", bounds["x_min"], bounds["x_max"])
    _range("y", bounds["y_min"], bounds["y_max"])
    return PlotRequest(
        text, bounds["x_min"], bounds["x_max"], bounds["y_min"], bounds["y_max"], bool(derivative)
    )


def gd_request(expr: str, lr: float, start: str, steps: int | None = None) -> GDRequest:
    """The /gd options as an engine request; UserError names the first bad option."""
    text = _expression(expr, max_functions=1)
    rate = _number("lr", lr)
    if not 0 < rate <= MAX_LR:
        raise UserError(f"lr must be a positive number up to {MAX_LR:g} (e.g. 0.1) — got {lr!r}.")
    where = (start or "").strip()
    if not where:
        raise UserError("start must be a number x0, or (x0, y0) for a function of x and y.")
    if len(where) > MAX_START_CHARS:
        raise UserError(f"start is {len(where)} characters; the limit is {MAX_START_CHARS}.")
    n = GD_DEFAULT_STEPS if steps is None else steps
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= GD_MAX_STEPS:
        raise UserError(f"steps must be a whole number from 1 to {GD_MAX_STEPS} — got {steps!r}.")
    return GDRequest(text, rate, where, n)


def check_upload_size(filename: str, size: int) -> None:
    """Refuse an upload from its metadata alone, before anything is downloaded."""
    too_big = oversize_message(filename, size)
    if too_big:
        raise UserError(
            f"{too_big} Export fewer points (every 10th step is plenty for a curve) or compress the CSV."
        )
    if size == 0:
        raise UserError(f"{filename} is empty: expected loss values (CSV, JSON or a list of numbers).")


def check_losscurve_options(
    *, filename: str | None, size: int | None, values: str | None, smoothing: float | None
) -> float | None:
    """What /losscurve can check before the file is read; returns the smoothing weight to use
    (None: chosen for the curve's noise when it is drawn)."""
    has_file = filename is not None
    if has_file == (values is not None):
        raise UserError(
            "Give exactly one of file (a CSV/JSON export) or values (numbers like `2.3, 1.9, 1.6`)."
        )
    if has_file:
        check_upload_size(filename or "the file", size or 0)
    else:
        text = (values or "").strip()
        if not text:
            raise UserError("values is empty: type numbers such as `2.3, 1.9, 1.6, 1.4`.")
        if len(text) > MAX_VALUES_CHARS:
            raise UserError(
                f"values is {len(text)} characters; the limit is {MAX_VALUES_CHARS}. Attach a file instead."
            )
    if smoothing is None:
        return None  # chosen in the worker for the curve's noise
    weight = _number("smoothing", smoothing)
    if not 0 <= weight <= MAX_SMOOTHING:
        raise UserError(f"smoothing must be between 0 and {MAX_SMOOTHING} — got {smoothing:g}.")
    return weight


def losscurve_request(
    upload: Upload | None = None,
    values: str | None = None,
    smoothing: float | None = None,
    log: bool | None = None,
) -> LossCurveRequest:
    """The /losscurve options as an engine request; UserError names the first bad option."""
    weight = check_losscurve_options(
        filename=upload.filename if upload else None,
        size=len(upload.data) if upload else None,
        values=values,
        smoothing=smoothing,
    )
    if upload is not None:
        return LossCurveRequest(upload.filename, upload.data, None, weight, log)
    return LossCurveRequest(values=(values or "").strip(), smoothing=weight, log=log)


def tex_body(source: str) -> str:
    """The formula without its ``$..$``, ``$$..$$`` or ``\\[..\\]``."""
    s = source.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
            return s[len(left) : len(s) - len(right)].strip()
    return s


def tex_source(latex: str) -> str:
    text = (latex or "").strip()
    if not text:
        raise UserError("Type a formula, e.g. `\\frac{d}{dx} x^2 = 2x`.")
    if len(text) > MAX_LATEX_CHARS:
        raise UserError(f"That formula is {len(text)} characters; the limit is {MAX_LATEX_CHARS}.")
    return text


#: The most of a message "Render math" draws (the formula renderer's own bound).
MAX_RENDER_CHARS = MAX_STATEMENT


def math_source(text: str) -> str:
    """A message's text if it has maths to draw and is not too long; else a clear UserError."""
    text = (text or "").strip()
    if not has_math(text):
        raise UserError(
            "That message has no maths to draw: formulas go between `$` signs, like `$x^2$`,"
            " or `$$..$$`, `\\(..\\)`, `\\[..\\]`."
        )
    if len(text) > MAX_RENDER_CHARS:
        raise UserError(f"That message is {len(text)} characters; at most {MAX_RENDER_CHARS} can be drawn.")
    return text


# --- the use cases ------------------------------------------------------------------------------


def _alt(text: str) -> str:
    """Alt text for the image (Discord shows it to screen readers): the first line, short."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= 300 else first[:297] + "..."


def _picture(filename: str, png: bytes, alt: str) -> tuple[tuple[Attachment, ...], str]:
    return (Attachment(filename, png, _alt(alt)),), filename


class PictureService:
    """Draws pictures in the worker pool; resolves loss-curve resources from the content catalog."""

    def __init__(
        self,
        workers: WorkerPool,
        content: Callable[[], ContentBank] | None = None,
        limits: MemberLimiter | None = None,
    ) -> None:
        self.workers = workers
        self._content = content
        # one heavy task in flight per member, and cooldowns on each picture command
        self.limits = limits or MemberLimiter(SystemClock())

    async def _draw(self, fn: Callable[..., T], arg: Any, *, limit: float, key: int | None, what: str) -> T:
        """Run one engine call in a worker; every failure a member can cause becomes a UserError."""
        try:
            return await self.workers.run(fn, arg, timeout=limit, key=key)
        except PlotError as exc:
            raise UserError(str(exc)) from None
        except WorkerTimeout:
            raise UserError(
                f"That {what} took too long to draw (over {limit:g} s) and was stopped. "
                "Try a narrower range, fewer points or a simpler expression."
            ) from None
        except (WorkerCrashed, MemoryError):
            raise UserError(
                f"Drawing that {what} stopped unexpectedly (usually: it needed more memory than a "
                "picture may use). Try something smaller."
            ) from None
        except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            # numeric corner cases the engine did not word for members: say so, keep the trace for us
            log.warning("%s could not be computed", what, exc_info=exc)
            raise UserError(f"I couldn't compute that {what} ({type(exc).__name__}).") from None

    async def plot(
        self,
        actor: Actor,
        expr: str,
        x_min: float | None = None,
        x_max: float | None = None,
        y_min: float | None = None,
        y_max: float | None = None,
        derivative: bool = False,
    ) -> Reply:
        """/plot: up to five functions of x (derivatives dashed), or contours of f(x, y)."""
        request = plot_request(expr, x_min, x_max, y_min, y_max, derivative)
        with self.limits.heavy(actor.user_id, "plot"):
            image = await self._draw(
                jobs.plot_job, request, limit=PLOT_TIMEOUT, key=actor.user_id, what="plot"
            )
        attachments, name = _picture("plot.png", image.png, f"Plot of {image.summary}")
        return Reply(title="Plot", text=image.summary, attachments=attachments, image=name)

    async def gd(self, actor: Actor, expr: str, lr: float, start: str, steps: int | None = None) -> Reply:
        """/gd: gradient descent drawn with its path, the verdict, the lesson and the iterates."""
        request = gd_request(expr, lr, start, steps)
        with self.limits.heavy(actor.user_id, "gd"):
            result = await self._draw(jobs.gd_job, request, limit=GD_TIMEOUT, key=actor.user_id, what="run")
        text = "\n".join(part for part in (result.verdict, result.lesson) if part)
        text += f"\n```\n{result.table}\n```"
        attachments, name = _picture(
            "gradient-descent.png", result.png, f"Gradient descent: {result.verdict}"
        )
        return Reply(
            title=f"Gradient descent on {request.expr}"[:256],
            text=text,
            attachments=attachments,
            image=name,
            footer=f"lr {request.lr:g} · start {request.start} · at most {request.steps} steps",
            tone=_GD_TONES.get(result.status, "info"),
        )

    async def losscurve(
        self,
        actor: Actor,
        upload: Upload | None = None,
        values: str | None = None,
        smoothing: float | None = None,
        log: bool | None = None,
    ) -> Reply:
        """/losscurve: the curve drawn (raw faint, smoothed bold) with a diagnosis and a resource."""
        request = losscurve_request(upload, values, smoothing, log)
        with self.limits.heavy(actor.user_id, "losscurve"):
            result = await self._draw(
                jobs.losscurve_job, request, limit=LOSSCURVE_TIMEOUT, key=actor.user_id, what="loss curve"
            )
        kind = result.diagnosis.kind
        fields: tuple[Field, ...] = ()
        resource = await self._resource(result.diagnosis.resource)
        if resource is not None:
            fields = (Field("Read more", resource),)
        attachments, name = _picture("loss-curve.png", result.png, f"Loss curve: {result.diagnosis.message}")
        return Reply(
            title=_LOSS_TITLES.get(kind, "Loss curve"),
            text=result.summary,
            fields=fields,
            attachments=attachments,
            image=name,
            tone=_LOSS_TONES.get(kind, "warning"),
        )

    async def tex(self, actor: Actor, latex: str) -> Reply:
        """/tex: a formula drawn with matplotlib's mathtext (no TeX installation)."""
        source = tex_source(latex)
        with self.limits.heavy(actor.user_id, "tex"):
            image = await self._draw(
                jobs.tex_job, source, limit=TEX_TIMEOUT, key=actor.user_id, what="formula"
            )
        # screen readers get the formula as Unicode maths, not its TeX
        attachments, name = _picture("formula.png", image.png, formula_text(tex_body(source)).text)
        return Reply(attachments=attachments, image=name)

    async def render_math(self, actor: Actor, text: str) -> Reply:
        """A message's ``$..$`` maths drawn as one image, with its Unicode reading as the text.

        The engine of a "Render math" message action: any adapter hands it the message text."""
        text = math_source(text)
        with self.limits.heavy(actor.user_id):  # one in flight, like /tex (no cooldown of its own)
            image = await self._draw(
                jobs.statement_job, text, limit=TEX_TIMEOUT, key=actor.user_id, what="formula"
            )
        shown = readable(text).text
        attachments, name = _picture("maths.png", image.png, shown)
        return Reply(text=shown, attachments=attachments, image=name, ephemeral=True)

    async def _resource(self, resource_id: str) -> str | None:
        """'Title — URL' for a catalog id, or None (unknown id, or the catalog failed to load)."""
        try:
            bank = await asyncio.to_thread(self._load_content)
        except Exception:  # the catalog is a nicety here: the diagnosis stands without its link
            log.warning("could not load the resource catalog", exc_info=True)
            return None
        resource = bank.resources.get(resource_id)
        if resource is None:
            log.warning("loss-curve resource %r is not in the catalog", resource_id)
            return None
        return f"{resource.title} — {resource.url}"

    def _load_content(self) -> ContentBank:
        if self._content is not None:
            return self._content()
        from bot.content import load_content

        return load_content()
