"""Worker processes for SymPy and matplotlib, with a hard wall-clock limit per task.

A member can type `((9^9)^9999)^9999` or a 5000-deep nesting; nothing that work touches may run on
the event loop or be allowed to run for ever. Every task runs in a child process; when it overruns
its time limit the child is killed (SIGKILL: SymPy ignores nothing, but C code ignores signals) and
replaced, and the caller gets :class:`WorkerTimeout`. Children also run under an address-space limit,
so a runaway allocation fails inside the child with MemoryError instead of taking the host down.

Children are forked from a *forkserver* that has already imported the heavy libraries (``preload``),
so replacing a killed worker costs milliseconds, not the two seconds of importing SymPy. That makes
it affordable to grow the pool for a burst and to kill freely.

Fairness: tasks may carry a ``key`` (the member). Tasks with the same key run one at a time, so one
member's burst of hostile inputs occupies one worker while everyone else's checks go on.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from typing import TypeAlias

    # What the pool needs of a multiprocessing context (forkserver, or spawn where there is none).
    _Context: TypeAlias = multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext

T = TypeVar("T")

# Native libraries must not start thread pools or GUI backends in the children (both break under
# an address-space limit and waste the two cores).
_CHILD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}


class WorkerTimeout(Exception):
    """The task ran past its time limit; its worker was killed and replaced."""


class WorkerCrashed(Exception):
    """The worker process died while running the task (killed by the OS, or a hard crash)."""


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(conn: multiprocessing.connection.Connection, memory_mb: int) -> None:
    """Child loop: receive (fn, args), send ("ok", result) or ("error", exception)."""
    _limit_memory(memory_mb)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:  # the caller decides what an error means
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            conn.send(("error", RuntimeError(f"worker could not return the result: {exc!r}")))


class _Worker:
    def __init__(self, ctx: _Context, memory_mb: int) -> None:
        self.conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child_conn, memory_mb), daemon=True)
        self.process.start()
        child_conn.close()
        self.tasks_done = 0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(timeout=1)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
            self.process.join(timeout=1)
        self.kill()


class WorkerPool:
    """A small elastic pool of worker processes with per-task time limits.

    ``size`` workers are kept warm; under load the pool grows up to ``max_size`` and shrinks back
    as tasks finish. ``timeout`` is the default wall-clock limit per task, counted from the moment a
    worker picks the task up (waiting for a free worker does not eat into it).
    """

    def __init__(
        self,
        size: int = 2,
        *,
        max_size: int | None = None,
        timeout: float = 2.0,
        memory_mb: int = 1024,
        preload: Sequence[str] = ("sympy",),
        max_tasks_per_worker: int = 500,
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self.max_size = max(size, max_size if max_size is not None else size * 3)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.preload = tuple(preload)
        self.max_tasks_per_worker = max_tasks_per_worker
        self._ctx: _Context | None = None
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._live = 0
        self._lock = threading.Lock()
        self._key_locks: weakref.WeakValueDictionary[Hashable, threading.Lock] = weakref.WeakValueDictionary()
        self._executor: ThreadPoolExecutor | None = None
        self._started = False
        self._starter: threading.Thread | None = None
        self._closed = False
        atexit.register(self.close)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the warm workers in the background; returns at once."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
            self._live += self.size
        self._starter = threading.Thread(target=self._start_workers, name="worker-pool-start", daemon=True)
        self._starter.start()

    def _start_workers(self) -> None:
        for _ in range(self.size):
            try:
                self._idle.put(self._new_worker())
            except Exception:
                with self._lock:
                    self._live -= 1
                raise

    def _context(self) -> _Context:
        with self._lock:
            if self._ctx is None:
                for name, value in _CHILD_ENV.items():
                    os.environ.setdefault(name, value)
                ctx: _Context
                if "forkserver" in multiprocessing.get_all_start_methods():
                    forkserver = multiprocessing.get_context("forkserver")
                    forkserver.set_forkserver_preload(list(self.preload))
                    ctx = forkserver
                else:  # pragma: no cover - macOS/Windows
                    ctx = multiprocessing.get_context("spawn")
                self._ctx = ctx
            return self._ctx

    def _new_worker(self) -> _Worker:
        return _Worker(self._context(), self.memory_mb)

    def close(self) -> None:
        """Stop every worker. Tasks still running are killed."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._starter is not None and self._starter is not threading.current_thread():
            # Stopping the forkserver in the middle of a fork makes it print a traceback.
            self._starter.join(timeout=10)
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def aclose(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    # -- running tasks ----------------------------------------------------------------------

    def _acquire(self) -> _Worker:
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        self.start()
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            grow = self._live < self.max_size
            if grow:
                self._live += 1
        if grow:
            try:
                return self._new_worker()
            except Exception:
                with self._lock:
                    self._live -= 1
                raise
        try:
            return self._idle.get(timeout=60)
        except queue.Empty:
            raise WorkerCrashed("no worker became free within 60 s") from None

    def _release(self, worker: _Worker) -> None:
        worker.tasks_done += 1
        with self._lock:
            surplus = self._live > self.size and not self._idle.empty()
            retire = self._closed or surplus or worker.tasks_done >= self.max_tasks_per_worker
            if retire:
                self._live -= 1
        if retire:
            worker.stop()
        else:
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker that timed out or died, and replace it so the pool keeps its size."""
        worker.kill()
        with self._lock:
            self._live -= 1
            replace = not self._closed and self._live < self.size
            if replace:
                self._live += 1
        if replace:
            try:
                self._idle.put(self._new_worker())
            except Exception:
                with self._lock:
                    self._live -= 1

    def _key_lock(self, key: Hashable) -> threading.Lock:
        with self._lock:
            lock = self._key_locks.get(key)
            if lock is None:
                lock = threading.Lock()
                self._key_locks[key] = lock
            return lock

    def run_sync(
        self,
        fn: Callable[..., T],
        *args: Any,
        timeout: float | None = None,
        key: Hashable | None = None,
    ) -> T:
        """Run ``fn(*args)`` in a worker and return its result (or raise its exception).

        Blocks the calling thread: use :meth:`run` from async code.
        """
        if key is None:
            return self._run(fn, args, timeout)
        lock = self._key_lock(key)  # held by a local: the weak dictionary keeps it while in use
        with lock:
            return self._run(fn, args, timeout)

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], timeout: float | None) -> T:
        limit = self.timeout if timeout is None else timeout
        worker = self._acquire()
        try:
            worker.conn.send((fn, args))
        except Exception:
            self._discard(worker)
            raise
        deadline = time.monotonic() + limit
        try:
            ready = worker.conn.poll(max(0.0, deadline - time.monotonic()))
            reply: tuple[str, Any] = worker.conn.recv() if ready else ("timeout", None)
            status, value = reply
        except (EOFError, OSError) as exc:
            self._discard(worker)
            raise WorkerCrashed("the worker process died while running the task") from exc
        if status == "timeout":
            self._discard(worker)
            raise WorkerTimeout(f"the task took longer than {limit:g} s and was stopped")
        self._release(worker)
        if status == "error" and isinstance(value, BaseException):
            raise value
        if status != "ok":  # the child only ever sends ("ok", result) or ("error", exception)
            raise WorkerCrashed(f"the worker sent an unexpected reply ({status!r})")
        return cast(T, value)

    async def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        timeout: float | None = None,  # noqa: ASYNC109 - the task's limit, enforced by killing its process
        key: Hashable | None = None,
    ) -> T:
        """Run ``fn(*args)`` in a worker without blocking the event loop."""
        if self._executor is None:
            # Waiting for a worker happens in these threads, so a queue of slow tasks never
            # occupies the loop's default executor.
            self._executor = ThreadPoolExecutor(max_workers=64, thread_name_prefix="worker-wait")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, lambda: self.run_sync(fn, *args, timeout=timeout, key=key)
        )
