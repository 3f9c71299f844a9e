"""Formulas mathtext can draw, the ones it cannot (clear messages), and prompt statements."""

from __future__ import annotations

import pytest

from bot.plots.errors import PlotError
from bot.plots.latex import parse, to_mathtext
from bot.plots.tex import check_formula, explain, render_statement, render_tex, translate
from tests.plots.helpers import decode


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\dfrac{1}{2}", r"\dfrac{1}{2}"),
        (r"\tfrac{a}{b}", r"\frac{a}{b}"),
        (r"x \le y \ne z", r"x \leq y \neq z"),
        (r"\lVert v \rVert", r"\Vert v \Vert"),
        (r"\bigl( x \bigr)", r"( x )"),
        (r"\displaystyle \sum_i x_i", r"\sum _{i} x_{i}"),
        # TeX's brace-free arguments: one token each
        (r"\frac12", r"\frac{1}{2}"),
        (r"\tfrac3{16}", r"\frac{3}{16}"),
        (r"\frac1n", r"\frac{1}{n}"),
        (r"\sqrt2", r"\sqrt{2}"),
        (r"\sigma/\sqrt n", r"\sigma /\sqrt{n}"),
        (r"x^12", r"x^{1}2"),
        (r"\frac\alpha\beta", r"\frac{\alpha }{\beta }"),
        (r"\binom52", r"\binom{5}{2}"),
        (r"\mathcal N(\mu, \sigma^2)", r"\mathcal{N}(\mu , \sigma ^{2})"),
        (r"\mathbb R^n", r"\mathbb{R}^{n}"),
        (r"c\,\mathbf 1", r"c\,\mathbf{1}"),
        (r"\bm x", r"\boldsymbol{x}"),
        (r"\operatorname*{arg\,max}_w", r"\operatorname{arg\,max}_{w}"),
        (r"x^\top", r"x^{\top }"),
        (r"\text{if } x > 0", r"\text{if } x > 0"),
        (r"\sqrt[3]{8}", r"\sqrt[3]{8}"),
        (r"a \stackrel{?}{=} b", r"a \overset{?}{=} b"),
    ],
)
def test_translations(latex: str, expected: str) -> None:
    assert translate(latex) == expected
    assert explain(translate(latex)) is None


def test_display_size_fractions_only_at_the_top() -> None:
    assert translate(r"\frac{1}{\frac12}", display=True) == r"\dfrac{1}{\frac{1}{2}}"
    assert translate(r"\tfrac12", display=True) == r"\frac{1}{2}"
    assert translate(r"\binom n k", display=True) == r"\genfrac{(}{)}{0}{0}{n}{k}"


def test_matrices_are_drawn_column_by_column() -> None:
    out = to_mathtext(parse(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \\ \end{bmatrix}"))
    assert out == r"\left[\,\genfrac{}{}{0}{0}{1}{{3}}\ \ \genfrac{}{}{0}{0}{2}{{4}}\,\right]"


def test_aligned_is_split_into_lines_at_the_alignment_point() -> None:
    lines = check_formula(r"\begin{align*} f(x) &= (x+1)^2 \\ &= x^2 + 2x + 1 \end{align*}", display=True)
    assert lines == [("f(x)", "= (x+1)^{2}"), ("", "= x^{2} + 2x + 1")]


def test_underbrace_becomes_a_labelled_line() -> None:
    out = translate(r"\underbrace{a+b}_{n}")
    assert out == r"\underset{n}{\underline{a+b}}"
    assert explain(out) is None


def test_left_right_and_matrices_render() -> None:
    for latex in (
        r"\left(\frac{1}{2}\right)^2",
        r"A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        r"|x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}",
        r"$$\nabla_w L = X^\top (Xw - y)$$",
        r"\begin{aligned} a &= b \\ &= c \end{aligned}",
    ):
        assert decode(render_tex(latex).png).shape[0] > 20


def test_aligned_draws_one_line_per_row() -> None:
    one = decode(render_tex(r"a = b").png)
    three = decode(render_tex(r"\begin{aligned} a &= b \\ &= c \\ &= d \end{aligned}").png)
    assert three.shape[0] > 2 * one.shape[0]


def test_unknown_command_is_named() -> None:
    with pytest.raises(PlotError, match=r"`\\foo` is not supported by the formula renderer"):
        render_tex(r"\foo{x}")
    with pytest.raises(PlotError, match=r"`\\begin\{tikzpicture\}` environment cannot be drawn"):
        render_tex(r"\begin{tikzpicture} x \end{tikzpicture}")


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        (r"x^{2", "a `{` is not closed"),
        (r"x}", "a `}` has no matching `{`"),
        (r"\frac{1}", r"`\\frac` is missing its argument"),
        (r"\begin{pmatrix} 1 & 2", r"`\\begin\{pmatrix\}` environment is not closed"),
        (r"\begin{pmatrix} 1 \end{bmatrix}", r"closed by `\\end\{bmatrix\}`"),
        (r"x^2^3", "double superscript"),
        (r"\left", r"`\\left` needs a delimiter"),
    ],
)
def test_syntax_errors_say_what_is_wrong(latex: str, message: str) -> None:
    with pytest.raises(PlotError, match=message):
        render_tex(latex)


