"""/plot, /gd, /losscurve and /tex in the console: pictures saved under --out."""

from __future__ import annotations

from bot.console.registry import Option, command
from bot.console.session import ConsoleContext
from bot.plots.models import GD_MAX_STEPS
from bot.replies import Reply
from bot.services.context import Upload
from bot.services.pictures import MAX_SMOOTHING


@command(
    "plot",
    "Plot f(x) [; g(x) ...] (up to 5), or contours of f(x, y).",
    Option(
        "expr",
        "text",
        required=True,
        description="e.g. sin(x); x^2/10 or sigmoid(x); relu(x); gelu(x) or x^2 + y^2",
    ),
    Option("x_min", "number", description="Left end of the x range"),
    Option("x_max", "number", description="Right end of the x range"),
    Option("y_min", "number", description="Bottom of the y range"),
    Option("y_max", "number", description="Top of the y range"),
    Option("derivative", "boolean", description="Also draw each derivative, dashed"),
)
async def plot_command(
    ctx: ConsoleContext,
    expr: str,
    x_min: float | None = None,
    x_max: float | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    derivative: bool = False,
) -> Reply:
    return await ctx.services.pictures.plot(ctx.actor, expr, x_min, x_max, y_min, y_max, derivative)


@command(
    "gd",
    "Run gradient descent on f(x) or f(x, y) and draw its path.",
    Option("expr", "text", required=True, description="The function to minimise"),
    Option("lr", "number", required=True, description="Learning rate, e.g. 0.1"),
    Option("start", "text", required=True, description="x0, or (x0, y0) for f(x, y)"),
    Option("steps", "integer", description="Most steps to take", min_value=1, max_value=GD_MAX_STEPS),
)
async def gd_command(
    ctx: ConsoleContext, expr: str, lr: float, start: str, steps: int | None = None
) -> Reply:
    return await ctx.services.pictures.gd(ctx.actor, expr, lr, start, steps)


@command(
    "losscurve",
    "Draw a training-loss curve and diagnose it.",
    Option("file", "attachment", description="CSV, Keras history JSON or a list of numbers (a path)"),
    Option("values", "text", description="Or the losses typed: 2.3, 1.9, 1.6 ..."),
    Option(
        "smoothing",
        "number",
        description="EMA weight 0-0.99 (default: chosen for the noise)",
        min_value=0,
        max_value=MAX_SMOOTHING,
    ),
    Option(
        "log", "boolean", description="Log-scale y axis (default: when the loss spans more than two decades)"
    ),
)
async def losscurve_command(
    ctx: ConsoleContext,
    file: Upload | None = None,
    values: str | None = None,
    smoothing: float | None = None,
    log: bool | None = None,
) -> Reply:
    return await ctx.services.pictures.losscurve(ctx.actor, file, values, smoothing, log)


@command(
    "tex",
    "Render a LaTeX formula as an image.",
    Option("latex", "text", required=True, description="e.g. \\frac{d}{dx} x^2 = 2x"),
)
async def tex_command(ctx: ConsoleContext, latex: str) -> Reply:
    return await ctx.services.pictures.tex(ctx.actor, latex)
