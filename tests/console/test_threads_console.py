"""Discussion threads and "Render math" in the console (issue 16): the same scheduler jobs print
`[thread] …` lines over two `--date` days; `/render TEXT` is the message menu's console form."""

from __future__ import annotations

import re
from pathlib import Path

from tests.console.test_console_session import Console
from tests.helpers import answer_for
from tests.plots.helpers import check_picture


def test_a_thread_opens_with_the_post_and_closes_with_the_solution_next_day(
    tmp_path: Path, console: Console
) -> None:
    setup = console(
        "/setup threads:true\n/setup\n", "--user", "mod", "--moderator", "--now", "2026-11-20 08:00"
    )
    assert setup.returncode == 0, setup.stderr
    assert setup.stdout.count("Discussion threads: on") == 2  # saved, then shown
    assert "[thread]" not in setup.stdout  # before the post time: nothing yet

    first = console("/daily\n", "--user", "ada", "--date", "2026-11-20")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert out.index("[post] Daily prompt · 2026-11-20") < out.index("[thread] opened 'Discuss · 2026-11-20'")
    assert "||like this||" in out
    problem = re.search(r"^Problem (\S+) ·", out, re.MULTILINE)
    assert problem
    solved = console(f"/answer {answer_for(problem.group(1))}\n", "--user", "ada", "--date", "2026-11-20")
    assert "[thread]" not in solved.stdout  # the same day again: nothing twice

    second = console("/streak\n", "--user", "bo", "--date", "2026-11-21")
    out = second.stdout
    lines = [line for line in out.splitlines() if line.startswith(("[post]", "[thread]"))]
    assert lines == [
        "[post] Daily prompt · 2026-11-21 · " + lines[0].split(" · ", 2)[2],
        "[thread] solution posted in 'Discuss · 2026-11-20'",
        "[thread] archived 'Discuss · 2026-11-20'",
        "[thread] opened 'Discuss · 2026-11-21'",
    ]
    assert "**Solution · 2026-11-20**" in out and "1 member solved it." in out
    assert "Answer: ||" in out
    assert re.search(r"^\[attachment\] .+SPOILER_solution-\d+\.png$", out, re.MULTILINE)

    off = console("/setup threads:false\n", "--user", "mod", "--moderator", "--now", "2026-11-21 18:00")
    assert "Discussion threads: off" in off.stdout and "[thread]" not in off.stdout
    third = console("/streak\n", "--user", "bo", "--date", "2026-11-22")
    # the post of the 22nd still closes the thread of the 21st; no new one opens
    assert "[thread] archived 'Discuss · 2026-11-21'" in third.stdout
    assert "[thread] opened" not in third.stdout


def test_render_draws_a_messages_maths_and_says_when_there_is_none(tmp_path: Path, console: Console) -> None:
    script = (
        "/render so $\\frac{\\partial L}{\\partial w} = x(y - \\hat{y})$ and \\(x^2\\)\n"
        "/render it costs $5 and $10, nothing to draw\n"
    )
    result = console(script, "--user", "ada", "--now", "2026-11-23 08:00")  # before the daily post
    assert result.returncode == 0, result.stderr
    saved = re.findall(r"^\[attachment\] (.+)$", result.stdout, flags=re.MULTILINE)
    assert len(saved) == 1 and saved[0].endswith(".png")
    check_picture(Path(saved[0]).read_bytes(), size=None)
    assert "∂L" in result.stdout
    assert "no maths to draw" in result.stdout
