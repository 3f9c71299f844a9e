"""Probability families: Bayes with base rates, binomial, Poisson, expectations, urns, variance of sums."""

from __future__ import annotations

import random
from fractions import Fraction
from math import comb, factorial
from typing import Any

from bot.content.generators._fmt import Mistakes, fs, poly, prompt, tex
from bot.content.generators.registry import family

PROB = ["stats110", "stats110-book", "mit-6-041sc"]


@family("gen-bayes-base-rate", topic="bayes", difficulty=2, title="Bayes with a base rate")
def bayes_base_rate(rng: random.Random) -> dict[str, Any]:
    prev = rng.choice([Fraction(1, 100), Fraction(1, 50), Fraction(1, 20), Fraction(1, 10), Fraction(1, 5)])
    sens = rng.choice([Fraction(9, 10), Fraction(19, 20), Fraction(99, 100), Fraction(4, 5)])
    spec = rng.choice([Fraction(9, 10), Fraction(19, 20), Fraction(49, 50), Fraction(99, 100)])
    tp = sens * prev
    fp = (1 - spec) * (1 - prev)
    post = tp / (tp + fp)
    mistakes = Mistakes(post)
    mistakes.add(
        sens, fs(sens), "That is $P(+\\mid D)$, the sensitivity; the question asks for $P(D\\mid +)$."
    )
    mistakes.add(tp, fs(tp), "That is $P(D \\cap +)$; divide by $P(+)$, which includes the false positives.")
    pct = lambda x: f"{float(x * 100):g}\\%"  # noqa: E731 - tiny local formatter
    return prompt(
        statement=(
            f"A condition affects ${pct(prev)}$ of people. A test detects it with sensitivity ${pct(sens)}$ "
            "and "
            f"has specificity ${pct(spec)}$. Someone tests positive. What is the probability they have the "
            "condition? Give an exact fraction."
        ),
        answer=fs(post),
        answer_type="number",
        hints=[
            r"Bayes: $P(D\mid +) = \dfrac{P(+\mid D)P(D)}{P(+\mid D)P(D) + P(+\mid \bar D)P(\bar D)}$.",
            f"$P(+\\mid \\bar D) = 1 - \\text{{specificity}} = {tex(1 - spec)}$.",
        ],
        solution=(
            f"True positives ${tex(sens)}\\cdot{tex(prev)} = {tex(tp)}$, false positives "
            f"${tex(1 - spec)}\\cdot{tex(1 - prev)} = {tex(fp)}$, so $P(D\\mid +) = {tex(post)} \\approx "
            f"{float(post):.3f}$ — the base rate matters."
        ),
        mistakes=mistakes,
        resources=[*PROB, "seeing-theory"],
    )


_PS = [Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4), Fraction(1, 5)]


@family("gen-binomial-pmf", topic="distributions", difficulty=2, title="Binomial probability")
def binomial_pmf(rng: random.Random) -> dict[str, Any]:
    n = rng.randint(4, 8)
    k = rng.randint(1, n - 1)
    p = rng.choice(_PS)
    prob = comb(n, k) * p**k * (1 - p) ** (n - k)
    mistakes = Mistakes(prob)
    no_comb = p**k * (1 - p) ** (n - k)
    mistakes.add(
        no_comb, fs(no_comb), f"That is one particular sequence; there are $\\binom{{{n}}}{{{k}}}$ of them."
    )
    swapped = comb(n, k) * (1 - p) ** k * p ** (n - k)
    mistakes.add(swapped, fs(swapped), "Successes get $p$, failures $1-p$ — they are swapped.")
    return prompt(
        statement=(
            f"Each of {n} independent trials succeeds with probability ${tex(p)}$. What is the probability "
            "of "
            f"exactly {k} success{'es' if k != 1 else ''}? Exact fraction."
        ),
        answer=fs(prob),
        answer_type="number",
        hints=[r"$P(X = k) = \binom{n}{k} p^k (1-p)^{n-k}$.", f"$\\binom{{{n}}}{{{k}}} = {comb(n, k)}$."],
        solution=(f"$\\binom{{{n}}}{{{k}}}({tex(p)})^{k}({tex(1 - p)})^{{{n - k}}} = {tex(prob)}$."),
        mistakes=mistakes,
        resources=[*PROB, "seeing-theory"],
    )


