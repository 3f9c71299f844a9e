"""Issue 14's figures: does every formula a member sees render, and does any text still show LaTeX?

    PYTHONPATH=. python benchmarks/formulas.py [--seeds N] [--worst K]

Prints, side by side with the same work done the old way (mathtext fed the TeX as written, text
sent as written):
- prompts whose every formula (statement, hints, solution, mistakes) the renderer draws, of 216,
  and for each generator the seeds whose output all renders;
- messages (post, each hint, each mistake, solution) whose text still has `$..$` or `\\commands`;
- the render time of the slowest formula through /tex's renderer vs bare mathtext drawing the same
  (already translated) formula in this run, as a ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Iterable

from bot.content import Prompt, load_content
from bot.plots.errors import PlotError
from bot.plots.latex_text import has_raw_latex, readable, readable_text
from bot.plots.tex import _explain_piece, _explain_whole, check_statement, render_tex, translate

_MATH = re.compile(r"\$\$(.+?)\$\$|(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)


def texts(prompt: Prompt) -> list[str]:
    return [prompt.statement, prompt.solution, *prompt.hints, *(m.message for m in prompt.mistakes)]


def formulas(text: str) -> Iterable[str]:
    for m in _MATH.finditer(text):
        yield (m.group(1) or m.group(2)).strip()


def renders(prompt: Prompt) -> bool:
    try:
        for text in texts(prompt):
            check_statement(text)
    except PlotError:
        return False
    return True


def renders_as_written(prompt: Prompt) -> bool:
    """The old way: mathtext given each formula as the author wrote it."""
    return all(_explain_whole(f) is None for text in texts(prompt) for f in formulas(text))


def bare_mathtext_ms(mathtext: str, repeat: int) -> float:
    from bot.plots import theme

    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fig = theme.new_figure(200, 100)
        fig.text(0.5, 0.5, f"${mathtext}$", fontsize=26, ha="center", va="center")
        theme.to_png(fig, tight=True)
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def ours_ms(latex: str, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        render_tex(latex)
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=50, help="seeds per generator (default 50)")
    ap.add_argument("--worst", type=int, default=8, help="longest formulas timed to find the slowest")
    args = ap.parse_args()
    bank = load_content()
    prompts = list(bank.prompts.values())

    ok = sum(renders(p) for p in prompts)
    ok_before = sum(renders_as_written(p) for p in prompts)
    print(
        f"prompts whose every formula renders: {ok}/{len(prompts)}"
        f"   (mathtext fed the TeX as written: {ok_before}/{len(prompts)})"
    )

    from bot.content.generators import FAMILIES
    from bot.content.generators.registry import build, seed_hash
    from bot.content.schema import Sink

    gen_ok = gen_total = 0
    short: list[str] = []
    generated: list[Prompt] = []
    for fam in FAMILIES.values():
        good = total = 0
        for i in range(args.seeds):
            prompt = build(fam, seed_hash(fam.id, f"validate:{i}"), Sink(strict=False))
            if prompt is None:
                continue
            total += 1
            good += renders(prompt)
            generated.append(prompt)
        gen_ok += good
        gen_total += total
        if good < total:
            short.append(f"{fam.id} {good}/{total}")
    print(
        f"generated prompts whose every formula renders: {gen_ok}/{gen_total}"
        f" ({len(FAMILIES)} generators x {args.seeds} seeds)"
        + (f"; short: {', '.join(short)}" if short else "; every generator on every seed")
    )

    messages = [t for p in prompts for t in texts(p) if t]
    raw_after = sum(has_raw_latex(readable_text(t)) for t in messages)
    raw_before = sum(has_raw_latex(t) for t in messages)
    pictured = sum(bool(readable(t).pictures) for t in messages)
    gen_messages = [t for p in generated for t in texts(p) if t]
    gen_after = sum(has_raw_latex(readable_text(t)) for t in gen_messages)
    print(
        f"messages with raw LaTeX (post, hints, mistakes, solution): {raw_after}/{len(messages)}"
        f"   (sent as written: {raw_before}/{len(messages)}); generated: {gen_after}/{len(gen_messages)}"
    )
    print(f"messages that also carry an image (display maths, or maths Unicode cannot say): {pictured}")

    every = sorted({f for p in prompts for t in texts(p) for f in formulas(t)}, key=len, reverse=True)
    candidates = every[: args.worst]
    timed = []
    for latex in candidates:
        try:
            timed.append((ours_ms(latex, 3), latex))
        except PlotError:
            continue
    slowest_ms, slowest = max(timed)
    bare = bare_mathtext_ms(translate(slowest, display=True), 3)
    print(
        f"slowest formula through /tex (of the {len(candidates)} longest): {slowest_ms:.0f} ms vs bare"
        f" mathtext {bare:.0f} ms on the same formula = {slowest_ms / bare:.2f}x\n  {slowest[:100]}"
    )
    # the validate check, cold: our piecewise cached parse vs mathtext parsing each whole formula
    _explain_piece.cache_clear()
    t = time.perf_counter()
    for p in prompts:
        renders(p)
    check_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    for f in every:
        try:
            _explain_whole(translate(f, display=True))
            _explain_whole(translate(f))
        except PlotError:
            pass
    whole_ms = (time.perf_counter() - t) * 1000
    print(
        f"checking every formula of the bank (cold): {check_ms:.0f} ms piece by piece, cached, vs"
        f" {whole_ms:.0f} ms parsing each whole = {check_ms / whole_ms:.2f}x"
    )


if __name__ == "__main__":
    main()
