"""Answer-checker figures: agreement and cost per check, studybot and math-verify case by case.

    PYTHONPATH=. python benchmarks/checker.py [--corpora DIR] [--mathverify-python PATH]
                                              [--rounds N] [--quick] [--no-bank]
                                              [--slowest N]

Cases: the peer corpora in shared/corpora (EXPECTED vs ANSWER, label = equivalent or not; split into
plain cases and cases whose label is a peer's policy, `note` contains "policy:") and the bank's own
answers (data/prompts: every answer and listed equivalent must be correct, every listed mistake
incorrect, with the prompt's own options).

Each case is run in turn by studybot in this process, by math-verify in a long-lived child
interpreter, and by studybot through a WorkerPool configured as the services configure it (before
the next case starts), so load from the other engineers on the machine hits all three alike. With
`--rounds N` every case is measured N times and its median taken; the table gives p50 / p99 / max
over cases, of CPU time and wall time, and math-verify / studybot as a ratio (same work: the same
case list, one at a time).

math-verify is imported if installed here; otherwise it runs in a separate interpreter (default
/work/mv/bin/python, then /work/benchvenv/bin/python, made with
`python3 -m venv /work/mv && /work/mv/bin/pip install "math-verify[antlr4_13_2]"`). Its verdict is
`verify(parse(gold), parse(pred))` with `$...$` around the strings (the raw string when that
extracts nothing); exceptions count as "not equivalent".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
for candidate in (Path("/work/shared/corpora"), ROOT / "shared" / "corpora"):
    if not DEFAULT_CORPORA.exists() and candidate.exists():
        DEFAULT_CORPORA = candidate
MV_PYTHONS = (Path("/work/mv/bin/python"), Path("/work/benchvenv/bin/python"))
DEFAULT_MV_PYTHON = next((p for p in MV_PYTHONS if p.exists()), MV_PYTHONS[0])
CORPORA = ("mathverify.jsonl", "stack.jsonl")
BANK = "bank"
PRELOAD = ("sympy", "mpmath", "bot.maths.checker")

HOSTILE = [
    "__import__('os').system('touch pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "((9^9)^9999)^9999",
    "9^9^9^9",
    "2^(2^(2^(2^(2^(2^2)))))",
    "99999999!",
    "x^(10^10)",
    "exp(exp(exp(exp(exp(exp(x))))))",
    "1e999999",
    "x" * (1 << 20),
    "(" * 5000 + "x" + ")" * 5000,
    "(" * 240 + "x" + ")" * 240,
    "x\x00",
    "\\frac{" * 300,
    "(x+1)^100000",
    "\\sum_{k=1}^{10^9} k",
    "\\sum_{i=1}^{x} \\sum_{j=1}^{x} \\sum_{k=1}^{x} (i+j+k)^x",
    "y = " + " = ".join(["(x+1)^9/(x-1)^7*sin(x)^2"] * 12),
]


@dataclass
class Case:
    source: str  # a corpus file name, or "bank"
    id: str
    expected: str
    answer: str
    equivalent: bool
    policy: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # CheckOptions keyword arguments
    digits: int | None = None  # math-verify's float_rounding
    ours: str = ""  # studybot's verdict
    theirs: bool | None = None  # math-verify's verdict (None: not run)
    cpu: list[float] = field(default_factory=list)  # studybot in-process, seconds per round
    wall: list[float] = field(default_factory=list)
    mv_cpu: list[float] = field(default_factory=list)
    mv_wall: list[float] = field(default_factory=list)
    pool_cpu: list[float] = field(default_factory=list)  # CPU inside the worker
    pool_wall: list[float] = field(default_factory=list)  # the caller's round trip


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_policy(case: dict[str, Any]) -> bool:
    return "policy:" in (case.get("note") or "")


def corpus_cases(directory: Path) -> list[Case]:
    out = []
    for name in CORPORA:
        for raw in load(directory / name):
            abs_tol = raw.get("abs_tol")
            digits = raw.get("tolerance_digits")
            if digits is not None:  # math-verify rounds to this many places: half a unit is our tolerance
                abs_tol = 0.5 * 10.0**-digits
            options = {
                k: v for k, v in (("rel_tol", raw.get("rel_tol")), ("abs_tol", abs_tol)) if v is not None
            }
            out.append(
                Case(name, raw["id"], raw["expected"], raw["answer"], bool(raw["equivalent"]),
                     is_policy(raw), options, digits)
            )  # fmt: skip
    return out


def bank_cases() -> list[Case]:
    """The bank's own answers: each answer and equivalent is correct, each listed mistake is not."""
    from bot.content.loader import load_content

    out = []
    for prompt in load_content().prompts.values():
        kwargs = prompt.check_kwargs()
        answers = [(prompt.answer, True), *((eq, True) for eq in prompt.equivalents)]
        answers += [(m.answer, False) for m in prompt.mistakes]
        for k, (answer, want) in enumerate(answers):
            out.append(Case(BANK, f"{prompt.id}#{k}", prompt.answer, answer, want, False, kwargs))
    return out


