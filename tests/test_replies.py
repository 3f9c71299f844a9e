"""Reply text helpers shared by every service."""

from __future__ import annotations

from bot.replies import plural


def test_plural_says_one_for_one() -> None:
    assert [plural(n, "week") for n in (0, 1, 2)] == ["0 weeks", "1 week", "2 weeks"]
    assert plural(1, "curriculum", "curricula") == "1 curriculum"
    assert plural(3, "curriculum", "curricula") == "3 curricula"
    assert plural(12_000, "point") == "12,000 points"
