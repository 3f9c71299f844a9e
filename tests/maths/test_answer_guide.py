"""The member's guide to writing answers (/help topic:answers) shows only what the checker reads."""

from __future__ import annotations

import re

import pytest

from bot.maths.checker import check
from bot.maths.errors import ParseError
from bot.maths.parser import parse_answer
from bot.services.help import ANSWER_GUIDE

_READ, _NOT_CHECKED = ANSWER_GUIDE.split("**Not checked**")
EXAMPLES = [e for e in re.findall(r"`([^`]+)`", _READ) if "..." not in e]
REFUSED = re.findall(r"`([^`]+)`", _NOT_CHECKED)


def test_the_guide_has_examples_of_each_kind() -> None:
    assert len(EXAMPLES) > 30 and len(REFUSED) == 3


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_in_the_guide_is_read(example: str) -> None:
    parse_answer(example, functions=("sigma",))  # raises ParseError when the guide promises too much


@pytest.mark.parametrize("example", REFUSED)
def test_what_the_guide_says_is_not_checked_is_refused_with_a_reason(example: str) -> None:
    with pytest.raises(ParseError, match=r"give|write"):
        parse_answer(example + " x^2" if example != r"\lim" else r"\lim_{x \to 0} x")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("xy^2", "x*y^2"),
        ("mv^2/2", "m*v^2/2"),
        ("1/2x", "x/2"),
        ("1/xy", "y/x"),
        ("(xy)^2", "x^2*y^2"),
        ("1 + x + x^2/2 + O(x^3)", "1 + x + x^2/2"),
        ("1½", "3/2"),
    ],
)
def test_the_readings_the_guide_states_are_the_checker_s(written: str, meant: str) -> None:
    assert f"`{written}`" in ANSWER_GUIDE
    assert check(meant, written).status == "correct"
