"""Answer-level post-processing: primes, solutions written as assignments, ±, number formats."""

from __future__ import annotations

import re
from itertools import pairwise, product

import sympy

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.functions import PlusMinus
from bot.maths.parsing.build import add, neg
from bot.maths.values import Relation, Seq, Value, scalars

PRIMES = "Derivative marks (') only name an answer, as in f'(x) = 2x; write the derivative itself."


def check_primes(value: Value) -> None:
    """f'(x) may stand left of `=`, nowhere else: the checker can't differentiate for the member."""
    if isinstance(value, Relation) and value.is_equation and isinstance(value.exprs[0], sympy.Expr):
        value = Seq(value.exprs[1:], "", "")
    if any("'" in s.name for e in scalars(value) for s in e.free_symbols):
        raise ParseError(PRIMES)


def solution_groups(items: list[Value], breaks: list[int]) -> tuple[Seq, ...] | None:
    """`p=5, q=2; p=7, q=2`: solutions written as assignments, one tuple per `;`-separated group.

    Only when every group assigns distinct names and some group assigns more than one; otherwise
    `;` separates items like `,` does.
    """
    if not breaks:
        return None
    cuts = [0, *sorted(set(breaks)), len(items)]
    groups = [items[a:b] for a, b in pairwise(cuts) if b > a]
    if len(groups) < 2 or all(len(g) == 1 for g in groups):
        return None
    for group in groups:
        names = [g.exprs[0] for g in group if isinstance(g, Relation) and g.ops == ("=",)]
        if len(names) != len(group) or not all(isinstance(n, sympy.Symbol) for n in names):
            return None
        if len(set(names)) != len(names) or not all(isinstance(g.exprs[1], sympy.Expr) for g in group):
            return None
    return tuple(Seq(tuple(g), "(", ")") for g in groups)


def expand_pm(value: Value) -> list[Value]:
    """Replace every a ± b by its two alternatives (bounded: at most 3 signs)."""
    exprs: list[sympy.Expr] = []
    if isinstance(value, sympy.Expr):
        exprs = [value]
    elif isinstance(value, Relation):
        exprs = [e for e in value.exprs if isinstance(e, sympy.Expr)]
    nodes: list[sympy.Expr] = []
    for e in exprs:
        nodes.extend(n for n in sympy.preorder_traversal(e) if isinstance(n, PlusMinus))
    if not nodes:
        if not isinstance(value, sympy.Expr):  # an expression was just searched in full
            _check_no_pm(value)
        return [value]
    if len(nodes) > limits.MAX_PLUS_MINUS:
        raise ParseError(f"Too many ± signs (the limit is {limits.MAX_PLUS_MINUS}).", limit="plus-minus")
    out: list[Value] = []
    for signs in product((1, -1), repeat=len(nodes)):
        mapping = {
            n: (add(n.args[0], n.args[1] if s > 0 else neg(n.args[1])) if n.args[0] != 0 else
                (n.args[1] if s > 0 else neg(n.args[1])))
            for n, s in zip(nodes, signs, strict=True)
        }  # fmt: skip
        if isinstance(value, sympy.Expr):
            out.append(value.xreplace(mapping))
        else:
            out.append(Relation(tuple(e.xreplace(mapping) for e in value.exprs), value.ops, value.approx_at))
    return out


def _check_no_pm(value: Value) -> None:
    """± is only allowed at the top of an answer (its values become a set)."""
    for e in scalars(value):
        if e.has(PlusMinus):
            raise ParseError("Use ± only at the top level of an answer, as in x = 1 ± 2.")


_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}((,\d{3})+|( \d{3})+|(\{,\}\d{3})+)(\.\d+)?", re.ASCII)

_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)


def number_formats(text: str) -> str:
    """When a number is expected: `7,425,000` and `1 000` are thousands; `1000,99` a decimal comma."""
    s = text.strip()
    if _THOUSANDS.fullmatch(s):
        return s.replace(",", "").replace(" ", "").replace("{}", "")
    if _DECIMAL_COMMA.fullmatch(s):
        return s.replace(",", ".")
    return text
