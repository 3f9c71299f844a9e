"""The answer checker: verdicts by type, tolerances, exactness, mistakes, and random expressions."""

from __future__ import annotations

import pickle

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.maths.checker import CheckOptions, Verdict, check
from bot.maths.render import as_text


def status(expected: str, answer: str, **options: object) -> str:
    return check(expected, answer, CheckOptions(**options)).status  # type: ignore[arg-type]


# -- expressions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("2x(1-x)", "2x - 2x^2"),
        ("(x+1)^2", "x^2 + 2x + 1"),
        ("sin(2x)", "2 sin(x) cos(x)"),
        ("1/(x^2-1)", "1/(2(x-1)) - 1/(2(x+1))"),
        ("e^{-x}", r"\frac{1}{e^x}"),
        ("ln(x^2)", "2 ln|x|"),
        ("sqrt(x^2)", "|x|"),
        ("x^(1/3)", r"\sqrt[3]{x}"),
        ("tan(x)^2 + 1", "sec(x)^2"),
        ("n!/(n-2)!", "n(n-1)"),
        ("(x^2-1)/(x+1)", "x - 1"),
        ("-log((1-x)/(1+x))", "log((1+x)/(1-x))"),
        ("2 log(a) + log(b)", "log(a^2 b)"),
    ],
)
def test_equivalent_expressions(expected: str, answer: str) -> None:
    assert status(expected, answer) == "correct"


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("2x(1-x)", "2x - x^2"),
        ("sqrt(x^2)", "x"),
        ("sin(2x)", "2 sin(x)"),
        ("(x-a)^5999", "(x-a)^6000"),
        ("cos(x)cos(y) + sin(x)sin(y)", "cos(x+y)"),
        ("x_1", "x1"),
        ("x", "X"),
        ("e^(i*199*t)", "e^(i*200*t)"),
    ],
)
def test_different_expressions(expected: str, answer: str) -> None:
    assert status(expected, answer) == "incorrect"


def test_complex_unit_when_written() -> None:
    assert status("i", "sqrt(-1)") == "correct"
    assert status("cos(t) + i sin(t)", "e^(i t)") == "correct"
    assert status("-1", "e^(i pi)") == "correct"


# -- numbers: exact vs exact, decimals with a tolerance ---------------------------------------


def test_exact_numbers_compare_exactly() -> None:
    big = str(2**100)
    assert status("2^100", big) == "correct"
    assert status("2^100", str(2**100 + 1)) == "incorrect"
    assert status("2^100", str(2**100 - 1)) == "incorrect"
    assert status("99999998/99999999", "99999999/10^8") == "incorrect"
    assert status("3 + sqrt(2)", "sqrt(11 + 6 sqrt(2))") == "correct"
    assert status("(5 sqrt(2) - 7)^7", "(19601 - 13860 sqrt(2))^(7/4)") == "correct"
    assert status("(5 sqrt(2) - 7)^7", "(19601 - 13861 sqrt(2))^(7/4)") == "incorrect"
    assert status("17556/55176", "175! 56!/(55! 176!)") == "correct"


def test_exactness_survives_huge_and_tiny_magnitudes() -> None:
    assert status("e^192", "e^192 + 1/7") == "incorrect"
    assert status("e^(-100)", "e^(-101)") == "incorrect"
    assert status("y + exp(exp(4))", "8y/7 + exp(exp(4))") == "incorrect"
    assert status("(x-a)^6000", "(a-x)^6000") == "correct"
    assert status("(x-a)^5999", "(a-x)^5999") == "incorrect"
    assert status("sin(x)^2 + cos(x)^2", "1") == "correct"


def test_default_tolerance_for_decimals() -> None:
    assert status("pi", "3.1416") == "correct"
    assert status("pi", "3.14") == "correct"
    # Correctly rounded but under 3 significant digits: asked for more digits, not judged.
    assert status("pi", "3.1") == "invalid"
    assert status("1/3", "0.333") == "correct"
    assert status("1/3", "0.33") == "invalid"
    assert status("1/3", "0.334") == "incorrect"
    assert status("1/12", "0.0833333333333333") == "correct"
    # A decimal must be right to the digits it shows: 0.99999999 claims eight correct places.
    assert status("1", "0.99999999") == "incorrect"
    assert status("2.5", "2.5001") == "correct"  # expected is itself a decimal
    assert status("0", "0.0") == "correct"


