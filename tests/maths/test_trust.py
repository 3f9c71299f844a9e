"""No false "correct": every tolerance is measured on the expected answer, never on how the answer
was written; decimals are checked to the digits written, as /help topic:answers says."""

from __future__ import annotations

import pytest

from bot.maths.checker import CheckOptions, check


def verdict(expected: str, answer: str, **options: object) -> tuple[str, str]:
    v = check(expected, answer, CheckOptions(**options))  # type: ignore[arg-type]
    return v.status, v.reason


def status(expected: str, answer: str, **options: object) -> str:
    return verdict(expected, answer, **options)[0]


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        # The reported ones: a huge divisor in the answer used to widen its own tolerance.
        ("x^2 + 3x - 7", "x/1e9"),
        ("x^2", "1/2e9"),
        ("x/1000", "2*x/1e3"),
        ("w*1e-4", "3*w/1e4"),
        ("1e-10", "2e-10"),
        ("10^-10", "2e-10"),
        # More of the same family.
        ("x^2 + 3x - 7", "x/1e12 + 1e-15"),
        ("2x", "x*1e9/1e9"),
        ("sin(x)", "sin(x)/1e9"),
        ("x/1000", "x/1e9"),
        ("1/1000", "1e-9"),
        ("x^2", "0*x + 1e-20"),
    ],
)
def test_rewritten_magnitudes_are_never_correct(expected: str, answer: str) -> None:
    assert status(expected, answer) == "incorrect"


@pytest.mark.parametrize("exponent", [-30, -20, -12, -9, -6, -3, 0, 3, 6, 9, 12, 20, 30])
@pytest.mark.parametrize(
    ("wrong", "why"),
    [("2*({e})", "factor of 2"), ("-({e})", "sign"), ("({e})/2", "factor of 1/2")],
)
def test_factor_sign_never_inside_tolerance_at_any_magnitude(exponent: int, wrong: str, why: str) -> None:
    for e in (f"1e{exponent}*x", f"1.5e{exponent}*(x^2 - 1)", f"10^({exponent})*x*y"):
        assert status(e, wrong.format(e=e)) == "incorrect", (e, why)
    assert status(f"10^({exponent})", wrong.format(e=f"1e{exponent}")) == "incorrect"


@pytest.mark.parametrize("exponent", [-30, -12, -9, 0, 9, 30])
def test_a_missing_term_is_never_inside_tolerance(exponent: int) -> None:
    assert status(f"1e{exponent}*(x^2 + x)", f"1e{exponent}*x^2") == "incorrect"
    assert status(f"1e{exponent}*(x^2 + 1)", f"1e{exponent}*x^2") == "incorrect"


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("x/1000", "x/1e3"),
        ("w*1e-4", "w/1e4"),
        ("1e-10", "1.0e-10"),
        ("10^-10", "1e-10"),
        ("0.1*x - 0.1", "x/10 - 1/10"),  # binary floats differ from 1/10 in the 17th digit
        ("x/10 - 1/10", "0.1*(x - 1)"),
        ("1e-25*x", "x*10^-25"),
        ("x^2/3", "0.333333333333333*x^2"),
    ],
)
def test_same_values_written_otherwise_are_correct(expected: str, answer: str) -> None:
    assert status(expected, answer) == "correct"


def test_exact_answers_stay_exact_next_to_noisy_ones() -> None:
    # Huge intermediates that cancel can't hide a difference: the answer's own noise is not forgiven.
    assert status("10^-30*x", "(2*10^-30*x + 1) - 1") == "incorrect"
    assert status("10^-30*x", "(10^-30*x + 1) - 1") == "correct"
    assert status("x - 1", "ln(e^x) - 1") == "correct"  # an exact zero at x = 1 on one side only


# -- decimals as /help says -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("4/3", "1.33"),
        ("4/3", "1.333"),
        ("2/3", "0.667"),
        ("1/8", "0.125"),
        ("17/16", "1.063"),  # a tie (1.0625): either neighbour
        ("17/16", "1.062"),
        ("pi", "3.14"),
        ("pi", "3.142"),
        ("e", "2.72"),
        ("1/3", "33.3%"),
        ("4/3", "x = 1.33"),
        ("sqrt(4)", "2.0"),  # exact, however few digits
        ("1/2", "0.5"),
        ("10^-10", "1.00e-10"),
        ("1/7000", "1.43e-4"),
    ],
)
def test_correctly_rounded_decimals_are_correct(expected: str, answer: str) -> None:
    assert status(expected, answer) == "correct"


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("4/3", "1.34"),
        ("4/3", "1.332"),
        ("2/3", "0.666"),  # truncated, not rounded
        ("pi", "3.15"),
        ("1/7000", "1.42e-4"),
        ("1e-10", "2.00e-10"),
        ("10^-10", "2e-10"),  # 2e-10 is not 1e-10 rounded to one digit
        ("1", "0.99999999"),
    ],
)
def test_wrongly_rounded_decimals_are_incorrect(expected: str, answer: str) -> None:
    assert status(expected, answer) == "incorrect"


def test_too_few_digits_is_not_a_judgement() -> None:
    v = check("4/3", "1.3")
    assert (v.status, v.reason) == ("invalid", "digits")
    assert "at least 3 significant digits" in v.message
    assert verdict("1/3", "0.33") == ("invalid", "digits")
    assert verdict("1/7000", "1.4e-4") == ("invalid", "digits")
    assert verdict("4/3", "1.4") == ("incorrect", "")  # wrong at the digits it shows: judged


