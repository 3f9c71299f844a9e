"""Answer self-checks through the real checker (bot.maths.checker, merged from the `checker` branch).

These skip until the checker exists in the tree. The real-data test also needs the prompt banks
(data/prompts/*.yaml from the prompt branches) to be meaningful; it runs on whatever is present.
"""

from __future__ import annotations

import pytest

from bot.content.generators import FAMILIES, generate_prompt
from bot.content.validate import _check_in_process, validate_content

pytest.importorskip("bot.maths.checker", reason="the answer checker is not merged yet")

SEEDS_PER_FAMILY = 12


@pytest.mark.parametrize("family_id", sorted(FAMILIES))
def test_generator_answers_self_check(family_id: str) -> None:
    """Own answer and equivalents judged correct, every listed mistake incorrect, over many seeds."""
    failures = []
    for i in range(SEEDS_PER_FAMILY):
        p = generate_prompt(family_id, f"self-check:{i}")
        kwargs = p.check_kwargs()
        cases = [(p.answer, "correct")] + [(e, "correct") for e in p.equivalents]
        cases += [(m.answer, "incorrect") for m in p.mistakes]
        for answer, want in cases:
            status, message = _check_in_process(p.answer, answer, kwargs)
            if status != want:
                failures.append(f"{p.id}: {answer!r} judged {status} ({message}), expected {want}")
    assert not failures, "\n".join(failures)


def test_real_data_validates_cleanly_with_answer_checks() -> None:
    report = validate_content(check_answers=True, generator_seeds=5)
    assert report.problems == [], report.summary() + "\n" + "\n".join(map(str, report.problems))
    assert report.answers_checked > 0
