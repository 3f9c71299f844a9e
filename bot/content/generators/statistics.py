"""Statistics families: sample variance, MLE, least-squares slope, confidence margins, classifier metrics."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from bot.content.generators._fmt import Mistakes, fs, prompt, tex
from bot.content.generators.registry import family


@family("gen-sample-variance", topic="estimators", difficulty=2, title="Unbiased sample variance")
def sample_variance(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(4, 6)
    xs = [rng.randint(0, 12) for _ in range(n)]
    while len(set(xs)) == 1:
        xs[0] += 1
    mean = Fraction(sum(xs), n)
    ss = sum(((x - mean) ** 2 for x in xs), Fraction(0))
    s2 = ss / (n - 1)
    mistakes = Mistakes(s2)
    mistakes.add(
        ss / n,
        fs(ss / n),
        f"Dividing by $n$ gives the biased (MLE) estimate; the unbiased one divides by $n-1 = {n - 1}$.",
    )
    mistakes.add(ss, fs(ss), "That is the sum of squared deviations; divide by $n - 1$.")
    data = ", ".join(map(str, xs))
    return prompt(
        statement=f"Compute the unbiased sample variance $s^2$ of the data ${data}$ (exact).",
        answer=fs(s2),
        answer_type="number",
        hints=[r"$s^2 = \frac{1}{n-1}\sum_i (x_i - \bar x)^2$.", f"$\\bar x = {tex(mean)}$."],
        solution=f"$\\bar x = {tex(mean)}$, $\\sum (x_i - \\bar x)^2 = {tex(ss)}$, so $s^2 = "
        f"{tex(ss)}/{n - 1} = {tex(s2)}$.",
        mistakes=mistakes,
        resources=["mit-18-650", "dlbook-ch5", "stats110"],
    )


@family("gen-mle-exponential", topic="mle", difficulty=3, title="MLE of an exponential rate")
def mle_exponential(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(3, 6)
    xs = [Fraction(rng.randint(1, 12), 2) for _ in range(n)]
    total = sum(xs, Fraction(0))
    rate = n / total
    mistakes = Mistakes(rate)
    mistakes.add(
        total / n,
        fs(total / n),
        "That is the sample mean, which estimates $1/\\lambda$; the rate is its reciprocal.",
    )
    data = ", ".join(str(float(x)).removesuffix(".0") for x in xs)
    return prompt(
        statement=(
            f"Waiting times ${data}$ (minutes) are modelled as i.i.d. Exponential($\\lambda$) with density "
            r"$\lambda e^{-\lambda x}$. Find the maximum-likelihood estimate $\hat\lambda$ (exact fraction)."
        ),
        answer=fs(rate),
        answer_type="number",
        hints=[
            r"$\log L(\lambda) = n\log\lambda - \lambda\sum_i x_i$.",
            r"Set the derivative $n/\lambda - \sum_i x_i$ to zero.",
        ],
        solution=f"$\\hat\\lambda = n/\\sum x_i = {n}/{tex(total)} = {tex(rate)}$ per minute.",
        mistakes=mistakes,
        resources=["mit-18-650", "dlbook-ch5", "statquest"],
    )


@family("gen-ols-slope", topic="linear-regression", difficulty=2, title="Least-squares slope")
def ols_slope(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(4, 5)
    xs = rng.sample(range(0, 8), n)
    b0, b1 = rng.randint(-3, 3), rng.choice([-2, -1, 1, 2, 3])
    ys = [b0 + b1 * x + rng.randint(-2, 2) for x in xs]
    mx, my = Fraction(sum(xs), n), Fraction(sum(ys), n)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum(((x - mx) ** 2 for x in xs), Fraction(0))
    syy = sum(((y - my) ** 2 for y in ys), Fraction(0))
    slope = sxy / sxx
    mistakes = Mistakes(slope)
    if syy:
        mistakes.add(
            sxy / syy, fs(sxy / syy), "That regresses $x$ on $y$; divide by $S_{xx}$, the spread of $x$."
        )
    if mx:
        mistakes.add(
            my / mx,
            fs(my / mx),
            r"$\bar y / \bar x$ is a line through the origin, not the least-squares fit.",
        )
    points = ", ".join(f"({x}, {y})" for x, y in zip(xs, ys, strict=True))
    return prompt(
        statement=f"Fit $y = \\beta_0 + \\beta_1 x$ by least squares to the points ${points}$. Find "
        "$\\hat\\beta_1$ (exact).",
        answer=fs(slope),
        answer_type="number",
        hints=[
            r"$\hat\beta_1 = S_{xy}/S_{xx}$ with $S_{xy} = \sum (x_i - \bar x)(y_i - \bar y)$.",
            f"$\\bar x = {tex(mx)}$, $\\bar y = {tex(my)}$.",
        ],
        solution=f"$S_{{xy}} = {tex(sxy)}$, $S_{{xx}} = {tex(sxx)}$, so $\\hat\\beta_1 = {tex(slope)}$.",
        mistakes=mistakes,
        resources=["islr", "mit-18-650", "mml-book"],
    )


@family("gen-z-interval-margin", topic="confidence-tests", difficulty=2, title="Margin of a 95% z-interval")
def z_interval_margin(rng: random.Random) -> dict[str, Any]:
    root = rng.choice([2, 4, 5, 7, 10])
    n = root * root
    sigma = rng.randint(2, 30)
    xbar = rng.randint(10, 120)
    margin = Fraction(196, 100) * sigma / root
    mistakes = Mistakes(margin)
    no_root = Fraction(196, 100) * sigma
    mistakes.add(
        no_root,
        _dec(no_root),
        f"Use the standard error $\\sigma/\\sqrt{{n}} = {sigma}/{root}$, not $\\sigma$.",
    )
    ninety = Fraction(1645, 1000) * sigma / root
    mistakes.add(ninety, _dec(ninety), "1.645 is the 90% critical value; 95% two-sided uses 1.96.")
    return prompt(
        statement=(
            f"A sample of $n = {n}$ has mean $\\bar x = {xbar}$; the population standard deviation is known, "
            f"$\\sigma = {sigma}$. Give the margin of error $m$ of the 95% interval $\\bar x \\pm m$ "
            "to 2 decimal places."
        ),
        answer=_dec(margin),
        answer_type="number",
        equivalents=[f"{float(margin):.2f}"],
        tolerance={"abs_tol": 0.006},  # a correctly rounded 2-place answer is within 0.005
        hints=[r"$m = z^*\,\sigma/\sqrt{n}$ with $z^* = 1.96$ for 95%.", f"$\\sqrt{{{n}}} = {root}$."],
        solution=(
            f"$m = 1.96\\cdot {sigma}/{root} = {_dec(margin)}$, so the interval is "
            f"$[{_dec(xbar - margin)}, {_dec(xbar + margin)}]$."
        ),
        mistakes=mistakes,
        resources=["mit-18-650", "khan-statistics", "seeing-theory"],
    )


def _dec(x: Fraction) -> str:
    """Exact decimal text for a terminating fraction (these are by construction)."""
    text = f"{float(x):.6f}".rstrip("0").rstrip(".")
    return text or "0"


@family(
    "gen-f1-score", topic="metrics", difficulty=2, title="Precision, recall and F1 from a confusion matrix"
)
def f1_score(rng: random.Random) -> dict[str, Any]:
    tp, fp, fn = rng.randint(5, 60), rng.randint(1, 40), rng.randint(1, 40)
    tn = rng.randint(50, 500)
    precision = Fraction(tp, tp + fp)
    recall = Fraction(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    accuracy = Fraction(tp + tn, tp + tn + fp + fn)
    mean_pr = (precision + recall) / 2
    mistakes = Mistakes(f1)
    mistakes.add(
        accuracy, fs(accuracy), "That is accuracy, inflated by the many true negatives; F1 ignores TN."
    )
    mistakes.add(
        mean_pr, fs(mean_pr), "F1 is the *harmonic* mean of precision and recall, not the arithmetic mean."
    )
    return prompt(
        statement=(
            f"A classifier's confusion matrix: TP = {tp}, FP = {fp}, FN = {fn}, TN = {tn}. "
            "Compute the F1 score as an exact fraction."
        ),
        answer=fs(f1),
        answer_type="number",
        hints=[
            r"Precision $= TP/(TP+FP)$, recall $= TP/(TP+FN)$.",
            r"$F_1 = \dfrac{2PR}{P + R} = \dfrac{2TP}{2TP + FP + FN}$.",
        ],
        solution=(
            f"$P = {tex(precision)}$, $R = {tex(recall)}$, $F_1 = \\frac{{2\\cdot{tp}}}{{2\\cdot{tp} + {fp} "
            f"+ {fn}}}"
            f" = {tex(f1)} \\approx {float(f1):.3f}$."
        ),
        mistakes=mistakes,
        resources=["google-mlcc", "statquest", "islr"],
    )
