"""Linear algebra families: products, determinants, inverses, eigenvalues, cosines, projections, PCA."""

from __future__ import annotations

import random
from fractions import Fraction
from math import isqrt
from typing import Any

from bot.content.generators._fmt import Mistakes, fs, mat, prompt, tex, texcol, texmat, texvec, vec
from bot.content.generators.registry import family

LA = ["3b1b-linear-algebra", "mit-18-06sc", "dlbook-ch2"]


def _matrix(rng: random.Random, rows: int, cols: int, lo: int = -3, hi: int = 4) -> list[list[int]]:
    return [[rng.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]


def _matmul(a: list[list[Any]], b: list[list[Any]]) -> list[list[Any]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def _transpose(a: list[list[Any]]) -> list[list[Any]]:
    return [list(col) for col in zip(*a, strict=True)]


def _p(x: int) -> str:
    """Parenthesise negatives inside products: 3\\cdot(-2)."""
    return f"({x})" if x < 0 else str(x)


def _det(a: list[list[Any]]) -> Any:
    if len(a) == 2:
        return a[0][0] * a[1][1] - a[0][1] * a[1][0]
    return sum((-1) ** j * a[0][j] * _det([row[:j] + row[j + 1 :] for row in a[1:]]) for j in range(len(a)))


@family("gen-matvec", topic="matrix-multiplication", difficulty=1, title="Matrix-vector product")
def matvec(rng: random.Random) -> dict[str, Any]:
    n = rng.choice([2, 3])
    a = _matrix(rng, n, n)
    x = [rng.randint(-3, 3) for _ in range(n)]
    y = [sum(a[i][j] * x[j] for j in range(n)) for i in range(n)]
    at = _transpose(a)
    yt = [sum(at[i][j] * x[j] for j in range(n)) for i in range(n)]
    mistakes = Mistakes(y)
    mistakes.add(
        yt, vec(yt), "You combined the columns of A with rows: entry i of Ax is row i of A dotted with x."
    )
    return prompt(
        statement=f"Let $A = {texmat(a)}$ and $x = {texcol(x)}$. Compute $Ax$ as a vector $(a, b, ...)$.",
        answer=vec(y),
        answer_type="tuple",
        hints=[
            "Entry $i$ of $Ax$ is the dot product of row $i$ of $A$ with $x$.",
            "Equivalently, $Ax$ is a combination of the columns of $A$ with weights $x_j$.",
        ],
        solution=f"Row by row: $Ax = {texvec(y)}$.",
        mistakes=mistakes,
        resources=[*LA, "khan-linear-algebra"],
    )


@family(
    "gen-matrix-product", topic="matrix-multiplication", difficulty=2, title="Product of two 2x2 matrices"
)
def matrix_product(rng: random.Random) -> dict[str, Any]:
    a, b = _matrix(rng, 2, 2), _matrix(rng, 2, 2)
    ab, ba = _matmul(a, b), _matmul(b, a)
    hadamard = [[a[i][j] * b[i][j] for j in range(2)] for i in range(2)]
    mistakes = Mistakes(ab)
    mistakes.add(
        ba, mat(ba), "That is $BA$: matrix multiplication does not commute — rows of A times columns of B."
    )
    mistakes.add(
        hadamard, mat(hadamard), "That is the elementwise (Hadamard) product, not the matrix product."
    )
    return prompt(
        statement=f"Let $A = {texmat(a)}$ and $B = {texmat(b)}$. Compute $AB$ as a matrix [[a, b], [c, d]].",
        answer=mat(ab),
        answer_type="matrix",
        hints=[
            "Entry $(i, j)$ of $AB$ is row $i$ of $A$ dotted with column $j$ of $B$.",
            f"Top-left: ${_p(a[0][0])}\\cdot{_p(b[0][0])} + {_p(a[0][1])}\\cdot{_p(b[1][0])}$.",
        ],
        solution=f"$AB = {texmat(ab)}$ (and note $BA = {texmat(ba)}$ is different in general).",
        mistakes=mistakes,
        resources=[*LA, "khan-linear-algebra"],
    )


@family("gen-determinant", topic="determinants-inverses", difficulty=2, title="Determinant of a 2x2 or 3x3")
def determinant(rng: random.Random) -> dict[str, Any]:
    n = rng.choice([2, 2, 3])
    a = _matrix(rng, n, n)
    det = _det(a)
    mistakes = Mistakes(det)
    if n == 2:
        wrong = a[0][0] * a[1][1] + a[0][1] * a[1][0]
        mistakes.add(wrong, str(wrong), "Sign error: $\\det = ad - bc$, minus the off-diagonal product.")
        formula = r"$\det\begin{pmatrix} a & b \\ c & d \end{pmatrix} = ad - bc$."
        formula_solution = (
            f"{formula} Here ${_p(a[0][0])}\\cdot{_p(a[1][1])} - {_p(a[0][1])}\\cdot{_p(a[1][0])} = {det}$."
        )
    else:
        wrong = sum(a[0][j] * _det([row[:j] + row[j + 1 :] for row in a[1:]]) for j in range(3))
        mistakes.add(wrong, str(wrong), "Cofactor signs alternate $+,-,+$ along the first row.")
        formula = "Expand along the first row with signs $+, -, +$ and the 2x2 minors."
        minors = [_det([row[:j] + row[j + 1 :] for row in a[1:]]) for j in range(3)]
        expansion = " ".join(
            (sign if j else "") + rf"{_p(a[0][j])}\cdot{_p(minors[j])}"
            for j, sign in enumerate(("", "- ", "+ "))
        )
        formula_solution = (
            f"{formula} The minors are ${minors[0]}, {minors[1]}, {minors[2]}$: ${expansion} = {det}$."
        )
    return prompt(
        statement=f"Compute $\\det {texmat(a)}$.",
        answer=str(det),
        answer_type="number",
        hints=[
            formula,
            "Double-check each 2x2 product and its sign." if n == 3 else "Which product is subtracted?",
        ],
        solution=formula_solution,
        mistakes=mistakes,
        resources=[*LA, "strang-intro-la"],
    )


@family("gen-inverse-2x2", topic="determinants-inverses", difficulty=2, title="Inverse of a 2x2 matrix")
def inverse_2x2(rng: random.Random) -> dict[str, Any]:
    while True:
        a = _matrix(rng, 2, 2, -4, 5)
        det = _det(a)
        if det in (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5) and a[0][1] != 0:
            break
    (p, q), (r, s) = a
    inv = [[Fraction(s, det), Fraction(-q, det)], [Fraction(-r, det), Fraction(p, det)]]
    adj = [[s, -q], [-r, p]]
    no_sign = [[Fraction(s, det), Fraction(q, det)], [Fraction(r, det), Fraction(p, det)]]
    mistakes = Mistakes(inv)
    mistakes.add(adj, mat(adj), f"Divide the adjugate by the determinant ({det}).")
    mistakes.add(no_sign, mat(no_sign), "Swap the diagonal and *negate* the off-diagonal entries.")
    return prompt(
        statement=f"Find $A^{{-1}}$ for $A = {texmat(a)}$, as a matrix [[a, b], [c, d]] with exact "
        "fractions.",
        answer=mat(inv),
        answer_type="matrix",
        hints=[
            r"$\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad - bc}"
            r"\begin{pmatrix} d & -b \\ -c & a \end{pmatrix}$.",
            f"Here $ad - bc = {det}$.",
        ],
        solution=f"$\\det A = {det}$, so $A^{{-1}} = \\frac{{1}}{{{det}}}{texmat(adj)} = {texmat(inv)}$.",
        mistakes=mistakes,
        resources=[*LA, "khan-linear-algebra"],
    )


@family("gen-symmetric-eigenvalues", topic="eigen", difficulty=3, title="Eigenvalues of a symmetric 2x2")
def symmetric_eigenvalues(rng: random.Random) -> dict[str, Any]:
    while True:
        a, d = rng.randint(-4, 6), rng.randint(-4, 6)
        b = rng.choice([-4, -3, -2, -1, 1, 2, 3, 4])
        disc = (a - d) ** 2 + 4 * b * b
        root = isqrt(disc)
        if root * root == disc and (a + d + root) % 2 == 0:
            break
    l1, l2 = (a + d + root) // 2, (a + d - root) // 2
    m = [[a, b], [b, d]]
    mistakes = Mistakes({l1, l2})
    if a != d:
        mistakes.add(
            {a, d},
            "{" + f"{a}, {d}" + "}",
            "The diagonal entries are the eigenvalues only for a diagonal (or triangular) matrix.",
        )
    return prompt(
        statement=f"Find the eigenvalues of $A = {texmat(m)}$. Answer as a set $\\{{\\lambda_1, "
        "\\lambda_2\\}$.",
        answer="{" + f"{l1}, {l2}" + "}",
        answer_type="set",
        hints=[
            r"Solve $\det(A - \lambda I) = 0$.",
            r"For a 2x2: $\lambda^2 - (\mathrm{tr}\,A)\lambda + \det A = 0$; here "
            f"$\\mathrm{{tr}}\\,A = {a + d}$, $\\det A = {a * d - b * b}$.",
        ],
        solution=(
            f"$\\lambda^2 - {a + d}\\lambda + ({a * d - b * b}) = 0$ gives $\\lambda = {l1}$ and ${l2}$ "
            f"(check: sum ${l1 + l2}$ = trace, product ${l1 * l2}$ = determinant)."
        ),
        mistakes=mistakes,
        resources=[*LA, "khan-linear-algebra"],
    )


_INT_NORM_2D = [(3, 4), (4, 3), (5, 12), (12, 5), (6, 8), (8, 6), (0, 5), (5, 0), (0, 1), (1, 0)]
_INT_NORM_3D = [
    (1, 2, 2),
    (2, 1, 2),
    (2, 2, 1),
    (2, 3, 6),
    (3, 6, 2),
    (6, 2, 3),
    (4, 4, 7),
    (1, 4, 8),
    (8, 4, 1),
]


def _norm(v: tuple[int, ...]) -> int:
    return isqrt(sum(x * x for x in v))


def _int_norm_vector(rng: random.Random, dim: int) -> tuple[int, ...]:
    base = rng.choice(_INT_NORM_2D if dim == 2 else _INT_NORM_3D)
    return tuple(x * rng.choice([1, -1]) for x in base)


@family("gen-cosine-similarity", topic="vectors", difficulty=1, title="Cosine similarity of two vectors")
def cosine_similarity(rng: random.Random) -> dict[str, Any]:
    dim = rng.choice([2, 3])
    while True:
        u, v = _int_norm_vector(rng, dim), _int_norm_vector(rng, dim)
        if u != v and u != tuple(-x for x in v):
            break
    dot = sum(a * b for a, b in zip(u, v, strict=True))
    nu, nv = _norm(u), _norm(v)
    cos = Fraction(dot, nu * nv)
    mistakes = Mistakes(cos)
    mistakes.add(
        Fraction(dot), str(dot), "That is the dot product; divide by both lengths to get the cosine."
    )
    mistakes.add(
        Fraction(dot, nu * nu), fs(Fraction(dot, nu * nu)), "Divide by $\\|u\\|\\,\\|v\\|$, not $\\|u\\|^2$."
    )
    return prompt(
        statement=f"Find the cosine similarity of $u = {texvec(u)}$ and $v = {texvec(v)}$ (exact fraction).",
        answer=fs(cos),
        answer_type="number",
        hints=[
            r"$\cos\theta = \dfrac{u \cdot v}{\|u\|\,\|v\|}$.",
            f"$u \\cdot v = {dot}$; both lengths are whole numbers here.",
        ],
        solution=f"$u\\cdot v = {dot}$, $\\|u\\| = {nu}$, $\\|v\\| = {nv}$, so $\\cos\\theta = {tex(cos)}$.",
        mistakes=mistakes,
        resources=["3b1b-linear-algebra", "khan-linear-algebra", "mml-book"],
    )


@family("gen-projection", topic="projections-least-squares", difficulty=2, title="Projection onto a line")
def projection(rng: random.Random) -> dict[str, Any]:
    while True:
        a = [rng.randint(-2, 3) for _ in range(2)]
        b = [rng.randint(-3, 4) for _ in range(2)]
        if any(a) and any(b) and a[0] * b[1] != a[1] * b[0]:
            break
    ab = sum(x * y for x, y in zip(a, b, strict=True))
    aa = sum(x * x for x in a)
    bb = sum(x * x for x in b)
    p = [Fraction(ab, aa) * x for x in a]
    mistakes = Mistakes(p)
    wrong = [ab * x for x in a]
    mistakes.add(
        wrong, vec(wrong), "Divide by $a \\cdot a$: the projection is $\\frac{a\\cdot b}{a\\cdot a}\\,a$."
    )
    swapped = [Fraction(ab, bb) * x for x in b]
    mistakes.add(
        swapped, vec(swapped), "That projects $a$ onto $b$; the question projects $b$ onto the line of $a$."
    )
    return prompt(
        statement=(
            f"Project $b = {texvec(b)}$ onto the line spanned by $a = {texvec(a)}$. "
            "Give the projection as a vector $(p_1, p_2)$ with exact fractions."
        ),
        answer=vec(p),
        answer_type="tuple",
        hints=[
            r"$\mathrm{proj}_a b = \dfrac{a \cdot b}{a \cdot a}\, a$.",
            f"$a \\cdot b = {ab}$ and $a \\cdot a = {aa}$.",
        ],
        solution=f"$\\frac{{{ab}}}{{{aa}}}\\,a = {texvec(p)}$; the error $b - p$ is orthogonal to $a$.",
        mistakes=mistakes,
        resources=["mit-18-06sc", "strang-intro-la", "khan-linear-algebra"],
    )


@family("gen-pca-variance", topic="svd-pca", difficulty=3, title="Variance explained from singular values")
def pca_variance(rng: random.Random) -> dict[str, Any]:
    s = sorted(rng.sample(range(1, 9), 3), reverse=True)
    k = rng.choice([1, 2])
    sq = [x * x for x in s]
    frac = Fraction(sum(sq[:k]), sum(sq))
    mistakes = Mistakes(frac)
    raw = Fraction(sum(s[:k]), sum(s))
    mistakes.add(raw, fs(raw), "Variance goes with the *squared* singular values, $\\sigma_i^2$.")
    mistakes.add(1 - frac, fs(1 - frac), "That is the variance left out, not explained.")
    which = "first principal component" if k == 1 else "first two principal components"
    return prompt(
        statement=(
            f"A centered data matrix has singular values ${s[0]}, {s[1]}, {s[2]}$. What fraction of the "
            "total "
            f"variance is explained by the {which}? Exact fraction."
        ),
        answer=fs(frac),
        answer_type="number",
        hints=[
            r"The variance along component $i$ is proportional to $\sigma_i^2$.",
            f"Squares: ${sq[0]}, {sq[1]}, {sq[2]}$.",
        ],
        solution=f"$\\frac{{{' + '.join(map(str, sq[:k]))}}}{{{' + '.join(map(str, sq))}}} = {tex(frac)}$.",
        mistakes=mistakes,
        resources=["shlens-pca-tutorial", "mit-18-065", "dlbook-ch2"],
    )
