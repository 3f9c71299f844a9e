"""What the Docker image would contain and how compose runs it, checked without a Docker engine
(none on this machine): the compose file parses with the keys that matter, `.dockerignore` keeps
members' data out of the build context, and the wheel the image installs has every module and
migration."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """(negated, regex) per .dockerignore line, with Docker's rules: `**` spans directories, `*`
    and `?` do not, and a pattern that matches a directory excludes everything under it."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.removeprefix("!").strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        rules.append((negated, re.compile(f"{regex}(?:/.*)?")))
    return rules


def excluded(path: str) -> bool:
    result = False
    for negated, rule in _dockerignore():
        if rule.fullmatch(path):
            result = not negated
    return result


def test_dockerignore_keeps_members_data_out() -> None:
    for path in (
        "data/studybot.sqlite3",
        "data/studybot.sqlite3-wal",
        "data/studybot.sqlite3-shm",
        "data/db/studybot.sqlite3",
        "data/db/anything",
        "data/backups/2026-11-21.sqlite3",
        "backup.sqlite3",
        ".env",
        ".env.production",
        ".git/config",
        ".venv/bin/python",
        "bot/__pycache__/cli.cpython-311.pyc",
    ):
        assert excluded(path), path


def test_dockerignore_keeps_what_the_image_needs() -> None:
    kept = [
        "pyproject.toml",
        "README.md",
        "bot/cli.py",
        "bot/storage/migrations/001_initial.sql",
        "cogs/setup.py",
        "data/resources.yaml",
        "data/topics.yaml",
    ]
    kept += [p.relative_to(ROOT).as_posix() for p in (ROOT / "data" / "prompts").glob("*.yaml")]
    kept += [p.relative_to(ROOT).as_posix() for p in (ROOT / "data" / "curricula").glob("*.yaml")]
    assert [path for path in kept if excluded(path)] == []


def _dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in (raw.strip() for raw in text.splitlines())
        if line and not line.startswith("#")
    ]


def test_dockerfile_copies_only_existing_kept_paths_and_checks_health() -> None:
    instructions = _dockerfile()
    copies = [args.split()[:-1] for name, args in instructions if name == "COPY"]
    for sources in copies:
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not excluded(source), source
    health = [args for name, args in instructions if name == "HEALTHCHECK"]
    assert len(health) == 1 and '"studybot", "health"' in health[0]
    assert ("STOPSIGNAL", "SIGTERM") in instructions
    assert [args for name, args in instructions if name == "CMD"][-1] == '["studybot", "run"]'


def test_compose_file_parses_with_init_volume_and_log_rotation() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    bot = compose["services"]["studybot"]
    assert bot["init"] is True
    assert bot["restart"] == "unless-stopped"
    assert "studybot-data:/app/data/db" in bot["volumes"]
    assert "studybot-data" in compose["volumes"]
    assert bot["logging"]["driver"] == "json-file"
    assert bot["logging"]["options"]["max-size"] and int(bot["logging"]["options"]["max-file"]) >= 2
    assert "DISCORD_TOKEN" in bot["environment"]


def test_compose_postgres_profile_runs_the_bot_on_a_healthy_postgres() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "profiles" not in services["studybot"]  # SQLite stays the default
    assert "STUDYBOT_DB" not in services["studybot"]["environment"]
    pg_bot, postgres = services["studybot-pg"], services["postgres"]
    assert pg_bot["profiles"] == postgres["profiles"] == ["postgres"]
    assert pg_bot["environment"]["STUDYBOT_DB"].startswith("postgresql://studybot:")
    assert pg_bot["environment"]["STUDYBOT_DB"].endswith("@postgres:5432/studybot")
    assert pg_bot["environment"]["DISCORD_TOKEN"] == services["studybot"]["environment"]["DISCORD_TOKEN"]
    assert pg_bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert "studybot-pg:/var/lib/postgresql/data" in postgres["volumes"]


@cache
def _wheel(out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = out.glob("studybot-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    with zipfile.ZipFile(_wheel(tmp_path_factory.mktemp("wheel"))) as wheel:
        return set(wheel.namelist())


def test_wheel_has_every_module_and_migration(wheel_names: set[str]) -> None:
    expected = {
        p.relative_to(ROOT).as_posix()
        for package in ("bot", "cogs")
        for p in (ROOT / package).rglob("*")
        if p.suffix in {".py", ".sql"} and "__pycache__" not in p.parts
    }
    assert expected - wheel_names == set()
    assert any(name.endswith("/entry_points.txt") for name in wheel_names)


def test_wheel_has_no_tests_data_or_databases(wheel_names: set[str]) -> None:
    assert [n for n in wheel_names if n.startswith(("tests/", "benchmarks/")) or "sqlite3" in n] == []


def test_readme_invite_link_grants_what_setup_checks() -> None:
    import discord

    from bot.discord_render import missing_permissions

    (value,) = re.findall(r"permissions=(\d+)", (ROOT / "README.md").read_text())
    granted = discord.Permissions(int(value))
    assert missing_permissions(granted) == []
    assert granted.mention_everyone  # to ping the /setup ping role
    assert not granted.administrator and not granted.manage_guild
