"""A database that cannot be used (random bytes, truncated, a directory, a read-only mount, a full
disk): the real entry points print one line naming the file and the problem, exit non-zero without
hanging, and leave the file as it was (issue 12)."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# A hang (the old failure: aiosqlite's thread left running) fails the test by this timeout; the
# time it actually takes is printed by benchmarks, not asserted here.
HANG = 60


def studybot(*args: str, env: dict[str, str] | None = None, **popen) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="/streak\n",
        capture_output=True,
        text=True,
        timeout=HANG,
        env={**os.environ, "STUDYBOT_LOG_LEVEL": "WARNING", **(env or {})},
        **popen,
    )


def fingerprint(path: Path) -> tuple[str, int, list[str]]:
    """Content, modification time and the files beside it (a -wal or -shm would be a write)."""
    return (
        hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir",
        path.stat().st_mtime_ns,
        sorted(p.name for p in path.parent.iterdir()),
    )


def assert_refused(result: subprocess.CompletedProcess[str], path: Path, reason: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1, result.stderr  # one line, no traceback
    assert str(path) in lines[0] and reason in lines[0], lines[0]


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, fully migrated database (several pages), checkpointed into one file."""
    path = tmp_path_factory.mktemp("good") / "studybot.sqlite3"
    result = studybot("db", "migrate", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert path.stat().st_size > 8 * 4096
    return path


@pytest.mark.parametrize("command", ["console", "run"])
def test_random_bytes(tmp_path: Path, command: str) -> None:
    path = tmp_path / "studybot.sqlite3"
    path.write_bytes(os.urandom(64 * 1024))
    before = fingerprint(path)
    result = studybot(
        command,
        *(["--db", str(path)] if command == "console" else []),
        env={"STUDYBOT_DB": str(path), "DISCORD_TOKEN": "not-used"},
    )
    assert_refused(result, path, "is not an SQLite database")
    assert fingerprint(path) == before


def test_truncated_file(tmp_path: Path, good_db: Path) -> None:
    path = tmp_path / "studybot.sqlite3"
    path.write_bytes(good_db.read_bytes()[: 3 * 4096])  # a copy cut short on whole pages
    before = fingerprint(path)
    result = studybot("run", env={"STUDYBOT_DB": str(path), "DISCORD_TOKEN": "not-used"})
    assert_refused(result, path, "is truncated")
    assert fingerprint(path) == before


def test_a_file_cut_mid_page(tmp_path: Path, good_db: Path) -> None:
    path = tmp_path / "studybot.sqlite3"
    path.write_bytes(good_db.read_bytes()[:10_000])
    before = fingerprint(path)
    assert_refused(studybot("console", "--db", str(path)), path, "is truncated")
    assert fingerprint(path) == before


def test_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "studybot.sqlite3"
    path.mkdir()
    before = fingerprint(path)
    assert_refused(studybot("console", "--db", str(path)), path, "is a directory")
    assert fingerprint(path) == before


def test_db_backup_of_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "studybot.sqlite3"
    path.write_bytes(b"not sqlite at all\n" * 100)
    result = studybot("db", "backup", str(tmp_path / "copy.sqlite3"), env={"STUDYBOT_DB": str(path)})
    assert_refused(result, path, "is not an SQLite database")


def _no_bigger_than(limit: int):
    """As if the disk filled up at `limit` bytes: writes beyond it fail (EFBIG) instead of killing
    the process (SIGXFSZ ignored)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk(tmp_path: Path) -> None:
    path = tmp_path / "studybot.sqlite3"
    result = studybot("console", "--db", str(path), preexec_fn=_no_bigger_than(16 * 1024))
    assert_refused(result, path, "writing it failed")


def _can_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and a private mount namespace (unshare -m)")
def test_a_read_only_mount(tmp_path: Path, good_db: Path) -> None:
    """A real read-only filesystem: a tmpfs holding a good database, remounted read-only, in a
    private mount namespace of the test's own."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    path = mount / "studybot.sqlite3"
    script = (
        f"mount -t tmpfs -o size=4m tmpfs {mount} && cp {good_db} {path} && mount -o remount,ro {mount}"
        f" && sha256sum {path} && {sys.executable} -m bot console --db {path} < /dev/null;"
        f" echo rc=$? && sha256sum {path} && ls {mount}"
    )
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=HANG,
        env={**os.environ, "STUDYBOT_LOG_LEVEL": "WARNING", "PYTHONPATH": str(Path.cwd())},
    )
    out = result.stdout.splitlines()
    assert "rc=1" in out, result.stdout + result.stderr
    assert out[0] == out[out.index("rc=1") + 1]  # the file is unchanged
    assert out[-1] == "studybot.sqlite3"  # and nothing was created beside it
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "read-only" in lines[0], result.stderr
