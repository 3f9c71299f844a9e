"""`studybot check`: judge one answer, or a JSONL batch, through the worker pool.

    studybot check EXPECTED ANSWER [--rel-tol X] [--abs-tol X] [--sig-figs N] [--type T] [--json]
    studybot check --batch FILE.jsonl [--workers N]

Batch lines are JSON objects with `id`, `expected`, `answer` and optional `rel_tol`, `abs_tol`,
`sig_figs`, `answer_type`; each output line is `{"id", "status", "message", "interpreted_as", "ms"}`
in input order.

Exit status of a single check, for scripts (like grep: 2 is "could not be judged"):
0 correct, 1 incorrect, 2 invalid (the answer can't be read; also a bad expected answer or bad
options), 3 timeout (the check ran out of time or its worker failed). `--batch` exits 0 once every
line is answered (each line carries its own status) and 2 when the file can't be read.

A value may start with `-` without `--` before it: `studybot check 2 -2`, `studybot check x -x+1`.
Tolerances are range-checked (bot.maths.limits): 0 < --rel-tol <= 0.5, 0 <= --abs-tol <= 1,
1 <= --sig-figs <= 15.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.maths import limits

CHECK_TIMEOUT = 2.0
# Imported once in the pool's fork server, so a fresh worker starts checking at once.
PRELOAD = ("sympy", "mpmath", "bot.maths.checker", "bot.services.checks")


EXIT_STATUS = {"correct": 0, "incorrect": 1, "invalid": 2, "timeout": 3}


class _ValuesMayStartWithMinus(argparse.ArgumentParser):
    """`studybot check 2 -2`: an argument that starts with `-` but is no option of ours is a value.

    argparse takes `-x^2` for an unknown option; a leading space makes it a plain argument (and
    the checker ignores surrounding spaces). `-h`, `--help` and `--opt` / `--opt=value` stay options.
    """

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if args is not None:
            args = [self._as_value(a) for a in args]
        return super().parse_known_args(args, namespace)

    def _as_value(self, arg: str) -> str:
        if not arg.startswith("-") or arg in ("-", "--", "-h"):
            return arg
        if arg.startswith("--") and arg[2:3].isalpha():
            return arg  # an option, or an abbreviation argparse resolves (--rel for --rel-tol)
        return " " + arg


def _tolerance(name: str, kind: type) -> Any:
    """argparse type for a tolerance flag: the number, range-checked like prompt data."""

    def convert(text: str) -> int | float:
        try:
            value = kind(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text.strip()!r} is not a number") from None
        problem = limits.tolerance_problem(name, value)
        if problem:
            raise argparse.ArgumentTypeError(problem.replace(name, "--" + name.replace("_", "-"), 1))
        return value

    return convert


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="check an answer against the expected one (or a JSONL batch)",
        epilog="exit status: 0 correct, 1 incorrect, 2 invalid (or bad input), 3 timeout."
        " A value may start with '-': studybot check 2 -2.",
    )
    p.__class__ = _ValuesMayStartWithMinus  # same parser, only the argument pre-pass differs
    p.add_argument("expected", nargs="?", help="the expected answer")
    p.add_argument("answer", nargs="?", help="the submitted answer")
    p.add_argument(
        "--rel-tol", type=_tolerance("rel_tol", float), default=None, help="relative tolerance (0 < X <= 0.5)"
    )
    p.add_argument(
        "--abs-tol", type=_tolerance("abs_tol", float), default=None, help="absolute tolerance (0 <= X <= 1)"
    )
    p.add_argument(
        "--sig-figs", type=_tolerance("sig_figs", int), default=None, help="significant figures (1 to 15)"
    )
    p.add_argument("--type", dest="answer_type", default=None, help="answer type (interval, set, tuple, ...)")
    p.add_argument(
        "--functions", default="", help="declared functions, comma-separated (sigma,relu,softplus)"
    )
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--batch", type=Path, default=None, help="JSONL file of checks (one per line)")
    p.add_argument("--workers", type=int, default=2, help="worker processes for --batch (default 2)")
    p.add_argument("--timeout", type=float, default=CHECK_TIMEOUT, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.maths.checker import CheckOptions

    if args.batch is not None:
        if args.expected is not None:
            print("studybot check: give either EXPECTED ANSWER or --batch FILE, not both", file=sys.stderr)
            return 2
        return _run_batch(args)
    if args.expected is None or args.answer is None:
        print("studybot check: needs EXPECTED and ANSWER (or --batch FILE)", file=sys.stderr)
        return 2
    try:
        options = CheckOptions(
            rel_tol=args.rel_tol,
            abs_tol=args.abs_tol,
            sig_figs=args.sig_figs,
            answer_type=args.answer_type,
            functions=_functions(args.functions),
        )
    except ValueError as exc:
        print(f"studybot check: {exc}", file=sys.stderr)
        return 2
    from bot.services.checks import check_in_worker_sync
    from bot.workers import WorkerPool

    pool = WorkerPool(1, timeout=args.timeout, preload=PRELOAD)
    try:
        verdict = check_in_worker_sync(pool, args.expected.strip(), args.answer.strip(), options)
    except ValueError as exc:  # the expected answer itself is invalid
        print(f"studybot check: {exc}", file=sys.stderr)
        return 2
    finally:
        pool.close()
    if args.json:
        print(json.dumps(verdict.to_json(), ensure_ascii=False))
    else:
        print(f"{verdict.status}: {verdict.message}")
        if verdict.interpreted_as:
            print(f"interpreted as: {verdict.interpreted_as}")
        if verdict.mistake:
            print(f"known mistake: {verdict.mistake}")
    return EXIT_STATUS[verdict.status]


def _functions(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(",") if f.strip())


def _run_batch(args: argparse.Namespace) -> int:
    from bot.maths.checker import CheckOptions
    from bot.services.checks import check_in_worker_sync
    from bot.workers import WorkerPool

    try:
        lines = args.batch.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"studybot check: can't read {args.batch}: {exc}", file=sys.stderr)
        return 2
    functions = _functions(args.functions)
    workers = max(1, args.workers)
    pool = WorkerPool(workers, max_size=workers, timeout=args.timeout, preload=PRELOAD)
    pool.start()

    def one(numbered: tuple[int, str]) -> dict[str, Any]:
        number, line = numbered
        started = time.perf_counter()
        item_id: Any = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            item_id = item.get("id")
            expected, answer = item["expected"], item["answer"]
            if not isinstance(expected, str) or not isinstance(answer, str):
                raise ValueError("`expected` and `answer` must be strings")
            options = CheckOptions(
                rel_tol=_float_or_none(item.get("rel_tol")),
                abs_tol=_float_or_none(item.get("abs_tol")),
                sig_figs=item.get("sig_figs"),
                answer_type=item.get("answer_type", args.answer_type),
                functions=functions,
            )
        except (ValueError, KeyError, TypeError) as exc:
            reason = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            return _line(item_id, "invalid", f"line {number}: malformed input ({reason})", "", started)
        try:
            verdict = check_in_worker_sync(pool, expected, answer, options)
        except ValueError as exc:
            return _line(item_id, "invalid", f"line {number}: {exc}", "", started)
        return _line(item_id, verdict.status, verdict.message, verdict.interpreted_as, started)

    numbered = [(k + 1, line) for k, line in enumerate(lines) if line.strip()]
    try:
        with ThreadPoolExecutor(max_workers=workers) as executor:
            for result in executor.map(one, numbered):
                print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        pool.close()
    return 0


def _float_or_none(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("tolerances must be numbers")
    return float(value)


def _line(item_id: Any, status: str, message: str, interpreted: str, started: float) -> dict[str, Any]:
    ms = round((time.perf_counter() - started) * 1000, 2)
    return {"id": item_id, "status": status, "message": message, "interpreted_as": interpreted, "ms": ms}
