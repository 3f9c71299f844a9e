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
import functools
import re
from collections.abc import Iterable, Sequence

import sympy
from sympy.core.function import AppliedUndef

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.lexer import SUB_OPEN, Token

BIG_OPS = {"sum": sympy.Sum, "prod": sympy.Product, "product": sympy.Product}
BigOp = (sympy.Sum, sympy.Product)

_LIMITS_HELP = "Write the limits as in \\sum_{k=1}^{n} k^2, or as sum(k^2, k, 1, n)."


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
    raise ParseError(f"Write a sum or product as sum(body, k, a, b). {_LIMITS_HELP}")


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
    if not (isinstance(lower, sympy.Integer) and isinstance(upper, sympy.Integer)):
        return None
    return max(0, int(upper) - int(lower) + 1)


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
        for node in sympy.preorder_traversal(e):
            if isinstance(node, BigOp):
                for _, lower, upper in node.limits:
                    found |= lower.free_symbols | upper.free_symbols
            elif is_term(node):
                found |= node.args[0].free_symbols
    if not found:
        return set()
    free = set().union(*(e.free_symbols for e in exprs))
    return {s for s in found & free if isinstance(s, sympy.Symbol)}
