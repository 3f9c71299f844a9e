"""`studybot db copy | migrate | backup` on both backends, as an operator runs them: a server's data
moved SQLite -> PostgreSQL -> SQLite keeps every table's row count and row checksum."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.storage.copy import digests
from bot.storage.database import Database

G, U = 1_180_000_000_000_000_001, 1_180_000_000_000_000_777  # snowflakes past 2**31


def studybot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=90, check=False, env=env
    )


async def seed(db: Database) -> None:
    """A little of everything a server accumulates, NULLs, quotes and Unicode included."""
    now = "2026-11-21T09:00:00+00:00"
    await db.execute(
        "INSERT INTO guilds (guild_id, name, timezone, channel_id, post_time, created_at, weekly_challenges)"
        " VALUES (?, ?, 'Europe/Berlin', ?, '08:30', ?, 1)",
        (G, "Ada's σ-algebra club", G + 5, now),
    )
    await db.execute("INSERT INTO guilds (guild_id, created_at) VALUES (2, ?)", (now,))
    for n in range(3):
        await db.execute(
            "INSERT INTO members (guild_id, user_id, display_name, first_seen) VALUES (?, ?, ?, ?)",
            (G, U + n, f"member “{n}”", now),
        )
    for n in range(40):
        await db.insert(
            "INSERT INTO submissions (guild_id, user_id, problem_id, kind, topic, local_date, answer, status,"
            " created_at) VALUES (?, ?, ?, 'daily', 'calculus', ?, ?, ?, ?)",
            (
                G,
                U + n % 3,
                f"p{n}",
                f"2026-11-{n % 28 + 1:02d}",
                "x^2/2 + 'c'",
                ("correct", "incorrect")[n % 2],
                now,
            ),
        )
    await db.execute(
        "INSERT INTO daily_progress (guild_id, user_id, local_date, prompt_id, attempts, solved_at, counted)"
        " VALUES (?, ?, '2026-11-21', 'p1', 2, NULL, 0)",
        (G, U),
    )
    await db.execute(
        "INSERT INTO leaderboard_totals (guild_id, period, user_id, days, hints, attempts)"
        " VALUES (?, 'all', ?, 5, 1, 9)",
        (G, U),
    )
    await db.execute(
        "INSERT INTO job_runs (guild_id, kind, run_key, status, claimed_at, lease_until, done_at)"
        " VALUES (?, 'daily', '2026-11-21', 'done', ?, ?, ?)",
        (G, now, now, now),
    )
    challenge = await db.insert(
        "INSERT INTO challenges (guild_id, title, opens_at, closes_at, created_by, created_at)"
        " VALUES (?, 'Week ∇', '2026-11-23T00:00', '2026-11-30T00:00', ?, ?)",
        (G, U, now),
    )
    await db.execute(
        "INSERT INTO challenge_problems (challenge_id, position, prompt_id, topic, difficulty)"
        " VALUES (?, 1, 'p1', 'calculus', 3)",
        (challenge,),
    )
    await db.execute(
        "INSERT INTO bot_state (key, value, updated_at) VALUES ('scheduler:tick', ?, ?)", (now, now)
    )


@pytest.fixture
async def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.sqlite3"
    db = await Database.open(path)
    try:
        await seed(db)
    finally:
        await db.close()
    return path


async def _digests(target: Path | str) -> dict[str, tuple[int, str]]:
    db = await Database.open(target)
    try:
        return {table: (d.rows, d.checksum) for table, d in (await digests(db)).items()}
    finally:
        await db.close()


async def test_copy_there_and_back_keeps_every_row(
    source: Path, db_target: Path | str, tmp_path: Path
) -> None:
    expected = await _digests(source)
    assert expected["submissions"][0] == 40 and expected["members"][0] == 3

    there = studybot("db", "copy", str(source), str(db_target))
    assert there.returncode == 0, there.stderr
    assert "copied" in there.stdout and "submissions: 40 rows" in there.stdout
    assert await _digests(db_target) == expected

    back = tmp_path / "back.sqlite3"
    again = studybot("db", "copy", str(db_target), str(back))
    assert again.returncode == 0, again.stderr
    assert await _digests(back) == expected

    # New rows on the copy are numbered after the copied ones.
    db = await Database.open(db_target)
    try:
        new_id = await db.insert(
            "INSERT INTO challenges (guild_id, title, opens_at, closes_at, created_by, created_at)"
            " VALUES (?, 'next', 'a', 'b', 1, 'now')",
            (G,),
        )
        assert new_id == 2
    finally:
        await db.close()


async def test_copy_refuses_a_target_that_has_data(source: Path, db_target: Path | str) -> None:
    assert studybot("db", "copy", str(source), str(db_target)).returncode == 0
    before = await _digests(db_target)
    refused = studybot("db", "copy", str(source), str(db_target))
    assert refused.returncode == 1
    assert "the target is not empty" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert await _digests(db_target) == before


async def test_migrate_and_backup_on_each_backend(db_target: Path | str, tmp_path: Path) -> None:
    migrate = studybot("db", "migrate", "--db", str(db_target))
    assert migrate.returncode == 0, migrate.stderr
    assert "schema is up to date" in migrate.stdout
    backup = studybot("db", "backup", str(tmp_path / "backup.out"), "--db", str(db_target))
    assert backup.returncode == 0, backup.stderr
    header = (tmp_path / "backup.out").read_bytes()[:16]
    # pg_dump's custom format, or an SQLite file.
    assert header.startswith(b"PGDMP" if isinstance(db_target, str) else b"SQLite format 3")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_server_that_is_down_is_one_line_and_a_non_zero_exit() -> None:
    url = f"postgresql://studybot:hunter2@127.0.0.1:{_closed_port()}/studybot"
    started = time.monotonic()
    for args in (("db", "migrate", "--db", url), ("db", "copy", url, "/tmp/never.sqlite3")):
        result = studybot(*args)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "127.0.0.1" in lines[0] and "connection refused" in lines[0], lines
        assert "hunter2" not in result.stderr
    assert not Path("/tmp/never.sqlite3").exists()
    assert time.monotonic() - started < 80  # no hang (the subprocess timeout is the real bound)


def test_run_on_a_refused_login_says_so_in_one_line(pg_database: str | None) -> None:
    if pg_database is None:
        pytest.skip("needs a PostgreSQL server (STUDYBOT_TEST_PG)")
    import os

    url = pg_database.replace("postgresql://postgres@", "postgresql://nobody_here@")
    env = {**os.environ, "DISCORD_TOKEN": "x" * 60, "STUDYBOT_DB": url}
    result = studybot("run", env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused the login" in lines[0] and "nobody_here" in lines[0], lines
