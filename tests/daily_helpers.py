"""Shared by the daily-loop tests: one warm worker pool for the whole session (starting a pool
costs about a second), and helpers to find the right answer to whatever prompt was chosen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.content import load_content
from bot.services.app import WORKER_PRELOAD
from bot.workers import WorkerPool


class SharedWorkerPool(WorkerPool):
    """Services.close() leaves this pool running; the session fixture stops it at the end."""

    def close(self) -> None:
        pass

    def really_close(self) -> None:
        WorkerPool.close(self)


@pytest.fixture(scope="session")
def shared_workers() -> Iterator[SharedWorkerPool]:
    pool = SharedWorkerPool(2, timeout=10.0, preload=WORKER_PRELOAD)
    pool.start()
    yield pool
    pool.really_close()


def answer_for(prompt_id: str) -> str:
    """The reference answer of a bank or generated prompt (what a member who knows it types)."""
    prompt = load_content().get_prompt(prompt_id)
    assert prompt is not None, prompt_id
    return prompt.answer


def wrong_answer_for(prompt_id: str) -> str:
    prompt = load_content().get_prompt(prompt_id)
    assert prompt is not None
    return "123456789" if "123456789" not in prompt.answer else "987654321"
