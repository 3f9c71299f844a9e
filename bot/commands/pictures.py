"""/plot, /gd, /losscurve, /tex and "Render math": pictures drawn in the worker pool.

Each command first checks its options (cheap, no I/O) and refuses bad ones privately at once; then
it defers publicly (a cold worker may need a second or two) and follows up with the picture. A
mistake found while drawing (bad expression, malformed file, too slow) is told privately.
"""

from __future__ import annotations

from bot.commands.spec import Defer, Option, Spec, text
from bot.plots.models import GD_MAX_STEPS
from bot.services import pictures as p
from bot.services.limits import DEFAULT_COOLDOWNS

PUBLIC = Defer(private=False)


def _picture(name: str, description: str, call, options, precheck) -> Spec:  # type: ignore[no-untyped-def]
    return Spec(
        name,
        description,
        call,
        options,
        defer=PUBLIC,
        guild_only=False,
        precheck=precheck,
        cooldown=DEFAULT_COOLDOWNS[name],  # the limiter's: Discord and the console count the same uses
    )


def _render_precheck(values: dict[str, object]) -> None:
    """Refuse, before any defer, a message with no maths or too long to draw (a Discord message can
    be 4,000 characters, more than the option's bound)."""
    p.math_source(str(values["text"] or ""))


SPECS = (
    _picture(
        "plot",
        "Plot f(x) [; g(x) ...] (up to 5), or contours of f(x, y).",
        lambda ctx, **o: ctx.services.pictures.plot(ctx.actor, **o),
        (
            text(
                "expr",
                "e.g. sin(x); x^2/10 or sigmoid(x); relu(x); gelu(x) (up to 5, by ;) or x^2 + y^2",
                p.MAX_EXPR_CHARS,
                required=True,
            ),
            Option("x_min", "number", "Left end of the x range (default: chosen for you)"),
            Option("x_max", "number", "Right end of the x range"),
            Option("y_min", "number", "Bottom of the y range (default: fitted to the curves)"),
            Option("y_max", "number", "Top of the y range"),
            Option("derivative", "boolean", "Also draw each derivative, dashed", default=False),
        ),
        lambda o: p.plot_request(**o),
    ),
    _picture(
        "gd",
        "Run gradient descent on f(x) or f(x, y) and draw its path.",
        lambda ctx, **o: ctx.services.pictures.gd(ctx.actor, **o),
        (
            text(
                "expr",
                "The function to minimise, e.g. x^4 - 3x^2 + x or x^2 + 10y^2",
                p.MAX_EXPR_CHARS,
                required=True,
            ),
            Option("lr", "number", "Learning rate (step size), e.g. 0.1", required=True),
            text("start", "Starting point: x0, or (x0, y0) for f(x, y)", p.MAX_START_CHARS, required=True),
            Option(
                "steps",
                "integer",
                f"Most steps to take (1-{GD_MAX_STEPS}, default 50)",
                min_value=1,
                max_value=GD_MAX_STEPS,
            ),
        ),
        lambda o: p.gd_request(**o),
    ),
    _picture(
        "losscurve",
        "Draw a training-loss curve and diagnose it.",
        lambda ctx, file, **o: ctx.services.pictures.losscurve(ctx.actor, file, **o),
        (
            Option(
                "file",
                "attachment",
                "CSV (TensorBoard, Lightning, any step/loss/val_loss), Keras history JSON or numbers",
            ),
            text("values", "Or type the losses: 2.3, 1.9, 1.6, 1.4 ...", p.MAX_VALUES_CHARS),
            Option(
                "smoothing",
                "number",
                "EMA smoothing weight 0-0.99, like TensorBoard's slider (default: chosen for the noise)",
                min_value=0.0,
                max_value=p.MAX_SMOOTHING,
            ),
            Option("log", "boolean", "Log-scale y axis (default: when the loss spans more than two decades)"),
        ),
        # The size comes from the attachment's metadata: nothing is downloaded before this check.
        lambda o: p.check_losscurve_options(
            filename=o["file"].filename if o["file"] else None,
            size=o["file"].size if o["file"] else None,
            values=o["values"],
            smoothing=o["smoothing"],
        ),
    ),
    _picture(
        "tex",
        "Render a LaTeX formula as an image.",
        lambda ctx, latex: ctx.services.pictures.tex(ctx.actor, latex),
        (
            text(
                "latex",
                "The formula, e.g. \\frac{\\partial L}{\\partial w} = x (y - \\hat{y})",
                p.MAX_LATEX_CHARS,
                required=True,
            ),
        ),
        lambda o: p.tex_source(o["latex"]),
    ),
    # "Render math" on any message (right-click -> Apps); `/render TEXT` in the console. The image is
    # for the one who asked: it is their reading aid, not a post.
    Spec(
        "render",
        "Draw a message's maths as an image only you see (Discord: right-click it, Apps, Render math).",
        lambda ctx, text: ctx.services.pictures.render_math(ctx.actor, text),
        (text("text", "The message text with its formulas", p.MAX_RENDER_CHARS, required=True),),
        defer=Defer(private=True),
        guild_only=False,
        precheck=_render_precheck,
        menu="Render math",
    ),
)
