"""Equivalence of typed answers: the expected answer's type decides how the submission is read.

Names (`x = 3`, `f(x) = 1` against 3 or 1), working (`x = 5 + 5 = 10`, judged by where it arrives
when every step is true), then dispatch by kind to the comparisons in bot.maths.compare.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from bot.maths.compare.numbers import (
    DEFAULT_REL,
    POINT_DPS,
    SAME,
    ExpectedAnswerError,
    Outcome,
    Tolerance,
    const_value,
    differ,
    has_float,
)
from bot.maths.compare.relations import compare_equations, compare_inequalities, compare_truth, truth_fn
from bot.maths.compare.sampling import compare_expressions, sample, sample_points
from bot.maths.compare.sets import compare_real_sets, safe_real_set
from bot.maths.errors import ParseError
from bot.maths.render import as_text
from bot.maths.values import (
    Interval,
    Matrix,
    Membership,
    Relation,
    Seq,
    SetValue,
    Text,
    Value,
    kind_of,
    scalars,
)

# Work budget for the sign / factor-of-2 hints, which cost up to three more comparisons: only answers
# whose two sides have at most this many SymPy nodes together get them. Counted, never timed, so the
# same answer gets the same feedback on an idle bot and a busy one.
HINT_MAX_NODES = 240


# -- names ------------------------------------------------------------------------------------


def is_label(expr: Value) -> bool:
    """A named quantity as written left of `=`: x, F_n, AB and |AB| (points), f(x), NO/BO.

    A product or quotient of names with no number in it. `x^2 = 4` and `2x = 6` are equations to
    solve, not names, so a bare 4 or 6 never matches them.
    """
    if isinstance(expr, sympy.Abs):
        expr = expr.args[0]
    if isinstance(expr, sympy.Symbol):
        return True
    if isinstance(expr, sympy.Mul):
        return all(is_label(a) and not isinstance(a, sympy.Abs) for a in expr.args)
    if isinstance(expr, sympy.Pow) and expr.args[1] is sympy.S.NegativeOne:
        return is_label(expr.args[0]) and not isinstance(expr.args[0], sympy.Abs)
    return False


def _is_assignment(value: Value) -> bool:
    """`x = 3`, `f(x) = 1`, `(p, q) = (3, 2)`: a name (or names) given a value with no variables."""
    if not isinstance(value, Relation) or value.ops != ("=",):
        return False
    lhs, rhs = value.exprs
    names = (isinstance(lhs, sympy.Expr) and is_label(lhs)) or (
        isinstance(lhs, Seq) and all(isinstance(s, sympy.Symbol) for s in lhs.items)
    )
    if not names:
        return False
    if isinstance(rhs, sympy.Expr):
        return not rhs.free_symbols
    return True


def _hint(expected: sympy.Expr, answer: sympy.Expr, tol: Tolerance) -> str:
    """A generic nudge for two common slips: a sign error, a factor of 2.

    For expressions, one sampling of both sides finds which factor (if any) their ratio shows; only
    that one is confirmed by a full comparison, so a hint costs about one comparison, not three.
    """
    try:
        if not expected.free_symbols:
            return "Check the sign." if _scaled_equal(expected, answer, -1, tol) else ""
        for k in _ratio_candidates(expected, answer):
            if _scaled_equal(expected, answer, k, tol):
                return "Check the sign." if k == -1 else "Off by a factor of 2."
    except (TypeError, ValueError, ArithmeticError):
        pass
    return ""


HINT_FACTORS = (sympy.Integer(-1), sympy.Integer(2), sympy.Rational(1, 2))


def _ratio_candidates(expected: sympy.Expr, answer: sympy.Expr) -> list[sympy.Expr]:
    """The factors k of HINT_FACTORS with answer / expected within 1% of k at every sampled point."""
    fast = sample_points([expected, answer])  # the points `sample` picks, in float64 (a 1% screen)
    if fast is not None:
        values = [p.exact_values[0] if p.exact_values is not None else p.values for p in fast.points]
    else:
        values = [v for v, _, _ in sample([expected, answer])[0]]
    ratios = [va / ve for ve, va in values if ve != 0]
    if not ratios:
        return []
    return [k for k in HINT_FACTORS if all(abs(r - float(k)) <= 0.01 for r in ratios)]


def _within_nodes(exprs: Sequence[sympy.Basic], budget: int) -> bool:
    """Whether the expressions have at most `budget` nodes in all (stops counting past it)."""
    count = 0
    for expr in exprs:
        for _ in sympy.preorder_traversal(expr):
            count += 1
            if count > budget:
                return False
    return True


def _scaled_equal(expected: sympy.Expr, answer: sympy.Expr, k: sympy.Expr, tol: Tolerance) -> bool:
    return compare_expressions(sympy.Mul(k, expected, evaluate=False), answer, tol).equal


def _names_expected(answer: Value, expected: sympy.Expr) -> bool:
    """`x = 3` for 3, `y = 2x + 1` or `f(x) = 2x + 1` for 2x + 1: a name given the expected value.

    The name must bring a new letter (x = x^2 is an equation in x, not a name for x^2).
    """
    if not isinstance(answer, Relation) or answer.ops != ("=",):
        return False
    lhs, rhs = answer.exprs
    if not (isinstance(lhs, sympy.Expr) and isinstance(rhs, sympy.Expr) and is_label(lhs)):
        return False
    return bool(lhs.free_symbols - expected.free_symbols - rhs.free_symbols)


def _as_interval_if_infinite(value: Value) -> Value:
    """A pair with an infinite end, like (1, oo), can only be an interval."""
    if isinstance(value, Seq) and len(value.items) == 2 and value.open:
        lo, hi = value.items
        infinite = (
            isinstance(lo, sympy.Expr)
            and isinstance(hi, sympy.Expr)
            and any(x.has(sympy.oo, sympy.S.NegativeInfinity) for x in (lo, hi))
        )
        if infinite:
            return Interval(((lo, hi, value.open == "(", value.close == ")"),))
    return value


def _closed_at_infinity(value: Value) -> Interval | None:
    """The interval when it includes an infinite end, like [5, oo]: no real interval does."""
    region = value.region if isinstance(value, Membership) else value
    if not isinstance(region, Interval):
        return None
    for lo, hi, lo_open, hi_open in region.parts:
        for end, is_open in ((lo, lo_open), (hi, hi_open)):
            if not is_open and isinstance(end, sympy.Expr) and end.has(sympy.oo, sympy.S.NegativeInfinity):
                return region
    return None


def _real_interval(value: Value, *, expected: bool = False) -> Value:
    """Refuse [5, oo] with a clear message (SymPy would silently read it as [5, oo))."""
    region = _closed_at_infinity(value)
    if region is None:
        return value
    if expected:
        raise ExpectedAnswerError(f"the interval {as_text(region)} is closed at an infinite end")
    fixed = Interval(
        tuple(
            (
                lo,
                hi,
                lo_open or lo.has(sympy.S.NegativeInfinity, sympy.oo),
                hi_open or hi.has(sympy.oo, sympy.S.NegativeInfinity),
            )
            for lo, hi, lo_open, hi_open in region.parts
        )
    )
    raise ParseError(
        f"{as_text(region)} includes an infinite end, but oo is not a number, so no interval contains it: "
        f"write {as_text(fixed)}, with a round bracket at oo."
    )


def _describe(value: Value) -> str:
    kind = kind_of(value)
    return {"number": "a number", "expression": "an expression", "equation": "an equation",
            "inequality": "an inequality", "interval": "an interval", "tuple": "a tuple",
            "list": "a list", "set": "a set", "matrix": "a matrix", "text": "a word",
            "ratio": "a ratio"}[kind]  # fmt: skip


# -- working: x = 5 + 5 = 10 -----------------------------------------------------------------


@dataclass(frozen=True)
class Working:
    """Steps of working that end in a value, optionally after a name: `x = 5 + 5 = 10`."""

    name: sympy.Expr | None
    steps: tuple[sympy.Expr, ...]
    approx: frozenset[int]  # link k (steps[k] to steps[k + 1]) was written with ≈


def working(value: Value) -> Working | None:
    """`x = 5 + 5 = 10`, `x = 1/3 ≈ 0.33`, `(x+1)^2 = x^2 + 2x + 1 = ...` — or None."""
    if not isinstance(value, Relation) or not value.is_equation:
        return None
    exprs = value.exprs
    if not all(isinstance(x, sympy.Expr) for x in exprs):
        return None
    later = set().union(*(x.free_symbols for x in exprs[1:]))
    named = is_label(exprs[0]) and bool(exprs[0].free_symbols - later)
    steps = exprs[1:] if named else exprs
    if len(steps) < (2 if named else 3):
        return None  # 2x = 6 is an equation to solve, and 1 = 4 a (false) statement, not working
    offset = 1 if named else 0
    approx = frozenset(k - offset for k in value.approx_at if k >= offset)
    return Working(exprs[0] if named else None, steps, approx)


def false_step(w: Working) -> str | None:
    """The first link of the working that isn't true, as text (5 + 5 + 1 = 7; 1/3 ≈ 1.3), if any."""
    for k in range(len(w.steps) - 1):
        a, b = w.steps[k], w.steps[k + 1]
        if k in w.approx:
            if not _approximately(a, b):
                return f"{as_text(a)} ≈ {as_text(b)}"
        elif not compare_expressions(a, b, Tolerance()).equal:
            return f"{as_text(a)} = {as_text(b)}"
    return None


