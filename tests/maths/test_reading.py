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
from bot.maths.values import Interval, Seq, SetValue

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
        ("2xsin(x)", 2 * x * sympy.sin(x), "2*x*sin(x)"),
        ("xlnx", x * sympy.log(x), "x*log(x)"),
        ("xcos^2(x)", x * sympy.cos(x) ** 2, "x*cos(x)^2"),
        ("2pir^2", 2 * sympy.pi * sympy.Symbol("r", real=True) ** 2, "2*pi*r^2"),
        ("xtheta", x * sympy.Symbol("theta", real=True), "x*theta"),
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


@pytest.mark.parametrize("text", ["xyz", "abc + 1", "pixy", "erf(x)"])
def test_longer_unknown_words_are_still_refused(text: str) -> None:
    with pytest.raises(ParseError, match="Unknown name"):
        parse_answer(text)


def test_declared_multi_letter_names_stay_whole() -> None:
    value = parse_answer("relu(x)^2 + sigma(x)^2 + xsigma(x)", functions=("relu", "sigma"))
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


# -- notations learners use ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [r"\emptyset", "∅", r"\varnothing", "{}", r"\{\}"])
def test_the_empty_set(text: str) -> None:
    assert parse_answer(text) == SetValue(())


@pytest.mark.parametrize(
    ("expected", "answer", "status"),
    [
        (r"\emptyset", "∅", "correct"),
        ("{1}", "∅", "incorrect"),
        (r"\emptyset", "{0}", "incorrect"),
        ("{1, 2, 3}", "{1, 2} ∪ {3}", "correct"),
        ("{1, 2, 3}", r"\{1\} \cup \{2, 3\}", "correct"),
        ("{1, 2, 3}", "{1} U {2} U {3}", "correct"),
        ("{1, 2, 3}", "{1, 2} ∪ {4}", "incorrect"),
        ("{1} ∪ [2, 3]", "[2, 3] U {1}", "correct"),
        ("{1} ∪ [2, 3]", "[2, 3]", "incorrect"),
        ("{1} ∪ [2, 3]", "[1, 3]", "incorrect"),
        ("(0, 1) ∪ {2}", r"(0, 1) \cup \{2\}", "correct"),
        ("(0, 1)", r"\emptyset \cup (0, 1)", "correct"),
    ],
)
def test_unions_of_sets_and_intervals(expected: str, answer: str, status: str) -> None:
    assert check(expected, answer).status == status


def test_a_union_with_an_interval_shows_the_points_as_sets() -> None:
    value = parse_answer("{1} ∪ [2, 3)")
    assert value == Interval(((1, 1, False, False), (2, 3, False, True)))
    assert as_text(value) == "{1} U [2, 3)"
    with pytest.raises(ParseError, match="union with an interval"):
        parse_answer("{(1, 2)} ∪ [2, 3)")


@pytest.mark.parametrize("text", ["<1, 2>", "⟨1, 2⟩", r"\langle 1, 2 \rangle", "< 1 , -2 >"])
def test_angle_bracket_vectors(text: str) -> None:
    value = parse_answer(text)
    assert isinstance(value, Seq) and value.open == "(" and len(value.items) == 2


def test_angle_bracket_vectors_compare_like_tuples() -> None:
    assert check("(1, 2)", "<1, 2>").status == "correct"
    assert check("(1, 2)", "<2, 1>").status == "incorrect"
    assert check("x < 2", "x < 2").status == "correct"  # `<` between values still compares
    assert check("(x, 2)", "<x, 1 + 1>").status == "correct"
    with pytest.raises(ParseError):
        parse_answer("<>")


def test_sign() -> None:
    assert check("sign(x)", "sgn(x)").status == "correct"
    assert check("sign(x)", "x/|x|").status == "correct"
    assert check("sign(x)", "-sign(x)").status == "incorrect"
    assert check("2 sign(x) x", "2|x|").status == "correct"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("½", sympy.Rational(1, 2)),
        ("¾x", sympy.Rational(3, 4) * x),
        ("1½", sympy.Rational(3, 2)),  # a mixed number
        ("2¾ + ⅓", sympy.Rational(37, 12)),
        ("⅞", sympy.Rational(7, 8)),
        ("1⁄2", sympy.Rational(1, 2)),
        ("x⁴", x**4),
        ("x⁻¹", 1 / x),
        ("x²³", x**23),
        ("x² + x³", x**2 + x**3),
    ],
)
def test_unicode_fractions_and_superscripts(text: str, target: sympy.Expr) -> None:
    assert same(parse_answer(text), target)


