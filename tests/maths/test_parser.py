"""The answer parser: plain text and LaTeX read into the same typed values, limits enforced."""

from __future__ import annotations

import pytest
import sympy

from bot.maths.errors import ParseError
from bot.maths.parser import parse_answer, parse_expression
from bot.maths.values import Interval, Matrix, Membership, Relation, Seq, SetValue, Text

x, y, n = (sympy.Symbol(s, real=True) for s in "xyn")


def same(expr: sympy.Expr, target: sympy.Expr) -> bool:
    """Structural equality after SymPy's normal evaluation (tests only; inputs are ours)."""
    return sympy.simplify(expr.doit() - target) == 0


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("2x(1-x)", 2 * x * (1 - x)),
        ("x(1+x)", x * (1 + x)),
        ("2 sin(x)", 2 * sympy.sin(x)),
        ("sin^2 x", sympy.sin(x) ** 2),
        ("sin x^2", sympy.sin(x**2)),
        ("sin^-1(x)", sympy.asin(x)),
        ("arcsin(x) + acos(x)", sympy.asin(x) + sympy.acos(x)),
        ("x^2 ** 1", x**2),
        ("2^3^2", sympy.Integer(512)),
        ("-x^2", -(x**2)),
        ("2^-1", sympy.Rational(1, 2)),
        ("e^(-x)", sympy.exp(-x)),
        ("exp(x) - e^x", sympy.Integer(0)),
        ("ln(x) - log(x)", sympy.Integer(0)),
        ("log(8, 2)", sympy.Integer(3)),
        ("log2(8) + log10(100)", sympy.Integer(5)),
        ("sqrt(x^2)", sympy.Abs(x)),
        ("|x - 1|", sympy.Abs(x - 1)),
        ("abs(x)|y|", sympy.Abs(x) * sympy.Abs(y)),
        ("5!", sympy.Integer(120)),
        ("n!/(n-1)!", n),
        ("1e-3", sympy.Rational(1, 1000)),
        ("5.1e-2", sympy.Rational(51, 1000)),
        ("0.98%", sympy.Rational(98, 10000)),
        ("pi", sympy.pi),
        ("xy", x * y),
        ("1/2x", x / 2),
        ("cosec(x)", sympy.csc(x)),
        ("sinx", sympy.sin(x)),
    ],
)
def test_plain_text(text: str, target: sympy.Expr) -> None:
    assert same(parse_answer(text), target)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (r"\frac{1}{2}", sympy.Rational(1, 2)),
        (r"\frac12", sympy.Rational(1, 2)),
        (r"\dfrac{x}{3}", x / 3),
        (r"\frac3{3}", sympy.Integer(1)),
        (r"e^{-x}", sympy.exp(-x)),
        (r"\sqrt{x}", sympy.sqrt(x)),
        (r"\sqrt3", sympy.sqrt(3)),
        (r"\sqrt[3]{8}", sympy.Integer(2)),
        (r"2 \cdot 3 \times 4", sympy.Integer(24)),
        (r"\left( \frac{1}{3} \right)", sympy.Rational(1, 3)),
        (r"\pi", sympy.pi),
        (r"\ln x", sympy.log(x)),
        (r"\log_2 8", sympy.Integer(3)),
        (r"\sin^2 x + \cos^2 x", sympy.Integer(1)),
        (r"\sin 2x", sympy.sin(2 * x)),
        (r"90^\circ", sympy.pi / 2),
        (r"50\%", sympy.Rational(1, 2)),
        (r"$\boxed{\frac{1}{3}}$", sympy.Rational(1, 3)),
        (r"\mathrm{e}", sympy.E),
        (r"x^{10}", x**10),
        (r"x^23 \cdot 1", 3 * x**2),  # LaTeX reads one token after ^ (plain text: x^23)
        (r"\frac{1}{3} \text{ meters}", sympy.Rational(1, 3)),
        (r"2\,x\!\;", 2 * x),
        (r"\left|x\right|", sympy.Abs(x)),
    ],
)
def test_latex(text: str, target: sympy.Expr) -> None:
    assert same(parse_answer(text), target)


def test_unicode_from_phones() -> None:
    assert same(parse_answer("2π − √4 × 3"), 2 * sympy.pi - 6)


def test_subscripts_and_digits_are_separate_atoms() -> None:
    a, b = parse_answer("x_1"), parse_answer("x1")
    assert isinstance(a, sympy.Symbol) and isinstance(b, sympy.Symbol)
    assert a != b
    assert parse_answer("a_{37}") == sympy.Symbol("a_37", real=True)


def test_accents_and_word_subscripts() -> None:
    assert parse_answer(r"\hat{y}") == parse_answer("y_hat") == sympy.Symbol("y_hat", real=True)
    assert parse_answer(r"\bar x") == sympy.Symbol("x_bar", real=True)
    assert parse_answer(r"x_12 \cdot 1") != parse_answer("x_12")  # LaTeX subscripts take one character