def test_explicit_tolerances() -> None:
    assert status("1", "1.05", rel_tol=0.05) == "correct"
    assert status("1", "1.06", rel_tol=0.05) == "incorrect"
    assert status("1e33", "1.05e33", rel_tol=0.05) == "correct"
    assert status("pi", "3.14", abs_tol=0.001) == "incorrect"
    assert status("pi", "3.14", abs_tol=0.01) == "correct"
    assert status("1.41*10^-3", "0.00141", abs_tol=0.0001) == "correct"
    assert status("pi", "3.142", sig_figs=4) == "correct"
    assert status("pi", "3.141", sig_figs=4) == "incorrect"


def test_percent() -> None:
    assert status("0.0098", "0.98%") == "correct"
    assert status(r"28\%", "28 percent") == "correct"
    assert status("0.28", "28%") == "correct"
    assert status("0.0098", "0.98") == "incorrect"


def test_number_formats_a_learner_types() -> None:
    assert status("7425000", "7,425,000") == "correct"
    assert status("1000", "1 000") == "correct"
    assert status("0.4", ".4") == "correct"
    assert status("3", "x = 3") == "correct"  # documented: a named value is accepted for a number
    assert status("2x + 1", "y = 2x + 1") == "correct"
    assert status("2x + 1", "x = 2x + 1") == "incorrect"  # that is an equation in x, not a name
    assert status("x = 3", "3") == "correct"


def test_a_unit_after_a_value_is_read_as_text() -> None:
    assert status("0.69", "0.69 nats") == "correct"
    assert status("1.5", "1.5 bits") == "correct"
    assert status("(3, 4)", "(3 cm, 4 cm)") == "correct"
    assert status("1.5", "1.6 bits") == "incorrect"
    assert check("x^2", "cm").interpreted_as == "c*m"  # alone it is still the product of two letters


def test_decimal_comma_and_thousands_on_either_side() -> None:
    assert status("0.25", "0,25") == "correct"
    assert status("0,25", "0.25") == "correct"  # the same reading in both directions
    assert status("0,25", "0.26") == "incorrect"
    assert status("2,500", "2500") == "correct"
    assert status("0.375", "0,375") == "correct"  # a leading 0 is never a thousands group
    assert status("375", "0,375") == "incorrect"
    assert status("3, 7", "3.7") == "incorrect"  # a spaced list stays a list
    assert status("3,7", "7, 3") == "correct"  # and a list answer keeps the list reading


def test_a_named_quantity_given_a_value() -> None:
    assert status("g(t) = 4", "4") == "correct"
    assert status("|PQ| = 5", "5") == "correct"
    assert status(r"\frac{AM}{MB} = \frac{2}{3}", "2/3") == "correct"
    assert status("PQ = 3, RS = 8", "8, 3") == "correct"
    assert status("g(t) = 4", "5") == "incorrect"
    assert status("3t - 1", "g(t) = 3t - 1") == "correct"
    assert status("5", "|PQ| = 5") == "correct"
    # Equations to solve are not names: their right side alone is not the answer.
    assert status("t^2 = 9", "9") == "incorrect"
    assert status("3t = 9", "9") == "incorrect"
    assert status("t + s = 9", "9") == "incorrect"


def test_function_and_probability_names() -> None:
    assert status("3x^2", "f'(x) = 3x^2") == "correct"
    assert status("6x", "f''(x) = 6x") == "correct"
    assert status("3x^2", "y' = 3x^2") == "correct"
    assert status("3x^2", "f'(x) = 3x") == "incorrect"
    assert status("5", "g(2) = 5") == "correct"
    assert status("0.25", "P(A|B) = 1/4") == "correct"
    assert status("0.25", r"P(A \mid B) = 0.25") == "correct"
    assert status("s^2 t", "h(s, t) = s^2 t") == "correct"
    assert check("3x^2", "f'(x) = 3x^2").interpreted_as == "f'(x) = 3*x^2"
    assert status("2w - 2", r"\frac{\partial L}{\partial w} = 2(w - 1)") == "correct"
    assert status("2w - 2", "∂L/∂w = 2w - 2") == "correct"
    assert status("(2s, 2t)", r"\nabla f = (2s, 2t)") == "correct"
    assert status("(8, 7)", "∇f(1, 2) = (8, 7)") == "correct"
    assert status("(8, 7)", "∇f(1, 2) = (7, 8)") == "incorrect"
    assert status("3x^2", r"\frac{dy}{dx} = 3x^2") == "correct"
    named = check("2w", r"\frac{\partial L}{\partial w} = 2w")
    assert named.interpreted_latex == r"\frac{\partial L}{\partial w} = 2 w"
    # Inside an expression the letters still multiply, and a prime is not a derivative we take.
    assert status("x + x^2", "x(1 + x)") == "correct"
    assert check("3x^2", "f'(x) + 1").status == "invalid"
    assert check("3x^2", "(x^3)'").status == "invalid"


