"""Pictures: function plots, gradient-descent paths, loss curves and LaTeX images.

This package is import-light on purpose: the bot imports it at start-up, while numpy,
sympy and matplotlib are only imported inside the worker processes that render.
Entry points (all module-level, picklable arguments and results):

- ``bot.plots.function_plot.render_plot(PlotRequest) -> PlotImage``
- ``bot.plots.gd_plot.render_gd(GDRequest) -> GDResult``
- ``bot.plots.losscurve.render_losscurve(LossCurveRequest) -> LossCurveResult``
- ``bot.plots.tex.render_tex(str) -> TexImage`` / ``render_statement(str) -> TexImage``

Request/result types live in ``bot.plots.models`` and errors in ``bot.plots.errors``;
both are cheap to import.
"""

from __future__ import annotations
