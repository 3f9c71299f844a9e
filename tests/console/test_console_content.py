"""/topics, /resources and /practice in a scripted console session, the way a member types them."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.console.test_console_session import Console


def test_content_commands_in_a_session(tmp_path: Path, console: Console) -> None:
    script = (
        "/topics\n"
        "/resources bayes\n"
        "/resources topic:lin alg\n"
        "/resources quantum chromodynamics\n"
        "/resources\n"
        "/practice kl difficulty:2\n"
        "/practice eigen difficulty:9\n"
        "/practice difficulty:two\n"
    )
    result = console(script, "--user", "ada")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "**Topics**" in out and "`bayes` Conditional probability and Bayes — " in out
    assert "**Resources: Conditional probability and Bayes**" in out
    assert "Also matching:" in out  # "lin alg" names several linear-algebra topics
    assert "Did you mean:" in out
    assert "**Where to start**" in out and "3Blue1Brown" in out
    problem = re.search(r"Answer with /answer problem:(\S+) text:<your answer>", out)
    assert problem, out
    assert "Topic: Information theory" in out and "Difficulty: ★★☆☆☆ 2/5" in out
    assert "difficulty must be at most 5." in out
    assert "difficulty must be a whole number" in out

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        issued = db.execute("SELECT problem_id, topic, difficulty FROM practice_issued").fetchall()
    assert issued == [(problem.group(1), "information-theory", 2)]  # the bad lines changed nothing
