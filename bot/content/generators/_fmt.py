"""Render exact values both in the checker's plain-text syntax and as LaTeX for statements."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

Num = int | Fraction


def fs(x: Num) -> str:
    """Plain text: 3/8, -2, 5."""
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def tex(x: Num) -> str:
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    return rf"{sign}\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"


def vec(xs: Sequence[Num]) -> str:
    return "(" + ", ".join(fs(x) for x in xs) + ")"


def texvec(xs: Sequence[Num]) -> str:
    return "(" + ", ".join(tex(x) for x in xs) + ")"


def mat(rows: Sequence[Sequence[Num]]) -> str:
    return "[" + ", ".join("[" + ", ".join(fs(x) for x in row) + "]" for row in rows) + "]"


def texmat(rows: Sequence[Sequence[Num]]) -> str:
    body = r" \\ ".join(" & ".join(tex(x) for x in row) for row in rows)
    return r"\begin{pmatrix}" + body + r"\end{pmatrix}"


def texcol(xs: Sequence[Num]) -> str:
    return texmat([[x] for x in xs])


def signed(x: Num) -> str:
    """' + 3' / ' - 3' for writing polynomials term by term."""
    x = Fraction(x)
    return f" - {fs(-x)}" if x < 0 else f" + {fs(x)}"


class Mistakes:
    """Collect classic wrong answers, skipping any that happen to equal the right one."""

    def __init__(self, correct: Any) -> None:
        self.correct = correct
        self.items: list[dict[str, str]] = []
        self._seen: list[Any] = [correct]

    def add(self, value: Any, text: str, message: str) -> None:
        if any(value == seen for seen in self._seen):
            return
        self._seen.append(value)
        self.items.append({"answer": text, "message": message})


def prompt(
    *,
    statement: str,
    answer: str,
    answer_type: str,
    hints: list[str],
    solution: str,
    mistakes: Mistakes | list[dict[str, str]],
    resources: list[str],
    equivalents: list[str] | None = None,
    tolerance: dict[str, float] | None = None,
    functions: list[str] | None = None,
) -> dict[str, Any]:
    """The same mapping a hand-written YAML prompt has (id/topic/difficulty added by the registry)."""
    data: dict[str, Any] = {
        "statement": statement.strip(),
        "answer": answer,
        "answer_type": answer_type,
        "hints": hints,
        "solution": solution.strip(),
        "mistakes": mistakes.items if isinstance(mistakes, Mistakes) else mistakes,
        "resources": resources,
    }
    equivalents = list(equivalents or [])
    if answer_type == "number" and "/" in answer and not tolerance:
        # members often type the decimal; the checker accepts it within tolerance, and the
        # validator proves that for every generated problem
        equivalents.append(f"{float(Fraction(answer)):.6g}")
    if equivalents:
        data["equivalents"] = equivalents
    if tolerance:
        data["tolerance"] = tolerance
    if functions:
        data["functions"] = functions
    return data


def poly(terms: Sequence[tuple[Num, str]]) -> str:
    """Terms (coefficient, monomial) as '3x^2 - xy + 4': zero terms dropped, unit coefficients hidden."""
    out = ""
    for coef, mono in terms:
        c = Fraction(coef)
        if c == 0:
            continue
        mag = abs(c)
        body = (fs(mag) if mag != 1 or not mono else "") + mono
        if not out:
            out = ("-" if c < 0 else "") + body
        else:
            out += (" - " if c < 0 else " + ") + body
    return out or "0"
