"""Finite sums and products, and terms of sequences (F_{n-k-1}), in the answer checker."""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.core.function import AppliedUndef

from bot.maths import limits
from bot.maths.checker import CheckOptions, check
from bot.maths.compare import MIN_POINTS, sample
from bot.maths.errors import ParseError
from bot.maths.numeric import TooManyTerms, Undefined, evaluate
from bot.maths.parser import parse_answer
from bot.maths.render import as_latex, as_text
from bot.maths.sums import is_term
from bot.maths.values import Relation


def status(expected: str, answer: str, **options: object) -> str:
    return check(expected, answer, CheckOptions(**options)).status  # type: ignore[arg-type]


def sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def value_at(text: str, **point: int) -> object:
    with mpmath.workdps(30):
        value, _ = evaluate(
            parse_answer(text), {sym(k): mpmath.mpf(v) for k, v in point.items()}, complex_mode=False
        )
    return value


# -- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at_n_3"),
    [
        (r"\sum_{k=1}^n k^2 + 1", 1 + 4 + 9 + 1),  # the body stops at the next top-level +
        (r"\sum_{k=1}^n (k+1)", 2 + 3 + 4),
        (r"\sum_{k=1}^{n} 2k \cdot k", 2 * (1 + 4 + 9)),  # a run of factors, * included
        (r"2\sum_{k=1}^{n} k", 2 * 6),
        (r"\sum_{k=1}^{n} k - n", 6 - 3),
        (r"\sum\limits_{k=1}^{n} k", 6),
        (r"\prod^{n}_{i=1} (i+1)", 2 * 3 * 4),  # limits in the other order
        (r"\displaystyle\prod\limits_{i=1}^n i", 6),
        ("sum(k^2, k, 1, n) + 1", 15),
        ("prod(i, i, 1, n)", 6),
        ("product(2, i, 1, n)", 8),
        ("sum_{k=1}^n k", 6),  # the LaTeX form typed without a backslash
        (r"\sum_{i=1}^{n} i^2", 14),  # `i` is the bound variable there, not the imaginary unit
        (r"\sum_{i=1}^{n}\sum_{j=1}^{i} j", 1 + 3 + 6),  # nested: the inner sum is part of the body
        (r"\sum_{k=0}^{n} \binom{n}{k}", 8),
        (r"\sum_{k=1}^{n} \frac{1}{k(k+1)}", sympy.Rational(3, 4)),
    ],
)
def test_sum_bodies_and_forms(text: str, at_n_3: object) -> None:
    assert value_at(text, n=3) == mpmath.mpf(sympy.Rational(at_n_3).p) / sympy.Rational(at_n_3).q


def test_latex_upper_limit_takes_one_character_like_an_exponent() -> None:
    # \sum_{k=1}^10 renders as an upper limit of 1 times 0: read it the way it displays.
    assert value_at(r"\sum_{k=1}^10 + 1") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"\sum_{k=1}^{\infty} \frac{1}{k^2}", "finite"),
        (r"\sum_{k=1}^{k} k", "own variable"),
        (r"\sum x_i", "limits"),
        (r"\sum_{k} k", "limits"),
        (r"\sum_{k=1} k", "upper limit"),
        (r"\sum_{k=1}^{n}", "something to add up"),
        (r"\sum_{k+1=1}^{n} k", "range"),
        (r"\sum_{2k=1}^{n} k", "single name"),
        (r"\sum_{\sin=1}^{n} 1", "single name"),
        ("sum(k, 2k, 1, n)", "one name"),
        ("sum(k, k, 1)", "`,`"),
        (r"\sin_{n+1} x", "subscript"),
    ],
)
def test_malformed_sums_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_answer(text)


# -- representation ---------------------------------------------------------------------------


def test_plain_subscripts_stay_symbols_without_sums() -> None:
    value = parse_answer("x_1 + a_n + x_{12} + y_hat")
    assert value.free_symbols == {sym("x_1"), sym("a_n"), sym("x_12"), sym("y_hat")}
    assert not any(is_term(n) for n in sympy.preorder_traversal(value))


