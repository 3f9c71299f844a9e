"""Answer-checker figures: corpus agreement (studybot vs math-verify), latency, throughput, hostile inputs.

    PYTHONPATH=. python benchmarks/checker.py [--corpora DIR] [--mathverify-python PATH] [--quick]

Agreement is measured on the peer corpora in shared/corpora (EXPECTED vs ANSWER, label =
equivalent or not), split into plain cases and cases whose label is a peer's policy (`note`
contains "policy:"). math-verify is imported if installed here; otherwise it runs in a separate
interpreter (default /work/benchvenv/bin/python, made with
`python3 -m venv /work/benchvenv && /work/benchvenv/bin/pip install "math-verify[antlr4_13_2]"`).
Its verdict is `verify(parse(gold), parse(pred))` with `$...$` around the strings (the raw string
when that extracts nothing); exceptions count as "not equivalent".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
for candidate in (Path("/work/shared/corpora"), ROOT / "shared" / "corpora"):
    if not DEFAULT_CORPORA.exists() and candidate.exists():
        DEFAULT_CORPORA = candidate
DEFAULT_MV_PYTHON = Path("/work/benchvenv/bin/python")
CORPORA = ("mathverify.jsonl", "stack.jsonl")
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


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def is_policy(case: dict[str, Any]) -> bool:
    return "policy:" in (case.get("note") or "")


# -- studybot -----------------------------------------------------------------------------------


def studybot_options(case: dict[str, Any]) -> Any:
    from bot.maths.checker import CheckOptions

    abs_tol = case.get("abs_tol")
    digits = case.get("tolerance_digits")
    if digits is not None:  # math-verify rounds to this many decimal places: half a unit is our tolerance
        abs_tol = 0.5 * 10.0**-digits
    return CheckOptions(rel_tol=case.get("rel_tol"), abs_tol=abs_tol)


def studybot_verdict(case: dict[str, Any]) -> tuple[str, float]:
    from bot.maths.checker import check

    started = time.perf_counter()
    try:
        status = check(case["expected"], case["answer"], studybot_options(case)).status
    except ValueError:
        status = "expected-invalid"
    return status, time.perf_counter() - started


# -- math-verify ------------------------------------------------------------------------------


def mathverify_available() -> bool:
    try:
        import math_verify  # noqa: F401
    except ImportError:
        return False
    return True


def mathverify_run(cases: list[dict[str, Any]]) -> list[tuple[bool, float]]:
    """math-verify's verdicts in this interpreter: (equivalent, seconds) per case."""
    from math_verify import parse, verify

    def read(text: str) -> Any:
        # math-verify's README wraps answers in $...$; plain text extracts far worse without it
        # ("2*x+1" -> 2), so try the wrapped form first and the raw string only if that finds nothing.
        found = parse(f"${text}$")
        return found if found else parse(text)

    out: list[tuple[bool, float]] = []
    for case in cases:
        started = time.perf_counter()
        try:
            gold = read(case["expected"])
            pred = read(case["answer"])
            digits = case.get("tolerance_digits")
            kwargs = {"float_rounding": digits} if digits is not None else {}
            ok = bool(verify(gold, pred, **kwargs))
        except Exception:
            ok = False
        out.append((ok, time.perf_counter() - started))
    return out


def mathverify_verdicts(cases: list[dict[str, Any]], python: Path) -> list[tuple[bool, float]] | None:
    if mathverify_available():
        return mathverify_run(cases)
    if not python.exists():
        return None
    proc = subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--mathverify-worker"],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "PYTHONPATH": ""},
        check=False,
    )
    if proc.returncode != 0:
        print(f"math-verify run failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return [tuple(pair) for pair in json.loads(proc.stdout.splitlines()[-1])]  # type: ignore[misc]


# -- reporting --------------------------------------------------------------------------------


def pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "   n/a"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def agreement_table(
    corpora: dict[str, list[dict[str, Any]]], ours: dict[str, list[str]], theirs: dict[str, Any]
) -> None:
    print("\n== Agreement with the corpus labels ==")
    print(f"{'corpus':<18}{'subset':<9}{'studybot':>22}{'math-verify':>24}")
    for name, cases in corpora.items():
        subsets = (("all", lambda c: True), ("plain", lambda c: not is_policy(c)), ("policy", is_policy))
        for subset, keep in subsets:
            idx = [k for k, c in enumerate(cases) if keep(c)]
            sb = sum((ours[name][k] == "correct") == cases[k]["equivalent"] for k in idx)
            mv_text = "not run"
            if theirs.get(name) is not None:
                mv = sum(theirs[name][k][0] == cases[k]["equivalent"] for k in idx)
                mv_text = pct(mv, len(idx))
            print(f"{name:<18}{subset:<9}{pct(sb, len(idx)):>22}{mv_text:>24}")


def latency_line(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:<34} p50 {percentile(ms, 0.5):7.2f} ms   p99 {percentile(ms, 0.99):7.2f} ms"
        f"   max {max(ms):7.1f} ms   (n={len(ms)})"
    )


