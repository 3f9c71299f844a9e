"""`studybot db migrate` and `studybot db backup` as an operator runs them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.storage.migrate import discover


def studybot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_migrate_then_backup(tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    first = studybot("db", "migrate", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "applied 001_initial.sql" in first.stdout
    again = studybot("db", "migrate", "--db", str(db))
    assert "schema is up to date" in again.stdout

    backup = studybot("db", "backup", str(tmp_path / "copy.sqlite3"), "--db", str(db))
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions[0] == 1 and len(versions) == len(discover())


def test_backup_of_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = studybot("db", "backup", str(tmp_path / "copy.sqlite3"), "--db", str(tmp_path / "nope.sqlite3"))
    assert result.returncode == 2
    assert "no database at" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