def test_compound_subscript_makes_every_subscript_of_that_name_a_term() -> None:
    F = sympy.Function("F")
    n, k = sym("n"), sym("k")
    value = parse_answer(r"F_n = \sum_{k=0}^{n-1} F_k F_{n-k-1}")
    assert isinstance(value, Relation)
    lhs, rhs = value.exprs
    assert lhs == F(n)
    assert F(k) in rhs.function.atoms(AppliedUndef)
    terms = parse_answer("F_{n+1} - F_0").atoms(AppliedUndef)
    assert F(0) in terms and len(terms) == 2
    # Subscripted by a sum's variable is enough; another name in the same answer is untouched.
    assert parse_answer(r"\sum_{i=1}^{n} x_i + y_1").free_symbols == {n, sym("y_1")}


def test_same_notation_gives_the_same_objects_when_parsed_separately() -> None:
    a = parse_answer(r"F_n = \sum_{k=0}^{n-1} F_k F_{n-k-1}")
    b = parse_answer(r"F_n = \sum_{k=0}^{n-1} F_{n-k-1} F_k")
    assert a.exprs[0] == b.exprs[0]
    assert set(a.exprs[1].function.args) == set(b.exprs[1].function.args)
    assert parse_answer("a_{2k}") == parse_answer("a_(2k)") == parse_answer("a_{2 k}")


def test_terms_are_undefined_at_non_integer_indices_and_fixed_per_point() -> None:
    n = sym("n")
    term = parse_answer("a_{n+1}")
    with pytest.raises(Undefined):
        evaluate(term, {n: mpmath.mpf("0.5")}, complex_mode=False)
    values = []
    for dps in (30, 50):
        with mpmath.workdps(dps):
            values.append(evaluate(term, {n: mpmath.mpf(2)}, complex_mode=False)[0])
    assert values[0] == values[1]  # exact at every precision: the exact comparison relies on it
    assert value_at("a_{n+1}", n=2) != value_at("b_{n+1}", n=2)
    assert value_at("a_{n+1}", n=2) != value_at("a_{n+2}", n=2)


def test_limits_must_be_integers_and_empty_ranges_are_neutral() -> None:
    with pytest.raises(Undefined):
        value_at(r"\sum_{k=1}^{n/2} k", n=3)
    assert value_at(r"\sum_{k=1}^{n/2} k", n=4) == 3
    assert value_at(r"\sum_{k=3}^{2} k") == 0
    assert value_at(r"\prod_{k=5}^{1} k") == 1
    assert status(r"\sum_{k=3}^{2} k^2", "0") == "correct"
    assert status(r"\prod_{k=3}^{2} k", "1") == "correct"


def test_sampler_finds_integer_points_for_sums_with_a_variable_limit() -> None:
    n, w = sym("n"), sym("w")
    exprs = [parse_answer(r"w\sum_{k=0}^{n-1} F_k F_{n-k-1}"), parse_answer(r"\sum_{i=1}^{n} i")]
    points, complex_mode = sample(exprs)
    assert not complex_mode and len(points) >= MIN_POINTS
    assert all(p[n] == int(p[n]) and 0 <= p[n] <= 9 for _, _, p in points)
    assert len({(p[n], p[w]) for _, _, p in points}) == len(points)  # no attempts spent on repeats


# -- comparison -------------------------------------------------------------------------------

