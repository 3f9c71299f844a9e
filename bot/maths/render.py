"""How an answer was read, as plain text and as LaTeX ("interpreted as ...")."""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from bot.maths.sums import is_term
from bot.maths.values import Interval, Matrix, Membership, Relation, Seq, SetValue, Text, Value

_OPS_TEXT = {"=": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "!=": "!="}
_OPS_LATEX = {"=": "=", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge", "!=": r"\ne"}


class _Printer(StrPrinter):
    """SymPy's str printer, but with the symbols members type: e, i, oo, ^, sum(...), F_(n-1)."""

    def _print(self, expr: Any, **kwargs: Any) -> str:
        # Sequence terms first: their class is named after the sequence (F, beta), not a printer rule.
        if isinstance(expr, sympy.Basic) and is_term(expr):
            (index,) = expr.args
            shown = self._print(index)
            simple = isinstance(index, sympy.Symbol) or (isinstance(index, sympy.Integer) and index >= 0)
            return f"{type(expr).__name__}_{shown if simple else f'({shown})'}"
        return super()._print(expr, **kwargs)

    def _print_Sum(self, expr: sympy.Sum) -> str:
        return self._big_operator(expr, "sum")

    def _print_Product(self, expr: sympy.Product) -> str:
        return self._big_operator(expr, "prod")

    def _big_operator(self, expr: sympy.Sum | sympy.Product, name: str) -> str:
        """sum(body, k, a, b): the plain-text form the parser reads back; several limits nest."""
        out = self._print(expr.function)
        for var, lower, upper in expr.limits:  # innermost first
            out = f"{name}({out}, {self._print(var)}, {self._print(lower)}, {self._print(upper)})"
        return out

    def _print_ImaginaryUnit(self, expr: sympy.Basic) -> str:
        return "i"

    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "e"

    def _print_Float(self, expr: sympy.Float) -> str:
        # Show a decimal as it was typed (3.14, not 3.14000000000000) unless it carries more digits.
        if expr._prec <= 60:
            return repr(float(expr))
        return super()._print_Float(expr)


_PRINTER = _Printer({"order": "none"})


class _LatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with sequence terms as F_{n-1} and nested sums written out."""

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if isinstance(expr, sympy.Basic) and is_term(expr):
            text = f"{self._print(sympy.Symbol(type(expr).__name__))}_{{{self._print(expr.args[0])}}}"
            exp = kwargs.get("exp")
            return f"{text}^{{{exp}}}" if exp is not None else text
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        """Names of values the parser made whole (∂L/∂w, ∇f, f'(x), P(A|B)) in LaTeX."""
        name = expr.name
        ratio = re.fullmatch(r"([∂d])(\w+)/([∂d])(\w+)", name)
        if ratio:
            top, bottom = (
                ("\\partial " if d == "∂" else "d") + v for d, v in (ratio.group(1, 2), ratio.group(3, 4))
            )
            return rf"\frac{{{top}}}{{{bottom}}}"
        if name.startswith("∇"):
            return rf"\nabla {name[1:]}"
        if "(" in name or "[" in name:  # P(A|B), Var(X - Y), E[X], P(A ∩ B)
            return name.replace("|", r" \mid ").replace("∩", r"\cap").replace("∪", r"\cup")
        return super()._print_Symbol(expr, style)

    def _print_Sum(self, expr: sympy.Sum) -> str:
        return self._big_operator(expr, r"\sum")

    def _print_Product(self, expr: sympy.Product) -> str:
        return self._big_operator(expr, r"\prod")

    def _big_operator(self, expr: sympy.Sum | sympy.Product, command: str) -> str:
        out = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            out = rf"\left({out}\right)"
        for var, lower, upper in expr.limits:  # innermost first
            out = f"{command}_{{{self._print(var)}={self._print(lower)}}}^{{{self._print(upper)}}} {out}"
        return out


_LATEX = _LatexPrinter({"order": "none"})


def _expr_text(expr: sympy.Basic) -> str:
    try:
        text = _PRINTER.doprint(expr)
    except Exception:
        text = str(expr)
    return text.replace("**", "^")


def _expr_latex(expr: sympy.Basic) -> str:
    try:
        return _LATEX.doprint(expr)
    except Exception:
        return sympy.latex(expr)


def as_text(value: Value) -> str:
    try:
        return _render(value, _expr_text, _OPS_TEXT, latex=False)
    except Exception:  # display only: never let printing fail a check
        return str(value)


def as_latex(value: Value) -> str:
    try:
        return _render(value, _expr_latex, _OPS_LATEX, latex=True)
    except Exception:
        return ""


def _render(value: Value, expr: object, ops: dict[str, str], *, latex: bool) -> str:
    def r(v: Value) -> str:
        return _render(v, expr, ops, latex=latex)

    if isinstance(value, sympy.Basic):
        return expr(value)  # type: ignore[operator]
    if isinstance(value, Seq) and value.open == ":":
        return " : ".join(r(v) for v in value.items)
    if isinstance(value, Seq):
        inner = ", ".join(r(v) for v in value.items)
        if latex and value.open:
            return rf"\left{value.open}{inner}\right{value.close}"
        return f"{value.open}{inner}{value.close}"
    if isinstance(value, SetValue):
        inner = ", ".join(r(v) for v in value.items)
        return rf"\left\{{{inner}\right\}}" if latex else f"{{{inner}}}"
    if isinstance(value, Matrix):
        if latex:
            rows = r" \\ ".join(" & ".join(expr(c) for c in row) for row in value.rows)  # type: ignore[operator]
            return rf"\begin{{pmatrix}}{rows}\end{{pmatrix}}"
        return "[" + ", ".join("[" + ", ".join(expr(c) for c in row) + "]" for row in value.rows) + "]"  # type: ignore[operator]
    if isinstance(value, Interval):
        parts = []
        for lo, hi, lo_open, hi_open in value.parts:
            if lo == hi and not (lo_open or hi_open):  # a point from a set in the union: {1} ∪ (2, 3)
                parts.append(rf"\left\{{{r(lo)}\right\}}" if latex else f"{{{r(lo)}}}")
                continue
            left, right = "(" if lo_open else "[", ")" if hi_open else "]"
            body = f"{r(lo)}, {r(hi)}"
            parts.append(rf"\left{left}{body}\right{right}" if latex else f"{left}{body}{right}")
        return (r" \cup " if latex else " U ").join(parts)
    if isinstance(value, Relation):
        out = r(value.exprs[0])
        for k, (op, rhs) in enumerate(zip(value.ops, value.exprs[1:], strict=True)):
            shown = (r"\approx" if latex else "≈") if k in value.approx_at else ops[op]
            out += f" {shown} {r(rhs)}"
        return out
    if isinstance(value, Membership):
        word = "\\in" if latex else "in"
        return f"{r(value.var)} {word} {r(value.region)}"
    if isinstance(value, Text):
        return rf"\text{{{value.word}}}" if latex else value.word
    return str(value)
