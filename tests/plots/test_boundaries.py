"""What the rest of the bot relies on: cheap imports and picklable worker arguments/results."""

from __future__ import annotations

import pickle
import subprocess
import sys

import sympy

from bot.plots.function_plot import render_plot
from bot.plots.gd_plot import run_and_draw
from bot.plots.gradient_descent import make_problem
from bot.plots.losscurve import render_losscurve
from bot.plots.models import GDRequest, LossCurveRequest, PlotRequest
from bot.plots.tex import render_tex


def test_light_modules_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys, bot.plots, bot.plots.models, bot.plots.errors, bot.plots.cli;"
        "print(sorted(m for m in ('matplotlib', 'sympy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_requests_and_results_pickle() -> None:
    x = sympy.Symbol("x")
    objects = [
        PlotRequest("sin(x)", -1, 1, None, None, True),
        GDRequest("x^2", 0.1, "(1)", 20),
        LossCurveRequest("m.csv", b"step,loss\n1,2\n", None, 0.5, True),
        render_plot(PlotRequest("x^2", -2, 2)),
        run_and_draw(make_problem(x**2, (x,)), (1.0,), 0.1, 5),
        render_losscurve(LossCurveRequest(values="3 2 1.5 1.2 1.1 1.05")),
        render_tex("x^2"),
    ]
    for obj in objects:
        assert pickle.loads(pickle.dumps(obj)) == obj