def test_working_counts_only_when_every_step_is_true() -> None:
    assert status("12", "x = 7 + 5 = 12") == "correct"
    assert status("t = 12", "t = 3 \\cdot 4 = 12") == "correct"
    assert status("2/3", "p = 4/6 \\approx 0.667") == "correct"  # ≈ illustrates the exact value
    assert status("2/3", "p = 4/6 \\approx 0.6") == "correct"  # true to the digit written
    assert status("x^2 + 2x + 1", "y = (x+1)^2 = x^2 + 2x + 1") == "correct"
    false_sum = check("12", "x = 7 + 4 = 12")
    assert false_sum.status == "incorrect" and "7 + 4 = 12" in false_sum.message
    false_approx = check("2/3", "p = 4/6 \\approx 0.5")
    assert false_approx.status == "incorrect" and "≈ 0.5" in false_approx.message
    assert status("12", "x = 7 + 5 = 13") == "incorrect"  # true working, wrong value: no free pass
    assert status("t = 2", "t = 1 + 1 = 2") == "correct"
    # One link is working when its sides are equal everywhere; otherwise it is an equation.
    assert status("12", "7 + 5 = 12") == "correct"
    assert status("x^2 + 2x + 1", "(x + 1)^2 = x^2 + 2x + 1") == "correct"
    assert status("2/3", "4/6 \\approx 0.67") == "correct"
    assert status("12", "7 + 4 = 12") == "incorrect"
    assert status("3", "2x = 6") == "incorrect"
    assert status("x = 1", "1 = 1") == "incorrect"
    assert status("x = y = z", "x = y = z") == "correct"


def test_a_range_of_one_named_quantity_is_an_interval() -> None:
    assert status("-1 <= g(t) <= 1", "[-1, 1]") == "correct"
    assert status("[-1, 1]", "-1 <= g(t) <= 1") == "correct"
    assert status("-1 <= g(t) <= 1", "(-1, 1)") == "incorrect"
    assert status("1 <= |t| <= 2", "[1, 2]") == "incorrect"  # one variable: the set of t, not of |t|
    assert status("st > 0", "s > 0") == "incorrect"  # between inequalities a product stays a product


def test_solutions_written_as_assignments() -> None:
    assert status("(3, 1), (4, -2)", "a=3, b=1; a=4, b=-2") == "correct"
    assert status("a=3, b=1; a=4, b=-2", "(4, -2), (3, 1)") == "correct"
    assert status("a=3, b=1; a=4, b=-2", "b=1, a=3; b=-2, a=4") == "correct"  # matched by name
    assert status("a=3, b=1; a=4, b=-2", "(1, 3), (-2, 4)") == "incorrect"
    assert status("a=3, b=1; a=4, b=-2", "a=3, b=1") == "incorrect"
    assert status("1; 2; 3", "3, 1, 2") == "correct"  # single items: `;` is a plain separator


# -- typed answers ----------------------------------------------------------------------------


def test_sets_are_order_free() -> None:
    assert status("{1, 3}", "{3, 1}") == "correct"
    assert status("{1, 2, 3}", "{1, 2}") == "incorrect"
    assert status("{1/2, 1/3}", "{2/4, 1/3}") == "correct"
    assert status(r"\{-2, 2\}", r"\pm 2") == "correct"
    assert status("{1, 2, 3}", "[1, 2, 3]") == "incorrect"
    assert status("1, 2, 3", "3, 2, 1") == "correct"


