"""One real worker pool per test module, shared by many Services objects.

Services.close() closes its pool; tests that build a fresh Services (or bot) per test hand it this
wrapper instead, so the module's warm pool outlives each test and is closed once at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.services.app import WORKER_PRELOAD
from bot.workers import WorkerPool

T = TypeVar("T")


def picture_pool() -> WorkerPool:
    """The production preload (so workers import exactly what the bot's do), one warm worker."""
    pool = WorkerPool(1, timeout=10.0, preload=WORKER_PRELOAD)
    pool.start()
    return pool


class SharedPool:
    """A WorkerPool that ignores close(): its owner (a module fixture) closes the real one."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool

    def start(self) -> None:
        self.pool.start()

    async def run(self, fn: Callable[..., T], *args: Any, **options: Any) -> T:
        """WorkerPool.run: ``timeout=`` and ``key=`` pass straight through."""
        return await self.pool.run(fn, *args, **options)

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass
