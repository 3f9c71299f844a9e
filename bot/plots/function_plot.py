"""``/plot``: curves of up to five functions of x (with derivatives), or a contour map of f(x, y)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import sympy

from bot.plots import sampling, theme
from bot.plots.errors import PlotError
from bot.plots.expressions import Parsed, check_range, numeric, parse_functions, to_latex
from bot.plots.models import PlotImage, PlotRequest

DEFAULT_RANGE = (-10.0, 10.0)
_NAMES = ("f", "g", "h", "p", "q")
_GRID = 240


def render_plot(request: PlotRequest) -> PlotImage:
    """Parse the member's text with the safe parser and draw. Runs in a worker process."""
    _check_request(request)  # cheap mistakes first, before any parsing
    parsed = parse_functions(request.expr)
    return render_parsed(parsed, request)


def _check_request(request: PlotRequest) -> None:
    if request.x_min is not None and request.x_max is not None:
        check_range(request.x_min, request.x_max, "x")
    _y_range(request)


def render_parsed(parsed: Parsed, request: PlotRequest) -> PlotImage:
    """Draw already-built SymPy expressions (``request.expr`` is then only used in messages)."""
    if len(parsed.variables) == 2:
        return _contour(parsed.exprs[0], parsed.variables, request)
    return _curves(parsed.exprs, parsed.variables[0], request)


def label_for(name: str, var: sympy.Symbol, expr: sympy.Expr, prime: bool = False) -> str:
    """``$f(x) = \\sin{x}$`` when mathtext can draw it, else plain text."""
    head = f"{name}{chr(39) if prime else ''}({var.name})"
    latex = to_latex(expr)
    if latex:
        return f"${head} = {latex}$"
    text = str(expr).replace("**", "^").replace("$", r"\$")
    return f"{head} = {text if len(text) <= 60 else text[:57] + '...'}"


def plain_label(name: str, var: sympy.Symbol, expr: sympy.Expr, prime: bool = False) -> str:
    """The same label for text replies: ``f'(x) = cos(x)``."""
    text = str(expr).replace("**", "^")
    return f"{name}{chr(39) if prime else ''}({var.name}) = {text if len(text) <= 80 else text[:77] + '...'}"


def _x_range(
    exprs: Sequence[sympy.Expr], var: sympy.Symbol, request: PlotRequest
) -> tuple[float, float, bool]:
    """The member's range, else -10..10 widened to show every root and turning point of a polynomial.

    The flag says whether the range was chosen for them (then it may be tightened to where the
    functions are defined, e.g. 0..10 for log(x)).
    """
    lo, hi = request.x_min, request.x_max
    if lo is not None and hi is None:
        hi = lo + 20 if lo >= DEFAULT_RANGE[1] else DEFAULT_RANGE[1]
    if hi is not None and lo is None:
        lo = hi - 20 if hi <= DEFAULT_RANGE[0] else DEFAULT_RANGE[0]
    if lo is not None and hi is not None:
        return (*check_range(lo, hi, "x"), False)
    features = _polynomial_features(exprs, var)
    a, b = DEFAULT_RANGE
    if features and (min(features) < a or max(features) > b):
        span = max(features) - min(features)
        pad = max(2.0, 0.3 * span)
        a, b = min(features) - pad, max(features) + pad
    return a, b, True


def _polynomial_features(exprs: Sequence[sympy.Expr], var: sympy.Symbol) -> list[float]:
    """Real roots and critical points of polynomial functions (cheap and exact for low degree)."""
    points: list[float] = []
    for e in exprs:
        try:
            if not e.is_polynomial(var):
                continue
            poly = sympy.Poly(e, var)
            if poly.degree() > 8 or poly.degree() < 1:
                continue
            for p in (poly, poly.diff(var)):
                if p.degree() >= 1:
                    coeffs = [float(c) for c in p.all_coeffs()]
                    roots = np.roots(coeffs)
                    points.extend(float(r.real) for r in roots if abs(r.imag) < 1e-9 * (1 + abs(r)))
        except (sympy.PolynomialError, TypeError, ValueError, OverflowError):
            continue
    return [p for p in points if math.isfinite(p) and abs(p) < 1e9]


