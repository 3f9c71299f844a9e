"""The daily loop in the console, across several dates on one database (sessions, as a member
would run it): the scheduled post printed once, answers, the announcement line, streaks."""

from __future__ import annotations

import re
from pathlib import Path

from tests.console.test_console_session import Console
from tests.helpers import answer_for


def problem_id(output: str) -> str:
    match = re.search(r"^Problem (\S+) ·", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_daily_loop_over_several_dates(tmp_path: Path, console: Console) -> None:
    setup = console(
        "/setup channel:study time:09:00\n",
        "--user",
        "mod",
        "--moderator",
        "--now",
        "2026-11-20 08:00",
    )
    assert "#study" in setup.stdout

    first = console("/daily\n", "--user", "ada", "--now", "2026-11-20 09:00")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("[post] ") == 1
    assert first.stdout.startswith("[post] Daily prompt · 2026-11-20")
    assert "[button: Answer]" in first.stdout and "[attachment] " in first.stdout
    day1 = problem_id(first.stdout)

    again = console(f"/answer {answer_for(day1)}\n/streak\n", "--user", "ada", "--now", "2026-11-20 09:00")
    assert "[post]" not in again.stdout  # the same time in a second session: nothing new
    assert "**Correct! — today's prompt**" in again.stdout
    assert "[announce] ada solved today's prompt (streak 1)" in again.stdout
    assert "current streak 1" in again.stdout

    second = console("/daily\n", "--user", "ada", "--date", "2026-11-21")
    assert second.stdout.count("[post] Daily prompt · 2026-11-21") == 1
    day2 = problem_id(second.stdout)
    assert day2 != day1

    script = f"/answer text:{answer_for(day2)}\n/streak\n/solution\n/leaderboard period:all\n"
    solved = console(script, "--user", "ada", "--date", "2026-11-21")
    assert "[announce] ada solved today's prompt (streak 2)" in solved.stdout
    assert "current streak 2" in solved.stdout and "longest streak 2" in solved.stdout
    assert f"Answer: {answer_for(day2)}" in solved.stdout  # already solved: no confirmation needed
    assert "1. ada — 2 days solved" in solved.stdout

    bob = console(
        "/solution\n/solution confirm:true\n/streak member:ada\n",
        "--user",
        "bob",
        "--date",
        "2026-11-21",
    )
    assert "confirm:true" in bob.stdout.split("**Solution**")[0]
    assert f"Answer: {answer_for(day2)}" in bob.stdout
    assert "current streak 2" in bob.stdout  # ada's

    later = console("/streak\n", "--user", "ada", "--date", "2026-11-23")
    assert "current streak 0" in later.stdout and "longest streak 2" in later.stdout
    assert "Traceback" not in later.stderr
