"""What the worker processes run for /plot, /gd, /losscurve, /tex and daily-prompt images.

These are the module-level (picklable) entry points handed to ``services.workers.run``. The bot
process imports this module without paying for matplotlib or SymPy: the engine modules are imported
inside each function, and the forkserver has already imported them (``WORKER_PRELOAD``), so in a
worker the import is a dictionary lookup. (Also rendering a warm-up figure in the forkserver was
measured: it saves ~40 ms on a worker's first plot only, not worth an import with side effects.)
"""

from __future__ import annotations

from bot.plots.models import (
    GDRequest,
    GDResult,
    LossCurveRequest,
    LossCurveResult,
    PlotImage,
    PlotRequest,
    TexImage,
)


def plot_job(request: PlotRequest) -> PlotImage:
    from bot.plots.function_plot import render_plot

    return render_plot(request)


def gd_job(request: GDRequest) -> GDResult:
    from bot.plots.gd_plot import render_gd

    return render_gd(request)


def losscurve_job(request: LossCurveRequest) -> LossCurveResult:
    from bot.plots.losscurve import render_losscurve

    return render_losscurve(request)


def tex_job(latex: str) -> TexImage:
    from bot.plots.tex import render_tex

    return render_tex(latex)


def statement_job(markdown: str) -> TexImage:
    from bot.plots.tex import render_statement

    return render_statement(markdown)
