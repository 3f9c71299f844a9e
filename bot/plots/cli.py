"""``studybot plot | gd | losscurve``: the same engine from the terminal.

Bad input prints one line on stderr and exits 2 (never a traceback). Numbers are taken as
strings and converted here, so even ``--x-min abc`` gets a one-line message.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

from bot.plots.errors import PlotError
from bot.plots.models import GD_DEFAULT_STEPS, MAX_UPLOAD_BYTES

_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``plot``, ``gd`` and ``losscurve`` to the ``studybot`` argument parser."""
    p = subparsers.add_parser("plot", help="plot f(x) [; g(x) ...] or a contour map of f(x, y)")
    p.add_argument("expr", help="e.g. 'sin(x); x^2/10' (start with a space, ' -x^2', if it begins with '-')")
    for name in ("--x-min", "--x-max", "--y-min", "--y-max"):
        p.add_argument(name, metavar="N")
    p.add_argument("--derivative", action="store_true", help="overlay each derivative, dashed")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.set_defaults(func=_plot)

    g = subparsers.add_parser("gd", help="gradient descent on f(x) or f(x, y), drawn with its path")
    g.add_argument("expr")
    g.add_argument("--lr", required=True, metavar="RATE")
    g.add_argument("--start", required=True, metavar="X0|(X0,Y0)")
    g.add_argument("--steps", default=str(GD_DEFAULT_STEPS), metavar="N")
    g.add_argument("--out", required=True, metavar="FILE.png")
    g.set_defaults(func=_gd)

    c = subparsers.add_parser("losscurve", help="draw and diagnose a training-loss curve")
    c.add_argument("file", help="CSV, JSON or a list of numbers (TensorBoard, Lightning, Keras exports)")
    c.add_argument("--smoothing", default="0.6", metavar="W", help="EMA weight 0..0.99 (default 0.6)")
    c.add_argument("--log", action="store_true", help="log-scale y axis")
    c.add_argument("--out", metavar="FILE.png", help="also save the picture")
    c.set_defaults(func=_losscurve)


def _number(value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except ValueError:
        raise PlotError(f"{option}: expected a number, got '{value}'") from None
    if not math.isfinite(v):
        raise PlotError(f"{option}: expected a finite number, got '{value}'")
    return v


def _run(command: str, args: argparse.Namespace, body: Callable[[argparse.Namespace], int]) -> int:
    try:
        return body(args)
    except PlotError as exc:
        message = str(exc)
    except OSError as exc:
        message = f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
    except (ValueError, TypeError, ArithmeticError, RecursionError, MemoryError) as exc:
        message = f"could not compute this ({type(exc).__name__}: {exc})"
    first = message.splitlines()[0] if message else "failed"
    print(f"studybot {command}: {first}", file=sys.stderr)
    return _BAD_INPUT


def _write(path: str, png: bytes) -> None:
    Path(path).write_bytes(png)


def _plot(args: argparse.Namespace) -> int:
    def body(a: argparse.Namespace) -> int:
        from bot.plots.function_plot import render_plot
        from bot.plots.models import PlotRequest

        request = PlotRequest(
            a.expr,
            _number(a.x_min, "--x-min"),
            _number(a.x_max, "--x-max"),
            _number(a.y_min, "--y-min"),
            _number(a.y_max, "--y-max"),
            a.derivative,
        )
        image = render_plot(request)
        _write(a.out, image.png)
        print(image.summary)
        print(f"[attachment] {a.out}")
        return 0

    return _run("plot", args, body)


def _gd(args: argparse.Namespace) -> int:
    def body(a: argparse.Namespace) -> int:
        from bot.plots.gd_plot import render_gd
        from bot.plots.models import GDRequest

        lr = _number(a.lr, "--lr")
        steps_f = _number(a.steps, "--steps")
        if steps_f is None or steps_f != int(steps_f):
            raise PlotError(f"--steps: expected a whole number, got '{a.steps}'")
        result = render_gd(GDRequest(a.expr, float(lr or 0.0), a.start, int(steps_f)))
        _write(a.out, result.png)
        print(result.verdict)
        if result.lesson:
            print(result.lesson)
        print(result.table)
        print(f"[attachment] {a.out}")
        return 0

    return _run("gd", args, body)


def _losscurve(args: argparse.Namespace) -> int:
    def body(a: argparse.Namespace) -> int:
        from bot.plots.losscurve import analyse_losscurve, render_losscurve
        from bot.plots.models import LossCurveRequest

        smoothing = _number(a.smoothing, "--smoothing")
        path = Path(a.file)
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise PlotError(
                f"file too large ({size / 1e6:.1f} MB): at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        request = LossCurveRequest(path.name, path.read_bytes(), None, float(smoothing or 0.0), a.log or None)
        if a.out:
            result = render_losscurve(request)
            _write(a.out, result.png)
            print(result.summary)
            print(f"[attachment] {a.out}")
        else:
            _, summary = analyse_losscurve(request)
            print(summary)
        return 0

    return _run("losscurve", args, body)
