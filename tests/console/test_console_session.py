"""Scripted console sessions, run the way a member would: a subprocess fed through stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def console(
    tmp_path: Path, script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "console",
            "--db",
            str(tmp_path / "db.sqlite3"),
            "--out",
            str(tmp_path / "out"),
            *args,
        ],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {}), "STUDYBOT_LOG_LEVEL": "WARNING"},
    )


def test_help_unknown_command_and_bad_option_keep_the_session_going(tmp_path: Path) -> None:
    script = "/help\n/nope\n/setup time:25:00\n/about\n/help topic:answers\n"
    result = console(tmp_path, script, "--user", "ada", "--moderator")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "/setup — " in out and "/help — " in out
    assert "Unknown command /nope" in out
    assert "HH:MM" in out
    assert "studybot 0.1.0" in out  # /about still answered after the errors
    assert "How to write answers" in out and "p = 5, q = 2; p = 7, q = 2" in out
    assert "Traceback" not in result.stderr


def test_moderator_commands_refused_without_moderator_flag(tmp_path: Path) -> None:
    refused = console(tmp_path, "/setup time:07:30\n", "--user", "ada")
    assert "Only moderators" in refused.stdout

    saved = console(tmp_path, "/setup time:07:30 timezone:Europe/Berlin\n", "--user", "mod", "--moderator")
    assert "07:30 Europe/Berlin" in saved.stdout

    shown = console(tmp_path, "/setup\n", "--user", "mod", "--moderator")
    assert "07:30 Europe/Berlin" in shown.stdout  # the same database across sessions


def test_bad_clock_option_is_a_clear_error(tmp_path: Path) -> None:
    result = console(tmp_path, "", "--now", "tomorrow")
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