RECURRENCE = r"F_n = \sum_{k=0}^{n-1} F_k F_{n-k-1}"


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (r"F_n = \sum_{k=0}^{n-1} F_{n-k-1} F_k", "correct"),
        (r"F_n = \sum_{j=0}^{n-1} F_j F_{n-1-j}", "correct"),
        (r"\sum_{k=0}^{n-1} F_k F_{n-k-1} = F_n", "correct"),
        ("F_n = sum(F_k*F_(n-k-1), k, 0, n-1)", "correct"),
        (r"F_n = \sum_{k=0}^{n} F_k F_{n-k-1}", "incorrect"),
        (r"F_n = \sum_{k=0}^{n-1} F_k F_{n-k}", "incorrect"),
        (r"F_n = \sum_{k=1}^{n-1} F_k F_{n-k-1}", "incorrect"),
        (r"F_n = \sum_{k=0}^{n-1} F_k^2", "incorrect"),
        (r"G_n = \sum_{k=0}^{n-1} G_k G_{n-k-1}", "incorrect"),  # another sequence is another formula
    ],
)
def test_recurrence(answer: str, verdict: str) -> None:
    assert status(RECURRENCE, answer) == verdict


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        (r"\sum_{i=1}^n i", "n(n+1)/2"),
        (r"\sum_{i=1}^n i^2", "n(n+1)(2n+1)/6"),
        (r"\sum_{i=1}^{n} i^3", r"\left(\frac{n(n+1)}{2}\right)^2"),
        (r"\sum_{k=0}^{n} \binom{n}{k}", "2^n"),
        (r"\prod_{i=1}^n i", "n!"),
        (r"\sum_{k=0}^{n-1} r^k", "(1 - r^n)/(1 - r)"),
        (r"\sum_{k=1}^{10} k", "55"),
        (r"\sum_{i=1}^{n}\sum_{j=1}^{n} 1", "n^2"),
        (
            r"\frac{2}{n}\sum_{i=1}^{n}(w x_i - y_i) x_i",
            r"\frac{2}{n}\left(w\sum_{i=1}^{n} x_i^2 - \sum_{j=1}^{n} x_j y_j\right)",
        ),
        (r"\sum_{k=1}^{3} a_k", "a_1 + a_2 + a_3"),  # one answer's sequence decides the other's a_1
        ("a_1 + a_2 + a_3", r"\sum_{k=1}^{3} a_k"),
        (r"a_{n+1} = 2a_n + 1", "a_(n+1) - 1 = 2 a_n"),
        (r"\sum_{k=1}^{n} (2k - 1)", "sum(2j - 1, j, 1, n)"),
        # A denominator inside a sum depends on its variable: equations are not multiplied by it.
        (r"y = \frac{1}{x}\sum_{k=1}^{n} \frac{1}{k}", r"x y = \sum_{j=1}^{n} j^{-1}"),
    ],
)
def test_equal_sums(expected: str, answer: str) -> None:
    assert status(expected, answer) == "correct"


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        (r"\sum_{i=1}^n i", "n(n-1)/2"),
        (r"\sum_{i=1}^n i^2", "n(n+1)(2n-1)/6"),
        (r"\sum_{i=0}^n i^2", r"\sum_{i=1}^{n+1} i^2"),
        (r"\prod_{i=1}^n i", "(n-1)!"),
        (r"\sum_{k=0}^{n} \binom{n}{k}", "2^{n+1}"),
        (r"\frac{2}{n}\sum_{i=1}^{n}(w x_i - y_i) x_i", r"\frac{2}{n}\sum_{i=1}^{n}(w x_i - y_i)"),
        (r"\frac{2}{n}\sum_{i=1}^{n}(w x_i - y_i) x_i", r"\frac{2}{n}\sum_{i=1}^{n}(w x_i - y_i) y_i"),
        (r"\sum_{k=1}^{3} a_k", "a_1 + a_2 + a_4"),
        (r"\sum_{k=1}^n k^2 + 1", r"\sum_{k=1}^n (k^2 + 1)"),
        (r"\sum_{k=1}^{n} k", "x_1"),
        (r"y = \frac{1}{x}\sum_{k=1}^{n} \frac{1}{k}", r"x y = \sum_{j=1}^{n} j^{-2}"),
    ],
)
def test_different_sums(expected: str, answer: str) -> None:
    assert status(expected, answer) == "incorrect"


def test_sum_inequality_is_not_judged_on_a_grid_of_reals() -> None:
    # Off the integers both sides are undefined; a grid of reals would call any two of them equal.
    assert status(r"\sum_{k=1}^{n} k \ge n", r"n \le \sum_{j=1}^{n} j") == "correct"
    assert status(r"\sum_{k=1}^{n} k \ge n", r"\sum_{k=1}^{n} k < 0") == "incorrect"


def test_plain_subscripted_answers_are_checked_as_before() -> None:
    assert status("x_1 + x_2", "x_2 + x_1") == "correct"
    assert status("x_1", "x_2") == "incorrect"
    assert status("a_n^2", "a_n a_n") == "correct"


