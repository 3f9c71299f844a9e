"""The answer checker: expected vs submitted answer -> Verdict. Pure and synchronous.

It runs inside a worker process (bot.workers) that enforces the wall-clock limit; inputs and the
Verdict are plain picklable data. An invalid *expected* answer raises ValueError (a content bug).

Policies (what a member can rely on; reading rules are in bot.maths.parser):

* The expected answer's type decides how the submission is read: `(0, 1)` is a tuple unless the
  expected answer is an interval (or `answer_type="interval"`); a pair with an infinite end is an
  interval; `[-2, 7]` against an inequality in one variable is read as the interval.
* Exact vs exact is exact (2^100 vs its digits +- 1 differ). A decimal on either side, or an explicit
  tolerance, compares with a tolerance: default relative 1e-3 (absolute floor 1e-9 only near zero),
  and a decimal must also be right to the digits it shows (0.99999999 is not 1; 3.14 is pi).
  Explicit tolerances follow STACK: |a-e| <= rel_tol*|e|, |a-e| < abs_tol; sig_figs rounds both.
* Expressions: equal at random real points where both are defined (a common-domain policy:
  log(a^2 b) = 2 log a + log b is accepted); complex arithmetic only when `i` appears.
* Equations: equal up to a non-zero constant factor after clearing denominators, or with the same
  real solutions of the same multiplicity (|x| = |y| and x^2 = y^2; not x = 2 and (x-2)^2 = 0,
  as in STACK), found numerically along lines through the plane (bot.maths.zeros). Inequalities in
  one variable: the same set of reals (so x > 1 and t > 1 match); otherwise a positive factor.
* Sets and bare lists (`1, 2, 3`): order-free, duplicates ignored. Tuples, lists and matrices:
  element-wise with the same shape (a wrong shape says which).
* Generosity: `x = 3` is accepted for `3`, and `3` for `x = 3`: a name given a value, where a name
  is a product or quotient of letters (`f(x) = 1`, `|AB| = 1`, `NO/BO = 1/2`; never `2x = 6`);
  `0 < f(x) < 1` against an interval is the range of f(x); solutions written as assignments
  (`p=5, q=2; p=7, q=2`) match tuples; thousands separators (7,425,000) and a decimal comma
  (1000,99, 0,111) when one number is compared with one number, on either side; `\text{odd}`
  answers compare as words.
* Working (`x = 7 + 5 = 12`, `p = 4/6 ≈ 0.67`) is judged by the value it arrives at, and only when
  every step is true (≈ to the last digit written); a false step is named in the message. One step
  with no name counts when its sides are equal everywhere (`(x+1)^2 = x^2 + 2x + 1`); `2x = 6`
  stays an equation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass

import mpmath
import sympy

from bot.maths import limits
from bot.maths.compare.numbers import (
    ExpectedAnswerError,
    Outcome,
    Tolerance,
    const_value,
    exact_decimals,
    has_float,
)
from bot.maths.equivalence import equivalent
from bot.maths.errors import ParseError
from bot.maths.lexer import normalize
from bot.maths.parser import parse_answer
from bot.maths.render import as_latex, as_text
from bot.maths.sums import same_sequences
from bot.maths.values import Interval, Matrix, Relation, Seq, SetValue, Text, Value, kind_of, scalars

_log = logging.getLogger(__name__)

__all__ = ["CheckOptions", "Verdict", "check"]

ANSWER_TYPES = (
    "expression",
    "number",
    "set",
    "tuple",
    "matrix",
    "interval",
    "equation",
    "inequality",
    "text",
)


@dataclass(frozen=True)
class CheckOptions:
    rel_tol: float | None = None
    abs_tol: float | None = None
    sig_figs: int | None = None
    answer_type: str | None = None
    functions: tuple[str, ...] = ()
    mistakes: tuple[tuple[str, str], ...] = ()  # (wrong answer, message)
    exact: bool = False  # the prompt asks for an exact value: a correct decimal is sent back, not counted

    def __post_init__(self) -> None:
        limits.check_tolerances(self.rel_tol, self.abs_tol, self.sig_figs)  # ValueError names the range


@dataclass(frozen=True)
class Verdict:
    status: str  # "correct" | "incorrect" | "invalid" | "timeout"
    message: str
    interpreted_as: str = ""
    interpreted_latex: str = ""
    mistake: str | None = None
    # Why an "invalid" verdict is not a judgement although the answer was read: "digits" (a correctly
    # rounded decimal with too few significant digits) or "exact" (a decimal where exact was asked).
    reason: str = ""

    def to_json(self) -> dict:
        return asdict(self)


_DECIMAL_TAIL = re.compile(
    r"(?:^|=|≈|\\approx)\s*(?P<num>[+-]?(?P<whole>\d*)\.?(?P<frac>\d*)(?:[eE](?P<exp>[+-]?\d+))?)\s*(?P<pct>%|\\%)?"
)


def _written_number(raw: str) -> tuple[str, str, int, bool] | None:
    """(whole digits, fraction digits, exponent, percent) of an answer that ends in one decimal number:
    `1.33`, `x = 1.33`, `p ≈ 0.333`, `1.5e-3`, `33.3%`. None for anything else (integers included)."""
    s = raw.strip().strip("$").strip()
    for m in _DECIMAL_TAIL.finditer(s):
        if m.end() != len(s) or not (m.group("whole") or m.group("frac")):
            continue
        if "." not in m.group("num") and m.group("exp") is None:
            return None  # an integer is exact
        return m.group("whole"), m.group("frac"), int(m.group("exp") or 0), bool(m.group("pct"))
    return None


def _decimals_written(raw: str) -> int | None:
    """Decimal places of the value a member wrote as a decimal: '3.14' -> 2, '1.5e-3' -> 4, '33.3%' -> 3."""
    number = _written_number(raw)
    if number is None:
        return None
    _, frac, exp, pct = number
    return len(frac) - exp + (2 if pct else 0)


def _sig_figs_written(raw: str) -> int | None:
    """Significant digits of a decimal as written: '0.0120' -> 3, '1.5e-3' -> 2, '100.0' -> 4."""
    number = _written_number(raw)
    if number is None:
        return None
    whole, frac, _, _ = number
    digits = (whole + frac).lstrip("0")
    return len(digits) or 1


def _word(answer: str) -> str | None:
    try:
        text = normalize(answer)
    except ParseError:
        return None
    text = re.sub(r"\\(text\w*|mathrm|mbox)\s*\{([^{}]*)\}", r"\2", text).strip().lower()
    return text if re.fullmatch(r"[a-z][a-z ]{0,40}", text) else None


def _one_number_if_answered_so(expected: str, value: Value, answer: str, options: CheckOptions) -> Value:
    """An expected `0,111` or `7,425` read as one number when the member answered with one number.

    The same number formats (decimal comma, thousands separators) the checker accepts from a
    member, applied to the expected answer, so the rule reads the same in both directions.
    """
    if not (isinstance(value, Seq) and value.bare and len(value.items) <= 3):
        return value
    try:
        as_number = parse_answer(expected, functions=options.functions, expect="number")
        submitted = parse_answer(answer, functions=options.functions)
    except ParseError:
        return value
    numbers = [v for v in (as_number, submitted) if isinstance(v, sympy.Expr) and not v.free_symbols]
    return as_number if len(numbers) == 2 else value


def _parse_expected(expected: str, options: CheckOptions) -> Value:
    try:
        value = parse_answer(expected, functions=options.functions)
    except ParseError as exc:
        raise ValueError(f"invalid expected answer {expected!r}: {exc}") from exc
    if options.answer_type == "interval" and isinstance(value, Seq) and len(value.items) == 2 and value.open:
        lo, hi = value.items
        value = Interval(((lo, hi, value.open == "(", value.close == ")"),))
    return value


_DECIMAL_LITERAL = re.compile(r"(?<![\w.])(\d*)\.(\d+)(?:[eE]([+-]?\d+))?")


def _claimed_precision(raw: str) -> float | None:
    """The finest relative precision any decimal in the answer claims: one unit in its last place."""
    claims = []
    for m in _DECIMAL_LITERAL.finditer(raw[:500]):
        whole, frac = m.group(1), m.group(2)
        mantissa = float(f"{whole or 0}.{frac}")  # relative precision does not depend on the exponent
        if mantissa:
            claims.append(10.0 ** -len(frac) / mantissa)
    return min(claims) if claims else None


def _tolerance(options: CheckOptions, raw_answer: str) -> Tolerance:
    return Tolerance(
        options.rel_tol,
        options.abs_tol,
        options.sig_figs,
        _decimals_written(raw_answer),
        _claimed_precision(raw_answer),
        _sig_figs_written(raw_answer),
    )


def _compare(expected: Value, answer: Value, options: CheckOptions, raw_answer: str) -> Outcome:
    expected, answer = same_sequences(expected, answer)
    return equivalent(expected, answer, _tolerance(options, raw_answer), raw_answer)


def check(expected: str, answer: str, options: CheckOptions = CheckOptions()) -> Verdict:
    """Judge `answer` against `expected`; see the module docstrings of bot.maths.equivalence and compare."""
    if options.answer_type is not None and options.answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer_type {options.answer_type!r}")
    expected_value = _parse_expected(expected, options)
    if options.answer_type is None:
        expected_value = _one_number_if_answered_so(expected, expected_value, answer, options)
    expect_kind = options.answer_type or kind_of(expected_value)
    if isinstance(expected_value, Text):  # a word answer ("odd"): compared as a word, not parsed
        word = _word(answer)
        if word is None:
            return Verdict("invalid", "Please answer with a single word.")
        status = "correct" if word == expected_value.word else "incorrect"
        return Verdict(status, "Correct!" if status == "correct" else "Not quite.", word, rf"\text{{{word}}}")
    try:
        answer_value = parse_answer(
            answer, functions=options.functions, expect=expect_kind if expect_kind != "text" else None
        )
    except ParseError as exc:
        return Verdict("invalid", str(exc))
    except MemoryError:
        raise
    except Exception:
        # A gap in the grammar, not the member's fault; still never "correct".
        _log.warning("parse failed for answer=%r", answer, exc_info=True)
        return Verdict("invalid", "I couldn't read that answer; please check its syntax.")
    shown, shown_latex = as_text(answer_value), as_latex(answer_value)

    def verdict(status: str, message: str, mistake: str | None = None, reason: str = "") -> Verdict:
        return Verdict(status, message, shown, shown_latex, mistake, reason)

    try:
        outcome = _compare(expected_value, answer_value, options, answer)
    except MemoryError:
        raise  # the pool turns it into "too big to work with"
    except ExpectedAnswerError as exc:
        raise ValueError(f"invalid expected answer {expected!r}: {exc}") from exc
    except ParseError as exc:  # read, but not a value (an interval closed at oo)
        return verdict("invalid", str(exc))
    except Exception as exc:  # a gap in the checker must never crash the caller or pass an answer
        _log.warning("check failed for expected=%r answer=%r", expected, answer, exc_info=True)
        return verdict("invalid", f"I couldn't work with that answer ({type(exc).__name__}).")
    if outcome.equal:
        if options.exact and _decimal_for_exact(expected_value, answer_value, answer):
            return verdict(
                "invalid", f"An exact value was asked ({_approximation(expected_value)}).", reason="exact"
            )
        return verdict("correct", "Correct!")
    if not outcome.counts:
        return verdict("invalid", outcome.message, reason="digits")
    for wrong, message in options.mistakes:
        mistake_value = _parse_expected(wrong, options)
        try:
            matched = _compare(mistake_value, answer_value, options, answer).equal
        except MemoryError:
            raise
        except Exception:
            matched = False
        if matched:
            return verdict("incorrect", message, mistake=wrong)
    return verdict("incorrect", outcome.message or "Not quite: that isn't equivalent to the expected answer.")


def _as_written(value: Value) -> Value:
    """Every decimal in a typed answer as the exact number written (0.5 -> 1/2)."""
    if isinstance(value, sympy.Expr):
        return exact_decimals(value)
    if isinstance(value, Seq):
        return Seq(tuple(_as_written(v) for v in value.items), value.open, value.close)
    if isinstance(value, SetValue):
        return SetValue(tuple(_as_written(v) for v in value.items))
    if isinstance(value, Matrix):
        return Matrix(tuple(tuple(exact_decimals(c) for c in row) for row in value.rows))
    if isinstance(value, Interval):
        return Interval(tuple((exact_decimals(lo), exact_decimals(hi), a, b) for lo, hi, a, b in value.parts))
    if isinstance(value, Relation):
        return Relation(tuple(_as_written(v) for v in value.exprs), value.ops, value.approx_at)
    return value


def _decimal_for_exact(expected: Value, answer: Value, raw_answer: str) -> bool:
    """A rounded decimal where the expected answer is exact (0.5 for 1/2 is exact, 0.333 for 1/3 not)."""
    if not any(has_float(x) for x in scalars(answer)) or any(has_float(x) for x in scalars(expected)):
        return False
    try:
        return not equivalent(expected, _as_written(answer), Tolerance(), raw_answer).equal
    except (TypeError, ValueError, ArithmeticError):
        return True


def _approximation(expected: Value) -> str:
    """`4/3 ≈ 1.333` for a number; the expression itself otherwise."""
    text = as_text(expected)
    if isinstance(expected, sympy.Expr) and not expected.free_symbols:
        value = const_value(expected, 30)
        if value is not None and not isinstance(value[0], mpmath.mpc) and mpmath.isfinite(value[0]):
            return f"{text} ≈ {mpmath.nstr(value[0], 4, strip_zeros=False)}"
    return text
