"""Print how long loading data/ takes (target: < 100 ms cold) and how long validation takes.

Run from the repo root: `python benchmarks/content_load.py [DATA_DIR]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content.loader import clear_cache, default_data_dir, load_content


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else default_data_dir()
    cold = []
    for _ in range(20):
        clear_cache()
        t = time.perf_counter()
        bank = load_content(data_dir)
        cold.append(time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(1000):
        load_content(data_dir)
    cached = (time.perf_counter() - t) / 1000
    t = time.perf_counter()
    from bot.content.matching import TopicMatcher

    for text in ("lin alg", "bayes", "kl", "eigen values", "derivitive") * 200:
        TopicMatcher._ranked.cache_clear()  # measure the uncached cost
        bank.match_topic(text)
    match = (time.perf_counter() - t) / 1000
    cold.sort()
    print(
        f"load_content({data_dir}): {len(bank.prompts)} prompts, {len(bank.resources)} resources, "
        f"{len(bank.curricula)} curricula"
    )
    print(f"  cold load: median {cold[len(cold) // 2] * 1000:.1f} ms, max {cold[-1] * 1000:.1f} ms")
    print(f"  cached load: {cached * 1e6:.0f} us;  match_topic: {match * 1e6:.0f} us per query")

    from bot.content.validate import validate_content

    t = time.perf_counter()
    report = validate_content(data_dir)
    print(f"  validate (answers checked: {report.answers_checked}): {time.perf_counter() - t:.2f} s")
    print(f"  {report.summary()}")


if __name__ == "__main__":
    main()