def test_the_prompt_sig_figs_set_the_digits_needed() -> None:
    assert verdict("ln(2)", "0.693", sig_figs=4) == ("invalid", "digits")
    assert "at least 4 significant digits" in check("ln(2)", "0.693", CheckOptions(sig_figs=4)).message
    assert status("ln(2)", "0.6931", sig_figs=4) == "correct"
    assert status("ln(2)", "0.69315", sig_figs=4) == "correct"
    assert status("ln(2)", "0.6932", sig_figs=4) == "incorrect"
    assert status("4/3", "1.3", sig_figs=2) == "correct"


def test_a_decimal_where_an_exact_value_was_asked() -> None:
    v = check("4/3", "1.333", CheckOptions(exact=True))
    assert (v.status, v.reason) == ("invalid", "exact")
    assert v.message == "An exact value was asked (4/3 ≈ 1.333)."
    assert status("4/3", "4/3", exact=True) == "correct"
    assert status("4/3", "1.5", exact=True) == "incorrect"  # a wrong decimal is simply wrong
    assert verdict("x/3", "0.333333x", exact=True) == ("invalid", "exact")
    assert status("x/2", "0.5x", exact=True) == "correct"  # a terminating decimal is exact
    assert status("1/2", "0.5", exact=True) == "correct"


def test_the_answers_guide_states_the_decimal_rule_the_checker_applies() -> None:
    from bot.maths.compare import MIN_SIG_FIGS
    from bot.services.help import ANSWER_GUIDE

    assert f"at least {MIN_SIG_FIGS} significant digits" in ANSWER_GUIDE
    assert "`1.33` for 4/3" in ANSWER_GUIDE and status("4/3", "1.33") == "correct"
    assert "`3.14` for π" in ANSWER_GUIDE and status("pi", "3.14") == "correct"
    assert "(`1.3`)" in ANSWER_GUIDE and verdict("4/3", "1.3") == ("invalid", "digits")


# -- intervals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("x >= 5", "[5, inf]"),
        ("[5, inf)", "[5, inf]"),
        ("(-inf, 3]", "[-inf, 3]"),
        ("x >= 5", "x in [5, inf]"),
    ],
)
def test_an_interval_closed_at_infinity_is_refused_with_a_reason(expected: str, answer: str) -> None:
    v = check(expected, answer)
    assert v.status == "invalid"
    assert "oo is not a number" in v.message and "round bracket" in v.message


def test_an_expected_interval_closed_at_infinity_is_a_content_bug() -> None:
    with pytest.raises(ValueError, match="closed at an infinite end"):
        check("[5, inf]", "x >= 5")


@pytest.mark.parametrize(
    ("expected", "answer", "options"),
    [
        ("[0, 1]", "(0, 1)", {"answer_type": "interval"}),
        ("(0, 1)", "[0, 1]", {"answer_type": "interval"}),
        ("(0, 1]", "[0, 1]", {}),
        ("[0, 1]", "(0, 1]", {}),
        ("[0, 1)", "(0, 1)", {}),
        ("0 <= x <= 1", "(0, 1)", {}),
        ("0 < x < 1", "[0, 1]", {}),
        ("x in [0, 1]", "(0, 1)", {}),
        ("[0, inf)", "(0, inf)", {}),
    ],
)
def test_open_and_closed_ends_differ_when_either_side_is_an_interval(
    expected: str, answer: str, options: dict[str, object]
) -> None:
    assert status(expected, answer, **options) == "incorrect"
    assert status(answer, expected, **options) == "incorrect"


def test_a_pair_is_a_vector_unless_an_interval_is_meant() -> None:
    assert status("(1, 2)", "[1, 2]") == "correct"  # a point or vector, whatever the brackets
    assert status("[0, 1]", "0 <= x <= 1") == "correct"
    assert status("(0, 1)", "0 < x < 1", answer_type="interval") == "correct"


# -- deterministic feedback -------------------------------------------------------------------


def test_feedback_does_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import itertools
    import time

    first = [check("2x*sin(x)", "-2x*sin(x)"), check("x^2 + 3x", "2x^2 + 6x")]
    assert [v.message for v in first] == ["Check the sign.", "Off by a factor of 2."]
    ticks = itertools.count(step=10.0)  # a clock that jumps 10 s whenever anyone looks: a busy bot
    monkeypatch.setattr(time, "perf_counter", lambda: next(ticks))
    monkeypatch.setattr(time, "monotonic", lambda: next(ticks))
    again = [check("2x*sin(x)", "-2x*sin(x)"), check("x^2 + 3x", "2x^2 + 6x")]
    assert again == first


def test_hints_are_skipped_by_counted_work_only() -> None:
    from bot.maths.equivalence import HINT_MAX_NODES

    big = " + ".join(f"x^{k}" for k in range(1, 60))  # well over the node budget
    assert check(big, f"-({big})").message != "Check the sign."
    small = " + ".join(f"x^{k}" for k in range(1, 4))
    assert check(small, f"-({small})").message == "Check the sign."
    assert HINT_MAX_NODES > 100  # bank-sized answers (a few dozen nodes) always get their hints


def test_set_boundaries_found_numerically_keep_small_differences() -> None:
    # e^x > 1 + 10^-6 has no rational solver form: its boundary is located by bisection.
    assert status("e^x > 1.000001", "x > 1e-6") == "correct"
    assert status("e^x > 1.000001", "x > 2e-6") == "incorrect"
    assert status("e^x > 1", "x > 0.0001") == "incorrect"
