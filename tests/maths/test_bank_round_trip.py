"""Every answer of the prompt bank and of each generator is accepted when a member types it back the
way the checker shows it ("interpreted as", in plain text and in LaTeX): what the bot prints, it reads."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.content.generators import FAMILIES, generate_prompt
from bot.maths.checker import CheckOptions, check
from bot.maths.parser import parse_answer
from bot.maths.render import as_latex, as_text

PROMPTS = sorted(load_content().prompts.values(), key=lambda p: p.id)


@pytest.mark.parametrize("prompt", PROMPTS, ids=[p.id for p in PROMPTS])
def test_the_answer_as_shown_is_read_back_as_correct(prompt) -> None:
    assert_read_back(prompt)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generated_answers_as_shown_are_read_back_as_correct(family: str) -> None:
    for seed in range(3):
        assert_read_back(generate_prompt(family, f"round-trip-{seed}"))


def assert_read_back(prompt) -> None:
    options = CheckOptions(**prompt.check_kwargs())
    value = parse_answer(prompt.answer, functions=options.functions)
    for shown in (as_text(value), as_latex(value)):
        verdict = check(prompt.answer, shown, options)
        assert verdict.status == "correct", (shown, verdict.message)