def test_tuples_and_intervals_follow_the_expected_type() -> None:
    assert status("(1, 2)", "(1, 2)") == "correct"
    assert status("(1, 2)", "(2, 1)") == "incorrect"
    assert status("(1, 9/2)", "(1, 4.5)") == "correct"
    assert status("(0, 1]", "(0, 1]") == "correct"
    assert status("(3/5, 8/3]", "(0.6, 2.6667]") == "correct"
    assert status("(3/5, 8/3]", "(0.6, 2.6)") == "incorrect"
    assert status("(0, 1]", "(0, 1)") == "incorrect"
    assert status("(0, 1)", "(0, 1]") == "incorrect"  # a tuple is expected, an interval given
    assert status("(0, 1)", "(0, 1)", answer_type="interval") == "correct"
    assert status("(-oo, 1)", "x < 1") == "correct"
    assert status("(1, oo)", "(1, +\\infty)") == "correct"
    assert status(r"[-2, 7]", r"-2 \le x \le 7") == "correct"
    assert status(r"x \in [-2,7]", r"-2 \le x \le 7") == "correct"
    assert status(r"1 \le |z| \le 3/2", r"z \in [-3/2, -1] \cup [1, 3/2]") == "correct"
    assert status("1 <= abs(z) <= 3/2", "z in [-3/2, -1] U [1, 3/2]") == "correct"
    verdict = check("(1, 2, 3)", "(1, 2)")
    assert verdict.status == "incorrect" and "3 entries" in verdict.message


def test_matrices_element_wise_with_shapes() -> None:
    assert status("[[1,2],[3,4]]", r"\begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}") == "correct"
    assert status("[[1,2],[3,4]]", "[[1,2],[3,5]]") == "incorrect"
    verdict = check("[[1,2],[3,4]]", "[[1,2,3],[3,4,5]]")
    assert verdict.status == "incorrect" and "2×2" in verdict.message and "2×3" in verdict.message
    assert status("[[2x, 2], [2, x^2]]", "[[x+x, 2], [2, x*x]]") == "correct"


def test_equations_up_to_a_non_zero_factor() -> None:
    assert status("y = 2x + 1", "2y = 4x + 2") == "correct"
    assert status("y = 2x + 1", "y - 2x = 1") == "correct"
    assert status("y = 2x + 1", "y = 2x - 1") == "incorrect"
    assert status("y = x/(2x-1)", "1/x + 1/y = 2") == "correct"
    assert status("x^2 = y^2", "x = y") == "incorrect"
    assert status("x = y", "a x = a y") == "incorrect"
    assert status("y = 2x + 1", "2x + 1") == "incorrect"
    assert status("x = x", "a = a") == "correct"


def test_equations_with_the_same_real_solutions() -> None:
    assert status("s^2 = t^2", "|s| = |t|") == "correct"
    assert status("u = e^v", "ln(u) = v") == "correct"
    assert status("t^2 = 9", "|t| = 3") == "correct"
    assert status("tan(t) = 0", "sin(t) = 0") == "correct"
    assert status("t = 3", "t^2 = 9") == "incorrect"  # an extra solution
    assert status("u = v", "sqrt(u) = sqrt(v)") == "incorrect"  # fewer: u, v < 0 are lost
    assert status("u = sqrt(v)", "u^2 = v") == "incorrect"
    assert status("u^2 + v^2 = 4", "u = sqrt(4 - v^2)") == "incorrect"
    assert status("sin(t) = 0", "sin(3t) = 0") == "incorrect"
    assert status("1/t = 0", "t = 0") == "incorrect"  # a pole is not a solution
    # Multiplicity counts, as in STACK: (t - 3)^2 = 0 is not the same equation as t = 3.
    assert status("t = 3", "(t - 3)^2 = 0") == "incorrect"
    assert status("t - 3 = 0", "(t - 3)(t - 1)^2 = 0") == "incorrect"


def test_inequalities_describe_the_same_set() -> None:
    assert status("x > 1", "1 < x") == "correct"
    assert status("x > 1", "-2 > -2x") == "correct"
    assert status("x > 1", "x >= 1") == "incorrect"
    assert status("x > 1", "x < 1") == "incorrect"
    assert status("x^2 >= 4", "x^4 >= 16") == "correct"
    assert status("abs(x) < 3", "x^2 <= 9") == "incorrect"
    assert status("x^2 - 3a < 0", "3x^2 < 9a") == "correct"
    assert status("x != 2", "x - 2 != 0") == "correct"
    # Beyond the solver (transcendental): the same set of reals, checked numerically.
    assert status("e^x > 2", "x > ln(2)") == "correct"
    assert status("e^x > 2", "(ln 2, oo)") == "correct"
    assert status("e^x > 2", "x > ln(3)") == "incorrect"
    assert status("e^x > 2", "x > 0.693") == "correct"
    assert status("e^x > 2", "x > 0.69") == "incorrect"
    assert status("ln(x) <= 1", "0 < x <= e") == "correct"
    assert status("ln(x) <= 1", "x <= e") == "incorrect"
    assert (
        status("abs(x^6 - 3x^5 + x - 1) < abs(x^3 - 2)", "abs(x^6 - 3x^5 + x - 1) - abs(x^3 - 2) < 0")
        == "correct"
    )


