from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.content.generators.registry import Family

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


def _double(rng: random.Random) -> dict[str, Any]:
    """A fixture generator that only refers to the fixture catalog."""
    n = rng.randint(2, 50)
    return {
        "statement": f"Eigenvalues of $2I$ scale vectors by 2. What is $2 \\cdot {n}$?",
        "answer": str(2 * n),
        "answer_type": "number",
        "hints": ["Multiply by 2."],
        "solution": f"$2 \\cdot {n} = {2 * n}$.",
        "mistakes": [{"answer": str(n), "message": "Forgot to double."}],
        "resources": ["la-videos"],
    }


FIXTURE_FAMILY = Family(
    id="gen-fixture-double", topic="eigen", difficulty=1, title="Double", generate=_double
)
FIXTURE_FAMILIES = {FIXTURE_FAMILY.id: FIXTURE_FAMILY}


def normalising_check(expected: str, answer: str, kwargs: dict[str, Any]) -> tuple[str, str]:
    """A stand-in checker for plumbing tests: equal after dropping spaces, '*' and '**'->'^'."""

    def norm(text: str) -> str:
        return text.replace("**", "^").replace("*", "").replace(" ", "")

    known = {"2xcos(x^2)", "cos(x^2)2x"}
    a, b = norm(expected), norm(answer)
    if a == b or (a in known and b in known):
        return "correct", ""
    try:
        if abs(float(as_float(a)) - float(as_float(b))) <= 1e-3 * abs(float(as_float(a))):
            return "correct", ""
    except ValueError:
        pass
    return "incorrect", ""


def as_float(text: str) -> float:
    if "/" in text:
        num, den = text.split("/", 1)
        return float(num) / float(den)
    return float(text)


@pytest.fixture
def good_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(GOOD, target)
    return target
