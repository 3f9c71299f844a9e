"""Differential test: "judged correct" implies an independent exact oracle agrees.

Random expected answers are built as SymPy trees here; each is paired with a near miss (scaled by
2, 1/2, -1, by 1 +- 10^-k or 10^+-k, plus a small extra term, minus a term) or with itself
rewritten, written either exactly or with decimals. The checker only ever sees the *text*. The
oracle evaluates both trees exactly with SymPy at rational points (rational arithmetic; 60 digits
for exp/sin/log) and applies the documented tolerance:

* exact vs exact: equal to 20 significant digits of the expected value's size at every point;
* a decimal anywhere: within the default relative tolerance, 1e-3 of the expected value's size
  (its largest |value| over the oracle's points, since the oracle cannot know the checker's).

Numbers get their own property: an exact number (times 10^k) against a decimal near it (rounded,
or nudged by whole units in its last digit); "correct" must be the value exactly or correctly
rounded with >= 3 significant digits, and "more digits, please" only a correct rounding.

Zero counterexamples are allowed. CI runs the count below in about 10 s; set
STUDYBOT_DIFF_EXAMPLES=20000 (or more) for a longer hunt, as benchmarks/README.md says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import sympy
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from bot.maths.checker import check

EXAMPLES = int(os.environ.get("STUDYBOT_DIFF_EXAMPLES", "400"))  # expression pairs; 4x that many numbers
X, Y = sympy.symbols("x y")
POINTS = [(sympy.Rational(p), sympy.Rational(q)) for p, q in
          [("-5/2", "1/3"), ("-7/4", "-2"), ("-1/3", "5/2"), ("2/7", "-3/4"), ("5/6", "7/5"),
           ("3/2", "-1/6"), ("11/5", "2/3"), ("3", "-5/4"), ("1/9", "9/4"), ("-13/5", "-1/2")]]  # fmt: skip
EXACT_DIGITS = 20
DEFAULT_REL = sympy.Rational(1, 1000)

# -- random expected answers ------------------------------------------------------------------

small_int = st.integers(-9, 9).filter(bool)
coefficient = st.one_of(small_int.map(sympy.Integer), st.builds(sympy.Rational, small_int, st.integers(2, 7)))
leaf = st.one_of(st.just(X), st.just(Y), coefficient)


def _combine(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.builds(lambda a, b: a + b, children, children),
        st.builds(lambda a, b: a - b, children, children),
        st.builds(lambda a, b: a * b, children, children),
        st.builds(lambda a, k: a**k, children, st.integers(2, 3)),
        st.builds(lambda a, b: a / (b**2 + 1), children, children),  # no poles on the reals
        st.builds(lambda a: sympy.exp(a / 3), children),
        st.builds(sympy.sin, children),
        st.builds(lambda a: sympy.log(a**2 + 1), children),
    )


expected_trees = st.recursive(leaf, _combine, max_leaves=6).filter(lambda e: bool(e.free_symbols))


# -- answers: near misses and rewrites, as text -------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str
    tree: sympy.Expr
    decimal: bool  # written with a decimal somewhere (the checker's tolerance applies)


def _text(expr: sympy.Expr) -> str:
    return sympy.sstr(expr)


def _number(value: sympy.Rational, as_decimal: bool) -> str:
    """2 as `2.0`, 1/2 as `0.5` (exact decimals), or as the fraction."""
    return repr(float(value)) if as_decimal else f"({value})"


@st.composite
def answers(draw: st.DrawFn, e: sympy.Expr) -> Answer:
    as_decimal = draw(st.booleans())
    kind = draw(st.sampled_from(["scale", "tiny", "power", "extra", "drop", "same"]))
    if kind == "scale":
        k = draw(
            st.sampled_from([sympy.Integer(2), sympy.Rational(1, 2), sympy.Integer(-1), sympy.Integer(3)])
        )
        return Answer(f"{_number(k, as_decimal)}*({_text(e)})", k * e, as_decimal)
    if kind == "tiny":  # 1 +- 10^-j: inside the tolerance for small j only when decimals are written
        j = draw(st.integers(1, 15))
        k = 1 + draw(st.sampled_from([1, -1])) * sympy.Rational(1, 10**j)
        text = f"{k}" if not as_decimal else f"{sympy.Float(k, j + 3)}"
        return Answer(f"({text})*({_text(e)})", k * e, as_decimal)
    if kind == "power":  # 10^+-j: a rewritten magnitude never earns a wider tolerance
        j = draw(st.integers(3, 30)) * draw(st.sampled_from([1, -1]))
        k = sympy.Rational(10) ** j
        text = f"1e{j}" if as_decimal else f"10^({j})"
        op = draw(st.sampled_from(["*", "/"]))
        return Answer(f"({_text(e)}){op}{text}", e * k if op == "*" else e / k, as_decimal)
    if kind == "extra":
        j = draw(st.integers(1, 12))
        term = draw(st.sampled_from([sympy.Integer(1), X, X**2, Y]))
        text = f"1e-{j}" if as_decimal else f"10^(-{j})"
        return Answer(f"{_text(e)} + {text}*({_text(term)})", e + term / sympy.Integer(10) ** j, as_decimal)
    if kind == "drop" and isinstance(e, sympy.Add) and len(e.args) > 1:
        rest = sympy.Add(*e.args[1:])
        return Answer(_text(rest), rest, False)
    rewritten = sympy.expand(e)
    return Answer(_text(rewritten), rewritten, False)


# -- the oracle -------------------------------------------------------------------------------


def _value(expr: sympy.Expr, point: tuple[sympy.Rational, sympy.Rational]) -> sympy.Expr:
    v = expr.subs({X: point[0], Y: point[1]})
    return v if v.is_Rational else sympy.N(v, 60)


def oracle_agrees(e: sympy.Expr, a: sympy.Expr, *, decimal: bool) -> bool:
    pairs = [(_value(e, p), _value(a, p)) for p in POINTS]
    size = max(abs(ve) for ve, _ in pairs)
    if size == 0:
        return all(va == 0 for _, va in pairs)
    room = (
        DEFAULT_REL * size * (1 + sympy.Rational(1, 10**9))
        if decimal
        else size / sympy.Integer(10) ** EXACT_DIGITS
    )
    return all(abs(va - ve) <= room for ve, va in pairs)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[sympy.Expr, Answer]:
    e = draw(expected_trees)
    return e, draw(answers(e))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(pairs())
def test_judged_correct_implies_the_exact_oracle_agrees(pair: tuple[sympy.Expr, Answer]) -> None:
    e, answer = pair
    expected_text = _text(e)
    verdict = check(expected_text, answer.text)
    note(f"expected {expected_text!r}, answer {answer.text!r}: {verdict.status} {verdict.message}")
    if verdict.status == "correct":
        assert oracle_agrees(e, answer.tree, decimal=answer.decimal)


def test_the_oracle_tells_the_reported_false_corrects_apart() -> None:
    """The oracle itself must fail what the checker once passed (a test that cannot fail is useless)."""
    e = X**2 + 3 * X - 7
    assert not oracle_agrees(e, X / 10**9, decimal=True)
    assert not oracle_agrees(X / 1000, 2 * X / 1000, decimal=True)
    assert not oracle_agrees(e, 2 * e, decimal=False)
    assert oracle_agrees(e, e * (1 + sympy.Rational(1, 10**6)), decimal=True)
    assert not oracle_agrees(e, e * (1 + sympy.Rational(1, 10**6)), decimal=False)


# -- numbers written as decimals ----------------------------------------------------------------

constants = st.one_of(
    st.builds(sympy.Rational, st.integers(-2000, 2000).filter(bool), st.integers(1, 97)),
    st.builds(lambda p, q: sympy.sqrt(sympy.Rational(p, q)), st.integers(1, 50), st.integers(1, 9)),
    st.builds(
        lambda p, q: sympy.pi * sympy.Rational(p, q), st.integers(-9, 9).filter(bool), st.integers(1, 9)
    ),
)


@st.composite
def decimal_pairs(draw: st.DrawFn) -> tuple[sympy.Expr, str, int]:
    """An exact number, scaled by 10^k, and a decimal near it: rounded, then nudged by whole units."""
    c = draw(constants) * sympy.Integer(10) ** draw(st.integers(-12, 12))
    digits = draw(st.integers(1, 6))  # significant digits written
    exponent = sympy.floor(sympy.log(abs(sympy.N(c, 50)), 10)) - digits + 1
    unit = sympy.Integer(10) ** exponent
    nudge = draw(st.sampled_from([0, 0, 1, -1, 2, 5]))
    mantissa = int(sympy.floor(sympy.N(c / unit, 50) + sympy.Rational(1, 2))) + nudge
    return c, f"{mantissa}e{exponent}", digits


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(decimal_pairs())
def test_a_decimal_judged_correct_is_the_value_correctly_rounded(pair: tuple[sympy.Expr, str, int]) -> None:
    c, text, _ = pair
    verdict = check(sympy.sstr(c), text)
    note(f"expected {sympy.sstr(c)!r}, answer {text!r}: {verdict.status} {verdict.message}")
    mantissa, exponent = text.split("e")
    unit = sympy.Integer(10) ** int(exponent)
    written = int(mantissa) * unit
    sig = len(mantissa.lstrip("-").lstrip("0"))
    if verdict.status == "correct":
        exact = written == c
        rounded = abs(sympy.N(written - c, 60)) <= unit / 2
        assert exact or (rounded and sig >= 3)
    if verdict.reason == "digits":
        assert abs(sympy.N(written - c, 60)) <= unit / 2 and sig < 3
