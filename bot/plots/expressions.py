"""From what a member typed to SymPy expressions and fast numeric functions.

Text goes only through the checker's safe parser (never eval/sympify). Numeric evaluation
uses ``lambdify`` on the SymPy *object* we built, which is safe: no member text reaches it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from bot.plots.errors import PlotError
from bot.plots.models import MAX_FUNCTIONS

# "f(x) = ...", "y = ...", "z=..." in front of an expression: the member named it, we just draw it.
_NAME_PREFIX = re.compile(
    r"^\s*(?:[A-Za-z]\w*\s*\(\s*[A-Za-z]\w*\s*(?:,\s*[A-Za-z]\w*\s*)?\)|[A-Za-z])\s*=(?!=)"
)
_MAX_TEXT = 500

NumericFn = Callable[..., "np.ndarray"]


@dataclass(frozen=True)
class Parsed:
    """The expressions of one request and the variables they use (1 = curves, 2 = contour)."""

    exprs: tuple[sympy.Expr, ...]
    variables: tuple[sympy.Symbol, ...]


def parse_one(text: str) -> sympy.Expr:
    """Parse one expression with the checker's parser, as a member-facing PlotError on failure."""
    from bot.maths.errors import ParseError
    from bot.maths.parser import parse_expression
    from bot.plots.activations import ACTIVATIONS

    text = _NAME_PREFIX.sub("", text, count=1).strip()
    if not text:
        raise PlotError("empty expression: type a function of x, e.g. `x^2 - 1`")
    try:
        expr = parse_expression(text, functions=ACTIVATIONS)
    except ParseError as exc:
        raise PlotError(str(exc)) from None
    if not isinstance(expr, sympy.Expr):
        raise PlotError(f"`{text}` is not a function I can draw (expected an expression like `x^2 - 1`)")
    return expr


def split_functions(text: str) -> list[str]:
    """``"sin(x); cos(x)"`` -> ``["sin(x)", "cos(x)"]`` with the limits a member needs to hear about."""
    if len(text) > _MAX_TEXT:
        raise PlotError(f"expression too long ({len(text)} characters, at most {_MAX_TEXT})")
    parts = [p.strip() for p in text.split(";")]
    parts = [p for p in parts if p]
    if not parts:
        raise PlotError("nothing to plot: type a function of x, e.g. `sin(x); x^2/10`")
    if len(parts) > MAX_FUNCTIONS:
        raise PlotError(f"too many functions ({len(parts)}): at most {MAX_FUNCTIONS}, separated by `;`")
    return parts


def order_variables(symbols: set[sympy.Symbol]) -> tuple[sympy.Symbol, ...]:
    """x before y; otherwise alphabetical, so ``f(a, b)`` has a on the horizontal axis."""
    return tuple(sorted(symbols, key=lambda s: {"x": "0", "y": "1"}.get(s.name, "2") + s.name))


def analyse(exprs: Sequence[sympy.Expr], *, max_variables: int = 2) -> Parsed:
    """Check how many variables the functions use and that they fit one picture."""
    symbols: set[sympy.Symbol] = set()
    for e in exprs:
        symbols |= {s for s in e.free_symbols if isinstance(s, sympy.Symbol)}
    variables = order_variables(symbols)
    if len(variables) > max_variables:
        names = ", ".join(v.name for v in variables)
        raise PlotError(
            f"too many variables ({names}): I can draw f(x) as a curve or f(x, y) as a contour map"
        )
    if len(variables) == 2 and len(exprs) > 1:
        raise PlotError("a contour plot takes one function f(x, y); several curves must all use one variable")
    if not variables:
        variables = (sympy.Symbol("x"),)
    return Parsed(tuple(exprs), variables)


# `g(x)`, `a (x+1)`: a one-letter (or Greek) name right before a bracket
_CALL_LIKE = re.compile(r"(?<![A-Za-z0-9_\\])([A-Za-z]|[a-z]{2,8})\s*\(")


def parse_functions(text: str, *, max_variables: int = 2) -> Parsed:
    """The whole ``expr`` option of ``/plot`` or ``/gd``."""
    parsed = analyse([parse_one(p) for p in split_functions(text)], max_variables=max_variables)
    if len(parsed.variables) == 2:
        _not_a_call(text, parsed)
    return parsed