def _y_range(request: PlotRequest) -> tuple[float | None, float | None]:
    lo, hi = request.y_min, request.y_max
    if lo is not None and hi is not None:
        check_range(lo, hi, "y")
    elif lo is not None or hi is not None:
        v = lo if lo is not None else hi
        if v is None or not math.isfinite(v):
            raise PlotError("the y range must be finite numbers")
    return lo, hi


def _curves(exprs: Sequence[sympy.Expr], var: sympy.Symbol, request: PlotRequest) -> PlotImage:
    a, b, chosen = _x_range(exprs, var, request)
    y_lo, y_hi = _y_range(request)
    notes: list[str] = []
    items: list[tuple[str, sympy.Expr, bool, str]] = []  # (name, expr, is derivative, colour)
    for i, e in enumerate(exprs):
        colour = theme.PALETTE[i % len(theme.PALETTE)]
        items.append((_NAMES[i], e, False, colour))
        if request.derivative:
            d = sympy.diff(e, var)
            if d.has(sympy.Derivative):
                notes.append(f"{_NAMES[i]}'({var.name}) has no closed form here, so it is not drawn")
            else:
                items.append((_NAMES[i], d, True, colour))
    fns = [numeric(e, (var,)) for _, e, _, _ in items]
    x = np.linspace(a, b, sampling.SAMPLES)
    ys = [f(x) for f in fns]
    extent = sampling.finite_extent(x, ys)
    if extent is None:
        raise PlotError(f"nothing to draw between {a:g} and {b:g}: the function is undefined there")
    if chosen and (extent[0] - a > 0.03 * (b - a) or b - extent[1] > 0.03 * (b - a)):
        # defined on part of the default range only (log, sqrt): show that part
        a, b = extent
        if b - a < 1e-9:
            a, b = a - 1, b + 1
        x = np.linspace(a, b, sampling.SAMPLES)
        ys = [f(x) for f in fns]
    auto = sampling.robust_ylim(ys)
    assert auto is not None  # the extent above had finite values
    ylim = (y_lo if y_lo is not None else auto[0], y_hi if y_hi is not None else auto[1])
    if ylim[0] >= ylim[1]:
        ylim = (ylim[0], ylim[0] + 1) if y_lo is not None else (ylim[1] - 1, ylim[1])

    fig = theme.new_figure()
    ax = fig.add_subplot()
    theme.style_axes(ax)
    for (name, e, deriv, colour), f, y in zip(items, fns, ys, strict=True):
        label = label_for(name, var, e, prime=deriv)
        if not np.isfinite(y).any():
            notes.append(f"{plain_label(name, var, e, deriv)} is undefined everywhere on [{a:.4g}, {b:.4g}]")
            continue
        px, py = sampling.prepare(f, x, y, ylim)
        ax.plot(
            px,
            py,
            color=colour,
            linewidth=1.8 if deriv else 2.2,
            linestyle=(0, (5, 3)) if deriv else "-",
            label=label,
        )
    ax.set_xlim(a, b)
    ax.set_ylim(*ylim)
    _zero_axes(ax, (a, b), ylim)
    ax.set_xlabel(var.name, fontsize=12)
    legend = ax.legend(loc="best", fontsize=12, frameon=True)
    legend.get_frame().set_facecolor(theme.BACKGROUND)
    theme.layout(fig, title_lines=0)
    shown = "; ".join(plain_label(n, var, e, d) for n, e, d, _ in items)
    summary = f"{shown}\non {var.name} ∈ [{a:.4g}, {b:.4g}], y ∈ [{ylim[0]:.4g}, {ylim[1]:.4g}]"
    if notes:
        summary += "\n" + "\n".join(notes)
    return PlotImage(theme.to_png(fig), summary)


