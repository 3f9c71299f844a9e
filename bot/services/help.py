"""/help and /about: the same text on Discord and in the console."""

from __future__ import annotations

from collections.abc import Iterable

from bot.replies import Reply


def help_reply(commands: Iterable[tuple[str, str]]) -> Reply:
    lines = [f"/{name} — {description}" for name, description in sorted(commands)]
    return Reply(title="studybot commands", text="\n".join(lines), ephemeral=True)


def about(version: str) -> Reply:
    return Reply(
        title=f"studybot {version}",
        text=(
            "A study group for the math behind deep learning: a daily prompt, answers checked the"
            " moment you send them, plots and loss-curve diagnoses, resources by topic, streaks and"
            " weekly challenges. Start with /daily, answer with /answer, stuck? /hint."
        ),
        ephemeral=True,
    )


ANSWER_GUIDE = """\
**Numbers**: `3/4`, `0.75`, `75%`, `1e-3`, `2^10`, `sqrt(2)`, `pi`, `e`, `½`, `1½`. A decimal counts \
when it is the value correctly rounded to the digits you write, with at least 3 significant digits: \
`1.33` for 4/3, `3.14` for π (a problem may ask for more). Fewer digits (`1.3`) get a request \
for more, not a wrong attempt; where a problem asks for an exact value, give it (`4/3`), not a rounding. \
`0,75` and `7,425,000` are read as one number; a unit after a value is fine (`1.5 bits`).
**Expressions**: `2x(1-x)`, `x^2 + 3x`, `e^(-x)`, `ln(x)` (natural log), `log(x, 2)`, `sin^2 x`, \
`|x|`, `sign(x)`, `n!`, `sigma(x)` where a problem declares it. `x1` and `x_1` are names.
**Letters side by side multiply** as if a times sign were between them: `xy^2` is x·y² and \
`mv^2/2` is m·v²/2 (write `(xy)^2` for the square of xy); `2x(1-x)`, `2 sin(x)` and `2xsin(x)` are \
products too. A slash takes only the next factor: `1/2x` is x/2 and `1/xy` is y/x, so write `1/(2x)`.
**LaTeX** works too: `\\frac{1}{2}`, `e^{-x}`, `\\sqrt{x}`, `2 \\cdot x`, \
`\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}`.
**Sums and products**: `\\sum_{i=1}^{n} i^2` or `sum(i^2, i, 1, n)`; `\\prod_{i=1}^{n} p_i` likewise.
**Several values**: `2, -3` or `x = ±2` (any order); a point or vector `(1, 2)` or `<1, 2>`; a set \
`{1, 3}`, the empty set `∅`; an interval `(0, 1]` or `0 < x <= 1`, a union `(0, 1) ∪ {2}`; a matrix \
`[[1, 2], [3, 4]]`; solutions `p = 5, q = 2; p = 7, q = 2`.
**Series**: a remainder at the end is left out and only the terms before it are compared: \
`1 + x + x^2/2 + O(x^3)` counts as `1 + x + x^2/2`.
**Naming and working**: `x = 3`, `f'(x) = 2x`, `∂L/∂w = 2w`, `P(A|B) = 0.4`, `P(A ∩ B) = 0.1` \
and `E[X] = 3.5` are all fine, and so is working such as `x = 7 + 5 = 12` or \
`Var(X - Y) = 3 + 2 = 5` as long as every step is true.
**Not checked**: operations to carry out (`d/dx`, `\\int`, `\\lim`) on their own: give the result."""


def answers_help() -> Reply:
    return Reply(title="How to write answers", text=ANSWER_GUIDE, ephemeral=True)


def mastery_help() -> Reply:
    """/help topic:mastery: how /stats computes mastery, how /review schedules cards and reminds,
    and what /mydata exports."""
    from bot.services.review_rules import MASTERY_HELP  # imports fsrs: only when asked

    return Reply(title="Mastery, reviews and your data", text=MASTERY_HELP, ephemeral=True)