# -- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        r"\sum_{k=1}^{1000000} k",
        r"\sum_{k=1}^{10^9} k",
        r"\sum_{a=1}^{100}\sum_{b=1}^{100} ab",
        "sum(sum(a*b, a, 1, 100), b, 1, 100)",
        r"\sum_{k=1}^{1000} (" + " + ".join(f"k^{i % 5}" for i in range(40)) + ")",
    ],
)
def test_too_many_terms_are_refused_before_any_work(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_answer(text)
    assert info.value.limit == "sum terms"


def test_huge_constant_products_are_refused() -> None:
    with pytest.raises(ParseError) as info:
        parse_answer(r"\prod_{k=1}^{1000} 10^{300}")
    assert info.value.limit == "exponent size"


def test_term_budget_at_one_point() -> None:
    nested = "".join(rf"\sum_{{a{i}=1}}^{{n}}" for i in range(4)) + " a1"
    assert value_at(nested, n=3) == 3**3 * 6
    with pytest.raises(TooManyTerms):
        value_at(nested, n=9)  # 9^4 terms
    with pytest.raises(TooManyTerms):
        value_at(r"\sum_{k=1}^{2^n} k", n=20)
    assert limits.MAX_SUM_TERMS <= 1000


@pytest.mark.parametrize(
    "answer",
    [
        "".join(rf"\sum_{{a{i}=1}}^{{n}}" for i in range(12)) + " a1",
        r"\sum_{k=1}^{n^9} k",
        r"\sum_{k=1}^{2^{n}} \sum_{j=1}^{2^k} j",
        r"\prod_{k=1}^{n} 10^{300}",
        r"\sum_{k=1}^{n + 1/2} k",
    ],
)
def test_hostile_sums_are_never_correct(answer: str) -> None:
    assert status("n^2", answer) in ("incorrect", "invalid")


def test_nesting_of_sums_counts_toward_depth() -> None:
    deep = r"\sum_{k=1}^2" * 25 + "k"
    with pytest.raises(ParseError) as info:
        parse_answer(deep)
    assert info.value.limit == "nesting depth"
    nested_index = "F_{" * 30 + "n" + "}" * 30
    with pytest.raises(ParseError):
        parse_answer(nested_index)


# -- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown", "latex"),
    [
        (RECURRENCE, "F_n = sum(F_k*F_(n - k - 1), k, 0, n - 1)",
         r"F_{n} = \sum_{k=0}^{n - 1} F_{k} F_{n - k - 1}"),
        (r"\prod_{i=1}^n p_i", "prod(p_i, i, 1, n)", r"\prod_{i=1}^{n} p_{i}"),
        (r"\sum_{i=1}^{n} (x_i + 1)^2", "sum((x_i + 1)^2, i, 1, n)",
         r"\sum_{i=1}^{n} \left(x_{i} + 1\right)^{2}"),
        (r"\sum_{i=1}^n \sum_{j=1}^i (i+j)", "sum(sum(i + j, j, 1, i), i, 1, n)",
         r"\sum_{i=1}^{n} \sum_{j=1}^{i} \left(i + j\right)"),
        (r"\alpha_{k+1}", "alpha_(k + 1)", r"\alpha_{k + 1}"),
    ],
)  # fmt: skip
def test_interpreted_as(text: str, shown: str, latex: str) -> None:
    value = parse_answer(text)
    assert as_text(value) == shown
    assert as_latex(value) == latex
    assert status(text, shown) == "correct"  # what we show reads back as the same answer
    assert status(text, latex) == "correct"


# -- properties -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    st.integers(-5, 5),
    st.integers(-5, 5),
    st.integers(-5, 5),
    st.integers(0, 3),
    st.sampled_from(["k", "j", "m"]),
)
def test_polynomial_sums_match_their_closed_forms(c2: int, c1: int, c0: int, start: int, var: str) -> None:
    n = sympy.Symbol("n")
    k = sympy.Symbol("k")
    closed = sympy.summation(c2 * k**2 + c1 * k + c0, (k, start, n))  # the test's own oracle
    body = f"({c2}*{var}^2 + {c1}*{var} + {c0})"
    answer = str(sympy.factor(closed)).replace("**", "^")
    expected = rf"\sum_{{{var}={start}}}^{{n}} {body}"
    assert status(expected, answer) == "correct"
    off = str(sympy.factor(closed + 1)).replace("**", "^")
    assert status(expected, off) == "incorrect"