# -- studybot -----------------------------------------------------------------------------------


def timed_check(expected: str, answer: str, options: dict[str, Any]) -> tuple[str, float, float]:
    """(status, CPU s, wall s) of one check; module-level so a worker can run it."""
    from sympy.core.cache import clear_cache

    from bot.maths.checker import CheckOptions, check

    clear_cache()  # each case cold, as a member's new answer is (and rounds don't measure the cache)
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        status = str(check(expected, answer, CheckOptions(**options)).status)
    except ValueError:
        status = "expected-invalid"
    return status, time.process_time() - cpu, time.perf_counter() - wall


def services_pool() -> Any:
    """A WorkerPool built as bot.services.app builds it (size, timeout and preload from the settings)."""
    from bot.config import load_settings
    from bot.services.app import WORKER_PRELOAD
    from bot.workers import WorkerPool

    settings = load_settings(environ={}, env_file=None)
    return WorkerPool(settings.workers, timeout=settings.check_timeout, preload=WORKER_PRELOAD)


def pool_check(pool: Any, case: Case) -> tuple[str, float, float]:
    from bot.workers import WorkerCrashed, WorkerTimeout

    started = time.perf_counter()
    try:
        status, cpu, _ = pool.run_sync(timed_check, case.expected, case.answer, case.options, key="bench")
    except (WorkerTimeout, WorkerCrashed) as exc:
        status, cpu = type(exc).__name__, float("nan")
    return status, cpu, time.perf_counter() - started


# -- math-verify ------------------------------------------------------------------------------


def mathverify_one(gold_text: str, pred_text: str, digits: int | None) -> tuple[bool, float, float]:
    from math_verify import parse, verify
    from sympy.core.cache import clear_cache

    def read(text: str) -> Any:
        # math-verify's README wraps answers in $...$; plain text extracts far worse without it
        # ("2*x+1" -> 2), so try the wrapped form first and the raw string only if that finds nothing.
        found = parse(f"${text}$")
        return found if found else parse(text)

    clear_cache()
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        kwargs = {"float_rounding": digits} if digits is not None else {}
        ok = bool(verify(read(gold_text), read(pred_text), **kwargs))
    except Exception:
        ok = False
    return ok, time.process_time() - cpu, time.perf_counter() - wall


def mathverify_worker() -> int:
    """Child mode: one JSON case per stdin line -> one JSON [ok, cpu, wall] per stdout line."""
    for line in sys.stdin:
        case = json.loads(line)
        print(json.dumps(mathverify_one(case["expected"], case["answer"], case["digits"])), flush=True)
    return 0


