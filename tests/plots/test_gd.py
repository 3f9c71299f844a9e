"""Gradient-descent verdicts and lessons (no drawing except one smoke render elsewhere)."""

from __future__ import annotations

import pytest
import sympy

from bot.plots import gradient_descent as gd
from bot.plots.errors import PlotError

x, y = sympy.symbols("x y")


def run(expr: sympy.Expr, start: tuple[float, ...], lr: float, steps: int = 50) -> tuple[gd.Problem, gd.Run]:
    variables = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
    problem = gd.make_problem(expr, variables)
    r = gd.descend(problem, start, lr, steps)
    critical = gd.critical_points(problem, [(-10.0, 10.0)] * len(variables))
    return problem, gd.Run(r.points, r.values, r.grad_norms, r.status, r.reason, r.lr, critical)


@pytest.mark.parametrize("curvature", [2.0, 6.0])
def test_quadratic_critical_learning_rate(curvature: float) -> None:
    expr = curvature / 2 * (x - 1) ** 2
    critical = 2 / curvature
    for lr in (0.3 * critical, 0.9 * critical):
        problem, r = run(expr, (4.0,), lr, steps=200)
        assert r.status == "converged"
        assert gd.verdict(problem, r).startswith("converged to x ≈ 1.000 in ")
        assert f"lr < 2/f'' ≈ {critical:.4g}" in gd.lesson(problem, r)
    for lr in (1.05 * critical, 2 * critical):
        problem, r = run(expr, (4.0,), lr)
        assert r.status == "diverged", gd.verdict(problem, r)
        assert gd.verdict(problem, r).startswith("diverged after ")
    problem, r = run(expr, (4.0,), critical)
    assert r.status == "oscillating"
    assert "oscillating" in gd.verdict(problem, r) and "(1 − lr·f'') = -1" in gd.lesson(problem, r)


def test_diverged_after_n_steps_counts_the_steps() -> None:
    problem, r = run(x**2, (3.0,), 1.5)
    text = gd.verdict(problem, r)
    assert text.startswith(f"diverged after {r.steps} steps") and r.steps < 50


def test_overflow_is_divergence_not_a_crash() -> None:
    problem, r = run(x**4, (3.0,), 1.0)
    assert r.status == "diverged" and "blew up" in r.reason
    assert "At the start f'' ≈ 108" in gd.lesson(problem, r)


def test_still_moving() -> None:
    problem, r = run(x**2, (3.0,), 0.001)
    assert r.status == "moving" and gd.verdict(problem, r).startswith("still moving after 50 steps")


def test_different_starts_reach_different_minima() -> None:
    expr = x**4 - 2 * x**2
    p1, right = run(expr, (2.0,), 0.05, 200)
    p2, left = run(expr, (-0.5,), 0.05, 200)
    assert right.points[-1][0] == pytest.approx(1.0, abs=1e-3)
    assert left.points[-1][0] == pytest.approx(-1.0, abs=1e-3)
    assert [c.kind for c in right.critical] == ["minimum", "maximum", "minimum"]
    lesson = gd.lesson(p1, right)
    assert "2 local minima" in lesson and "reached 1.000" in lesson
    assert "reached -1.000" in gd.lesson(p2, left)


def test_local_not_global_minimum_is_named() -> None:
    problem, r = run(sympy.sin(x) + x**2 / 20, (8.0,), 0.1, 300)
    assert r.status == "converged"
    assert "not the lowest (-1.428)" in gd.lesson(problem, r)


def test_start_on_a_maximum() -> None:
    problem, r = run(x**4 - 2 * x**2, (0.0,), 0.05)
    assert r.status == "converged" and "local maximum, not a minimum" in gd.lesson(problem, r)


def test_two_variables() -> None:
    problem, r = run(x**2 + 10 * y**2, (5.0, 1.0), 0.09, 200)
    assert r.status == "converged"
    assert gd.verdict(problem, r).startswith("converged to (x, y) ≈ (0.000, 0.000)")
    assert "λmax ≈ 20" in gd.lesson(problem, r) and "condition number" in gd.lesson(problem, r)
    problem, r = run(x**2 + 10 * y**2, (5.0, 1.0), 0.11)
    assert r.status == "diverged"
    kinds = sorted(
        c.kind for c in gd.critical_points(gd.make_problem(x**2 - y**2, (x, y)), [(-3, 3), (-3, 3)])
    )
    assert kinds == ["saddle"]


def test_two_variable_wells() -> None:
    problem, r = run((x**2 - 1) ** 2 + y**2, (-0.5, 1.0), 0.1, 200)
    assert r.points[-1][0] == pytest.approx(-1.0, abs=1e-3)
    assert "2 local minima" in gd.lesson(problem, r)


def test_table_shows_first_and_last_rows() -> None:
    problem, r = run(x**2, (3.0,), 0.1, 200)
    lines = gd.table(problem, r).splitlines()
    assert lines[0].split() == ["step", "x", "f", "|grad|"]
    assert lines[1].split()[0] == "0" and lines[6].strip() == "..." and lines[-1].split()[0] == str(r.steps)


def test_start_parsing_and_settings() -> None:
    assert gd.parse_start(" (1, -2.5) ", 2) == (1.0, -2.5)
    assert gd.parse_start("3", 1) == (3.0,)
    with pytest.raises(PlotError, match="give two numbers"):
        gd.parse_start("3", 2)
    with pytest.raises(PlotError, match="give one number"):
        gd.parse_start("(1, 2)", 1)
    with pytest.raises(PlotError, match="lr must be a positive number"):
        gd.check_settings(-0.1, 50)
    with pytest.raises(PlotError, match="steps must be a whole number from 1 to 1000"):
        gd.check_settings(0.1, 1001)


def test_undefined_start() -> None:
    problem = gd.make_problem(sympy.log(x), (x,))
    with pytest.raises(PlotError, match="not defined at the start"):
        gd.descend(problem, (-1.0,), 0.1, 10)


def test_leaving_the_domain_is_divergence_with_the_place() -> None:
    problem, r = run(sympy.log(x) ** 2 + x, (0.5,), 1.0)
    assert r.status == "diverged"
    assert "left the region where f is defined" in gd.verdict(problem, r)
