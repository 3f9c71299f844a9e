"""Issue 7's console flow, as members would run it (sessions over one database across a week),
and every moderator command refused without --moderator."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.console.test_console_session import Console
from tests.helpers import answer_for


def problems_from(output: str) -> list[str]:
    """The statements of the problems as /challenge show prints them, in order."""
    return re.findall(r"^Problem (\d) · [^\n]*points: ", output, re.MULTILINE)


def test_curriculum_and_challenge_week_in_the_console(tmp_path: Path, console: Console) -> None:
    mod = console(
        '/curriculum start name:"Math for deep learning in 8 weeks" date:2026-11-23\n'
        "/curriculum upcoming\n"
        '/challenge-admin create title:"Week 1" topics:"derivatives" count:3\n',
        "--moderator",
        "--date",
        "2026-11-23",
        "--user",
        "mod",
    )
    assert mod.returncode == 0, mod.stderr
    out = mod.stdout
    assert "**Started Math for deep learning in 8 weeks**" in out
    upcoming = out.split("**The next 7 daily posts**")[1].split("**Challenge #1")[0]
    assert [line.split(" · ")[0] for line in upcoming.strip().splitlines()[1:]] == [
        "Mon 2026-11-23",
        "Tue 2026-11-24",
        "Wed 2026-11-25",
        "Thu 2026-11-26",
        "Fri 2026-11-27",
        "Sat 2026-11-28",
        "Sun 2026-11-29",
    ]
    assert "week 1: Linear algebra I — vectors and matrices" in upcoming
    assert "**Challenge #1 created: Week 1**" in out
    assert "Mon 23 Nov 00:00 – Sun 29 Nov 23:59 (UTC)" in out

    # The problems' ids, for answering: the database is the bot's own record.
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        ids = [row[0] for row in db.execute("SELECT prompt_id FROM challenge_problems ORDER BY position")]
    assert len(ids) == 3

    ada = console(
        f"/challenge join\n/answer problem:1 text:{answer_for(ids[0])}\n/answer problem:2 text:123456789\n"
        f"/answer problem:2 text:{answer_for(ids[1])}\n",
        "--user",
        "ada",
        "--now",
        "2026-11-24 10:00",
    )
    assert ada.stdout.count("[post] Week 1 — challenge open") == 1
    assert "[post] Math for deep learning in 8 weeks — week 1 of 8" in ada.stdout
    assert "**You joined Week 1**" in ada.stdout
    assert "**Correct! — Week 1, problem 1**" in ada.stdout
    assert "**Not quite — Week 1, problem 2**" in ada.stdout

    bob = console(
        f"/answer problem:1 text:{answer_for(ids[0])}\n/challenge join\n"
        f"/answer problem:1 text:{answer_for(ids[0])}\n/challenge show\n",
        "--user",
        "bob",
        "--now",
        "2026-11-27 18:00",
    )
    assert "[post] Week 1" not in bob.stdout  # already announced
    assert "Join Week 1 first" in bob.stdout
    assert "**Correct! — Week 1, problem 1**" in bob.stdout
    assert "Joined (2): ada, bob" in bob.stdout
    assert problems_from(bob.stdout) == ["1", "2", "3"]

    late = console(
        f"/answer problem:3 text:{answer_for(ids[2])}\n/challenge leaderboard\n",
        "--user",
        "ada",
        "--date",
        "2026-12-01",
    )
    out = late.stdout
    assert out.count("[post] Week 1 — results") == 1
    results = out.split("[post] Week 1 — results")[1]
    for pid in ids:
        assert f"Answer: {answer_for(pid)}" in results
    assert "solved by 2 of 2" in results and "solved by 0 of 2" in results
    assert "answers are no longer accepted" in out
    board = out.split("**Week 1 — leaderboard**")[1]
    assert "Final standings (closed Sun 29 Nov 23:59)" in board
    assert board.index("ada") < board.index("bob")  # ada solved two problems

    again = console("/challenge leaderboard\n", "--user", "bob", "--date", "2026-12-02")
    assert "[post] Week 1" not in again.stdout and "Final standings" in again.stdout


def test_every_moderator_command_is_refused_without_moderator(tmp_path: Path, console: Console) -> None:
    (tmp_path / "plan.yaml").write_text("name: P\nslug: p\nweeks:\n  - title: W\n    topics: [bayes]\n")
    script = "".join(
        f"{line}\n"
        for line in (
            '/challenge-admin create title:"Mine" topics:bayes count:3',
            "/challenge-admin edit challenge:1 title:x",
            "/challenge-admin cancel challenge:1",
            "/curriculum list",
            "/curriculum show name:p",
            f"/curriculum import file:{tmp_path / 'plan.yaml'}",
            "/curriculum export name:p",
            "/curriculum start name:p",
            "/curriculum pause",
            "/curriculum resume",
            "/curriculum skip",
            "/curriculum upcoming",
        )
    )
    result = console(script, "--user", "ada", "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr
    refusals = re.findall(r"Only moderators can use (/[a-z-]+ [a-z]+)", result.stdout)
    assert refusals == [
        "/challenge-admin create",
        "/challenge-admin edit",
        "/challenge-admin cancel",
        "/curriculum list",
        "/curriculum show",
        "/curriculum import",
        "/curriculum export",
        "/curriculum start",
        "/curriculum pause",
        "/curriculum resume",
        "/curriculum skip",
        "/curriculum upcoming",
    ]
    listing = console("/curriculum list\n", "--user", "mod", "--moderator", "--date", "2026-11-23")
    # nothing was imported or started
    assert "**P**" not in listing.stdout and "running" not in listing.stdout
