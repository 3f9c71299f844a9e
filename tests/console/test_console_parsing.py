"""Console line parsing against the real command table: a bare command says what it needs."""

from __future__ import annotations

import pytest

from bot.commands import BY_NAME
from bot.console.parsing import InputError, parse_line


@pytest.mark.parametrize(
    ("line", "needs"),
    [
        ("/answer", "/answer needs text."),
        ("/answer   ", "/answer needs text."),
        ("/plot", "/plot needs expr."),
        ("/tex", "/tex needs latex."),
        ("/gd", "/gd needs expr, lr, start."),
        ("/gd x^2", "/gd needs lr, start."),
        ("/curriculum start", "/curriculum start needs name."),
        ("/curriculum start date:2026-12-01", "/curriculum start needs name."),
    ],
)
def test_a_missing_required_option_is_named_with_the_usage(line: str, needs: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_line(line, BY_NAME)
    assert str(refused.value).startswith(needs)
    assert "Usage: /" in str(refused.value)


def test_commands_without_required_options_still_parse_bare() -> None:
    parsed = parse_line("/streak", BY_NAME)
    assert parsed.command.name == "streak" and parsed.raw == {}
    parsed = parse_line("/answer 2x cos(x^2)", BY_NAME)
    assert parsed.raw == {"text": "2x cos(x^2)"}


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/challenge create title:Week 1", "/challenge create is /challenge-admin create"),
        ("/challenge cancel", "/challenge cancel is /challenge-admin cancel"),
        ("/challenge", "/challenge needs a subcommand: /challenge join, /challenge leaderboard"),
        ("/challenge frobnicate", "/challenge needs a subcommand:"),
    ],
)
def test_a_subcommand_of_a_sibling_group_points_there(line: str, says: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_line(line, BY_NAME)
    assert str(refused.value).startswith(says)
