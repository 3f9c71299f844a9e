"""Formulas as the Unicode text members read: no `$`, no `\\commands`, and honest about what
needs an image instead."""

from __future__ import annotations

import pytest

from bot.plots.latex_text import formula_text, has_raw_latex, readable


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"P(\text{alert}\mid\text{crash})", "P(alert | crash)"),
        (r"\frac12 + \frac{a+b}{c}", "½ + (a+b)/c"),
        (r"\sigma^2 + x_1 + x_{ij}", "σ² + x₁ + xᵢⱼ"),
        (r"\sqrt n + \sqrt{x+1}", "√n + √(x+1)"),
        (r"\sum_{i=1}^n x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"\mathcal N(\mu, \sigma^2)", "𝒩(μ, σ²)"),
        (r"\mathbb R^n", "ℝⁿ"),
        (r"x^\top A x", "xᵀ A x"),
        (r"a \le b \ne c", "a ≤ b ≠ c"),
        (r"\nabla f\cdot\partial x", "∇f·∂x"),
        (r"\operatorname{Var}(X)", "Var(X)"),
        (r"\binom52", "C(5, 2)"),
        (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
        (r"\frac{1}{2\sqrt u}", "1/(2√u)"),
        (r"\frac{d}{dx} x^2", "d/dx x²"),
        (r"\tanh(z) + \ln 3", "tanh(z) + ln 3"),
        (r"\theta_{t+1} = \theta_t - \eta\nabla L", "θₜ₊₁ = θₜ − η∇L"),
        (r"\hat\sigma^2", "σ̂²"),
        (r"\frac{(b-a)^2}{12}", "(b−a)²/12"),
        (r"x = \pm 1", "x = ±1"),
    ],
)
def test_clean_conversions(latex: str, text: str) -> None:
    out = formula_text(latex)
    assert (out.text, out.clean) == (text, True)


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"e^{-x^2/2}", "e^(−x²/2)"),  # no superscript slash in Unicode
        (r"p_\theta", "p_θ"),  # no subscript theta
        (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", "[1, 2; 3, 4]"),
        (r"\foo x", "foox"),
    ],
)
def test_what_has_no_faithful_text_is_flagged_for_an_image(latex: str, text: str) -> None:
    out = formula_text(latex)
    assert (out.text, out.clean) == (text, False)


def test_markdown_keeps_code_and_money_and_lists_pictures() -> None:
    r = readable("Use $\\frac{d}{dx}e^{x^2}$ and `code $x$`, cost \\$5.\n\n$$\\sum_i x_i^2$$\nDone.")
    assert r.text == "Use d/dx e^(x²) and `code $x$`, cost $5.\n\n∑ᵢ xᵢ²\n\nDone."
    assert r.pictures == (r"\frac{d}{dx}e^{x^2}", r"\sum_i x_i^2")
    assert not has_raw_latex(r.text)


def test_clean_inline_maths_needs_no_picture() -> None:
    r = readable(r"Critical points solve $f'(x) = 3x^2 - 3 = 0$.")
    assert r == readable(r"Critical points solve $f'(x) = 3x^2 - 3 = 0$.")
    assert r.text == "Critical points solve f'(x) = 3x² − 3 = 0." and r.pictures == ()


def test_raw_latex_detector() -> None:
    assert has_raw_latex(r"see $x^2$") and has_raw_latex(r"\alpha") and has_raw_latex("$x$")
    assert not has_raw_latex("costs $5 or $10") and not has_raw_latex("`\\frac{a}{b}` in code")
