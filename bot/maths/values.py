"""Typed answers: what the parser returns and the checker compares.

Scalars are SymPy expressions built with ``evaluate=False``; the containers are small frozen
dataclasses so the expected answer's type can decide how an ambiguous submission is read
(``(0, 1)`` is a tuple unless the expected answer is an interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

Value = Any  # sympy.Expr | Seq | SetValue | Matrix | Interval | Relation | Membership | Text

REL_OPS = ("=", "<", "<=", ">", ">=", "!=")


@dataclass(frozen=True)
class Seq:
    """An ordered sequence: `(1, 2)` tuple/vector, `[1, 2]` list, a bare `1, 2` list, or `3:1`."""

    items: tuple[Value, ...]
    open: str  # "(", "[", "" for a bare list, ":" for a ratio
    close: str

    @property
    def bare(self) -> bool:
        return self.open == ""


@dataclass(frozen=True)
class SetValue:
    items: tuple[Value, ...]


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[sympy.Expr, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.rows[0]) if self.rows else 0)


@dataclass(frozen=True)
class Interval:
    """A union of intervals; each part is (lo, hi, left_open, right_open)."""

    parts: tuple[tuple[sympy.Expr, sympy.Expr, bool, bool], ...]


@dataclass(frozen=True)
class Relation:
    """An equation, inequality or chain: exprs[0] ops[0] exprs[1] ops[1] exprs[2] ..."""

    exprs: tuple[sympy.Expr, ...]
    ops: tuple[str, ...]
    approx_at: tuple[int, ...] = ()  # links written with ≈ (stored as "="): exprs[k] ≈ exprs[k + 1]

    @property
    def is_equation(self) -> bool:
        return all(op == "=" for op in self.ops)


@dataclass(frozen=True)
class Membership:
    """`x \\in [a, b]`: a variable restricted to a set of reals."""

    var: sympy.Expr
    region: Interval | SetValue


@dataclass(frozen=True)
class Text:
    """A word answer such as \\text{odd} (multiple-choice letters are symbols, not text)."""

    word: str


def scalars(value: Value) -> list[sympy.Expr]:
    """Every SymPy expression inside a typed answer (items, entries, endpoints, sides)."""
    if isinstance(value, sympy.Basic):
        return [value]
    if isinstance(value, (Seq, SetValue)):
        return [e for v in value.items for e in scalars(v)]
    if isinstance(value, Matrix):
        return [c for row in value.rows for c in row]
    if isinstance(value, Interval):
        return [e for part in value.parts for e in part[:2]]
    if isinstance(value, Relation):
        return [e for v in value.exprs for e in scalars(v)]
    if isinstance(value, Membership):
        return [value.var, *scalars(value.region)]
    return []


def kind_of(value: Value) -> str:
    """The answer kind named in messages and used for `expect`."""
    if isinstance(value, sympy.Basic):
        return "number" if not value.free_symbols else "expression"
    if isinstance(value, Seq):
        return "list" if value.bare else "ratio" if value.open == ":" else "tuple"
    if isinstance(value, SetValue):
        return "set"
    if isinstance(value, Matrix):
        return "matrix"
    if isinstance(value, Interval):
        return "interval"
    if isinstance(value, Relation):
        return "equation" if value.is_equation else "inequality"
    if isinstance(value, Membership):
        return "inequality"
    if isinstance(value, Text):
        return "text"
    raise TypeError(type(value).__name__)
