"""Prompts that ask for an exact value: what the statement says, unless the data says otherwise."""

from __future__ import annotations

from bot.content.schema import asks_exact


def test_the_statement_decides_whether_an_exact_value_is_asked() -> None:
    assert asks_exact("What is the MLE? Give an exact fraction.")
    assert asks_exact("Give the answer as an exact value.")
    assert not asks_exact("Give an exact expression (or a decimal to 4 significant figures).")
    assert not asks_exact("What is the probability it gets exactly 9 right?")
