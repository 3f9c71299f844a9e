"""SymPy builders for the parser: every node built with evaluate=False, flattened as it was typed.

Also the typed values the grammar assembles (numbers, intervals, unions, matrices), so the
grammar and the atoms build them one way.
"""

from __future__ import annotations

import re

import sympy

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.lexer import OPERATORS
from bot.maths.values import Interval, Matrix, Seq, SetValue, Value, kind_of

NEG = sympy.S.NegativeOne
D = sympy.Symbol("d", real=True)  # the d of d/dx, made once: a new Symbol costs an assumptions setup


def symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def mul(*args: sympy.Expr) -> sympy.Expr:
    # Flatten 2*x*(1-x) so "interpreted as" reads the way it was typed, not ((2*x)*(1-x)).
    flat: list[sympy.Expr] = []
    for a in args:
        is_product = isinstance(a, sympy.Mul) and a.args[0] is not NEG and not _is_quotient(a)
        flat.extend(a.args if is_product else (a,))
    return sympy.Mul(*flat, evaluate=False)


def _is_quotient(expr: sympy.Expr) -> bool:
    return any(isinstance(f, sympy.Pow) and f.args[1] is NEG for f in expr.args)


def add(*args: sympy.Expr) -> sympy.Expr:
    flat: list[sympy.Expr] = []
    for a in args:
        flat.extend(a.args if isinstance(a, sympy.Add) else (a,))
    return sympy.Add(*flat, evaluate=False)


def neg(x: sympy.Expr) -> sympy.Expr:
    if isinstance(x, sympy.Number):
        return -x
    if isinstance(x, sympy.Mul) and isinstance(x.args[0], sympy.Number) and x.args[0] is not NEG:
        return sympy.Mul(-x.args[0], *x.args[1:], evaluate=False)  # -2x^2, not -1*2*x^2
    return sympy.Mul(NEG, x, evaluate=False)


def div(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    if _is_derivative_operator(a, b):
        raise ParseError(OPERATORS["partial"])
    if a == 1:
        return sympy.Pow(b, NEG, evaluate=False)
    return mul(a, sympy.Pow(b, NEG, evaluate=False))


def _is_derivative_operator(num: sympy.Expr, den: sympy.Expr) -> bool:
    """d/dx or \\frac{d}{dt}, which would otherwise read as d/(d*x) = 1/x."""
    return (
        num == D
        and isinstance(den, sympy.Mul)
        and len(den.args) == 2
        and den.args[0] == D
        and isinstance(den.args[1], sympy.Symbol)
    )


def power_of(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(a, b, evaluate=False)


def scalar(value: Value, where: str) -> sympy.Expr:
    if isinstance(value, sympy.Expr):
        return value
    kind = kind_of(value)
    article = "An" if kind[0] in "aeiou" else "A"
    raise ParseError(f"{article} {kind} can't be used in {where}.")


def number_literal(text: str) -> sympy.Expr:
    m = re.fullmatch(r"([0-9]*)\.?([0-9]*)(?:[eE]([+-]?[0-9]+))?", text)
    if not m:
        raise ParseError(f"I can't read the number `{text}`.")
    digits = len(m.group(1)) + len(m.group(2))
    if digits > limits.MAX_INT_DIGITS:
        raise ParseError(f"A number has more than {limits.MAX_INT_DIGITS} digits.", limit="integer digits")
    if m.group(3) and abs(int(m.group(3))) > limits.MAX_FLOAT_EXPONENT:
        raise ParseError(f"The exponent in `{text}` is too large.", limit="number size")
    if "." not in text and m.group(3) is None:
        return sympy.Integer(int(text))
    return sympy.Float(text, max(15, digits + 2))


def is_symbol_tuple(value: Value) -> bool:
    return (
        isinstance(value, Seq)
        and value.open in ("(", ":")
        and all(isinstance(v, sympy.Symbol) for v in value.items)
    )


def maybe_matrix(seq: Seq) -> Value:
    """[[1,2],[3,4]]: a list of equal-length lists of scalars is a matrix."""
    rows = seq.items
    if seq.open != "[" or not rows:
        return seq
    if not all(isinstance(r, Seq) and r.open == "[" and r.items for r in rows):
        return seq
    width = len(rows[0].items)
    if any(len(r.items) != width for r in rows):
        return seq
    if not all(isinstance(c, sympy.Expr) for r in rows for c in r.items):
        return seq
    if len(rows) * width > limits.MAX_MATRIX_CELLS:
        raise ParseError(
            f"That matrix is too big (limit {limits.MAX_MATRIX_CELLS} entries).", limit="matrix size"
        )
    return Matrix(tuple(tuple(r.items) for r in rows))


def as_interval(value: Value) -> Interval:
    if isinstance(value, Interval):
        return value
    if isinstance(value, Seq) and len(value.items) == 2 and value.open in "([" and value.open:
        lo, hi = (scalar(v, "an interval") for v in value.items)
        return Interval(((lo, hi, value.open == "(", value.close == ")"),))
    raise ParseError(f"A {kind_of(value)} can't be joined with `∪`; use intervals like (0, 1].")


def union(left: Value, right: Value) -> Value:
    """A ∪ B: two sets are one set; with an interval, a set's numbers are single points [p, p]."""
    if isinstance(left, SetValue) and isinstance(right, SetValue):
        return SetValue(left.items + right.items)
    return Interval(_union_parts(left) + _union_parts(right))


def _union_parts(value: Value) -> tuple[tuple[sympy.Expr, sympy.Expr, bool, bool], ...]:
    if isinstance(value, SetValue):
        points = [scalar(v, "a union with an interval") for v in value.items]
        return tuple((p, p, False, False) for p in points)
    return as_interval(value).parts


def as_region(value: Value) -> Interval | SetValue:
    if isinstance(value, SetValue):
        return value
    return as_interval(value)