def final_value(w: Working) -> Value:
    """What the working arrives at: its last exact step (a following ≈ only illustrates it)."""
    value = w.steps[min(w.approx)] if w.approx else w.steps[-1]
    return Relation((w.name, value), ("=",)) if w.name is not None else value


def _unit_in_last_place(x: sympy.Expr) -> Any:
    """1 for 11, 0.01 for 3.14: how closely a number written after ≈ claims to match."""
    if isinstance(x, sympy.Integer):
        return mpmath.mpf(1)
    if isinstance(x, sympy.Float):
        digits = mpmath.nstr(mpmath.mpf(x._mpf_), 15, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
        return mpmath.mpf(10) ** -(len(digits.split(".")[1]) if "." in digits else 0)
    return None


def _approximately(a: sympy.Expr, b: sympy.Expr) -> bool:
    """a ≈ b: equal to the last digit written (1/3 ≈ 0.333 and ≈ 0.33, not ≈ 1.3), else within 1%."""
    units = [u for u in (_unit_in_last_place(a), _unit_in_last_place(b)) if u is not None]
    if a.free_symbols or b.free_symbols or not units:
        return compare_expressions(a, b, Tolerance(rel=0.01)).equal
    va, vb = const_value(a, POINT_DPS), const_value(b, POINT_DPS)
    if va is None or vb is None:
        return False
    diff = abs(va[0] - vb[0])
    return bool(diff <= max(units) * (1 + 1e-9) or diff <= DEFAULT_REL * abs(vb[0]))


def _settled(expected: Value, answer: Value) -> tuple[Value, Value | Outcome]:
    """Working on either side replaced by what it arrives at; a false step in the answer is the verdict.

    An expected chain that isn't true working (x = y = z) is left for the equation comparison.
    """
    w = working(expected)
    if w is not None and false_step(w) is None:
        expected = final_value(w)
    if isinstance(expected, Relation) and len(expected.ops) > 1:
        return expected, answer
    w = working(answer)
    if w is None:
        return expected, _identity_shown(expected, answer)
    wrong = false_step(w)
    if wrong is not None:
        return expected, differ(f"This step of your working isn't true: {wrong}.")
    return expected, final_value(w)


def _identity_shown(expected: Value, answer: Value) -> Value:
    """`(x+1)^2 = x^2 + 2x + 1` or `7 + 5 = 12` for an expression or number: one step of working
    when both sides are equal everywhere; otherwise (2x = 6) it stays an equation."""
    if not isinstance(expected, sympy.Expr) or not isinstance(answer, Relation) or answer.ops != ("=",):
        return answer
    lhs, rhs = answer.exprs
    if not (isinstance(lhs, sympy.Expr) and isinstance(rhs, sympy.Expr)):
        return answer
    if answer.approx_at:  # 1/3 ≈ 0.333: the exact side is the answer, as in longer working
        return lhs if _approximately(lhs, rhs) else answer
    return rhs if compare_expressions(lhs, rhs, Tolerance()).equal else answer


# -- typed dispatch ---------------------------------------------------------------------------


Comparer = Callable[[Any, Value, Tolerance, str], Outcome]


def equivalent(expected: Value, answer: Value, tol: Tolerance, raw_answer: str = "") -> Outcome:
    """Whether `answer` is `expected`: working and names settled first, then the comparer for the
    expected answer's kind (the COMPARERS table), as STACK's answer tests and WeBWorK's checkers do."""
    if expected == answer:  # structurally identical (evaluate=False keeps what was typed)
        return SAME
    expected, settled = _settled(expected, answer)
    if isinstance(settled, Outcome):
        return settled
    answer = _real_interval(settled)
    expected = _real_interval(_as_interval_if_infinite(expected), expected=True)
    return COMPARERS[_comparer_kind(expected, answer)](expected, answer, tol, raw_answer)


def _comparer_kind(expected: Value, answer: Value) -> str:
    """Which row of COMPARERS judges this pair: the expected answer's kind decides."""
    if isinstance(expected, Text):
        return "text"
    if isinstance(expected, sympy.Expr):
        return "expression"
    if _is_assignment(expected) and not isinstance(answer, Relation):
        return "assignment"
    if isinstance(expected, Relation) and expected.is_equation:
        return "equation"
    if isinstance(expected, (Relation, Membership, Interval)):
        return "region"
    if isinstance(expected, SetValue) or (isinstance(expected, Seq) and expected.bare):
        return "collection"
    if isinstance(expected, Matrix):
        return "matrix"
    if isinstance(expected, Seq):
        return "sequence"
    raise TypeError(f"can't compare {type(expected).__name__}")


def _compare_text(expected: Text, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    """`\\text{odd}`: compared as a word, however it was wrapped."""
    word = re.sub(r"\\text\w*\{([^}]*)\}", r"\1", raw_answer).strip().strip("$").strip().lower()
    if isinstance(answer, Text):
        word = answer.word
    return Outcome(word == expected.word)


def _compare_expression(expected: sympy.Expr, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    """An expression or number; `y = 2x + 1` names it; a wrong one may get a sign / factor-2 hint."""
    if isinstance(answer, sympy.Expr):
        out = compare_expressions(expected, answer, tol)
        if out.equal or out.message or not _within_nodes((expected, answer), HINT_MAX_NODES):
            return out
        return Outcome(False, _hint(expected, answer, tol))
    if _names_expected(answer, expected):
        return compare_expressions(expected, answer.exprs[1], tol)
    return differ(f"Expected {_describe(expected)}, but your answer is {_describe(answer)}.")


def _compare_assignment(expected: Relation, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    """`x = 3` expected, `3` answered: the value is compared; (x, y) = (2, 3) matches y = 3, x = 2."""
    names, values = expected.exprs
    if isinstance(names, Seq) and isinstance(values, Seq) and len(names.items) == len(values.items):
        pairs = zip(names.items, values.items, strict=True)
        return equivalent(Seq(tuple(Relation((n, v), ("=",)) for n, v in pairs), "(", ")"), answer, tol)
    return equivalent(values, answer, tol, raw_answer)


def _compare_equation(expected: Relation, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    if not (isinstance(answer, Relation) and answer.is_equation):
        return differ(f"Expected an equation, but your answer is {_describe(answer)}.")
    if not all(isinstance(x, sympy.Expr) for x in (*expected.exprs, *answer.exprs)):
        if not (_is_assignment(expected) and _is_assignment(answer)):
            return differ()
        lhs = equivalent(expected.exprs[0], answer.exprs[0], Tolerance())
        return lhs if not lhs.equal else equivalent(expected.exprs[1], answer.exprs[1], tol)
    return compare_equations(expected, answer, tol)


def _compare_region(expected: Value, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    """Inequalities, memberships and intervals: the same set of reals (solver, then membership tests)."""
    if isinstance(answer, Seq) and len(answer.items) == 2 and answer.open:
        answer = Interval(((answer.items[0], answer.items[1], answer.open == "(", answer.close == ")"),))
        answer = _real_interval(answer)
    if not isinstance(answer, (Relation, Membership, Interval)) or (
        isinstance(answer, Relation) and answer.is_equation
    ):
        return differ(f"Expected {_describe(expected)}, but your answer is {_describe(answer)}.")
    se, sa = safe_real_set(expected), safe_real_set(answer)
    if se is not None and sa is not None:
        return compare_real_sets(se, sa, tol)
    te, ta = truth_fn(expected), truth_fn(answer)
    if te is not None and ta is not None:
        inexact = tol.explicit or any(has_float(x) for x in scalars(expected) + scalars(answer))
        return compare_truth(te, ta, tol, inexact)
    if isinstance(expected, Relation) and isinstance(answer, Relation):
        return compare_inequalities(expected, answer, tol)
    if isinstance(expected, Interval) and isinstance(answer, Interval):
        return _compare_interval_parts(expected, answer, tol)
    return differ("I couldn't work out which numbers your answer describes.")


def _compare_collection(expected: SetValue | Seq, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    """Sets and bare lists (`2, -3`): order-free; one value answers a one-item list."""
    if isinstance(answer, SetValue) or (isinstance(answer, Seq) and answer.bare):
        return _compare_collections(expected.items, answer.items, tol)
    if isinstance(expected, Seq) and not isinstance(answer, (Seq, SetValue)):
        return _compare_collections(expected.items, (answer,), tol)
    return differ(f"Expected {_describe(expected)}, but your answer is {_describe(answer)}.")


def _compare_matrix_kind(expected: Matrix, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    return _compare_matrix(expected, answer, tol)


def _compare_sequence(expected: Seq, answer: Value, tol: Tolerance, raw_answer: str) -> Outcome:
    """Tuples, vectors, lists: element-wise with the same length (assignments matched by name)."""
    if isinstance(answer, (Interval, Membership)) or (
        isinstance(answer, Relation) and not answer.is_equation
    ):
        # [-2, 7] against "-2 <= x <= 7": the answer shows the pair was meant as an interval.
        as_set = safe_real_set(expected)
        answer_set = safe_real_set(answer)
        if as_set is not None and answer_set is not None:
            return compare_real_sets(as_set, answer_set, tol)
    if isinstance(answer, Matrix) and 1 in answer.shape:
        answer = Seq(tuple(c for r in answer.rows for c in r), "(", ")")
    if _is_assignment(answer):
        answer = answer.exprs[1]
    if not isinstance(answer, Seq):
        return differ(f"Expected {_describe(expected)} of {len(expected.items)} entries, "
                       f"but your answer is {_describe(answer)}.")  # fmt: skip
    if len(answer.items) != len(expected.items):
        return differ(f"Expected {len(expected.items)} entries, but your answer has {len(answer.items)}.")
    for x, y in zip(expected.items, _in_order_of_names(expected.items, answer.items), strict=True):
        out = equivalent(x, y, tol)
        if not out.equal:
            return differ(out.message if out.message.startswith("Expected") else "")
    return SAME


#: The expected answer's kind -> its comparer (see _comparer_kind for how the kind is decided).
COMPARERS: dict[str, Comparer] = {
    "text": _compare_text,
    "expression": _compare_expression,
    "assignment": _compare_assignment,
    "equation": _compare_equation,
    "region": _compare_region,
    "collection": _compare_collection,
    "matrix": _compare_matrix_kind,
    "sequence": _compare_sequence,
}


def _assigned_name(value: Value) -> sympy.Symbol | None:
    if isinstance(value, Relation) and value.ops == ("=",) and isinstance(value.exprs[0], sympy.Symbol):
        return value.exprs[0]
    return None


def _in_order_of_names(expected: Sequence[Value], answer: Sequence[Value]) -> Sequence[Value]:
    """(q = 2, p = 5) against (p = 5, q = 2): assignments to the same names match by name."""
    names_e = [_assigned_name(x) for x in expected]
    names_a = {_assigned_name(y): y for y in answer}
    if None in names_e or None in names_a or len(names_a) != len(answer) or set(names_e) != set(names_a):
        return answer
    return [names_a[n] for n in names_e]


def _compare_interval_parts(expected: Interval, answer: Interval, tol: Tolerance) -> Outcome:
    """Intervals with variables in their ends, like (0, a]: the same brackets and equivalent ends."""
    if len(expected.parts) != len(answer.parts):
        return differ()
    for (lo_e, hi_e, lo_oe, hi_oe), (lo_a, hi_a, lo_oa, hi_oa) in zip(
        expected.parts, answer.parts, strict=True
    ):
        if (lo_oe, hi_oe) != (lo_oa, hi_oa):
            return differ("An endpoint is open on one side and closed on the other.")
        if not (compare_expressions(lo_e, lo_a, tol).equal and compare_expressions(hi_e, hi_a, tol).equal):
            return differ()
    return SAME


def _compare_collections(expected: Sequence[Value], answer: Sequence[Value], tol: Tolerance) -> Outcome:
    """Order-free: every expected element appears in the answer and every answer element is expected."""
    for x in expected:
        if not any(equivalent(x, y, tol).equal for y in answer):
            return differ("Some expected values are missing." if len(answer) < len(expected) else "")
    for y in answer:
        if not any(equivalent(x, y, tol).equal for x in expected):
            return differ("Your answer has values that don't belong.")
    return SAME


def _compare_matrix(expected: Matrix, answer: Value, tol: Tolerance) -> Outcome:
    r, c = expected.shape
    if (
        isinstance(answer, Seq)
        and (r == 1 or c == 1)
        and all(isinstance(x, sympy.Expr) for x in answer.items)
    ):
        answer = Matrix(tuple((x,) for x in answer.items)) if c == 1 else Matrix((tuple(answer.items),))
    if not isinstance(answer, Matrix):
        return differ(f"Expected a {r}×{c} matrix, but your answer is {_describe(answer)}.")
    if answer.shape != expected.shape:
        ar, ac = answer.shape
        return differ(f"Expected a {r}×{c} matrix, but yours is {ar}×{ac}.")
    for row_e, row_a in zip(expected.rows, answer.rows, strict=True):
        for x, y in zip(row_e, row_a, strict=True):
            if not compare_expressions(x, y, tol).equal:
                return differ()
    return SAME