def _not_a_call(text: str, parsed: Parsed) -> None:
    """`g(x)` parses as g·x, a second variable: when that made a contour map, say how it was read."""
    names = {v.name for v in parsed.variables}
    for m in _CALL_LIKE.finditer(text):
        name = m.group(1)
        if name in names:
            other = next(v.name for v in parsed.variables if v.name != name)
            raise PlotError(
                f"`{name}(...)` reads as {name}·(...), a product with a second variable {name}, which"
                f" would be a contour map of {name} and {other}. To plot a function, write its formula"
                " (e.g. `x^2 - 1`) or an activation (`sigmoid(x)`, `relu(x)`, `gelu(x)`, ...); for the"
                f" product, write `{name}*(...)`."
            )


def _expand_big_operators(expr: sympy.Expr) -> sympy.Expr:
    """Sums and products with number limits written out (the parser bounded their terms)."""
    if expr.has(AppliedUndef):
        raise PlotError("Terms of a sequence (like a_k) have no values to plot; write their formula out.")
    big = expr.atoms(sympy.Sum, sympy.Product)
    if not big:
        return expr
    if any(limit.free_symbols for node in big for _var, *ends in node.limits for limit in ends):
        raise PlotError("A sum or product with a variable limit can't be plotted; give numbers as limits.")
    return expr.doit()


def numeric(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> NumericFn:
    """A numpy function of the variables; non-finite and complex results become NaN."""
    if expr.has(sympy.Derivative, sympy.Integral):
        raise PlotError(f"I can't evaluate {expr} numerically")
    expr = _expand_big_operators(expr)
    fn = sympy.lambdify(list(variables), expr, modules=[_numpy_extras(), "numpy"])
    scalar_fn: Callable[..., object] | None = None

    def evaluate(*args: np.ndarray) -> np.ndarray:
        nonlocal scalar_fn
        arrays = [np.asarray(a, dtype=float) for a in args]
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        with np.errstate(all="ignore"):
            try:
                out = np.asarray(fn(*arrays))
            except (TypeError, ValueError, AttributeError, NameError, ZeroDivisionError, OverflowError):
                # Functions numpy lacks (factorial, gamma without scipy, ...): point by point.
                if scalar_fn is None:
                    scalar_fn = sympy.lambdify(list(variables), expr, modules="mpmath")
                out = _pointwise(scalar_fn, arrays, shape)
        return _clean(out, shape)

    return evaluate


def _safe_gamma(v: float) -> float:
    try:
        return math.gamma(v)
    except (ValueError, OverflowError):  # poles at 0, -1, -2, ... and overflow past ~171
        return math.nan


def _numpy_extras() -> dict[str, object]:
    """Vectorised stand-ins for what numpy lacks without scipy (factorial, gamma)."""
    gamma = np.vectorize(_safe_gamma, otypes=[float])
    return {"gamma": gamma, "factorial": lambda v: gamma(np.asarray(v, dtype=float) + 1)}


def _pointwise(fn: Callable[..., object], arrays: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    flat = [np.broadcast_to(a, shape).ravel() for a in arrays]
    out = np.full(int(np.prod(shape)) if shape else 1, np.nan)
    for i in range(out.size):
        try:
            v = complex(fn(*(float(a[i]) for a in flat)))  # type: ignore[call-overload]
        except Exception:  # mpmath has its own errors (NoConvergence, ...): the point is a hole
            continue
        if abs(v.imag) <= 1e-12 * (1 + abs(v.real)) and math.isfinite(v.real):
            out[i] = v.real
    return out.reshape(shape)


def _clean(out: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if np.iscomplexobj(out):
        real = out.real.astype(float)
        real[np.abs(out.imag) > 1e-12 * (1 + np.abs(real))] = np.nan
        out = real
    try:
        out = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        out = np.full(shape, np.nan)
    out = np.broadcast_to(out, shape).copy()  # constants come back as scalars
    out[~np.isfinite(out)] = np.nan
    return out


def check_range(lo: float, hi: float, what: str = "x") -> tuple[float, float]:
    """A finite, non-empty, not absurdly large range."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise PlotError(f"the {what} range must be finite numbers, got {lo} and {hi}")
    if lo >= hi:
        raise PlotError(f"{what}_min must be less than {what}_max (got {lo:g} and {hi:g})")
    if max(abs(lo), abs(hi)) > 1e12 or hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
        raise PlotError(f"the {what} range {lo:g}..{hi:g} is too large or too narrow to draw")
    return float(lo), float(hi)


def to_latex(expr: sympy.Expr) -> str:
    """SymPy's LaTeX adapted to matplotlib's mathtext, or '' when mathtext cannot draw it."""
    from bot.plots.tex import mathtext_ok, translate

    try:
        s = translate(sympy.latex(expr))
    except Exception:  # sympy.latex on exotic objects; a label is not worth failing the plot
        return ""
    if len(s) > 160 or not mathtext_ok(s):
        return ""
    return s