def pool_figures(cases: list[dict[str, Any]]) -> tuple[list[float], float]:
    """Per-check latency through a 2-worker pool (one at a time), and checks/second with 2 in flight."""
    from bot.services.checks import check_in_worker_sync as check_in_pool
    from bot.workers import WorkerPool

    pool = WorkerPool(2, max_size=2, timeout=2.0, preload=PRELOAD)
    pool.start()
    try:
        for case in cases[:4]:  # warm both workers (imports, caches)
            check_in_pool(pool, case["expected"], case["answer"], studybot_options(case))
        latencies = []
        for case in cases:
            started = time.perf_counter()
            with contextlib.suppress(ValueError):
                check_in_pool(pool, case["expected"], case["answer"], studybot_options(case))
            latencies.append(time.perf_counter() - started)

        def one(case: dict[str, Any]) -> None:
            with contextlib.suppress(ValueError):
                check_in_pool(pool, case["expected"], case["answer"], studybot_options(case))

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as executor:
            list(executor.map(one, cases))
        throughput = len(cases) / (time.perf_counter() - started)
    finally:
        pool.close()
    return latencies, throughput


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
    parser.add_argument("--quick", action="store_true", help="skip the worker-pool and hostile sections")
    args = parser.parse_args()

    if args.mathverify_worker:  # child mode: read cases on stdin, print verdicts as JSON
        cases = json.loads(sys.stdin.read())
        print(json.dumps(mathverify_run(cases)))
        return 0

    sys.path.insert(0, str(ROOT))
    corpora = {name: load(args.corpora / name) for name in CORPORA}
    ours: dict[str, list[str]] = {}
    our_times: list[float] = []
    for name, cases in corpora.items():
        ours[name] = []
        for case in cases:
            status, seconds = studybot_verdict(case)
            ours[name].append(status)
            our_times.append(seconds)

    theirs: dict[str, list[tuple[bool, float]] | None] = {}
    mv_times: list[float] = []
    if mathverify_available():
        print("math-verify: imported in this interpreter")
    elif args.mathverify_python.exists():
        print(f"math-verify: not importable here; running it with {args.mathverify_python}")
    else:
        print("math-verify: not installed (no module here, no interpreter at --mathverify-python); skipped")
    for name, cases in corpora.items():
        theirs[name] = mathverify_verdicts(cases, args.mathverify_python)
        if theirs[name] is not None:
            mv_times.extend(seconds for _, seconds in theirs[name])

    agreement_table(corpora, ours, theirs)

    print("\n== Latency per check ==")
    print(latency_line("studybot, in-process", our_times))
    if mv_times:
        print(latency_line("math-verify, in-process", mv_times))
    if not args.quick:
        all_cases = [c for cases in corpora.values() for c in cases]
        pool_times, throughput = pool_figures(all_cases)
        print(latency_line("studybot, through 2-worker pool", pool_times))
        print(f"{'studybot, 2 workers':<34} {throughput:.0f} checks/second")
        hostile_table()

    print("\n== Cases where studybot disagrees with the label ==")
    for name, cases in corpora.items():
        for case, status in zip(cases, ours[name], strict=True):
            if (status == "correct") != case["equivalent"]:
                tag = "policy" if is_policy(case) else "plain "
                label = "equiv" if case["equivalent"] else "differ"
                print(f"  [{tag}] {case['id']:<34} label={label:<6} studybot={status:<16}"
                      f" {case['expected']!r} vs {case['answer']!r}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
