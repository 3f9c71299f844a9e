"""Deep-learning and information-theory families: activations, losses, backprop, SGD noise, entropy, KL."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from bot.content.generators._fmt import Mistakes, fs, prompt, tex, texvec, vec
from bot.content.generators.registry import family


@family("gen-sigmoid-derivative", topic="activations", difficulty=2, title="Sigmoid derivative at a point")
def sigmoid_derivative(rng: random.Random) -> dict[str, Any]:
    k = rng.choice([2, 3, 4, 5, 9])
    sign = rng.choice([1, -1])
    s = Fraction(k, k + 1) if sign > 0 else Fraction(1, k + 1)
    d = s * (1 - s)
    mistakes = Mistakes(d)
    mistakes.add(s, fs(s), r"That is $\sigma(x)$ itself; the derivative is $\sigma(x)(1 - \sigma(x))$.")
    mistakes.add(s * s, fs(s * s), r"$\sigma' = \sigma(1 - \sigma)$, not $\sigma^2$.")
    point = rf"\ln {k}" if sign > 0 else rf"-\ln {k}"
    return prompt(
        statement=(rf"Let $\sigma(x) = 1/(1 + e^{{-x}})$. Find $\sigma'({point})$ as an exact fraction."),
        answer=fs(d),
        answer_type="number",
        hints=[
            r"$\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$.",
            f"$e^{{-({point})}} = {tex(Fraction(1, k) if sign > 0 else Fraction(k))}$, so $\\sigma({point}) "
            f"= {tex(s)}$.",
        ],
        solution=f"$\\sigma({point}) = {tex(s)}$, so $\\sigma' = {tex(s)}\\cdot{tex(1 - s)} = {tex(d)}$.",
        mistakes=mistakes,
        resources=["dlbook-ch6", "cs231n-backprop", "3b1b-neural-networks"],
    )


@family("gen-softmax", topic="activations", difficulty=2, title="Softmax of a small vector")
def softmax(rng: random.Random) -> dict[str, Any]:
    weights = [1, *rng.sample([2, 3, 4, 5, 6], 2)]
    rng.shuffle(weights)
    total = sum(weights)
    probs = [Fraction(w, total) for w in weights]
    logits = ", ".join("0" if w == 1 else rf"\ln {w}" for w in weights)
    mistakes = Mistakes(probs)
    mistakes.add(
        [Fraction(w) for w in weights],
        vec(weights),
        "Exponentiated but forgot to normalise: divide by the sum.",
    )
    return prompt(
        statement=(
            f"Compute $\\mathrm{{softmax}}(z)$ for $z = ({logits})$. Answer as a vector $(p_1, p_2, p_3)$ "
            "of exact fractions."
        ),
        answer=vec(probs),
        answer_type="tuple",
        hints=[r"$\mathrm{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}$.", r"$e^{\ln w} = w$ and $e^0 = 1$."],
        solution=f"$e^{{z}} = {texvec(weights)}$, sum ${total}$, so softmax $= {texvec(probs)}$.",
        mistakes=mistakes,
        resources=["dlbook-ch6", "3b1b-neural-networks", "cs231n-optimization"],
    )


@family("gen-mse-gradient", topic="loss-functions", difficulty=2, title="MSE gradient for a one-weight model")
def mse_gradient(rng: random.Random) -> dict[str, Any]:
    n = 3
    xs = [rng.choice([-2, -1, 1, 2, 3]) for _ in range(n)]
    ys = [rng.randint(-4, 6) for _ in range(n)]
    w = rng.randint(-2, 3)
    residuals = [w * x - y for x, y in zip(xs, ys, strict=True)]
    grad = Fraction(2, n) * sum(x * r for x, r in zip(xs, residuals, strict=True))
    mistakes = Mistakes(grad)
    mistakes.add(
        grad / 2, fs(grad / 2), r"The square brings down a factor 2: $\frac{d}{dw}(wx - y)^2 = 2x(wx - y)$."
    )
    no_x = Fraction(2, n) * sum(residuals)
    mistakes.add(
        no_x,
        fs(no_x),
        r"Chain rule: the inner derivative $\partial(wx_i - y_i)/\partial w = x_i$ multiplies each term.",
    )
    pts = ", ".join(f"({x}, {y})" for x, y in zip(xs, ys, strict=True))
    return prompt(
        statement=(
            f"Model $\\hat y = w x$, loss $L(w) = \\frac{{1}}{{3}}\\sum_i (w x_i - y_i)^2$ over the data "
            f"$(x_i, y_i) = {pts}$. Find $L'(w)$ at $w = {w}$ (exact)."
        ),
        answer=fs(grad),
        answer_type="number",
        hints=[
            r"$L'(w) = \frac{2}{n}\sum_i x_i (w x_i - y_i)$.",
            f"Residuals $w x_i - y_i$ at $w = {w}$: ${', '.join(map(str, residuals))}$.",
        ],
        solution=(
            f"Residuals ${', '.join(map(str, residuals))}$; "
            f"$L'({w}) = "
            f"\\frac{{2}}{{3}}({' + '.join(f'({x})({r})' for x, r in zip(xs, residuals, strict=True))}) = "
            f"{tex(grad)}$."
        ),
        mistakes=mistakes,
        resources=["dlbook-ch5", "cs231n-optimization", "google-mlcc"],
    )


@family("gen-tiny-backprop", topic="backprop", difficulty=3, title="Backprop through a one-unit ReLU network")
def tiny_backprop(rng: random.Random) -> dict[str, Any]:
    want_active = rng.random() < 0.75  # mostly the ordinary case; sometimes a dead ReLU to notice
    while True:
        x = rng.choice([-2, -1, 1, 2, 3])
        w1, b1 = rng.choice([-2, -1, 1, 2, 3]), rng.randint(-3, 3)
        if (w1 * x + b1 > 0) == want_active:
            break
    w2, b2 = rng.choice([-3, -2, 2, 3]), rng.randint(-2, 2)
    t = rng.randint(-3, 5)
    z = w1 * x + b1
    h = max(z, 0)
    y = w2 * h + b2
    gate = 1 if z > 0 else 0
    grad = (y - t) * w2 * gate * x
    mistakes = Mistakes(grad)
    mistakes.add(
        (y - t) * gate * x,
        str((y - t) * gate * x),
        f"Backprop through the output layer multiplies by $w_2 = {w2}$.",
    )
    if not gate:
        mistakes.add(
            (y - t) * w2 * x,
            str((y - t) * w2 * x),
            f"$z = {z} \\le 0$, so the ReLU passes no gradient: $\\mathrm{{relu}}'(z) = 0$.",
        )
    return prompt(
        statement=(
            f"A tiny network: $z = w_1 x + b_1$, $h = \\mathrm{{relu}}(z)$, $y = w_2 h + b_2$, loss $L = "
            "\\frac12 (y - t)^2$. "
            f"With $x = {x}$, $w_1 = {w1}$, $b_1 = {b1}$, $w_2 = {w2}$, $b_2 = {b2}$, $t = {t}$, find "
            "$\\partial L/\\partial w_1$."
        ),
        answer=str(grad),
        answer_type="number",
        hints=[
            r"Forward pass first: compute $z$, $h$, $y$.",
            r"$\frac{\partial L}{\partial w_1} = (y - t)\cdot w_2 \cdot \mathrm{relu}'(z) \cdot x$.",
        ],
        solution=(
            f"Forward: $z = {z}$, $h = {h}$, $y = {y}$. Backward: $\\partial L/\\partial y = {y - t}$, "
            f"$\\partial L/\\partial h = {(y - t) * w2}$, $\\mathrm{{relu}}'(z) = {gate}$, so "
            f"$\\partial L/\\partial w_1 = {(y - t) * w2 * gate}\\cdot {x} = {grad}$."
        ),
        mistakes=mistakes,
        resources=["cs231n-backprop", "3b1b-neural-networks", "dlbook-ch6"],
    )


@family(
    "gen-minibatch-noise",
    topic="sgd-batch",
    difficulty=2,
    title="Standard deviation of a mini-batch gradient",
)
def minibatch_noise(rng: random.Random) -> dict[str, Any]:
    root = rng.choice([2, 3, 4, 5, 6, 8, 10])
    batch = root * root
    sigma = rng.randint(1, 12)
    std = Fraction(sigma, root)
    mistakes = Mistakes(std)
    mistakes.add(
        Fraction(sigma, batch),
        fs(Fraction(sigma, batch)),
        "Averaging B samples divides the *variance* by B, so the standard deviation by $\\sqrt{B}$.",
    )
    mistakes.add(
        Fraction(sigma * sigma, batch),
        fs(Fraction(sigma * sigma, batch)),
        "That is the variance; the question asks for the standard deviation.",
    )
    return prompt(
        statement=(
            f"Per-example gradients (of one weight) have standard deviation ${sigma}$ and are i.i.d. What "
            "is the "
            f"standard deviation of the mini-batch average gradient with batch size $B = {batch}$? Exact."
        ),
        answer=fs(std),
        answer_type="number",
        hints=[r"$\mathrm{Var}(\bar g) = \sigma^2 / B$ for an average of B independent samples."],
        solution=f"$\\sigma/\\sqrt{{B}} = {sigma}/{root} = {tex(std)}$.",
        mistakes=mistakes,
        resources=["dlbook-ch8", "cs231n-optimization", "ruder-gd-overview"],
    )


_DYADIC = [
    [Fraction(1, 2), Fraction(1, 2)],
    [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)],
    [Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), Fraction(1, 8)],
    [Fraction(1, 4)] * 4,
    [Fraction(1, 2), Fraction(1, 8), Fraction(1, 8), Fraction(1, 8), Fraction(1, 8)],
    [Fraction(1, 4), Fraction(1, 4), Fraction(1, 4), Fraction(1, 8), Fraction(1, 8)],
    [Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), Fraction(1, 16), Fraction(1, 16)],
]


@family(
    "gen-entropy-bits",
    topic="information-theory",
    difficulty=2,
    title="Entropy of a small distribution in bits",
)
def entropy_bits(rng: random.Random) -> dict[str, Any]:
    dist = list(rng.choice(_DYADIC))
    rng.shuffle(dist)
    entropy = sum(p * (p.denominator.bit_length() - 1) for p in dist)  # -log2 p for p = 1/2^k
    mistakes = Mistakes(entropy)
    mistakes.add(-entropy, fs(-entropy), r"Sign: $H = -\sum p\log_2 p$ is never negative.")
    uniform = Fraction(math.log2(len(dist))) if len(dist) in (2, 4) else None
    if uniform is not None:
        mistakes.add(uniform, fs(uniform), r"$\log_2 n$ is the entropy of the *uniform* distribution only.")
    return prompt(
        statement=f"Find the entropy, in bits, of the distribution $p = {texvec(dist)}$ (exact).",
        answer=fs(entropy),
        answer_type="number",
        hints=[r"$H(p) = -\sum_i p_i \log_2 p_i$.", r"$-\log_2 \frac{1}{2^k} = k$."],
        solution=(
            "$H = "
            + " + ".join(rf"{tex(p)}\cdot{p.denominator.bit_length() - 1}" for p in dist)
            + f" = {tex(entropy)}$ bits."
        ),
        mistakes=mistakes,
        resources=["colah-visual-information", "dlbook-ch3", "mackay-itila"],
    )


_KL_PS = [
    Fraction(1, 5),
    Fraction(1, 4),
    Fraction(1, 3),
    Fraction(1, 2),
    Fraction(2, 3),
    Fraction(3, 4),
    Fraction(4, 5),
]


def _kl(p: Fraction, q: Fraction, base: float = math.e) -> float:
    return float(p) * math.log(p / q, base) + float(1 - p) * math.log((1 - p) / (1 - q), base)


@family(
    "gen-kl-bernoulli", topic="information-theory", difficulty=3, title="KL divergence between two Bernoullis"
)
def kl_bernoulli(rng: random.Random) -> dict[str, Any]:
    while True:
        p, q = rng.sample(_KL_PS, 2)
        value = _kl(p, q)
        wrong = {"reversed": _kl(q, p), "bits": _kl(p, q, 2)}
        if value > 0.02 and all(abs(v - value) > 0.01 for v in wrong.values()):
            break
    mistakes = [
        {"answer": f"{wrong['reversed']:.4f}", "message": "That is $D(Q\\|P)$: KL is not symmetric."},
        {
            "answer": f"{wrong['bits']:.4f}",
            "message": "That is in bits; the question uses natural log (nats).",
        },
    ]
    return prompt(
        statement=(
            f"Let $P = \\mathrm{{Bernoulli}}({tex(p)})$ and $Q = \\mathrm{{Bernoulli}}({tex(q)})$. Compute "
            "$D_{KL}(P\\,\\|\\,Q)$ in nats, as a decimal to 3 places."
        ),
        answer=f"{value:.4f}",
        answer_type="number",
        equivalents=[f"{value:.3f}"],  # the rounding the statement asks for
        tolerance={"abs_tol": 0.0015},
        hints=[
            r"$D_{KL}(P\|Q) = p\ln\frac{p}{q} + (1-p)\ln\frac{1-p}{1-q}$.",
            "Use the natural log; the first argument weights the terms.",
        ],
        solution=(
            f"${tex(p)}\\ln\\frac{{{tex(p)}}}{{{tex(q)}}} + "
            f"{tex(1 - p)}\\ln\\frac{{{tex(1 - p)}}}{{{tex(1 - q)}}}"
            f" \\approx {value:.4f}$ nats."
        ),
        mistakes=mistakes,
        resources=["dlbook-ch3", "colah-visual-information", "murphy-pml1"],
    )
