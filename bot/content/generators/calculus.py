"""Calculus families: chain rule, polynomial derivatives, gradients, Hessians, Taylor, step sizes."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from bot.content.generators._fmt import Mistakes, fs, mat, poly, prompt, tex, texmat, vec
from bot.content.generators.registry import family


@family("gen-chain-rule", topic="derivatives", difficulty=2, title="Chain rule on a random composite")
def chain_rule(rng: random.Random) -> dict[str, Any]:
    import sympy as sp  # our own objects only: built directly, never parsed from text

    x, u = sp.symbols("x u", real=True)
    a = rng.choice([2, 3, 4, 5])
    n = rng.choice([2, 3])
    outer_name = rng.choice(["sin", "cos", "exp", "log", "power", "sqrt"])
    if outer_name in ("log", "sqrt"):
        inner = a * x**2 + rng.randint(1, 5)  # positive, so the composite is defined everywhere
    else:
        inner = a * x**n + rng.choice([-3, -2, -1, 1, 2, 3])
    m = rng.choice([3, 4, 5])
    outer = {
        "sin": sp.sin(u),
        "cos": sp.cos(u),
        "exp": sp.exp(u),
        "log": sp.log(u),
        "power": u**m,
        "sqrt": sp.sqrt(u),
    }[outer_name]
    f = outer.subs(u, inner)
    outer_prime = sp.diff(outer, u).subs(u, inner)
    inner_prime = sp.diff(inner, x)
    answer = sp.diff(f, x)
    mistakes = Mistakes(answer)
    mistakes.add(
        outer_prime,
        str(outer_prime),
        "Forgot the chain rule: multiply by the derivative of the inner function, "
        f"${sp.latex(inner_prime)}$.",
    )
    if outer_name == "cos":
        wrong = sp.sin(inner) * inner_prime
        mistakes.add(wrong, str(wrong), r"Sign error: $\frac{d}{du}\cos u = -\sin u$.")
    if outer_name == "sin":
        wrong = -sp.cos(inner) * inner_prime
        mistakes.add(wrong, str(wrong), r"$\frac{d}{du}\sin u = \cos u$ (no minus sign).")
    return prompt(
        statement=f"Let $f(x) = {sp.latex(f)}$. Find $f'(x)$.",
        answer=str(answer),
        answer_type="expression",
        equivalents=[f"({inner_prime})*({outer_prime})"],
        hints=[
            f"Write $f$ as an outer function of $u = {sp.latex(inner)}$.",
            r"Chain rule: $f'(x) = g'(u)\,u'(x)$ — differentiate the outside, keep the inside, "
            "then multiply by the inside's derivative.",
        ],
        solution=(
            f"Outer $g(u) = {sp.latex(outer)}$, inner $u = {sp.latex(inner)}$. "
            f"$g'(u) = {sp.latex(sp.diff(outer, u))}$ and $u' = {sp.latex(inner_prime)}$, so "
            f"$f'(x) = {sp.latex(answer)}$."
        ),
        mistakes=mistakes,
        resources=["3b1b-calculus", "mit-18-01sc", "khan-calculus"],
    )


@family("gen-poly-derivative", topic="derivatives", difficulty=1, title="Derivative of a cubic at a point")
def poly_derivative(rng: random.Random) -> dict[str, Any]:
    c = [rng.randint(-5, 5) for _ in range(3)] + [rng.choice([-3, -2, -1, 1, 2, 3])]  # c0..c3
    x0 = rng.randint(-3, 3)
    p_tex = poly([(c[3], "x^3"), (c[2], "x^2"), (c[1], "x"), (c[0], "")])
    dp_tex = poly([(3 * c[3], "x^2"), (2 * c[2], "x"), (c[1], "")])
    deriv = 3 * c[3] * x0**2 + 2 * c[2] * x0 + c[1]
    value = c[3] * x0**3 + c[2] * x0**2 + c[1] * x0 + c[0]
    no_factor = c[3] * x0**2 + c[2] * x0 + c[1]
    mistakes = Mistakes(deriv)
    mistakes.add(value, str(value), "That is $p(x_0)$, the value of the function — differentiate first.")
    mistakes.add(
        no_factor,
        str(no_factor),
        r"Power rule: $\frac{d}{dx}x^n = n x^{n-1}$ — the exponent comes down as a factor.",
    )
    return prompt(
        statement=f"Let $p(x) = {p_tex}$. Find $p'({x0})$ (an integer).",
        answer=str(deriv),
        answer_type="number",
        hints=[
            r"Differentiate term by term with the power rule $\frac{d}{dx}x^n = n x^{n-1}$.",
            f"$p'(x) = {dp_tex}$; now substitute $x = {x0}$.",
        ],
        solution=(f"$p'(x) = {dp_tex}$, so $p'({x0}) = {deriv}$."),
        mistakes=mistakes,
        resources=["khan-calculus", "mit-18-01sc"],
    )


@family("gen-quadratic-gradient", topic="gradients", difficulty=2, title="Gradient of a quadratic at a point")
def quadratic_gradient(rng: random.Random) -> dict[str, Any]:
    a, c = rng.choice([1, 2, 3, -1, -2]), rng.choice([1, 2, 3, -1, 4])
    b = rng.choice([-3, -2, -1, 1, 2, 3])
    d, e = rng.randint(-4, 4), rng.randint(-4, 4)
    p, q = rng.randint(-2, 3), rng.randint(-2, 3)
    g = (2 * a * p + b * q + d, b * p + 2 * c * q + e)
    f = poly([(a, "x^2"), (b, "xy"), (c, "y^2"), (d, "x"), (e, "y")])
    fx = poly([(2 * a, "x"), (b, "y"), (d, "")])
    fy = poly([(b, "x"), (2 * c, "y"), (e, "")])
    mistakes = Mistakes(g)
    no_cross = (2 * a * p + d, 2 * c * q + e)
    mistakes.add(
        no_cross,
        vec(no_cross),
        "Dropped the cross term: $\\partial(bxy)/\\partial x = by$ and $\\partial(bxy)/\\partial y = bx$ "
        f"(b = {b}).",
    )
    mistakes.add(
        (g[1], g[0]), vec((g[1], g[0])), "Components swapped: the first is $\\partial f/\\partial x$."
    )
    return prompt(
        statement=(f"Let $f(x, y) = {f}$. Find $\\nabla f({p}, {q})$ as a vector $(a, b)$."),
        answer=vec(g),
        answer_type="tuple",
        hints=[
            r"$\nabla f = (\partial f/\partial x,\ \partial f/\partial y)$: differentiate in one variable, "
            "holding the other fixed.",
            f"$\\partial f/\\partial x = {fx}$.",
        ],
        solution=(
            f"$\\partial f/\\partial x = {fx}$ and $\\partial f/\\partial y = {fy}$. "
            f"At $({p}, {q})$: $\\nabla f = {vec(g)}$."
        ),
        mistakes=mistakes,
        resources=["khan-multivariable", "mit-18-02sc", "mml-book"],
    )


@family("gen-hessian", topic="jacobians-hessians", difficulty=3, title="Hessian of a cubic at a point")
def hessian(rng: random.Random) -> dict[str, Any]:
    a = rng.choice([-2, -1, 1, 2])
    b = rng.choice([-3, -2, -1, 1, 2, 3])
    c = rng.choice([-2, -1, 1, 2, 3])
    p, q = rng.choice([-2, -1, 1, 2]), rng.randint(-2, 2)
    # f = a x^3 + b x^2 y + c y^2
    fxx, fxy, fyy = 6 * a * p + 2 * b * q, 2 * b * p, 2 * c
    h = [[fxx, fxy], [fxy, fyy]]
    f = poly([(a, "x^3"), (b, "x^2y"), (c, "y^2")])
    mistakes = Mistakes(h)
    diag = [[fxx, 0], [0, fyy]]
    mistakes.add(
        diag, mat(diag), "The mixed partials $f_{xy} = f_{yx}$ belong off the diagonal; they are not 0 here."
    )
    half = [[fxx, b * p], [b * p, fyy]]
    mistakes.add(
        half, mat(half), r"$\partial^2(b x^2 y)/\partial x\,\partial y = 2bx$ — the 2 from $x^2$ stays."
    )
    return prompt(
        statement=(
            f"Let $f(x, y) = {f}$. Find the Hessian matrix of $f$ at $({p}, {q})$, "
            "as a matrix [[a, b], [c, d]]."
        ),
        answer=mat(h),
        answer_type="matrix",
        hints=[
            r"The Hessian is $\begin{pmatrix} f_{xx} & f_{xy} \\ f_{yx} & f_{yy} \end{pmatrix}$.",
            f"$f_x = {poly([(3 * a, 'x^2'), (2 * b, 'xy')])}$ and $f_y = "
            f"{poly([(b, 'x^2'), (2 * c, 'y')])}$; "
            "differentiate each again.",
        ],
        solution=(
            f"$f_{{xx}} = {poly([(6 * a, 'x'), (2 * b, 'y')])}$, $f_{{xy}} = {poly([(2 * b, 'x')])}$, "
            f"$f_{{yy}} = {2 * c}$. "
            f"At $({p}, {q})$ the Hessian is ${texmat(h)}$."
        ),
        mistakes=mistakes,
        resources=["mit-18-02sc", "dlbook-ch4", "matrix-calculus-explained"],
    )


@family("gen-linear-approx", topic="taylor", difficulty=2, title="Linear approximation of a square root")
def linear_approx(rng: random.Random) -> dict[str, Any]:
    a = rng.randint(2, 10)
    d = rng.choice([-3, -2, -1, 1, 2, 3, 4, 5])
    approx = a + Fraction(d, 2 * a)
    mistakes = Mistakes(approx)
    mistakes.add(
        a + Fraction(d, a),
        fs(a + Fraction(d, a)),
        r"$\frac{d}{dx}\sqrt{x} = \frac{1}{2\sqrt{x}}$ — keep the 2.",
    )
    mistakes.add(Fraction(a), str(a), "That is only the zeroth-order term; add the slope times the step.")
    n = a * a + d
    return prompt(
        statement=(
            f"Use the linear (first-order Taylor) approximation of $\\sqrt{{x}}$ at $x = {a * a}$ "
            f"to estimate $\\sqrt{{{n}}}$. Give the exact fraction."
        ),
        answer=fs(approx),
        answer_type="number",
        hints=[
            r"$f(x_0 + h) \approx f(x_0) + f'(x_0)\,h$.",
            f"Here $x_0 = {a * a}$, $h = {d}$ and $f'(x) = \\frac{{1}}{{2\\sqrt{{x}}}}$.",
        ],
        solution=(
            f"$\\sqrt{{{n}}} \\approx \\sqrt{{{a * a}}} + \\frac{{{d}}}{{2\\cdot{a}}} = {tex(approx)}$."
        ),
        mistakes=mistakes,
        resources=["3b1b-calculus", "mit-18-01sc", "khan-calculus"],
    )


@family("gen-taylor-exp-coefficient", topic="taylor", difficulty=2, title="A Maclaurin coefficient of e^(kx)")
def taylor_exp_coefficient(rng: random.Random) -> dict[str, Any]:
    k = rng.choice([-3, -2, 2, 3, 4])
    n = rng.choice([2, 3, 4])
    coef = Fraction(k**n, _fact(n))
    mistakes = Mistakes(coef)
    mistakes.add(
        Fraction(k**n), str(k**n), f"Forgot to divide by ${n}!$: the $x^n$ coefficient is $f^{{(n)}}(0)/n!$."
    )
    mistakes.add(
        Fraction(k, _fact(n)),
        fs(Fraction(k, _fact(n))),
        f"Each derivative brings down another {k}: use $k^{n}$.",
    )
    return prompt(
        statement=(
            f"What is the coefficient of $x^{n}$ in the Maclaurin series of $e^{{{k}x}}$? Give an exact "
            "fraction."
        ),
        answer=fs(coef),
        answer_type="number",
        hints=[
            r"The Maclaurin coefficient of $x^n$ is $f^{(n)}(0)/n!$.",
            f"$\\frac{{d^n}}{{dx^n}} e^{{{k}x}} = ({k})^n e^{{{k}x}}$.",
        ],
        solution=f"$f^{{({n})}}(0) = ({k})^{n} = {k**n}$, divided by ${n}! = {_fact(n)}$ gives "
        f"${tex(coef)}$.",
        mistakes=mistakes,
        resources=["3b1b-calculus", "khan-calculus", "mit-18-01sc"],
    )


@family("gen-lr-threshold", topic="optimization", difficulty=3, title="Largest stable learning rate")
def lr_threshold(rng: random.Random) -> dict[str, Any]:
    a, c = rng.sample([1, 2, 3, 4, 5, 6, 8, 10], 2)
    top = max(a, c)
    answer = Fraction(1, top)
    mistakes = Mistakes(answer)
    mistakes.add(
        Fraction(2, top),
        fs(Fraction(2, top)),
        f"The curvature along that axis is $2\\cdot{top}$, not {top}: use $2/f''$.",
    )
    mistakes.add(
        Fraction(1, min(a, c)),
        fs(Fraction(1, min(a, c))),
        "The steepest direction sets the limit, not the flattest.",
    )
    return prompt(
        statement=(
            f"Gradient descent $w \\leftarrow w - \\eta \\nabla f(w)$ on $f(x, y) = {a}x^2 + {c}y^2$ "
            "converges "
            "from every starting point exactly when $0 < \\eta < \\eta^*$. Find $\\eta^*$ (exact)."
        ),
        answer=fs(answer),
        answer_type="number",
        hints=[
            r"Each coordinate evolves on its own: $x \leftarrow (1 - 2a\eta)\,x$.",
            r"You need $|1 - \eta\lambda| < 1$ for every curvature $\lambda$ (Hessian eigenvalue): "
            r"$\eta < 2/\lambda_{\max}$.",
        ],
        solution=(
            f"The Hessian is diag$({2 * a}, {2 * c})$. Stability needs $\\eta < 2/\\lambda_{{\\max}} = "
            f"2/{2 * top} = {tex(answer)}$."
        ),
        mistakes=mistakes,
        resources=["distill-momentum", "dlbook-ch4", "dlbook-ch8"],
    )


def _fact(n: int) -> int:
    out = 1
    for i in range(2, n + 1):
        out *= i
    return out
