"""What many tests share: one warm worker pool, reference answers, and the console runners.

Starting a worker pool costs about a second, so the whole session shares one (the `shared_workers`
fixture in conftest.py); Services.close() leaves it running. Console tests drive the real entry
point (`run_console`, with the real argument parser) in-process; `console_process` keeps a few
tests on the installed command itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.content import load_content
from bot.discord_app import StudyBot
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.workers import WorkerPool


class SharedWorkerPool(WorkerPool):
    """Services.close() leaves this pool running; the session fixture stops it at the end."""

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    def really_close(self) -> None:
        WorkerPool.close(self)


def answer_for(prompt_id: str) -> str:
    """The reference answer of a bank or generated prompt (what a member who knows it types)."""
    prompt = load_content().get_prompt(prompt_id)
    assert prompt is not None, prompt_id
    return prompt.answer


def wrong_answer_for(prompt_id: str) -> str:
    prompt = load_content().get_prompt(prompt_id)
    assert prompt is not None
    return "123456789" if "123456789" not in prompt.answer else "987654321"


@dataclass
class ConsoleRun:
    """What a console session printed, shaped like subprocess.CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


class _Captured(logging.Handler):
    """Warnings and tracebacks logged during a session: what a terminal would show on stderr."""

    def __init__(self, stream: io.StringIO) -> None:
        super().__init__(logging.WARNING)
        self.stream = stream
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(self.format(record) + "\n")


def console(
    tmp_path: Path,
    script: str,
    *args: str,
    workers: WorkerPool | None = None,
    settings: Settings | None = None,
) -> ConsoleRun:
    """`studybot console --db tmp/db.sqlite3 --out tmp/out ARGS` fed `script`, run in-process."""
    from bot.console.main import add_arguments, run_console

    parser = argparse.ArgumentParser(prog="studybot console")
    add_arguments(parser)
    options = parser.parse_args(["--db", str(tmp_path / "db.sqlite3"), "--out", str(tmp_path / "out"), *args])
    stdout, stderr = io.StringIO(), io.StringIO()
    handler = _Captured(stderr)
    logging.getLogger().addHandler(handler)
    try:
        code = asyncio.run(
            run_console(
                options,
                settings or Settings(db_path=tmp_path / "db.sqlite3"),
                lines=script.splitlines(keepends=True),
                stdout=stdout,
                stderr=stderr,
                workers=workers,
            )
        )
    finally:
        logging.getLogger().removeHandler(handler)
    return ConsoleRun(code, stdout.getvalue(), stderr.getvalue())


def console_process(
    tmp_path: Path, script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `python -m bot console` in a subprocess, fed through stdin."""
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


class Bots:
    """The bot generations of one test: `restart()` is a new process on the same database, and every
    generation's services are closed after simcord has shut down (simcord detaches a bot without
    calling close(); a leaked aiosqlite thread would report 'Event loop is closed' in a later test)."""

    def __init__(self, settings: Settings, clock: ManualClock, workers: SharedWorkerPool) -> None:
        self.settings, self.clock, self.workers = settings, clock, workers
        self.opened: list[Services] = []

    async def new(self) -> StudyBot:
        services = await Services.open(self.settings, clock=self.clock, workers=self.workers)
        self.opened.append(services)
        return StudyBot(self.settings, services=services, clock=self.clock, start_jobs=False)

    async def restart(self, env: Any) -> StudyBot:
        fresh = await self.new()
        await env.restart_bot(fresh)
        return fresh

    async def close(self) -> None:
        for services in self.opened:
            with contextlib.suppress(Exception):
                await services.close()