def test_empty_and_too_long() -> None:
    with pytest.raises(PlotError, match="nothing to render"):
        render_tex("$$")
    with pytest.raises(PlotError, match="too long"):
        render_tex("x+" * 600)
    with pytest.raises(PlotError, match="nested too deeply"):
        parse("{" * 100 + "}" * 100)


def test_statement_with_a_formula_it_cannot_draw_names_it_instead_of_showing_source() -> None:
    with pytest.raises(PlotError, match=r"`\\foo` is not supported.*in `\\foo`"):
        render_statement("Compute $\\frac{d}{dx} x^2$ and $\\foo$ (costs \\$5).")


def test_statement_draws_shorthand_and_display_blocks() -> None:
    image = render_statement(
        "Let $X_i$ be i.i.d. $\\mathcal N(\\mu, \\sigma^2)$ and $\\tfrac12$ (costs \\$5).\n\n"
        "$$\\begin{aligned} a &= b \\\\ &= c \\end{aligned}$$"
    )
    assert decode(image.png).shape[1] == 900


def test_statement_wraps_long_text() -> None:
    short = decode(render_statement("One line with $x^2$.").png)
    long = decode(render_statement(" ".join(["word"] * 120) + " $e^x$").png)
    assert long.shape[0] > 2 * short.shape[0]


@pytest.mark.parametrize(
    "mathtext",
    [
        r"\sum _{i} x_{i} = \left(\frac{1}{2}\right)^{2} + \sigma ^{2}",
        r"\sqrt[3]{8}\left\{x\right. y",
        r"\genfrac{(}{)}{0}{0}{n}{k} \text{a b} f'(x)",
        r"\foo x",
        r"x^{2",
        r"\frac{1}",
        r"\left( x",
        r"a \right) b",
        r"x_{i} \mathcal{N} \unknownsym _{2}",
    ],
)
def test_piecewise_check_agrees_with_parsing_the_whole(mathtext: str) -> None:
    from bot.plots.tex import _explain_whole

    assert (explain(mathtext) is None) == (_explain_whole(mathtext) is None)
    if explain(mathtext) is not None and "Unknown" not in mathtext:
        assert explain(mathtext) == _explain_whole(mathtext) or "not supported" in explain(mathtext)


def test_piecewise_check_agrees_with_whole_parses_on_broken_bank_formulas() -> None:
    """The cached piece-by-piece check must never pass what mathtext rejects: bank formulas with
    a character deleted or a construct inserted, judged both ways."""
    import random
    import re

    from bot.content import load_content
    from bot.plots.tex import _explain_whole

    formulas = sorted(
        {
            translate(m.group(1).strip(), display=True)
            for p in load_content().prompts.values()
            for m in re.finditer(r"(?<!\\)\$\$?(.+?)\$?(?<!\\)\$", p.statement + " " + p.solution)
        }
    )
    rng = random.Random(14)
    inserts = ["{", "}", "^", "_", r"\left(", r"\right)", r"\frac", r"\sqrt{}", "'", r"\foo ", r"\hat", "&"]
    for _ in range(150):
        f = rng.choice(formulas)
        k = rng.randrange(len(f) + 1)
        broken = f[:k] + f[k + 1 :] if rng.random() < 0.4 else f[:k] + rng.choice(inserts) + f[k:]
        assert (explain(broken) is None) == (_explain_whole(broken) is None), broken