def test_greek_names_and_variables_are_real() -> None:
    expr = parse_answer("theta + lambda + mu + sigma")
    assert all(s.is_real for s in expr.free_symbols)
    assert {s.name for s in expr.free_symbols} == {"theta", "lambda", "mu", "sigma"}


def test_declared_functions_only_when_declared() -> None:
    assert "sigma" in {s.name for s in parse_answer("sigma(x)").free_symbols}  # the Greek letter times x
    declared = parse_answer("sigma(x) + relu(x) + softplus(x)", functions=("sigma", "relu", "softplus"))
    assert {type(f).__name__ for f in declared.atoms(sympy.Function)} == {"sigma", "relu", "softplus"}
    with pytest.raises(ParseError, match="relu"):
        parse_answer("relu(x)")


def test_containers() -> None:
    assert parse_answer("(1, 2)") == Seq((1, 2), "(", ")")
    assert parse_answer("[1, 2]") == Seq((1, 2), "[", "]")
    assert isinstance(parse_answer("{1, 3}"), SetValue)
    assert isinstance(parse_answer(r"\{1, 3\}"), SetValue)
    assert parse_answer("(0, 1]") == Interval(((0, 1, True, False),))
    assert parse_answer("[0, 1)") == Interval(((0, 1, False, True),))
    assert parse_answer("[[1,2],[3,4]]") == Matrix(((1, 2), (3, 4)))
    assert parse_answer(r"\begin{pmatrix}1&2\\3&4\end{pmatrix}") == Matrix(((1, 2), (3, 4)))
    assert parse_answer("1, 2, 3") == Seq((1, 2, 3), "", "")
    assert isinstance(parse_answer(r"(0,1) \cup [2, 3]"), Interval)
    assert isinstance(parse_answer(r"x \in [-2, 7]"), Membership)
    assert parse_answer(r"\text{odd}") == Text("odd")


def test_relations() -> None:
    eq = parse_answer("y = 2x + 1")
    assert isinstance(eq, Relation) and eq.ops == ("=",)
    chain = parse_answer("-2 <= x <= 7")
    assert isinstance(chain, Relation) and chain.ops == ("<=", "<=")
    assert parse_answer(r"x \neq 1").ops == ("!=",)
    assert parse_answer(r"x \ge 1").ops == (">=",)


def test_plus_minus_expands_to_a_set() -> None:
    value = parse_answer(r"\pm 2")
    assert isinstance(value, SetValue) and set(value.items) == {2, -2}


def test_thousands_only_when_a_number_is_expected() -> None:
    assert parse_answer("7,425,000", expect="number") == 7425000
    assert parse_answer("1 000", expect="number") == 1000
    assert same(parse_answer("1000,99", expect="number"), sympy.Rational(100099, 100))
    assert parse_answer("7,425,000") == Seq((7, 425, 0), "", "")


@pytest.mark.parametrize(
    ("text", "word"),
    [("foo", "foo"), ("2 bar(x)", "bar"), ("xyz + 1", "xyz"), ("__import__('os')", None), (r"\foo", "foo")],
)
def test_unknown_names_are_named(text: str, word: str | None) -> None:
    with pytest.raises(ParseError) as info:
        parse_answer(text)
    if word:
        assert word in str(info.value)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("x" * 501, "length"),
        ("(" * 60 + "x" + ")" * 60, "nesting depth"),
        ("-" * 200 + "x", "nesting depth"),
        ("1" * 250, "integer digits"),
        ("((9^9)^9999)^9999", "exponent size"),
        ("9^9^9^9", "exponent size"),
        ("x^(10^10)", "exponent size"),
        ("99999999!", "factorial"),
        ("[" + ",".join(["[" + ",".join(["1"] * 11) + "]"] * 11) + "]", None),
        ("1e99999", "number size"),
    ],
)
def test_limits_name_the_limit(text: str, limit: str | None) -> None:
    with pytest.raises(ParseError) as info:
        parse_answer(text)
    if limit:
        assert info.value.limit == limit


def test_control_characters_rejected() -> None:
    with pytest.raises(ParseError, match="control character"):
        parse_answer("x\x00")
    with pytest.raises(ParseError, match="control character"):
        parse_answer("x\x1b[2J")


@pytest.mark.parametrize("text", ["", "2 +", "(1, 2", "sin()", "1 000", "x_", "-[0,1)", "2 * (1, 2)"])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(ParseError):
        parse_answer(text)


def test_parse_expression_is_one_real_expression() -> None:
    assert same(parse_expression("sin(x)/x"), sympy.sin(x) / x)
    assert parse_expression("x^2 + y^2").free_symbols == {x, y}
    with pytest.raises(ParseError):
        parse_expression("(1, 2)")
    with pytest.raises(ParseError):
        parse_expression("1 + i")


def test_never_evaluates_on_parse() -> None:
    # evaluate=False: what the member typed is kept, so "interpreted as" can echo it.
    assert str(parse_answer("x + x")) == "x + x"