def test_ratios_and_named_values() -> None:
    assert status("3:1", "3 : 1") == "correct"
    assert status("3:1", "1:3") == "incorrect"
    assert status("A:B = 2:3", "2:3") == "correct"
    assert status("(p, q) = (3, 2)", "(3, 2)") == "correct"
    assert status("(p, q) = (3, 2)", "q = 2, p = 3") == "correct"  # the names say which is which
    assert status("(p, q) = (3, 2)", "q = 3, p = 2") == "incorrect"
    assert status("(p, q) = (3, 2)", "(2, 3)") == "incorrect"
    assert status("D = (0, 1)", "D = (0, 1)") == "correct"
    assert status("D = (0, 1)", "D = (0, 1.5)") == "incorrect"


def test_text_answers() -> None:
    assert status(r"\text{odd}", "odd") == "correct"
    assert status(r"\text{odd}", "Odd") == "correct"
    assert status(r"\text{odd}", "even") == "incorrect"


def test_latex_and_plain_text_read_the_same() -> None:
    assert status("(x+2)/7", r"\frac{x}{7}+\frac{2}{7}") == "correct"
    assert status("1/3", r"\left( \frac{1}{3} \right)") == "correct"
    assert status("sqrt(3)", r"\sqrt3") == "correct"
    assert status("x/(3 x^(2/3))", r"\frac{x}{3\sqrt[3]{x}^2}") == "correct"


def test_declared_functions() -> None:
    fns = ("sigma",)
    assert status("sigma(x)(1 - sigma(x))", "e^(-x)/(1+e^(-x))^2", functions=fns) == "correct"
    assert status("relu(x)", "max(0, x)", functions=("relu",)) == "correct"
    assert status("softplus(x)", "ln(1 + e^x)", functions=("softplus",)) == "correct"
    assert status("sigma(x)(1 - sigma(x))", "sigmoid(x)(1 - sigmoid(x))", functions=fns) == "correct"
    assert status("relu(x)", "ReLU(x)", functions=("relu",)) == "correct"
    assert check("x", "sigmoid(x)").status == "invalid"  # only where a problem declares sigma


# -- verdict shape, mistakes, invalid input ----------------------------------------------------


def test_verdict_reports_how_the_answer_was_read() -> None:
    verdict = check("2x", "2x(1-x)")
    assert verdict.status == "incorrect"
    assert verdict.interpreted_as == "2*x*(1 - x)"
    assert verdict.interpreted_latex
    data = verdict.to_json()
    assert data["status"] == "incorrect" and set(data) >= {"message", "interpreted_as", "interpreted_latex"}
    assert pickle.loads(pickle.dumps(verdict)) == verdict


def test_known_mistakes_are_named() -> None:
    options = CheckOptions(mistakes=(("cos(x^2)", "Forgot the chain rule."), ("-2x cos(x^2)", "Sign error.")))
    verdict = check("2x cos(x^2)", "cos(x^2)", options)
    assert (verdict.status, verdict.message, verdict.mistake) == (
        "incorrect",
        "Forgot the chain rule.",
        "cos(x^2)",
    )
    assert check("2x cos(x^2)", "-2 x cos(x^2)", options).mistake == "-2x cos(x^2)"
    assert check("2x cos(x^2)", "2 cos(x^2) x", options).status == "correct"
    assert check("2x cos(x^2)", "x", options).mistake is None


def test_generic_hints_for_common_slips() -> None:
    assert check("2x cos(x^2)", "-2x cos(x^2)").message == "Check the sign."
    assert check("x^2/2", "x^2").message == "Off by a factor of 2."
    assert "rounding" in check("pi", "3.13").message
    assert check("x^2", "x^3").message.startswith("Not quite")