@family("gen-poisson-pmf", topic="distributions", difficulty=2, title="Poisson probability")
def poisson_pmf(rng: random.Random) -> dict[str, Any]:
    lam = rng.randint(1, 5)
    k = rng.randint(2, 4)
    coef = Fraction(lam**k, factorial(k))
    answer = f"{fs(coef)}*exp(-{lam})" if coef != 1 else f"exp(-{lam})"
    mistakes = Mistakes(("e", coef))
    mistakes.add(("e", Fraction(lam**k)), f"{lam**k}*exp(-{lam})", f"Divide by ${k}! = {factorial(k)}$.")
    mistakes.add(("noe", coef), fs(coef), f"Keep the normalising factor $e^{{-{lam}}}$.")
    return prompt(
        statement=(
            f"Emails arrive as a Poisson process averaging {lam} per hour. What is the probability of "
            "exactly "
            f"{k} emails in a given hour? Give the exact value (use e)."
        ),
        answer=answer,
        answer_type="expression",
        equivalents=[f"{lam}^{k} e^(-{lam}) / {k}!"],
        hints=[r"$P(X = k) = e^{-\lambda}\lambda^k / k!$.", f"$\\lambda = {lam}$, $k = {k}$."],
        solution=f"$e^{{-{lam}}}\\,{lam}^{k}/{k}! = {tex(coef)}\\,e^{{-{lam}}}$.",
        mistakes=mistakes,
        resources=[*PROB, "cs229-prob-review"],
    )


def _discrete(rng: random.Random) -> tuple[list[int], list[Fraction]]:
    size = rng.choice([3, 4])
    values = sorted(rng.sample(range(-3, 11), size))
    total = rng.choice([4, 5, 6, 8, 10, 12])
    while True:
        weights = [rng.randint(1, total) for _ in range(size)]
        if sum(weights) == total:
            break
    return values, [Fraction(w, total) for w in weights]


def _table(values: list[int], probs: list[Fraction]) -> str:
    return ", ".join(f"$P(X={v}) = {tex(p)}$" for v, p in zip(values, probs, strict=True))


@family(
    "gen-discrete-expectation",
    topic="expectation-variance",
    difficulty=1,
    title="Expectation of a discrete RV",
)
def discrete_expectation(rng: random.Random) -> dict[str, Any]:
    values, probs = _discrete(rng)
    mean = sum(v * p for v, p in zip(values, probs, strict=True))
    mistakes = Mistakes(mean)
    plain = Fraction(sum(values), len(values))
    terms = " + ".join(rf"{v}\cdot{tex(p)}" for v, p in zip(values, probs, strict=True))
    mistakes.add(plain, fs(plain), "That is the plain average of the values; weight each by its probability.")
    return prompt(
        statement=f"$X$ takes values with {_table(values, probs)}. Find $E[X]$ (exact).",
        answer=fs(mean),
        answer_type="number",
        hints=[r"$E[X] = \sum_x x\,P(X = x)$."],
        solution=f"$E[X] = {terms} = {tex(mean)}$.",
        mistakes=mistakes,
        resources=[*PROB, "khan-statistics"],
    )


