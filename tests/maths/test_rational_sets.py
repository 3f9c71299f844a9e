"""The exact rational-inequality solver gives the very set solveset gives, holes and double roots
included, and the checker's verdicts on inequalities rest on it."""

from __future__ import annotations

import random

import pytest
import sympy

from bot.maths.checker import check
from bot.maths.compare.sets import _split_abs, rational_set, real_set
from bot.maths.parser import parse_answer

x = sympy.Symbol("x")
R = sympy.Rational

RELATIONS = [
    x**2 >= 4, x**4 >= 16, sympy.Gt(x, 1), sympy.Le(x**2, 2 * x), sympy.Gt((x**2 - 1) / (x - 1), 0),
    sympy.Ne(x, 2), sympy.Ne(x - 2, 0), sympy.Gt(1 / x, 2), sympy.Ge(x**3 - 2 * x, 0), sympy.Ge(x**2, 0),
    sympy.Le(x**2, 0), sympy.Lt(x**2, 0), sympy.Eq(x**2, 4), sympy.Ge((x - 1) ** 2 * (x - 3), 0),
    sympy.Le(1 / (x - 1) ** 2, -1), sympy.Gt(x**2 + x + 1, 0), sympy.Lt(x**2 - 2, 0),
    sympy.Ge((x**2 - 2) * (x - 1), 0), sympy.Gt((x**2 - 3 * x + 1) / (x**2 - 5), 0),
    sympy.Lt(x * (x - R(1, 3)), 0), sympy.Ge(x**4 - 4 * x**2 + 4, 0), sympy.Le(1 / x + 1 / (x - 1), 0),
    sympy.Ge((x - R(7, 3)) ** 3 / (x + 2), 0), sympy.Gt(x**2 - 2, R(1, 10**12)),
]  # fmt: skip


def _random_relations(n: int) -> list[sympy.core.relational.Relational]:
    rng = random.Random(11)
    ops = (sympy.Lt, sympy.Le, sympy.Gt, sympy.Ge, sympy.Ne, sympy.Eq)
    out = []
    for _ in range(n):
        k, m = rng.randint(1, 3), rng.randint(0, 2)
        num = sympy.Mul(*(x - rng.choice((-3, -1, 0, R(1, 2), 2, 5)) for _ in range(k)))
        den = sympy.Mul(*(x - rng.choice((-2, 1, 3)) for _ in range(m)))
        shift = rng.choice((0, -1, R(1, 3))) if max(k, m) <= 2 else 0  # solveset gives up on cubics
        out.append(rng.choice(ops)(num / den + shift, 0))
    return [r for r in out if isinstance(r, sympy.core.relational.Relational)]


@pytest.mark.parametrize("rel", RELATIONS + _random_relations(10), ids=str)
def test_same_set_as_solveset(rel: sympy.core.relational.Relational) -> None:
    mine = rational_set([rel], x)
    assert mine is not None
    theirs = sympy.solveset(rel, x, sympy.S.Reals)
    assert mine.symmetric_difference(theirs).is_empty, (mine, theirs)


ABS_RELATIONS = [
    [sympy.Lt(abs(x), 2)], [sympy.Gt(abs(x), 1)], [sympy.Le(1, abs(x)), sympy.Le(abs(x), R(3, 2))],
    [sympy.Lt(abs(x - 1), 3)], [sympy.Ge(abs(2 * x + 1), 5)], [sympy.Lt(abs(x**2 - 2), 1)],
    [sympy.Le(abs(x), 0)], [sympy.Ne(abs(x - 3), 2)], [sympy.Lt(abs(1 / x), 2)], [sympy.Gt(abs(x**2 - 4), 3)],
    [sympy.Eq(abs(x), 2)], [sympy.Lt(0, abs(x - 2)), sympy.Lt(abs(x - 2), R(1, 2))],
    [sympy.Gt(abs(3 - x), R(1, 3))],
    [sympy.Lt(abs(x**2 - x - 1), 1)], [sympy.Lt(2 * abs(x) + 1, 5)], [sympy.Gt(abs(x) / (x - 1), 0)],
]  # fmt: skip


@pytest.mark.parametrize("rels", ABS_RELATIONS, ids=str)
def test_one_absolute_value_splits_into_the_set_solveset_gives(
    rels: list[sympy.core.relational.Relational],
) -> None:
    want = sympy.S.Reals
    for rel in rels:
        want = sympy.Intersection(want, sympy.solveset(rel, x, sympy.S.Reals))
    assert _split_abs(rels, x) == want


def test_irreducible_cubic_roots_are_exact_and_tested_pointwise() -> None:
    """solveset gives up on x^3 - 3x + 1 >= 0 (a ConditionSet); the exact roots decide here."""
    rel = sympy.Ge(x**3 - 3 * x + 1, 0)
    found = rational_set([rel], x)
    assert found is not None
    for k in range(-30, 31):
        t = R(k, 10)
        assert (t in found) == bool(rel.subs(x, t)), t
    for root in sympy.Poly(x**3 - 3 * x + 1).real_roots(radicals=False):
        assert root in found  # >= includes the roots themselves


def test_chains_intersect_and_close_roots_stay_apart() -> None:
    # -1 < x^2 - 2 <= 10^-30: two roots a hair apart on each side must not merge.
    tiny = R(1, 10**30)
    found = rational_set([sympy.Lt(-1, x**2 - 2), sympy.Le(x**2 - 2, tiny)], x)
    expected = sympy.Intersection(
        sympy.solveset(x**2 - 2 > -1, x, sympy.S.Reals), sympy.solveset(x**2 - 2 <= tiny, x, sympy.S.Reals)
    )
    assert found is not None and found.symmetric_difference(expected).is_empty


def test_declines_what_it_cannot_do_exactly() -> None:
    for rel in (
        sympy.Lt(sympy.Abs(x), 3),
        sympy.Gt(x, sympy.pi),
        sympy.Gt(sympy.sqrt(x), 2),
        sympy.Gt(x, 0.5),
    ):
        assert rational_set([rel], x) is None
    assert real_set(parse_answer("|x| < 3")) == sympy.Interval.open(-3, 3)  # solveset does these


@pytest.mark.parametrize(
    ("expected", "answer", "status"),
    [
        ("x^2 >= 4", "x^4 >= 16", "correct"),
        ("x^2 <= 2x", "2x >= x^2", "correct"),
        ("x^2 < 2", "-sqrt(2) < x < sqrt(2)", "correct"),
        ("x^2 < 3", "-sqrt(2) < x < sqrt(2)", "incorrect"),
        ("(x^2 - 1)/(x - 1) > 0", "x > -1", "incorrect"),  # x = 1 is not in the set
        ("(x - 1)^2 (x - 3) >= 0", "x >= 3", "incorrect"),  # nor is x = 1 missing from it
        ("x != 2", "x - 3 != 0", "incorrect"),
    ],
)
def test_checker_verdicts(expected: str, answer: str, status: str) -> None:
    assert check(expected, answer).status == status