def test_invalid_answers_say_why() -> None:
    verdict = check("x", "foo + 1")
    assert verdict.status == "invalid" and "foo" in verdict.message
    assert check("x", "((9^9)^9999)^9999").status == "invalid"


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        (r"\frac{d}{dx} x^3", "Derivative"),  # not d/(d*x) = 1/x times x^3
        ("d/dt (t^2)", "Derivative"),
        (r"\frac{\partial L}{\partial w}", "Derivative"),
        (r"\nabla f", "Derivative"),
        (r"\int_0^1 t\,dt", "Integrals"),
        (r"\lim_{t \to 0} t", "Limits"),
    ],
)
def test_operations_to_carry_out_are_named(answer: str, named: str) -> None:
    verdict = check("3x^2", answer)
    assert verdict.status == "invalid" and verdict.message.startswith(named)


def test_dy_dx_names_the_derivative() -> None:
    assert status("3x^2", "dy/dx = 3x^2") == "correct"
    assert status("3x^2", r"\frac{dy}{dx} = 3x") == "incorrect"


def test_invalid_expected_answer_is_a_content_bug() -> None:
    with pytest.raises(ValueError, match="expected"):
        check("foo(", "1")
    with pytest.raises(ValueError, match="no value"):
        check("1/0", "1")


def test_verdict_is_plain_data() -> None:
    assert Verdict("correct", "ok").to_json()["mistake"] is None


# -- random expressions -----------------------------------------------------------------------

X = sympy.Symbol("x", real=True)
coefficients = st.lists(st.integers(-9, 9), min_size=1, max_size=5)


def _poly_text(coeffs: list[int]) -> str:
    return " + ".join(f"({c})*x^{k}" for k, c in enumerate(coeffs)) or "0"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coefficients, coefficients)
def test_product_equals_its_expansion(a: list[int], b: list[int]) -> None:
    product = f"({_poly_text(a)})*({_poly_text(b)})"
    expanded = sympy.expand(sympy.Poly(a[::-1], X).as_expr() * sympy.Poly(b[::-1], X).as_expr())
    assert status(product, as_text(expanded)) == "correct"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coefficients, coefficients, st.integers(0, 5), st.sampled_from([-2, -1, 1, 2]))
def test_perturbed_expansion_differs(a: list[int], b: list[int], power: int, delta: int) -> None:
    product = f"({_poly_text(a)})*({_poly_text(b)})"
    expanded = sympy.expand(sympy.Poly(a[::-1], X).as_expr() * sympy.Poly(b[::-1], X).as_expr())
    perturbed = expanded + delta * X**power
    assert status(product, as_text(perturbed)) == "incorrect"


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["sin", "cos", "exp", "tanh"]), st.integers(1, 5), st.integers(-5, 5))
def test_chain_rule_shapes(fn: str, k: int, c: int) -> None:
    expected = f"{fn}({k}x + {c})"
    assert status(expected, f"{fn}({c} + {k}*x)") == "correct"
    assert status(expected, f"{fn}({k}x + {c + 1})") == "incorrect"


TOKENS = ["x", "y", "2", "0.5", "pi", "e", "i", "(", ")", "[", "]", "{", "}", "|", ",", "+", "-", "*", "/",
          "^", "!", "%", "=", "<", ">=", "sin", "log", "sqrt", "\\frac", "\\sqrt", "{1}", "\\pm", "\\cup",
          "x_1", ":"]  # fmt: skip
EXPECTED = ["x^2", "(0, 1]", "{1, 2}", "y = 2x"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=10), st.sampled_from(EXPECTED))
def test_any_token_soup_gets_a_verdict(tokens: list[str], expected: str) -> None:
    verdict = check(expected, "".join(tokens))
    assert verdict.status in ("correct", "incorrect", "invalid")
    assert verdict.message


@pytest.mark.parametrize(
    ("expected", "answer", "status"),
    [
        # Real powers of negative bases exist only at integer/half-integer exponents: the lattice
        # points tell these apart where random reals never land.
        ("u^(v/2)", "(u^v)^(1/2)", "incorrect"),
        ("k^(2w)", "(k^2)^w", "incorrect"),
        ("m^(2n)", "(m^n)^2", "correct"),
    ],
)
def test_power_rules_that_fail_for_negative_bases(expected: str, answer: str, status: str) -> None:
    assert check(expected, answer).status == status
