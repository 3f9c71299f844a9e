"""`studybot console` stops cleanly on SIGTERM/SIGINT while it waits for the member's next line."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

GUARD = 60.0  # a hang guard, not a timing


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_console_signal_closes_the_database_and_exits_zero(tmp_path: Path, sig) -> None:
    db = tmp_path / "console.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "STUDYBOT_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "console",
        "--user",
        "ada",
        "--db",
        str(db),
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"/streak\n")
    await proc.stdin.drain()
    # Read until the answer to /streak: the session is now blocked reading the next line.
    seen = b""
    while b"streak" not in seen.lower():
        chunk = await asyncio.wait_for(proc.stdout.read(4096), GUARD)
        assert chunk, "the console ended before answering"
        seen += chunk

    proc.send_signal(sig)
    # Not communicate(): it would close stdin, and the end of input alone also ends a session.
    await asyncio.wait_for(proc.wait(), GUARD)
    assert proc.stderr is not None
    err = await proc.stderr.read()
    proc.stdin.close()

    assert proc.returncode == 0, err.decode()
    assert "studybot console: stopped" in err.decode()
    assert db.exists() and not Path(f"{db}-wal").exists()  # noqa: ASYNC240 — closed, not abandoned
