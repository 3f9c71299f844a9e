"""`studybot run` as an operator runs it, against a loopback Discord (tests/process/fake_discord.py):
it logs in, syncs only when the commands changed, survives a refused sync, connects the shards it
was given, and on SIGTERM/SIGINT closes everything and exits 0."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.process.fake_discord import FakeDiscord

# Hang guards only (a broken shutdown would otherwise block the suite); nothing here is timed.
STARTUP_GUARD = 120.0
EXIT_GUARD = 60.0


@pytest.fixture
async def discord_server() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.stderr = ""

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        _, err = await asyncio.wait_for(self.proc.communicate(), EXIT_GUARD)
        self.stderr = err.decode()
        assert self.proc.returncode is not None
        return self.proc.returncode


def _env(tmp_path: Path, server: FakeDiscord) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "STUDYBOT_"))}
    env.update(server.env())
    env.update(
        STUDYBOT_DB=str(tmp_path / "db" / "studybot.sqlite3"), STUDYBOT_WORKERS="1", STUDYBOT_LOG_LEVEL="INFO"
    )
    return env


async def start_bot(tmp_path: Path, server: FakeDiscord, *args: str) -> BotProcess:
    server.connected.clear()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        cwd=tmp_path,  # no stray .env from the checkout
        env=_env(tmp_path, server),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    bot = BotProcess(proc)
    waiter = asyncio.ensure_future(server.connected.wait())
    exited = asyncio.ensure_future(proc.wait())
    done, _ = await asyncio.wait({waiter, exited}, timeout=STARTUP_GUARD, return_when=asyncio.FIRST_COMPLETED)
    if waiter not in done:
        waiter.cancel()
        if exited not in done:
            proc.kill()
        _, err = await proc.communicate()
        pytest.fail(f"the bot never identified to the gateway:\n{err.decode()[-3000:]}")
    exited.cancel()
    return bot


def _heartbeat(db: Path) -> str | None:
    # closing(): a connection left open would keep the bot's close from being the last one.
    with contextlib.closing(sqlite3.connect(db)) as conn:
        try:
            row = conn.execute("SELECT value FROM bot_state WHERE key = 'scheduler_tick'").fetchone()
        except sqlite3.OperationalError:  # not migrated yet
            return None
    return None if row is None else row[0]


async def wait_for_heartbeat(db: Path) -> None:
    for _ in range(600):
        if _heartbeat(db) is not None:
            return
        await asyncio.sleep(0.1)
    pytest.fail("the scheduler never ticked")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_signal_closes_everything_and_exits_zero(
    tmp_path: Path, discord_server: FakeDiscord, sig
) -> None:
    bot = await start_bot(tmp_path, discord_server)
    db = tmp_path / "db" / "studybot.sqlite3"
    await wait_for_heartbeat(db)  # the scheduler runs (and leaves the tick `studybot health` reads)

    assert await bot.stop(sig) == 0, bot.stderr
    assert f"{sig.name} received: shutting down" in bot.stderr
    assert "closed: scheduler, gateway, workers and database" in bot.stderr
    # SQLite folds and deletes the write-ahead log when the last connection closes cleanly: the
    # database really was closed, not just abandoned by a killed process.
    assert db.exists() and not Path(f"{db}-wal").exists()  # noqa: ASYNC240

    # One log handler: every event once, and no colour codes (stderr is a pipe, as in `docker logs`).
    lines = bot.stderr.splitlines()
    assert "\x1b[" not in bot.stderr
    assert len([line for line in lines if "logging in using static token" in line]) == 1, bot.stderr
    assert len([line for line in lines if "commands (global)" in line and "synced " in line]) == 1


async def test_commands_are_synced_only_when_they_change(tmp_path: Path, discord_server: FakeDiscord) -> None:
    first = await start_bot(tmp_path, discord_server)
    assert await first.stop() == 0
    assert len(discord_server.synced) == 1
    names = {command["name"] for command in discord_server.synced[0]}
    assert {"setup", "daily", "answer", "help"} <= names

    second = await start_bot(tmp_path, discord_server)
    assert await second.stop() == 0

    assert len(discord_server.synced) == 1  # the same tree: no second PUT
    assert "commands unchanged since the last sync (global): not syncing" in second.stderr
    assert len(discord_server.identifies) == 2


async def test_a_refused_sync_is_logged_and_the_bot_still_connects(
    tmp_path: Path, discord_server: FakeDiscord
) -> None:
    # What a Discord-compatible server that rejects part of the payload answers.
    discord_server.sync_error = (
        400,
        {
            "code": 50035,
            "message": "Invalid Form Body",
            "errors": {
                "0": {
                    "options": {
                        "0": {
                            "min_length": {
                                "_errors": [{"code": "X", "message": "min_length is not supported"}]
                            }
                        }
                    }
                }
            },
        },
    )
    refused = await start_bot(tmp_path, discord_server)  # returns only once the gateway saw IDENTIFY
    assert await refused.stop() == 0
    assert "command sync (global) refused: HTTP 400" in refused.stderr
    assert "min_length is not supported" in refused.stderr

    # Nothing was stored for the refused tree, so the next start tries again (and succeeds).
    discord_server.sync_error = None
    again = await start_bot(tmp_path, discord_server)
    assert await again.stop() == 0
    assert len(discord_server.synced) == 1


async def test_runs_only_the_shards_it_is_given(tmp_path: Path, discord_server: FakeDiscord) -> None:
    bot = await start_bot(tmp_path, discord_server, "--shard-count", "4", "--shard-ids", "1,3")
    # Both shards identify (one after the other); wait for the second before stopping.
    for _ in range(200):
        if len(discord_server.identifies) == 2:
            break
        await asyncio.sleep(0.1)
    assert await bot.stop() == 0
    assert sorted(tuple(i["shard"]) for i in discord_server.identifies) == [(1, 4), (3, 4)]


async def test_bad_shard_options_are_refused_before_connecting(tmp_path: Path, discord_server) -> None:
    for args, message in (
        (("--shard-ids", "0"), "--shard-ids needs --shard-count"),
        (("--shard-count", "2", "--shard-ids", "2"), "shard ids must be between 0 and 1"),
    ):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *args,
            cwd=tmp_path,
            env=_env(tmp_path, discord_server),
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), EXIT_GUARD)
        assert proc.returncode == 2
        assert message in err.decode()
    assert discord_server.requests == []


async def _studybot(tmp_path: Path, server: FakeDiscord, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=_env(tmp_path, server),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), EXIT_GUARD)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_studybot_sync_to_one_guild(tmp_path: Path, discord_server: FakeDiscord) -> None:
    code, _, err = await _studybot(tmp_path, discord_server, "sync", "--guild", "123456789012345678")
    assert code == 0, err
    assert ("PUT", "/api/v10/applications/1100000000000000001/guilds/123456789012345678/commands") in (
        discord_server.requests
    )
    assert discord_server.identifies == []  # a sync never connects to the gateway
    assert "synced " in err and "(guild 123456789012345678)" in err

    discord_server.sync_error = (400, {"code": 50035, "message": "Invalid Form Body"})
    code, _, err = await _studybot(tmp_path, discord_server, "sync")
    assert code == 1
    assert "refused: HTTP 400" in err and "Invalid Form Body" in err


async def test_health_follows_the_running_bot(tmp_path: Path, discord_server: FakeDiscord) -> None:
    db = tmp_path / "db" / "studybot.sqlite3"
    code, _, err = await _studybot(tmp_path, discord_server, "health")
    assert code == 1 and f"no database at {db}" in err
    assert not db.exists()  # the check created nothing

    bot = await start_bot(tmp_path, discord_server)
    try:
        await wait_for_heartbeat(db)
        code, out, err = await _studybot(tmp_path, discord_server, "health")
        assert code == 0, err
        assert "healthy" in out
    finally:
        assert await bot.stop() == 0
