"""Sets of reals (intervals, memberships, one-variable inequalities) solved by SymPy and compared.

Only small rational expressions are handed to SymPy's solver; the rest are compared by their
membership test in bot.maths.compare.relations.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
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
        rels = []
        for k, op in enumerate(value.ops):
            rel = _REL_CLASS[op](_evaluated(value.exprs[k]), _evaluated(value.exprs[k + 1]))
            if rel is sympy.true:
                continue
            if rel is sympy.false:
                return sympy.S.EmptySet
            rels.append(rel)
        fast = rational_set(rels, var)
        if fast is None:
            fast = _split_abs(rels, var)
        if fast is not None:
            return fast
        for rel in rels:
            try:
                part = sympy.solveset(rel, var, sympy.S.Reals)
            except (NotImplementedError, ValueError, TypeError):
                return None
            if isinstance(part, sympy.ConditionSet):
                return None
            result = sympy.Intersection(result, part)
        return result
    return None


# -- rational inequalities without solveset ----------------------------------------------------------

_HOLDS = {
    "<": lambda s: s < 0, "<=": lambda s: s <= 0, ">": lambda s: s > 0, ">=": lambda s: s >= 0,
    "!=": lambda s: s != 0, "==": lambda s: s == 0,
}  # fmt: skip


def _poly(expr: sympy.Expr, var: sympy.Symbol) -> sympy.Poly | None:
    """expr as a polynomial in var with integer or rational coefficients (else None: solveset's job)."""
    try:
        p = sympy.Poly(expr, var)
    except sympy.PolynomialError:
        return None
    return p if p.domain.is_ZZ or p.domain.is_QQ else None


REFINE_STEPS = 200  # bisections to tell two roots apart before the set goes to solveset instead


@dataclass
class _Root:
    """A real root of the irreducible `factor`, inside the rational interval [lo, hi] (lo == hi: rational)."""

    factor: sympy.Poly
    lo: sympy.Rational
    hi: sympy.Rational

    def refine(self) -> None:
        if self.lo != self.hi:
            self.lo, self.hi = (sympy.Rational(v) for v in self.factor.refine_root(self.lo, self.hi, steps=1))

    def as_expr(self) -> sympy.Expr:
        """The root as solveset writes it: a rational, a quadratic surd (1 - sqrt(3)), else a CRootOf."""
        if self.lo == self.hi:
            return self.lo
        if self.factor.degree() == 2:
            a, b, c = self.factor.all_coeffs()
            vertex = sympy.Rational(-b, 2 * a)  # the two roots lie either side of it
            while self.lo < vertex < self.hi:
                self.refine()
            root = sympy.sqrt(b * b - 4 * a * c) / (2 * abs(a))
            return vertex + (root if self.lo >= vertex else -root)
        index = sum(1 for (_, hi), _ in self.factor.intervals() if hi <= self.lo)  # roots below this one
        return sympy.CRootOf(self.factor, index)


def _roots(p: sympy.Poly) -> list[_Root] | None:
    """The distinct real roots of p in increasing order, each isolated from the next (None: too close)."""
    if p.is_zero or p.degree() <= 0:
        return []
    roots = []
    for factor, _ in p.factor_list()[1]:
        if factor.degree() == 1:
            a, b = factor.all_coeffs()
            roots.append(_Root(factor, sympy.Rational(-b, a), sympy.Rational(-b, a)))
        else:
            roots += [
                _Root(factor, sympy.Rational(lo), sympy.Rational(hi)) for (lo, hi), _ in factor.intervals()
            ]
    for _ in range(REFINE_STEPS):
        roots.sort(key=lambda r: (r.lo, r.hi))
        overlapping = [(r, s) for r, s in itertools.pairwise(roots) if not r.hi < s.lo]
        if not overlapping:
            return roots
        for r, s in overlapping:  # distinct roots (coprime factors): bisection parts them
            r.refine()
            s.refine()
    return None


def _vanishes(q: sympy.Poly, r: _Root) -> bool:
    """q(r) == 0, exactly: r's factor is irreducible, so it divides q or shares no root with it."""
    if q.is_zero:
        return True
    return bool(q.rem(r.factor).is_zero)


def _between(lo: _Root | None, hi: _Root | None) -> sympy.Rational:
    """A rational strictly between two isolated roots (or beyond the last one)."""
    if lo is None and hi is None:
        return sympy.Integer(0)
    if lo is None:
        return sympy.floor(hi.lo) - 1  # type: ignore[union-attr]
    if hi is None:
        return sympy.ceiling(lo.hi) + 1
    return (lo.hi + hi.lo) / 2


def _split_abs(rels: list[sympy.core.relational.Relational], var: sympy.Symbol) -> sympy.Set | None:
    """rational_set for relations with one |u| (u rational): where u >= 0 with u for |u|, united with
    where u < 0 with -u. The same exact set solveset gives (|x| < 2, 1 <= |z| <= 3/2, |x^2 - 2| < 1),
    without its periodicity and simplify passes; None (solveset's job) for anything else."""
    found = {n for r in rels for n in sympy.preorder_traversal(r) if isinstance(n, sympy.Abs)}
    if len(found) != 1:
        return None
    (node,) = found
    u = node.args[0]
    pieces = []
    for guard, value in ((sympy.Ge(u, 0), u), (sympy.Lt(u, 0), -u)):
        parts = [guard, *(r.xreplace({node: value}) for r in rels)]
        if any(p is sympy.false for p in parts):
            pieces.append(sympy.S.EmptySet)
            continue
        piece = rational_set([p for p in parts if p is not sympy.true], var)
        if piece is None:
            return None
        pieces.append(piece)
    return sympy.Union(*pieces)


def rational_set(rels: list[sympy.core.relational.Relational], var: sympy.Symbol) -> sympy.Set | None:
    """The reals where every `lhs op rhs` holds, for rational functions with rational coefficients.

    Exact, as solveset is, at a small part of its cost: the sign of each relation's numerator times
    denominator is constant between consecutive real roots (all found exactly), so one rational
    test point per gap and the roots themselves decide membership; a denominator's roots are out.
    None for anything else (|x|, sqrt, pi, decimals), which solveset then solves.
    """
    parts: list[tuple[str, list[sympy.Poly]]] = []
    for rel in rels:
        if not isinstance(rel, sympy.core.relational.Relational) or rel.rel_op not in _HOLDS:
            return None
        g = rel.lhs - rel.rhs
        if g.has(sympy.Float) or not g.is_rational_function(var):
            return None
        num, den = sympy.fraction(sympy.together(g))
        holes = [
            node.args[0]
            for node in sympy.preorder_traversal(g)
            if isinstance(node, sympy.Pow) and node.args[1].is_negative and node.args[0].has(var)
        ]
        maybe = [_poly(e, var) for e in (num, den, *holes)]
        polys = [q for q in maybe if q is not None]
        if len(polys) != len(maybe):
            return None
        parts.append((rel.rel_op, polys))
    if not parts:
        return None
    everything = [q for _, polys in parts for q in polys if not q.is_zero]
    found = _roots(sympy.Mul(*(q.as_expr() for q in everything)).as_poly(var)) if everything else []
    if found is None:
        return None
    points: list[_Root] = found
    tests = [_between(lo, hi) for lo, hi in zip([None, *points], [*points, None], strict=True)]
    zeros = [[{k for k, r in enumerate(points) if _vanishes(q, r)} for q in polys] for _, polys in parts]

    def inside(k: int, at_root: bool) -> bool:
        """Membership of gap k (before points[k]) or of points[k] itself."""
        for (op, polys), zs in zip(parts, zeros, strict=True):
            num, den = polys[0], polys[1]
            if at_root:
                if any(k in z for z in zs[1:]):
                    return False  # a denominator vanishes: outside the domain
                if k in zs[0]:
                    sign = 0
                else:
                    t = tests[k]  # no root of num * den between this test point and r
                    sign = int(sympy.sign(num.eval(t) * den.eval(t)))
            else:
                t = tests[k]
                sign = 0 if num.is_zero else int(sympy.sign(num.eval(t) * den.eval(t)))
            if not _HOLDS[op](sign):
                return False
        return True

    # The real line as gap 0, point 0, gap 1, ..., gap n: runs of members become intervals.
    cells = []
    for k in range(len(points)):
        cells += [(inside(k, False), k, False), (inside(k, True), k, True)]
    cells.append((inside(len(points), False), len(points), False))
    out: list[sympy.Set] = []
    k = 0
    while k < len(cells):
        if not cells[k][0]:
            k += 1
            continue
        j = k
        while j + 1 < len(cells) and cells[j + 1][0]:
            j += 1
        (_, a, a_root), (_, b, b_root) = cells[k], cells[j]
        lo = points[a].as_expr() if a_root else (points[a - 1].as_expr() if a else sympy.S.NegativeInfinity)
        hi = points[b].as_expr() if b_root or b < len(points) else sympy.oo
        if a_root and b_root and a == b:
            out.append(sympy.FiniteSet(lo))
        else:
            out.append(sympy.Interval(lo, hi, left_open=not a_root, right_open=not b_root))
        k = j + 1
    if not out:
        return sympy.S.EmptySet
    if len(out) == 1 and out[0] == sympy.Interval(sympy.S.NegativeInfinity, sympy.oo):
        return sympy.S.Reals
    return out[0] if len(out) == 1 else sympy.Union(*out, evaluate=False)


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