@pytest.mark.parametrize(
    ("expected", "answer", "status"),
    [
        ("3.5", "E[X] = 3.5", "correct"),
        ("3.5", "E(X) = 3.5", "correct"),
        ("2", "Var(X) = 2", "correct"),
        ("5", "Var(X-Y) = 3 + 2 = 5", "correct"),
        ("5", "Var(X - Y) = 3 + 2 = 6", "incorrect"),
        ("0.4", "P(A|B) = 0.4", "correct"),
        ("0.3", "P(X > 2) = 0.3", "correct"),
        ("0", "Cov(X, Y) = 0", "correct"),
        ("1/6", "E[X^2] = 1/3", "incorrect"),
        ("0.2", "P(A ∩ B) = 0.2", "correct"),
        ("0.2", r"P(A \cap B) = 0.2", "correct"),
        ("0.2", "P(A ∪ B) = 0.3 + 0.4 - 0.5 = 0.2", "correct"),
        ("0.2", "P(A') = 0.2", "correct"),
        ("0.2", "P(X = 2) = 0.3", "incorrect"),
    ],
)
def test_statistics_named_left_of_the_working(expected: str, answer: str, status: str) -> None:
    verdict = check(expected, answer)
    assert verdict.status == status, verdict
    shown = answer.split(" =")[0].replace("X - Y", "X-Y").replace(r"\cap", "∩")
    assert verdict.interpreted_as.startswith(shown)


def test_intersections_and_unions_of_events_print_as_latex() -> None:
    assert check("0.2", "P(A ∩ B) = 0.2").interpreted_latex == r"P(A \cap B) = 0.2"
    with pytest.raises(ParseError):
        parse_answer("A ∩ B")  # only inside the name of a probability


def test_a_statistic_with_no_value_says_how_to_write_it() -> None:
    with pytest.raises(ParseError, match=r"Var\(X\) = 2"):
        parse_answer("Var(X)")


@pytest.mark.parametrize(
    ("expected", "answer", "status"),
    [
        ("1 + x + x^2/2", "1 + x + x^2/2 + O(x^3)", "correct"),
        ("1 + x + x^2/2", r"1 + x + \frac{x^2}{2} + \mathcal{O}(x^3)", "correct"),
        ("x - x^3/6", "x - x^3/6 - O(x^5)", "correct"),
        ("1 + x + x^2/2", "1 + x + O(x^3)", "incorrect"),  # the remainder is left out, not compared
        ("1 + x + x^2/2 + O(x^3)", "1 + x + x^2/2", "correct"),
    ],
)
def test_a_series_remainder_is_left_out(expected: str, answer: str, status: str) -> None:
    assert check(expected, answer).status == status


def test_a_remainder_must_still_be_well_formed() -> None:
    with pytest.raises(ParseError):
        parse_answer("1 + x + O(")
    with pytest.raises(ParseError):
        parse_answer("1 + x + O((1, 2))")


# -- Unicode pasted from phones and documents ---------------------------------------------------

theta, gamma_, lam, alpha = (sympy.Symbol(s, real=True) for s in ("theta", "gamma", "lambda", "alpha"))


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("2θ", 2 * theta),
        ("xθ", x * theta),  # x times theta, not the word "xtheta"
        ("sinθ", sympy.sin(theta)),
        ("γ + λx", gamma_ + lam * x),
        ("θ²", theta**2),
        ("𝛼", alpha),  # math italic
        ("𝑥² + 2𝑥", x**2 + 2 * x),
        ("（１＋ｘ）^２", (1 + x) ** 2),  # fullwidth, from CJK keyboards
        ("x₁ + x₂", sympy.Symbol("x_1", real=True) + sympy.Symbol("x_2", real=True)),
        ("e⁻ˣ", sympy.exp(-x)),
        ("xⁿ", x**n),
        ("x ∗ y ∕ 2", x * y / 2),
    ],
)
def test_unicode_letters_and_forms(text: str, target: sympy.Expr) -> None:
    assert same(parse_answer(text), target)


def test_capital_sigma_with_limits_is_a_sum() -> None:
    assert check("n(n+1)/2", "Σ_{k=1}^n k").status == "correct"
    assert check("n(n+1)/2", "Σ_{k=1}^n k^2").status == "incorrect"
    assert check("Sigma^2", "Σ^2").status == "correct"  # without limits it is the letter


def test_unicode_primes_name_a_derivative() -> None:
    assert check("2x", "f′(x) = 2x").status == "correct"


def test_a_set_holding_the_empty_set_is_not_the_empty_set() -> None:
    assert parse_answer("{∅}") == SetValue((SetValue(()),))
    assert check("∅", "{∅}").status == "incorrect"


@pytest.mark.parametrize("text", ["x⁻", "x⁽²⁾", "aₓ", "x⑺", "x^⑵"])
def test_raised_or_odd_characters_are_refused_not_dropped(text: str) -> None:
    with pytest.raises(ParseError, match="can't read"):
        parse_answer(text)