def _zero_axes(ax: object, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    if xlim[0] < 0 < xlim[1]:
        ax.axvline(0, color="#57606a", linewidth=0.9, zorder=1)  # type: ignore[attr-defined]
    if ylim[0] < 0 < ylim[1]:
        ax.axhline(0, color="#57606a", linewidth=0.9, zorder=1)  # type: ignore[attr-defined]


def contour_grid(
    expr: sympy.Expr, variables: Sequence[sympy.Symbol], xr: tuple[float, float], yr: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = numeric(expr, variables)
    xs = np.linspace(*xr, _GRID)
    ys = np.linspace(*yr, _GRID)
    gx, gy = np.meshgrid(xs, ys)
    return gx, gy, f(gx, gy)


def draw_contours(fig: object, ax: object, gx: np.ndarray, gy: np.ndarray, z: np.ndarray, label: str) -> None:
    """Filled contours + lines + colourbar, levels from robust percentiles (poles do not flatten it)."""
    finite = z[np.isfinite(z)]
    # quantile levels: as much detail near a bowl's bottom as on its steep walls
    levels = np.unique(np.percentile(finite, np.linspace(1, 99, 16)))
    if levels.size < 3:
        mid = float(np.median(finite))
        levels = np.linspace(mid - 1, mid + 1, 9)
    zm = np.ma.masked_invalid(z)
    filled = ax.contourf(gx, gy, zm, levels=levels, cmap="viridis", extend="both")  # type: ignore[attr-defined]
    lines = ax.contour(gx, gy, zm, levels=levels, colors="#1f2328", linewidths=0.6, alpha=0.55)  # type: ignore[attr-defined]
    ax.clabel(lines, levels=lines.levels[::3], inline=True, fontsize=8, fmt="%.3g")  # type: ignore[attr-defined]
    bar = fig.colorbar(filled, ax=ax)  # type: ignore[attr-defined]
    bar.set_label(label, fontsize=11, color=theme.FOREGROUND)


#: Ranges whose spans differ more than this draw stretched: equal units would leave a sliver.
MAX_ASPECT = 4.0


def equal_aspect(ax: object, xr: tuple[float, float], yr: tuple[float, float]) -> bool:
    """One unit is as long on both axes (circles look like circles, a valley's shape is true)
    unless the spans are too different for that to leave a readable picture."""
    ratio = (yr[1] - yr[0]) / (xr[1] - xr[0])
    equal = 1 / MAX_ASPECT <= ratio <= MAX_ASPECT
    ax.set_aspect("equal" if equal else "auto", adjustable="box")  # type: ignore[attr-defined]
    return equal


def _contour(expr: sympy.Expr, variables: Sequence[sympy.Symbol], request: PlotRequest) -> PlotImage:
    a, b, _ = _x_range([], variables[0], request)
    if request.y_min is not None or request.y_max is not None:
        c = request.y_min if request.y_min is not None else DEFAULT_RANGE[0]
        d = request.y_max if request.y_max is not None else DEFAULT_RANGE[1]
        c, d = check_range(c, d, "y")
    else:
        c, d = a, b
    gx, gy, z = contour_grid(expr, variables, (a, b), (c, d))
    if not np.isfinite(z).any():
        raise PlotError(f"nothing to draw between {a:g} and {b:g}: the function is undefined there")
    fig = theme.new_figure()
    ax = fig.add_subplot()
    theme.style_axes(ax)
    ax.grid(False)
    xv, yv = variables
    name = f"f({xv.name}, {yv.name})"
    draw_contours(fig, ax, gx, gy, z, name)
    latex = to_latex(expr)
    ax.set_title(f"${name} = {latex}$" if latex else f"{name} = {expr}", fontsize=13, loc="left")
    ax.set_xlabel(xv.name, fontsize=12)
    ax.set_ylabel(yv.name, fontsize=12)
    equal_aspect(ax, (a, b), (c, d))
    theme.layout(fig, title_lines=2)
    text = str(expr).replace("**", "^")
    summary = f"{name} = {text} (contours) on {xv.name} ∈ [{a:.4g}, {b:.4g}], {yv.name} ∈ [{c:.4g}, {d:.4g}]"
    if request.derivative:
        summary += "\n(derivatives are drawn for curves of one variable only)"
    return PlotImage(theme.to_png(fig), summary)