class MathVerify:
    """math-verify here if importable, else in a long-lived child interpreter (one case at a time)."""

    def __init__(self, python: Path) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.here = False
        try:
            import math_verify  # noqa: F401

            self.here = True
            self.label = "imported in this interpreter"
        except ImportError:
            if python.exists():
                self.proc = subprocess.Popen(
                    [str(python), str(Path(__file__).resolve()), "--mathverify-worker"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                    env={**os.environ, "PYTHONPATH": ""},
                )  # fmt: skip
                self.label = f"running in {python}"
            else:
                self.label = "not installed (no module here, no interpreter at --mathverify-python); skipped"

    @property
    def available(self) -> bool:
        return self.here or self.proc is not None

    def run(self, case: Case) -> tuple[bool, float, float]:
        if self.here:
            return mathverify_one(case.expected, case.answer, case.digits)
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        message = {"expected": case.expected, "answer": case.answer, "digits": case.digits}
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        ok, cpu, wall = json.loads(self.proc.stdout.readline())
        return bool(ok), cpu, wall

    def close(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(Exception):
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=10)


# -- reporting --------------------------------------------------------------------------------


def pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "   n/a"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def agreement_table(cases: list[Case]) -> None:
    print("\n== Agreement with the labels (bank: the verdict the bank wants) ==")
    print(f"{'cases':<18}{'subset':<9}{'studybot':>22}{'math-verify':>24}")
    for source in (*CORPORA, BANK):
        mine = [c for c in cases if c.source == source]
        if not mine:
            continue
        subsets = (("all", lambda c: True), ("plain", lambda c: not c.policy), ("policy", lambda c: c.policy))
        for subset, keep in subsets:
            chosen = [c for c in mine if keep(c)]
            if not chosen:
                continue
            sb = sum((c.ours == "correct") == c.equivalent for c in chosen)
            ran = [c for c in chosen if c.theirs is not None]
            mv = pct(sum(c.theirs == c.equivalent for c in ran), len(ran)) if ran else "not run"
            print(f"{source:<18}{subset:<9}{pct(sb, len(chosen)):>22}{mv:>24}")


def _median_ms(samples: list[float]) -> float:
    finite = [s for s in samples if s == s]
    return statistics.median(finite) * 1000 if finite else float("nan")


def latency_table(cases: list[Case], rounds: int) -> None:
    print(f"\n== Cost per check (median of {rounds} round(s) per case, then over cases; ms) ==")
    print(f"{'':<30}{'cases':>6}{'p50':>10}{'p99':>10}{'max':>10}")
    rows: dict[str, list[float]] = {}
    for label, attr in (
        ("studybot in-process  CPU", "cpu"), ("studybot in-process  wall", "wall"),
        ("math-verify          CPU", "mv_cpu"), ("math-verify          wall", "mv_wall"),
        ("studybot pool        CPU", "pool_cpu"), ("studybot pool        wall", "pool_wall"),
    ):  # fmt: skip
        per_case = [_median_ms(getattr(c, attr)) for c in cases if getattr(c, attr)]
        per_case = [m for m in per_case if m == m]
        if not per_case:
            continue
        stats = [percentile(per_case, 0.5), percentile(per_case, 0.99), max(per_case)]
        rows[attr] = stats
        print(f"{label:<30}{len(per_case):>6}" + "".join(f"{s:>10.2f}" for s in stats))
    for ours in ("cpu", "wall"):
        if ours in rows and f"mv_{ours}" in rows:
            ratios = [
                t / o if o else float("inf") for t, o in zip(rows[f"mv_{ours}"], rows[ours], strict=True)
            ]
            print(f"{'math-verify / studybot ' + ours:<30}{'':>6}" + "".join(f"{r:>9.1f}x" for r in ratios))


def slowest(cases: list[Case], n: int = 8) -> None:
    print("\n== Slowest studybot checks (in-process CPU, median; wall beside it) ==")
    for c in sorted(cases, key=lambda c: -_median_ms(c.cpu))[:n]:
        print(f"  {_median_ms(c.cpu):8.1f} ms CPU {_median_ms(c.wall):8.1f} ms wall  {c.source:<17}"
              f" {c.ours:<10} {c.expected[:40]!r} vs {c.answer[:40]!r}")  # fmt: skip


def throughput(pool: Any, cases: list[Case]) -> float:
    def one(case: Case) -> None:
        pool_check(pool, case)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as executor:
        list(executor.map(one, cases))
    return len(cases) / (time.perf_counter() - started)


def hostile_table() -> None:
    from bot.maths.checker import CheckOptions
    from bot.services.checks import check_in_worker_sync as check_in_pool
    from bot.workers import WorkerPool

    print("\n== Hostile inputs (through a 2-worker pool, 2 s limit; expected answer `x + 1`) ==")
    pool = WorkerPool(2, timeout=2.0, preload=PRELOAD)
    pool.start()
    try:
        check_in_pool(pool, "x", "x")
        for text in HOSTILE:
            started = time.perf_counter()
            verdict = check_in_pool(pool, "x + 1", text, CheckOptions())
            seconds = time.perf_counter() - started
            shown = repr(text if len(text) <= 40 else text[:37] + "...")
            extra = f" [{len(text)} chars]" if len(text) > 40 else ""
            print(f"  {shown:<44}{extra:<16} {verdict.status:<9} {seconds:6.3f} s  {verdict.message[:60]}")
    finally:
        pool.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--mathverify-python", type=Path, default=DEFAULT_MV_PYTHON)
    parser.add_argument("--mathverify-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="measure each case this many times (median)")
    parser.add_argument("--no-bank", action="store_true", help="peer corpora only")
    parser.add_argument("--quick", action="store_true", help="skip the worker-pool and hostile sections")
    parser.add_argument("--slowest", type=int, default=8, metavar="N", help="list the N slowest checks")
    args = parser.parse_args()
    if args.mathverify_worker:
        return mathverify_worker()

    sys.path.insert(0, str(ROOT))
    from bot.maths.checker import check

    cases = corpus_cases(args.corpora) + ([] if args.no_bank else bank_cases())
    mv = MathVerify(args.mathverify_python)
    print(f"math-verify: {mv.label}")
    pool = None
    if not args.quick:
        pool = services_pool()
        pool.start()
        for case in cases[:4]:  # warm the workers (imports, caches)
            pool_check(pool, case)
    check("x", "x")  # warm this process the same way
    if mv.available:
        mv.run(cases[0])
    try:
        for _ in range(max(1, args.rounds)):
            for case in cases:  # interleaved: one case through all three before the next
                case.ours, cpu, wall = timed_check(case.expected, case.answer, case.options)
                case.cpu.append(cpu)
                case.wall.append(wall)
                if mv.available:
                    case.theirs, cpu, wall = mv.run(case)
                    case.mv_cpu.append(cpu)
                    case.mv_wall.append(wall)
                if pool is not None:
                    _, cpu, wall = pool_check(pool, case)
                    case.pool_cpu.append(cpu)
                    case.pool_wall.append(wall)
        agreement_table(cases)
        latency_table(cases, max(1, args.rounds))
        for source in (*CORPORA, BANK):
            subset = [c for c in cases if c.source == source]
            if subset:
                walls = [_median_ms(c.wall) for c in subset]
                p50, p99 = percentile(walls, 0.5), percentile(walls, 0.99)
                print(
                    f"  {source:<18} studybot wall p50 {p50:7.2f}  p99 {p99:7.2f}  max {max(walls):7.1f} ms"
                )
        slowest(cases, args.slowest)
        if pool is not None:
            print(f"\nstudybot through the pool, 2 in flight: {throughput(pool, cases):.0f} checks/second")
    finally:
        mv.close()
        if pool is not None:
            pool.close()
    if not args.quick:
        hostile_table()

    print("\n== Cases where studybot disagrees with the label ==")
    for c in cases:
        if (c.ours == "correct") != c.equivalent:
            tag = "policy" if c.policy else "plain "
            label = "equiv" if c.equivalent else "differ"
            print(f"  [{tag}] {c.id:<34} label={label:<6} studybot={c.ours:<16}"
                  f" {c.expected!r} vs {c.answer!r}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
