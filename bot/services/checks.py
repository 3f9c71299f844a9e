"""The one way an answer is checked: `bot.maths.checker.check` in a worker process.

Members' answers (/answer, challenges, the modal), `studybot check` and the hostile-input tests all
come through here, so the limits members get are the limits that are tested. The worker returns
plain data: the bot process never imports the checker (and with it SymPy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any

from bot.workers import WorkerCrashed, WorkerPool, WorkerTimeout

#: A timeout is the bot's failure (a busy machine, a cold worker), never held against the member.
TIMEOUT_MESSAGE = (
    "Checking took too long this time: the bot's fault, not yours, and no attempt was counted."
    " Send the same answer again."
)
CRASHED_MESSAGE = (
    "Checking that answer failed on our side and no attempt was counted. Send the same answer again."
)
TOO_BIG_MESSAGE = "That answer is too big to work with."


@dataclass(frozen=True)
class CheckResult:
    status: str  # correct | incorrect | invalid | timeout
    message: str
    interpreted_as: str = ""
    mistake: str | None = None
    reason: str = ""  # an "invalid" that read the answer: "digits" (too few) or "exact" (decimal given)
    raw: dict[str, Any] = field(default_factory=dict, compare=False)  # everything the checker said

    def to_json(self) -> dict[str, Any]:
        return self.raw or {"status": self.status, "message": self.message}


def check_job(expected: str, answer: str, options: dict[str, Any]) -> dict[str, Any]:
    """Runs inside a worker. `options` are CheckOptions' fields; an invalid expected answer raises
    ValueError (content validation and `studybot check` report it)."""
    from bot.maths.checker import CheckOptions, check

    return check(expected, answer, CheckOptions(**options)).to_json()


def _plain(options: Any) -> dict[str, Any]:
    """CheckOptions' fields as a dict (a CheckOptions object or a mapping of its fields)."""
    if options is None:
        return {}
    return asdict(options) if is_dataclass(options) and not isinstance(options, type) else dict(options)


def _result(raw: dict[str, Any]) -> CheckResult:
    return CheckResult(
        raw["status"],
        raw["message"],
        raw.get("interpreted_as", ""),
        raw.get("mistake"),
        raw.get("reason", ""),
        raw,
    )


def _failure(exc: BaseException) -> CheckResult:
    """A check the pool could not finish is a verdict, not an error."""
    if isinstance(exc, WorkerTimeout):
        return CheckResult("timeout", TIMEOUT_MESSAGE)
    if isinstance(exc, MemoryError):
        return CheckResult("invalid", TOO_BIG_MESSAGE)
    return CheckResult("timeout", CRASHED_MESSAGE)


async def check_in_worker(
    pool: WorkerPool,
    expected: str,
    answer: str,
    options: Mapping[str, Any] | object = None,
    *,
    key: object = None,
) -> CheckResult:
    """Judge `answer` against `expected` in a worker; `key` (the member) is the fairness key."""
    try:
        raw = await pool.run(check_job, expected, answer, _plain(options), key=key)
    except (WorkerTimeout, WorkerCrashed, MemoryError) as exc:
        return _failure(exc)
    return _result(raw)


def check_in_worker_sync(
    pool: WorkerPool,
    expected: str,
    answer: str,
    options: Mapping[str, Any] | object = None,
    *,
    key: object = None,
) -> CheckResult:
    """`check_in_worker` for scripts without an event loop (`studybot check`, benchmarks)."""
    try:
        raw = pool.run_sync(check_job, expected, answer, _plain(options), key=key)
    except (WorkerTimeout, WorkerCrashed, MemoryError) as exc:
        return _failure(exc)
    return _result(raw)
