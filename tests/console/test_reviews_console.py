"""/review in the console over several days on one database: a missed prompt comes back the next
day, a pass pushes it out, /stats shows the reviews line and mastery, /help explains the formula."""

from __future__ import annotations

from tests.console.test_console_session import Console
from tests.console.test_daily_console import problem_id
from tests.helpers import answer_for, wrong_answer_for


def test_review_over_several_days(console: Console) -> None:
    first = console("/daily\n", "--user", "ada", "--date", "2026-12-01")
    pid = problem_id(first.stdout)
    gave_up = console(
        f"/answer {wrong_answer_for(pid)}\n/solution confirm:true\n/review\n",
        "--user",
        "ada",
        "--date",
        "2026-12-01",
    )
    assert "Nothing due today. The next review is on Wed 02 Dec 2026." in gave_up.stdout

    next_day = console("/daily\n/review\n", "--user", "ada", "--now", "2026-12-02 08:00")
    assert "1 review due: /review" in next_day.stdout
    assert "**Review · " in next_day.stdout and f"Problem: `{pid}`" in next_day.stdout
    assert f"[button: Answer] — /answer problem:{pid} text:<your answer>" in next_day.stdout

    passed = console(
        f"/answer problem:{pid} text:{answer_for(pid)}\n/review\n/stats\n",
        "--user",
        "ada",
        "--date",
        "2026-12-02",
    )
    assert "**Correct! — review of" in passed.stdout
    assert "Review passed: next review on Fri 04 Dec (in 2 days)." in passed.stdout
    assert "Nothing due today. The next review is on Fri 04 Dec 2026." in passed.stdout
    assert "Reviews: 0 reviews due today · 1 review done · retention 100%" in passed.stdout
    assert "Mastery per topic (/help topic:mastery): " in passed.stdout
    assert "[attachment] " in passed.stdout and "mastery" in passed.stdout

    later = console("/review\n/help topic:mastery\n", "--user", "ada", "--date", "2026-12-04")
    assert f"Problem: `{pid}`" in later.stdout  # due again on the day FSRS set
    assert "60% × your first-try accuracy" in later.stdout

    bob = console("/review\n", "--user", "bob", "--date", "2026-12-04")
    assert "No review cards yet" in bob.stdout  # cards are per member
