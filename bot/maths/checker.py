"""The answer checker: expected vs submitted answer -> Verdict. Pure and synchronous.

It runs inside a worker process (bot.workers) that enforces the wall-clock limit; inputs and the
Verdict are plain picklable data. An invalid *expected* answer raises ValueError (a content bug).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import sympy

from bot.maths.compare import Outcome, Tolerance, equivalent
from bot.maths.errors import ParseError
from bot.maths.lexer import normalize
from bot.maths.parser import parse_answer
from bot.maths.render import as_latex, as_text
from bot.maths.values import Interval, Seq, Text, Value, kind_of

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


@dataclass(frozen=True)
class Verdict:
    status: str  # "correct" | "incorrect" | "invalid" | "timeout"
    message: str
    interpreted_as: str = ""
    interpreted_latex: str = ""
    mistake: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


_PLAIN_DECIMAL = re.compile(r"[+-]?(\d*)\.(\d+)")
_SCI_DECIMAL = re.compile(r"[+-]?\d*\.?(\d*)[eE]([+-]?\d+)")


def _decimals_written(raw: str) -> int | None:
    """Decimal places a member wrote in a plain decimal number: '3.14' -> 2, '1.5e-3' -> 4."""
    s = raw.strip().strip("$").strip()
    m = _PLAIN_DECIMAL.fullmatch(s)
    if m:
        return len(m.group(2))
    m = _SCI_DECIMAL.fullmatch(s)
    if m:
        return len(m.group(1)) - int(m.group(2))
    return None


def _word(answer: str) -> str | None:
    try:
        text = normalize(answer)
    except ParseError:
        return None
    text = re.sub(r"\\(text\w*|mathrm|mbox)\s*\{([^{}]*)\}", r"\2", text).strip().lower()
    return text if re.fullmatch(r"[a-z][a-z ]{0,40}", text) else None


def _parse_expected(expected: str, options: CheckOptions) -> Value:
    try:
        value = parse_answer(expected, functions=options.functions)
    except ParseError as exc:
        raise ValueError(f"invalid expected answer {expected!r}: {exc}") from exc
    if options.answer_type == "interval" and isinstance(value, Seq) and len(value.items) == 2 and value.open:
        lo, hi = value.items
        value = Interval(((lo, hi, value.open == "(", value.close == ")"),))
    return value


def _tolerance(options: CheckOptions, raw_answer: str) -> Tolerance:
    return Tolerance(options.rel_tol, options.abs_tol, options.sig_figs, _decimals_written(raw_answer))


def _compare(expected: Value, answer: Value, options: CheckOptions, raw_answer: str) -> Outcome:
    return equivalent(expected, answer, _tolerance(options, raw_answer), raw_answer)


def check(expected: str, answer: str, options: CheckOptions = CheckOptions()) -> Verdict:
    """Judge `answer` against `expected`; see the module docstring of bot.maths.compare for the rules."""
    if options.answer_type is not None and options.answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer_type {options.answer_type!r}")
    expected_value = _parse_expected(expected, options)
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
    shown, shown_latex = as_text(answer_value), as_latex(answer_value)

    def verdict(status: str, message: str, mistake: str | None = None) -> Verdict:
        return Verdict(status, message, shown, shown_latex, mistake)

    try:
        outcome = _compare(expected_value, answer_value, options, answer)
    except (ParseError, RecursionError, sympy.SympifyError, TypeError, ValueError, ArithmeticError) as exc:
        return verdict("invalid", f"I couldn't work with that answer ({type(exc).__name__}).")
    if outcome.equal:
        return verdict("correct", "Correct!")
    for wrong, message in options.mistakes:
        mistake_value = _parse_expected(wrong, options)
        try:
            matched = _compare(mistake_value, answer_value, options, answer).equal
        except (RecursionError, TypeError, ValueError, ArithmeticError):
            matched = False
        if matched:
            return verdict("incorrect", message, mistake=wrong)
    return verdict("incorrect", outcome.message or "Not quite: that isn't equivalent to the expected answer.")
