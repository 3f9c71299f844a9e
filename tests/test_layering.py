"""The layering is a lint rule: ruff's per-directory banned-api fails CI on an import across layers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint(path: str, source: str) -> subprocess.CompletedProcess[str]:
    """ruff on `source` as if it were the file at `path` (nothing is written to the tree)."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "--stdin-filename", path, "-"],
        input=f"from __future__ import annotations\n\n{source}\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("path", "source", "banned"),
    [
        ("cogs/probe.py", "from bot.storage import guilds", "bot.storage"),
        ("cogs/probe.py", "import sympy", "sympy"),
        ("bot/console/probe.py", "from bot.storage.database import Database", "bot.storage"),
        ("bot/console/probe.py", "import discord", "discord"),
        ("bot/services/probe.py", "import discord", "discord"),
        ("bot/services/probe.py", "from bot.discord_render import respond", "bot.discord_render"),
        ("bot/storage/probe.py", "from bot.services.app import Services", "bot.services"),
        ("bot/maths/probe.py", "from bot.content import load_content", "bot.content"),
        ("bot/maths/probe.py", "from bot.workers import WorkerPool", "bot.workers"),
        ("bot/commands/probe.py", "from discord import app_commands", "discord"),
    ],
)
def test_an_import_across_layers_fails_the_lint(path: str, source: str, banned: str) -> None:
    result = lint(path, source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"`{banned}` is banned" in result.stdout


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("cogs/probe.py", "import discord\nfrom bot.services.app import Services"),
        ("bot/services/probe.py", "from bot.storage import guilds"),
        ("bot/content/probe.py", "from bot.maths.checker import check"),
        ("bot/discord_render.py", "import discord"),
    ],
)
def test_imports_along_the_layers_pass(path: str, source: str) -> None:
    result = lint(path, source)
    assert result.returncode == 0, result.stdout + result.stderr
