"""Finite sums and products (`\\sum_{k=1}^{n}`, `sum(body, k, a, b)`) and terms of sequences (`F_{n-1}`).

Representation:

* A sum or product is SymPy's unevaluated ``Sum(body, (k, a, b))`` / ``Product(...)``; `k` is an
  ordinary real Symbol, so a renamed bound variable changes nothing numerically.
* A term of a sequence is an undefined function applied to its index: ``F_{n-k-1}`` is
  ``Function("F")(n - k - 1)``. Two answers parsed separately build equal objects for equal notation,
  and the evaluator gives ``F(j)`` a pseudo-random value per (name, j, point), so answers that differ
  as formulas in F differ numerically.
* Which names are sequences is decided per answer, before parsing (:func:`sequence_bases`): a name
  with an expression as its subscript, or subscripted by the bound variable of a sum anywhere in the
  answer. Then its plain uses (``F_n``, ``F_0``) are terms of the same sequence. In an answer with
  neither, ``x_1`` and ``a_n`` stay the symbols they always were.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence

import sympy
from sympy.core.function import AppliedUndef

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.lexer import SUB_OPEN, Token
from bot.maths.values import Interval, Matrix, Membership, Relation, Seq, SetValue, Value, scalars

BIG_OPS = {"sum": sympy.Sum, "prod": sympy.Product, "product": sympy.Product}
BigOp = (sympy.Sum, sympy.Product)


def term(base: str, index: sympy.Expr) -> sympy.Expr:
    """The term of sequence `base` at `index`."""
    return sympy.Function(base)(index)


def is_term(expr: sympy.Basic) -> bool:
    # The parser builds no other undefined functions: every AppliedUndef is a sequence term.
    return isinstance(expr, AppliedUndef)


def simple_index(sub: str) -> sympy.Expr | None:
    """`F_3` -> 3, `F_k` -> k; longer words (`y_hat`, `x_ij`) are names, not indices."""
    if sub.isdigit():
        return sympy.Integer(int(sub))
    if re.fullmatch(r"[A-Za-z]\d*", sub):
        return sympy.Symbol(sub, real=True)
    return None


def build(word: str, body: sympy.Expr, var: str, lower: sympy.Expr, upper: sympy.Expr) -> sympy.Expr:
    """Sum / Product of body for var from lower to upper (inclusive); only finite, fixed limits."""
    symbol = sympy.Symbol(var, real=True)
    for limit in (lower, upper):
        if limit.has(sympy.oo, sympy.S.NegativeInfinity, sympy.zoo):
            raise ParseError("Only finite sums and products can be checked (no ∞ as a limit).")
        if symbol in limit.free_symbols:
            raise ParseError(f"The limits of a sum can't use its own variable `{var}`.")
    return BIG_OPS[word](body, (symbol, lower, upper))


# -- reading ahead in the tokens --------------------------------------------------------------


def _at(tokens: Sequence[Token], k: int, kind: str, *values: str) -> bool:
    return k < len(tokens) and tokens[k].kind == kind and (not values or tokens[k].value in values)


def call_variable(tokens: Sequence[Token], k: int) -> str:
    """The bound variable of `sum(body, k, a, b)` whose `(` is tokens[k]: the name after the first comma."""
    depth = 0
    for j in range(k, len(tokens)):
        t = tokens[j]
        if t.kind == "op" and t.value in ("(", "[", "{", "setl", SUB_OPEN):
            depth += 1
        elif t.kind == "op" and t.value in (")", "]", "}", "setr", "sub}"):
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and t.kind == "op" and t.value == ",":
            if _at(tokens, j + 1, "name") and _at(tokens, j + 2, "op", ","):
                return tokens[j + 1].value
            break
    raise ParseError("Write a sum as sum(body, k, a, b) with one name for k, as in sum(k^2, k, 1, n).")


def bound_names(tokens: Sequence[Token]) -> set[str]:
    """Names bound by a sum or product anywhere in the answer."""
    names: set[str] = set()
    for k, t in enumerate(tokens):
        if t.kind != "name" or t.value not in BIG_OPS:
            continue
        latex_form = _at(tokens, k + 1, "op", SUB_OPEN) and _at(tokens, k + 2, "name")
        if latex_form and _at(tokens, k + 3, "op", "="):
            names.add(tokens[k + 2].value)
        elif _at(tokens, k + 1, "op", "("):
            with contextlib.suppress(ParseError):  # the parser reports it where it happens
                names.add(call_variable(tokens, k + 1))
    return names


def sequence_bases(tokens: Sequence[Token]) -> set[str]:
    """Names used as sequences in this answer (see the module docstring)."""
    bound = bound_names(tokens)
    bases: set[str] = set()
    for k, t in enumerate(tokens):
        if t.kind != "name" or t.value in BIG_OPS:
            continue
        if _at(tokens, k + 1, "op", SUB_OPEN):
            bases.add(t.value)
        elif "_" in t.value:
            base, sub = t.value.split("_", 1)
            if sub in bound:
                bases.add(base)
    return bases


# -- limits -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def body_cost(body: sympy.Basic) -> int:
    """Parts evaluated for one term of a sum (what the work limit counts)."""
    return sum(1 for _ in sympy.preorder_traversal(body))


def limit_terms(lower: sympy.Expr, upper: sympy.Expr) -> int | None:
    """Terms from lower to upper when both are integer constants (None when they depend on variables)."""
    lo, hi = _constant_int(lower), _constant_int(upper)
    if lo is None or hi is None:
        return None
    return max(0, hi - lo + 1)


def _constant_int(expr: sympy.Expr) -> int | None:
    if isinstance(expr, sympy.Integer):
        return int(expr)
    if expr.free_symbols:
        return None
    import mpmath

    from bot.maths.numeric import Undefined, evaluate  # numeric imports this module

    try:
        with mpmath.workdps(15):
            value, _ = evaluate(expr, {}, complex_mode=False)
    except Undefined:
        return None
    return int(value) if mpmath.isfinite(value) and value == int(value) else None


def constant_terms(expr: sympy.Sum | sympy.Product) -> int | None:
    """Number of terms when every limit is an integer constant.

    SymPy folds a sum of a sum into one node with several limits; their counts multiply.
    """
    total = 1
    for _, lower, upper in expr.limits:
        count = limit_terms(lower, upper)
        if count is None:
            return None
        total *= count
    return total


def check_terms(expr: sympy.Basic, outer: int = 1) -> None:
    """Refuse sums with more terms than one evaluation may compute (nested ones multiply).

    Limits that depend on variables are bounded when evaluated instead (bot.maths.numeric).
    """
    if isinstance(expr, BigOp):
        total = outer
        for limit in expr.limits:
            count = limit_terms(limit[1], limit[2])
            total *= count if count is not None else 1
            for part in limit[1:]:
                check_terms(part, outer)
        if total > limits.MAX_SUM_TERMS or total * body_cost(expr.function) > limits.MAX_SUM_WORK:
            raise ParseError(
                f"That sum or product has too many terms to check (the limit is {limits.MAX_SUM_TERMS}).",
                limit="sum terms",
            )
        check_terms(expr.function, total)
        return
    for arg in expr.args:
        check_terms(arg, outer)


# -- sampling ---------------------------------------------------------------------------------


def index_symbols(exprs: Iterable[sympy.Basic]) -> set[sympy.Symbol]:
    """Free variables that only make sense as integers: in the limits of a sum or in an index."""
    exprs = list(exprs)
    found: set[sympy.Basic] = set()
    for e in exprs:
        found |= _scan(e)[1]
    if not found:
        return set()
    free = set().union(*(e.free_symbols for e in exprs))
    return {s for s in found & free if isinstance(s, sympy.Symbol)}


@functools.lru_cache(maxsize=1024)
def _scan(expr: sympy.Basic) -> tuple[frozenset[str], frozenset[sympy.Basic]]:
    """(sequence names, symbols in limits and indices) of expr: one walk, cached, as the sampler and the
    comparison ask about the same expressions many times and most have neither."""
    names: set[str] = set()
    found: set[sympy.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, BigOp):
            for _, lower, upper in node.limits:
                found |= lower.free_symbols | upper.free_symbols
        elif is_term(node):
            names.add(type(node).__name__)
            found |= node.args[0].free_symbols
        stack.extend(node.args)
    return frozenset(names), frozenset(found)


# -- one representation for both answers ------------------------------------------------------


def same_sequences(expected: Value, answer: Value) -> tuple[Value, Value]:
    """Read `a_1` as a term of sequence a in one answer when the other answer uses a as a sequence.

    Each answer decides alone (see the module docstring); this makes `a_1 + a_2 + a_3` comparable
    with `\\sum_{k=1}^{3} a_k`. Answers without sequences come back unchanged.
    """
    in_expected, in_answer = _sequences_in(expected), _sequences_in(answer)
    if in_expected == in_answer:
        return expected, answer
    return _as_terms(expected, in_answer), _as_terms(answer, in_expected)


def _sequences_in(value: Value) -> set[str]:
    return {name for e in scalars(value) for name in _scan(e)[0]}


def _as_terms(value: Value, bases: set[str]) -> Value:
    mapping: dict[sympy.Basic, sympy.Expr] = {}
    for e in scalars(value):
        for s in e.free_symbols:
            base, _, sub = s.name.partition("_")
            index = simple_index(sub) if base in bases else None
            if index is not None:
                mapping[s] = term(base, index)
    return _map_value(value, mapping) if mapping else value


def _map_value(value: Value, mapping: dict[sympy.Basic, sympy.Expr]) -> Value:
    def m(v: Value) -> Value:
        return _map_value(v, mapping)

    if isinstance(value, sympy.Basic):
        return _replace(value, mapping)
    if isinstance(value, (Seq, SetValue)):
        return dataclasses.replace(value, items=tuple(m(v) for v in value.items))
    if isinstance(value, Matrix):
        return Matrix(tuple(tuple(m(c) for c in row) for row in value.rows))
    if isinstance(value, Interval):
        return Interval(tuple((m(lo), m(hi), lo_open, hi_open) for lo, hi, lo_open, hi_open in value.parts))
    if isinstance(value, Relation):
        return dataclasses.replace(value, exprs=tuple(m(v) for v in value.exprs))
    if isinstance(value, Membership):
        return Membership(m(value.var), m(value.region))
    return value


def _replace(expr: sympy.Basic, mapping: dict[sympy.Basic, sympy.Expr]) -> sympy.Basic:
    """xreplace without SymPy's evaluation, so the answer keeps the form it was typed in."""
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    args = [_replace(a, mapping) for a in expr.args]
    if all(a is b for a, b in zip(args, expr.args, strict=True)):
        return expr
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow, sympy.Function)):
        return expr.func(*args, evaluate=False)
    return expr.func(*args)
