"""Scripted console sessions, the way a member types them: in-process through the real entry point,
and a few through `python -m bot` itself (exit codes, stderr, the installed command)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.helpers import ConsoleRun, console_process

Console = Callable[..., ConsoleRun]


def test_help_unknown_command_and_bad_option_keep_the_session_going(tmp_path: Path) -> None:
    script = "/help\n/nope\n/setup time:25:00\n/about\n/help topic:answers\n"
    result = console_process(tmp_path, script, "--user", "ada", "--moderator")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "/setup — " in out and "/help — " in out
    assert "Unknown command /nope" in out
    assert "HH:MM" in out
    assert "studybot 0.1.0" in out  # /about still answered after the errors
    assert "How to write answers" in out and "p = 5, q = 2; p = 7, q = 2" in out
    assert "Traceback" not in result.stderr


def test_moderator_commands_refused_without_moderator_flag(console: Console) -> None:
    refused = console("/setup time:07:30\n", "--user", "ada")
    assert "Only moderators" in refused.stdout

    saved = console("/setup time:07:30 timezone:Europe/Berlin\n", "--user", "mod", "--moderator")
    assert "07:30 Europe/Berlin" in saved.stdout

    shown = console("/setup\n", "--user", "mod", "--moderator")
    assert "07:30 Europe/Berlin" in shown.stdout  # the same database across sessions


def test_bad_clock_option_is_a_clear_error(tmp_path: Path) -> None:
    result = console_process(tmp_path, "", "--now", "tomorrow")
    assert result.returncode == 2
    assert "--now must look like" in result.stderr


def test_run_without_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN is not set" in result.stderr


def test_text_over_discords_max_length_is_refused_and_changes_nothing(
    tmp_path: Path, console: Console
) -> None:
    long_title = "W" * 81  # /challenge-admin create title: max_length 80, as on Discord
    script = f"/challenge-admin create title:{long_title}\n/resources {'b' * 101}\n/challenge show\n"
    result = console(script, "--user", "mod", "--moderator", "--date", "2026-11-23")

    assert result.returncode == 0, result.stderr
    assert "title is 81 characters; the limit is 80." in result.stdout
    assert "topic is 101 characters; the limit is 100." in result.stdout
    assert "Challenge #1" not in result.stdout  # nothing was created
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM challenges").fetchone() == (0,)


def test_a_required_option_left_out_gets_the_usage_line(console: Console) -> None:
    result = console("/gd x^2 lr:0.1\n/curriculum show\n", "--user", "mod", "--moderator")

    assert "/gd needs start. Usage: /gd expr:<text> lr:<number> start:<text> [steps]" in result.stdout
    assert "/curriculum show needs name." in result.stdout


def test_help_for_one_command_lists_its_options_and_limits(console: Console) -> None:
    result = console("/help command:gd\n/help command:/challenge-admin create\n/help command:nope\n")

    assert "**/gd**" in result.stdout
    assert "`lr` (required) — Learning rate (step size), e.g. 0.1 · number" in result.stdout
    assert "/gd expr:<text> lr:<number> start:<text> [steps]" in result.stdout
    assert "**/challenge-admin create**" in result.stdout and "`title` (required)" in result.stdout
    assert "There is no command /nope. /help lists them all." in result.stdout
