"""Sets of reals (intervals, memberships, one-variable inequalities) solved by SymPy and compared.

Only small rational expressions are handed to SymPy's solver; the rest are compared by their
membership test in bot.maths.compare.relations.
"""

from __future__ import annotations

from typing import Any

import sympy

from bot.maths.compare.numbers import SAME, Outcome, Tolerance, compare_constants, differ
from bot.maths.values import Interval, Membership, Relation, Seq, SetValue, Value


def _evaluated(expr: sympy.Basic) -> sympy.Basic:
    """Rebuild with SymPy's normal evaluation (safe: sizes were bounded by the parser)."""
    if not expr.args:
        return expr
    return expr.func(*(_evaluated(a) for a in expr.args))


_REL_CLASS = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "!=": sympy.Ne, "=": sympy.Eq}


def real_set(value: Value) -> sympy.Set | None:
    """The set of reals an inequality / membership / interval describes (one variable), or None."""
    if isinstance(value, Interval):
        ends = [x for part in value.parts for x in part[:2]]
        if any(x.free_symbols or not _solvable(x) for x in ends):
            return None  # the membership test handles odd endpoints without SymPy's assumptions
        parts = [
            sympy.Interval(_evaluated(lo), _evaluated(hi), left_open=lo_open, right_open=hi_open)
            for lo, hi, lo_open, hi_open in value.parts
        ]
        return sympy.Union(*parts)
    if isinstance(value, Seq) and len(value.items) == 2 and value.open:
        lo, hi = value.items
        if (
            isinstance(lo, sympy.Expr)
            and isinstance(hi, sympy.Expr)
            and not (lo.free_symbols or hi.free_symbols)
            and _solvable(lo)
            and _solvable(hi)
        ):
            return sympy.Interval(
                _evaluated(lo), _evaluated(hi), left_open=value.open == "(", right_open=value.close == ")"
            )
        return None
    if isinstance(value, Membership):
        if isinstance(value.region, SetValue):
            items = value.region.items
            if all(isinstance(i, sympy.Expr) and not i.free_symbols and _solvable(i) for i in items):
                return sympy.FiniteSet(*(_evaluated(i) for i in items))
            return None
        return real_set(value.region)
    if isinstance(value, Relation):
        symbols = set().union(*(x.free_symbols for x in value.exprs if isinstance(x, sympy.Expr)))
        if len(symbols) != 1 or not all(isinstance(x, sympy.Expr) for x in value.exprs):
            return None
        var = next(iter(symbols))
        if not all(_solvable(x) for x in value.exprs):
            return None
        result: sympy.Set = sympy.S.Reals
        for k, op in enumerate(value.ops):
            rel = _REL_CLASS[op](_evaluated(value.exprs[k]), _evaluated(value.exprs[k + 1]))
            if rel is sympy.true:
                continue
            if rel is sympy.false:
                return sympy.S.EmptySet
            try:
                part = sympy.solveset(rel, var, sympy.S.Reals)
            except (NotImplementedError, ValueError, TypeError):
                return None
            if isinstance(part, sympy.ConditionSet):
                return None
            result = sympy.Intersection(result, part)
        return result
    return None


def _solvable(expr: sympy.Expr) -> bool:
    """Small rational expressions (with |..|) only: SymPy's inequality solver is fast on those and
    unbounded on transcendental ones, which are compared numerically instead."""
    constants = (sympy.oo, sympy.S.NegativeInfinity, sympy.pi, sympy.E)
    abs_count = 0
    for count, node in enumerate(sympy.preorder_traversal(expr)):
        abs_count += isinstance(node, sympy.Abs)
        if count > 40 or abs_count > 2:
            return False
        if isinstance(node, sympy.Pow):
            exp = node.args[1]
            if not (isinstance(exp, sympy.Integer) and abs(exp) <= 4) and exp != sympy.S.Half:
                return False
        elif (
            not isinstance(node, (sympy.Add, sympy.Mul, sympy.Symbol, sympy.Number, sympy.Abs))
            and node not in constants
        ):
            return False
    return True


def safe_real_set(value: Value) -> sympy.Set | None:
    try:
        return real_set(value)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None


def _parts(s: sympy.Set) -> list[tuple[Any, Any, bool, bool]] | None:
    if s is sympy.S.EmptySet:
        return []
    if s is sympy.S.Reals:
        return [(sympy.S.NegativeInfinity, sympy.oo, True, True)]
    if isinstance(s, sympy.Interval):
        return [(s.start, s.end, bool(s.left_open), bool(s.right_open))]
    if isinstance(s, sympy.FiniteSet):
        return [(p, p, False, False) for p in s.args]
    if isinstance(s, sympy.Union):
        out: list[tuple[Any, Any, bool, bool]] = []
        for arg in s.args:
            p = _parts(arg)
            if p is None:
                return None
            out.extend(p)
        return out
    return None


def compare_real_sets(se: sympy.Set, sa: sympy.Set, tol: Tolerance) -> Outcome:
    pe, pa = _parts(se), _parts(sa)
    if pe is None or pa is None:
        try:
            return Outcome(bool(se.symmetric_difference(sa).is_empty))
        except Exception:
            return Outcome(se == sa)
    if len(pe) != len(pa):
        return differ()

    def key(p: tuple[Any, ...]) -> float:
        return float(p[0]) if _finite(p[0]) else float("-inf")

    for (lo_e, hi_e, lo_oe, hi_oe), (lo_a, hi_a, lo_oa, hi_oa) in zip(
        sorted(pe, key=key), sorted(pa, key=key), strict=True
    ):
        for x, y in ((lo_e, lo_a), (hi_e, hi_a)):
            if x == y:
                continue
            if not compare_constants(_elementary(x), _elementary(y), tol).equal:
                return differ()
        if (_finite(lo_e) and lo_oe != lo_oa) or (_finite(hi_e) and hi_oe != hi_oa):
            return differ("An endpoint is included on one side and not on the other.")
    return SAME


def _finite(x: sympy.Expr) -> bool:
    """Structural test (SymPy's assumption system can take seconds on odd constants)."""
    return not x.has(sympy.oo, sympy.S.NegativeInfinity, sympy.zoo)


def _elementary(x: sympy.Expr) -> sympy.Expr:
    """Solver output such as CRootOf(...) as a 40-digit number the evaluator understands."""
    if any(not isinstance(n, (sympy.Number, sympy.Add, sympy.Mul, sympy.Pow)) and n not in (sympy.pi, sympy.E)
           for n in sympy.preorder_traversal(x)):  # fmt: skip
        return sympy.N(x, 40)
    return x
