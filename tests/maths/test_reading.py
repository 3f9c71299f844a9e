"""Reading what learners type: the precedence they mean, the notations they use, odd input."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.maths.checker import check
from bot.maths.errors import ParseError
from bot.maths.parser import parse_answer
from bot.maths.render import as_text

a, b, e_, m, n, p, v, x, y = (
    sympy.Symbol(s, real=True) for s in ("a", "b", "e", "m", "n", "p", "v", "x", "y")
)
y1 = sympy.Symbol("y_1", real=True)
sigma = sympy.Symbol("sigma", real=True)


def same(expr: sympy.Expr, target: sympy.Expr) -> bool:
    """Equal after SymPy's normal evaluation (tests only; inputs are ours)."""
    return sympy.simplify(expr.doit() - target) == 0


# -- adjacent letters multiply like `*`: a power takes the letter next to it --------------------


@pytest.mark.parametrize(
    ("text", "target", "shown"),
    [
        ("xy^2", x * y**2, "x*y^2"),
        ("xe^x", x * sympy.exp(x), "x*e^x"),
        ("mv^2/2", m * v**2 / 2, "m*v^2/2"),
        ("np - np^2", n * p - n * p**2, "n*p - n*p^2"),
        ("-2xe^(-x^2)", -2 * x * sympy.exp(-(x**2)), "-2*x/e^(x^2)"),
        ("2xy^2", 2 * x * y**2, "2*x*y^2"),
        ("ab^2a", a**2 * b**2, "a*b^2*a"),
        ("xy!", x * sympy.factorial(y), "x*factorial(y)"),
        ("xy_1^2", x * y1**2, "x*y_1^2"),
        ("1/xy", y / x, "y/x"),  # like 1/x*y and 1/2x: juxtaposition binds like `*`
        ("sinx^2", sympy.sin(x**2), "sin(x^2)"),  # like sin x^2
        ("sin xy^2", sympy.sin(x * y**2), "sin(x*y^2)"),
    ],
)
def test_a_power_applies_to_the_letter_next_to_it(text: str, target: sympy.Expr, shown: str) -> None:
    value = parse_answer(text)
    assert same(value, target)
    assert as_text(value) == shown


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("2x(1-x)", 2 * x * (1 - x)),
        ("2 sin(x)", 2 * sympy.sin(x)),
        ("sin x", sympy.sin(x)),
        ("exp(x)", sympy.exp(x)),
        ("sinx", sympy.sin(x)),
        ("sigma^2", sigma**2),
        ("e^x", sympy.exp(x)),
        ("pi^2", sympy.pi**2),
        ("x_1^2", sympy.Symbol("x_1", real=True) ** 2),
    ],
)
def test_names_and_calls_stay_whole(text: str, target: sympy.Expr) -> None:
    assert same(parse_answer(text), target)


def test_declared_multi_letter_names_stay_whole() -> None:
    value = parse_answer("relu(x)^2 + sigma(x)^2", functions=("relu", "sigma"))
    assert {type(f).__name__ for f in value.atoms(sympy.Function)} == {"relu", "sigma"}
    assert str(parse_answer(r"\sigma^2")) == "sigma**2"


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("x*y^2", "xy^2"),
        ("x*e^x", "xe^x"),
        ("m*v^2/2", "mv^2/2"),
        ("n*p - n*p^2", "np - np^2"),
        ("-2*x*exp(-x^2)", "-2xe^(-x^2)"),
    ],
)
def test_the_checker_accepts_the_reading_learners_mean(expected: str, answer: str) -> None:
    verdict = check(expected, answer)
    assert verdict.status == "correct", verdict
    assert check(f"({answer.split('^')[0]})^2", answer).status == "incorrect"


def test_derivative_operators_are_still_refused() -> None:
    with pytest.raises(ParseError, match="Derivative"):
        parse_answer("d/dx x^2")
    with pytest.raises(ParseError, match="Derivative"):
        parse_answer(r"\frac{d}{dx} x^2")


# -- odd input: a clean `invalid`, never a crash ------------------------------------------------

# Pieces of what members type, so the fuzzer reaches deep into the grammar, not just the lexer.
_PIECES = [
    *"xy2^()[]{},|\\_-+*/=<>!.'%$ ;&",
    *(r"\frac", r"\sqrt", r"\left", r"\right", r"\begin{pmatrix}", r"\end{pmatrix}", r"\sum_", r"\text{"),
    *(r"\partial ", r"\nabla ", r"\pm", r"\cup ", r"\in ", r"\{", r"\}", r"\hat", r"\mathrm{", r"\\"),
    *("sin", "d", "f", "e", "i", "U", "and", "^{", "1", "0.5", "⑺", "½", "∪", "∅", "⟨", "⟩", "٣", "ﬁ"),
    *("E[", "Var(", "P(", "O(", "sign", r"\emptyset", "<", ">"),
]
_ODD_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=24),
    st.lists(st.sampled_from(_PIECES), max_size=24).map("".join),
)


@settings(max_examples=600, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(_ODD_TEXT)
def test_any_text_is_read_or_refused_with_a_parse_error(text: str) -> None:
    try:
        parse_answer(text)
    except ParseError as exc:
        assert str(exc)  # a message a member can read


@pytest.mark.parametrize("text", ["⑺⸃ƚ{ԉ", "⑺)$", "x_{٣}", "٣ + 1", "x⑺", r"\frac{\frac", "x^⑵"])
def test_unicode_digits_and_odd_symbols_are_a_clean_invalid(
    text: str, caplog: pytest.LogCaptureFixture
) -> None:
    verdict = check("x", text)
    assert verdict.status == "invalid" and verdict.message
    assert not caplog.records  # no traceback logged: the parser refused it itself
