"""Worker processes for SymPy and matplotlib, with a hard CPU-time limit per task.

A member can type `((9^9)^9999)^9999` or a 5000-deep nesting; nothing that work touches may run on
the event loop or be allowed to run for ever. Every task runs in a child process under a CPU-time
limit counted by the kernel (``ITIMER_PROF``: a descheduled worker on a busy machine is not
charged for time it did not run). Overrunning it kills the child (the signal's default action, so
C code that never returns to Python dies too); a generous wall-clock limit catches a child that is
stuck without using CPU. Either way the caller gets :class:`WorkerTimeout` and the worker is
replaced. Children also run under an address-space limit, so a runaway allocation fails inside the
child with MemoryError instead of taking the host down.

The pool is a fixed set of warm workers, one per core by default: more processes than cores only
time-slice the same CPUs (which is what made checks overrun a wall-clock limit), and each fresh
process pays cold caches on its first task. Children are forked from a *forkserver* that has
already imported the heavy libraries (``preload``) and each new worker runs ``warmup`` before it
takes a task, so neither the imports nor the first-use caches are charged to a member's task.

Fairness: tasks may carry a ``key`` (the member). Tasks with the same key run one at a time, and
free workers take keys round-robin, so one member's burst of 200 tasks occupies at most one worker
and every other member's task waits for at most one of theirs.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing import TypeAlias

    # What the pool needs of a multiprocessing context (forkserver, or spawn where there is none).
    _Context: TypeAlias = multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext

T = TypeVar("T")

log = logging.getLogger(__name__)

# Native libraries must not start thread pools or GUI backends in the children (both break under
# an address-space limit and waste the two cores).
WORKER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}

#: CPU seconds a worker's warm-up may use (it is nobody's task, but it must not hang a slot).
WARMUP_CPU_LIMIT = 30.0


class WorkerTimeout(Exception):
    """The task ran past its CPU (or wall-clock) limit; its worker was killed and replaced."""


class WorkerCrashed(Exception):
    """The worker process died while running the task (killed by the OS, or a hard crash)."""


def default_size() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def wall_limit_for(cpu_limit: float) -> float:
    """A stuck child (sleeping, blocked) is stopped well after any honest run would have ended."""
    return max(4 * cpu_limit, cpu_limit + 5.0)


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(conn: multiprocessing.connection.Connection, memory_mb: int) -> None:
    """Child loop: receive (fn, args, cpu limit), send ("ok", result) or ("error", exception)."""
    _limit_memory(memory_mb)
    # SIGPROF's default action terminates the process: the limit holds even inside C code.
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args, cpu_limit = message
        if cpu_limit:
            signal.setitimer(signal.ITIMER_PROF, cpu_limit)
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:  # the caller decides what an error means
            reply = ("error", exc)
        finally:
            # Disarmed before the reply goes out: a child never dies after answering.
            signal.setitimer(signal.ITIMER_PROF, 0)
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

    def alive(self) -> bool:
        return self.process.is_alive()

    def call(self, payload: bytes, wall_limit: float) -> tuple[str, Any]:
        """Send a pickled task and wait for its reply; ("timeout" | "crashed", None) if it died."""
        self.conn.send_bytes(payload)
        if not self.conn.poll(wall_limit):
            return "timeout", None
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(timeout=1)
            if self.process.exitcode == -signal.SIGPROF:
                return "timeout", None  # the kernel stopped it at its CPU limit
            return "crashed", None

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


@dataclass
class _Task:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    cpu_limit: float
    wall_limit: float
    key: Hashable
    future: Future[Any] = field(default_factory=Future)


@dataclass
class PoolStats:
    """Counts since the pool started (what a benchmark or a test can check, no clocks)."""

    workers_started: int = 0
    tasks: int = 0
    timeouts: int = 0
    crashes: int = 0


class WorkerPool:
    """A fixed pool of warm worker processes with per-task CPU-time limits.

    ``size`` workers (default: one per core) are started by :meth:`start` and kept; a worker is
    only replaced when it timed out, died, or ran ``max_tasks_per_worker`` tasks. ``timeout`` is
    the default CPU-time limit per task in seconds; the wall-clock limit is
    :func:`wall_limit_for` of it unless ``wall_timeout`` is given. Waiting for a free worker does
    not count. ``warmup`` (a picklable function) runs once in every new worker before its first task.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        max_size: int | None = None,
        timeout: float = 2.0,
        wall_timeout: float | None = None,
        memory_mb: int = 1024,
        preload: Sequence[str] = ("sympy",),
        warmup: Callable[[], object] | None = None,
        max_tasks_per_worker: int = 1000,
    ) -> None:
        size = default_size() if size is None else size
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        # `max_size` is accepted for older callers; the pool no longer grows past `size`
        # (extra processes on the same cores only made every task slower).
        del max_size
        self.size = size
        self.timeout = timeout
        self.wall_timeout = wall_timeout
        self.memory_mb = memory_mb
        self.preload = tuple(preload)
        self.warmup = warmup
        self.max_tasks_per_worker = max_tasks_per_worker
        self.stats = PoolStats()
        self._ctx: _Context | None = None
        self._cond = threading.Condition()
        self._queues: dict[Hashable, deque[_Task]] = {}
        self._ready_keys: deque[Hashable] = deque()  # keys with queued tasks and none running
        self._running_keys: set[Hashable] = set()
        self._busy: dict[int, _Worker] = {}  # slot -> worker running a task (close() kills them)
        self._threads: list[threading.Thread] = []
        self._warm = 0
        self._waiters: ThreadPoolExecutor | None = None
        self._started = False
        self._closed = False
        atexit.register(self.close)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers in the background; returns at once (see :meth:`wait_ready`)."""
        with self._cond:
            if self._started or self._closed:
                return
            self._started = True
            self._threads = [
                threading.Thread(target=self._slot_main, args=(i,), name=f"worker-slot-{i}", daemon=True)
                for i in range(self.size)
            ]
        for thread in self._threads:
            thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Start the pool and block until every worker is up and warm (True) or `timeout` passes."""
        self.start()
        with self._cond:
            return self._cond.wait_for(lambda: self._warm >= self.size or self._closed, timeout)

    async def ready(self, timeout: float | None = 120.0) -> bool:  # noqa: ASYNC109 - passed to a thread
        """:meth:`wait_ready` without blocking the event loop: await it before accepting work."""
        return await asyncio.to_thread(self.wait_ready, timeout)

    def _context(self) -> _Context:
        with self._cond:
            if self._ctx is None:
                for name, value in WORKER_ENV.items():
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

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context(), self.memory_mb)
        with self._cond:
            self.stats.workers_started += 1
        if self.warmup is not None:
            payload = ForkingPickler.dumps((self.warmup, (), WARMUP_CPU_LIMIT))
            status, value = worker.call(bytes(payload), wall_limit_for(WARMUP_CPU_LIMIT))
            if status != "ok":  # a worker that cannot warm up still checks, only slower
                log.warning("worker warm-up failed: %s %r", status, value)
                if status in ("timeout", "crashed"):
                    worker.kill()
                    raise WorkerCrashed("a new worker died while warming up")
        return worker

    def close(self) -> None:
        """Stop every worker. Queued tasks fail; running ones are killed."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            pending = [task for queue in self._queues.values() for task in queue]
            self._queues.clear()
            self._ready_keys.clear()
            busy = list(self._busy.values())
            self._cond.notify_all()
        for task in pending:
            if task.future.set_running_or_notify_cancel():
                task.future.set_exception(RuntimeError("the worker pool is closed"))
        for worker in busy:
            worker.kill()
        if self._waiters is not None:
            self._waiters.shutdown(wait=False)
        for thread in self._threads:
            if thread is not threading.current_thread():
                # A slot may be mid-fork: stopping the forkserver then makes it print a traceback.
                thread.join(timeout=10)

    async def aclose(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    # -- the slots: one thread per worker ---------------------------------------------------

    def _next_task(self) -> _Task | None:
        with self._cond:
            self._cond.wait_for(lambda: self._ready_keys or self._closed)
            if self._closed:
                return None
            key = self._ready_keys.popleft()
            queue = self._queues[key]
            task = queue.popleft()
            if not queue:
                del self._queues[key]
            self._running_keys.add(key)
            return task

    def _finish(self, key: Hashable) -> None:
        with self._cond:
            self._running_keys.discard(key)
            if key in self._queues:
                self._ready_keys.append(key)  # to the back: other members go first
                self._cond.notify()

    def _slot_main(self, slot: int) -> None:
        worker: _Worker | None = None
        counted_warm = False
        failures = 0
        while True:
            if worker is None or not worker.alive() or worker.tasks_done >= self.max_tasks_per_worker:
                if worker is not None:
                    worker.stop()
                    worker = None
                if self._closed:
                    break
                try:
                    worker = self._spawn()
                    failures = 0
                except Exception as exc:
                    failures += 1
                    log.error("could not start a worker process (attempt %d)", failures, exc_info=exc)
                    if failures >= 3:  # persistent: fail a waiting task rather than keep it waiting
                        self._fail_next(WorkerCrashed(f"could not start a worker process: {exc}"))
                    threading.Event().wait(0.5)
                    continue
                if not counted_warm:
                    counted_warm = True
                    with self._cond:
                        self._warm += 1
                        self._cond.notify_all()
            task = self._next_task()
            if task is None:
                break
            try:
                if task.future.set_running_or_notify_cancel():
                    worker = self._execute(slot, worker, task)
            finally:
                self._finish(task.key)
        if worker is not None:
            worker.stop()

    def _fail_next(self, exc: Exception) -> None:
        """No worker could be started: fail one queued task instead of letting it wait for ever."""
        task = self._next_task()
        if task is None:
            return
        if task.future.set_running_or_notify_cancel():
            task.future.set_exception(exc)
        self._finish(task.key)

    def _execute(self, slot: int, worker: _Worker, task: _Task) -> _Worker | None:
        """Run one task; returns the worker to keep, or None when it had to be killed."""
        try:
            payload = bytes(ForkingPickler.dumps((task.fn, task.args, task.cpu_limit)))
        except Exception as exc:  # an unpicklable argument: the member's task fails, the worker is fine
            task.future.set_exception(exc)
            return worker
        with self._cond:
            self._busy[slot] = worker
            self.stats.tasks += 1
        try:
            status, value = worker.call(payload, task.wall_limit)
        except (OSError, EOFError):
            status, value = "crashed", None
        finally:
            with self._cond:
                self._busy.pop(slot, None)
        if status in ("ok", "error"):
            worker.tasks_done += 1
            if status == "ok":
                task.future.set_result(value)
            else:
                task.future.set_exception(value)
            return worker
        worker.kill()
        with self._cond:
            if status == "timeout":
                self.stats.timeouts += 1
            else:
                self.stats.crashes += 1
        if self._closed:
            task.future.set_exception(RuntimeError("the worker pool is closed"))
        elif status == "timeout":
            task.future.set_exception(
                WorkerTimeout(f"the task used more than {task.cpu_limit:g} s of CPU and was stopped")
            )
        else:
            task.future.set_exception(WorkerCrashed("the worker process died while running the task"))
        return None

    # -- running tasks ----------------------------------------------------------------------

    def submit(
        self,
        fn: Callable[..., T],
        *args: Any,
        timeout: float | None = None,
        key: Hashable | None = None,
    ) -> Future[T]:
        """Queue ``fn(*args)``; the future holds its result or exception."""
        cpu_limit = self.timeout if timeout is None else timeout
        wall = self.wall_timeout if self.wall_timeout is not None else wall_limit_for(cpu_limit)
        task = _Task(fn, args, cpu_limit, max(wall, cpu_limit), object() if key is None else key)
        self.start()
        with self._cond:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            queue = self._queues.get(task.key)
            if queue is None:
                queue = self._queues[task.key] = deque()
                if task.key not in self._running_keys:
                    self._ready_keys.append(task.key)
            queue.append(task)
            self._cond.notify()
        return task.future

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
        return self.submit(fn, *args, timeout=timeout, key=key).result()

    async def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        timeout: float | None = None,  # noqa: ASYNC109 - the task's CPU limit, enforced by the kernel
        key: Hashable | None = None,
    ) -> T:
        """Run ``fn(*args)`` in a worker without blocking the event loop."""
        future = self.submit(fn, *args, timeout=timeout, key=key)
        # The wait goes through the loop's executor API rather than `wrap_future`, so tools that
        # track a bot's outstanding work (simcord settles on executor jobs) see it. The order
        # tasks run in is the pool's round-robin, decided above; this executor only waits, and
        # is big enough that a finished task's waiter never queues behind unfinished ones.
        if self._waiters is None:
            self._waiters = ThreadPoolExecutor(max_workers=256, thread_name_prefix="worker-wait")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._waiters, future.result)
        except asyncio.CancelledError:
            future.cancel()  # not started yet: it never runs
            raise

    def queued(self) -> int:
        """Tasks waiting for a worker (not counting those running)."""
        with self._cond:
            return sum(len(queue) for queue in self._queues.values())