@family(
    "gen-discrete-variance", topic="expectation-variance", difficulty=3, title="Variance of a discrete RV"
)
def discrete_variance(rng: random.Random) -> dict[str, Any]:
    values, probs = _discrete(rng)
    mean = sum(v * p for v, p in zip(values, probs, strict=True))
    second = sum(v * v * p for v, p in zip(values, probs, strict=True))
    var = second - mean * mean
    mistakes = Mistakes(var)
    mistakes.add(second, fs(second), "That is $E[X^2]$; subtract $(E[X])^2$.")
    mistakes.add(
        mean * mean - second,
        fs(mean * mean - second),
        "Backwards: $\\mathrm{Var}(X) = E[X^2] - (E[X])^2 \\ge 0$.",
    )
    return prompt(
        statement=f"$X$ takes values with {_table(values, probs)}. Find $\\mathrm{{Var}}(X)$ (exact).",
        answer=fs(var),
        answer_type="number",
        hints=[r"$\mathrm{Var}(X) = E[X^2] - (E[X])^2$.", f"$E[X] = {tex(mean)}$."],
        solution=f"$E[X] = {tex(mean)}$, $E[X^2] = {tex(second)}$, so $\\mathrm{{Var}}(X) = {tex(var)}$.",
        mistakes=mistakes,
        resources=[*PROB, "cs229-prob-review"],
    )


@family("gen-urn-draws", topic="probability-counting", difficulty=2, title="Drawing without replacement")
def urn_draws(rng: random.Random) -> dict[str, Any]:
    red, blue = rng.randint(3, 7), rng.randint(2, 6)
    k = rng.choice([2, 3])
    prob = Fraction(comb(red, k), comb(red + blue, k))
    mistakes = Mistakes(prob)
    with_repl = Fraction(red, red + blue) ** k
    mistakes.add(
        with_repl, fs(with_repl), "That assumes replacement; without it the urn changes after each draw."
    )
    return prompt(
        statement=(
            f"An urn holds {red} red and {blue} blue balls. You draw {k} without replacement. "
            "What is the probability that all are red? Exact fraction."
        ),
        answer=fs(prob),
        answer_type="number",
        hints=[
            r"Count: $\binom{\text{red}}{k} / \binom{\text{total}}{k}$.",
            "Or multiply conditional probabilities: the second draw has one fewer red and one fewer ball.",
        ],
        solution=f"$\\binom{{{red}}}{{{k}}}/\\binom{{{red + blue}}}{{{k}}} = "
        f"{comb(red, k)}/{comb(red + blue, k)} = {tex(prob)}$.",
        mistakes=mistakes,
        resources=[*PROB, "duke-dsms"],
    )


@family(
    "gen-variance-of-sum",
    topic="covariance-correlation",
    difficulty=2,
    title="Variance of a linear combination",
)
def variance_of_sum(rng: random.Random) -> dict[str, Any]:
    vx, vy = rng.randint(1, 9), rng.randint(1, 9)
    a, b = rng.choice([1, 2, 3, -1, -2]), rng.choice([1, 2, 3, -1, -2])
    limit = int((vx * vy) ** 0.5)
    cov = rng.choice([c for c in range(-limit, limit + 1) if c != 0] or [0])
    var = a * a * vx + b * b * vy + 2 * a * b * cov
    mistakes = Mistakes(var)
    mistakes.add(
        a * a * vx + b * b * vy,
        str(a * a * vx + b * b * vy),
        "X and Y are correlated: add $2ab\\,\\mathrm{Cov}(X,Y)$.",
    )
    mistakes.add(
        a * vx + b * vy + 2 * a * b * cov,
        str(a * vx + b * vy + 2 * a * b * cov),
        "Coefficients come out squared: $\\mathrm{Var}(aX) = a^2\\mathrm{Var}(X)$.",
    )
    return prompt(
        statement=(
            f"$\\mathrm{{Var}}(X) = {vx}$, $\\mathrm{{Var}}(Y) = {vy}$, $\\mathrm{{Cov}}(X, Y) = {cov}$. "
            f"Find $\\mathrm{{Var}}({poly([(a, 'X'), (b, 'Y')])})$."
        ),
        answer=str(var),
        answer_type="number",
        hints=[
            r"$\mathrm{Var}(aX + bY) = a^2\mathrm{Var}(X) + b^2\mathrm{Var}(Y) + 2ab\,\mathrm{Cov}(X, Y)$."
        ],
        solution=f"${a * a}\\cdot{vx} + {b * b}\\cdot{vy} + 2\\cdot({a})({b})({cov}) = {var}$.",
        mistakes=mistakes,
        resources=[*PROB, "cs229-prob-review"],
    )
