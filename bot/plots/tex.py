"""LaTeX to PNG with matplotlib's mathtext: no TeX installation, no shell, no files.

mathtext draws most of what a maths prompt needs but not everything; we translate the common
gaps (``\\dfrac``, ``\\text``, ``\\le``, matrices, cases) and say plainly what is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from bot.plots.errors import PlotError
from bot.plots.models import TexImage

MAX_LATEX = 1000
MAX_STATEMENT = 4000
_TEX_FONTSIZE = 26
_STATEMENT_FONTSIZE = 17
_STATEMENT_WIDTH_PX = 900

_SIMPLE = [
    (r"\dfrac", r"\frac"),
    (r"\tfrac", r"\frac"),
    (r"\displaystyle", ""),
    (r"\textstyle", ""),
    (r"\lVert", r"\Vert"),
    (r"\rVert", r"\Vert"),
    (r"\lvert", "|"),
    (r"\rvert", "|"),
    (r"\iff", r"\Leftrightarrow"),
    (r"\implies", r"\Rightarrow"),
    (r"\textbf", r"\mathbf"),
    (r"\bm", r"\boldsymbol"),
    (r"\bmod", r"\ \mathrm{mod}\ "),
    (r"\nonumber", ""),
    (r"\&", "&"),
]
_WORD_SWAPS = {r"\le": r"\leq", r"\ge": r"\geq", r"\ne": r"\neq"}
_SIZING = re.compile(r"\\[Bb]igg?[lrm]?(?![A-Za-z])")
_TAGS = re.compile(r"\\(?:tag|label)\{[^{}]*\}")
_PMOD = re.compile(r"\\pmod\{([^{}]*)\}")
_ENV = re.compile(r"\\begin\{(\w+\*?)\}(\{[^{}]*\})?(.*?)\\end\{\1\}", re.DOTALL)
_DELIMS = {
    "pmatrix": (r"\left(", r"\right)"),
    "bmatrix": (r"\left[", r"\right]"),
    "Bmatrix": (r"\left\{", r"\right\}"),
    "vmatrix": (r"\left|", r"\right|"),
    "Vmatrix": (r"\left\Vert", r"\right\Vert"),
    "matrix": ("", ""),
    "smallmatrix": ("", ""),
    "cases": (r"\left\{", r"\right."),
    "array": ("", ""),
    "aligned": ("", ""),
    "align": ("", ""),
    "align*": ("", ""),
    "gathered": ("", ""),
    "gather": ("", ""),
    "gather*": ("", ""),
    "split": ("", ""),
}


def _literally(text: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts `text` as is (backslashes are not escapes)."""
    return lambda _match: text


def _stack(rows: list[str]) -> str:
    """Rows on top of each other: mathtext has no arrays, but a rule-less \\genfrac stacks two."""
    if len(rows) == 1:
        return "{" + rows[0] + "}"
    return r"\genfrac{}{}{0}{}{" + rows[0] + "}{" + _stack(rows[1:]) + "}"


def _environment(match: re.Match[str]) -> str:
    name, body = match.group(1), match.group(3)
    if name not in _DELIMS:
        raise PlotError(
            f"the `\\begin{{{name}}}` environment cannot be drawn here; "
            "matrices (pmatrix, bmatrix, ...), cases and aligned are supported"
        )
    rows = [r.strip() for r in re.split(r"\\\\", body) if r.strip()]
    if not rows:
        return ""
    if len(rows) > 8:
        raise PlotError("too many rows to draw (at most 8)")
    cells = [r"\quad ".join(c.strip() for c in row.split("&")) for row in rows]
    left, right = _DELIMS[name]
    return f"{left}{_stack(cells)}{right}"


def translate(latex: str) -> str:
    """Rewrite what mathtext lacks into what it has (same meaning, close enough look)."""
    s = latex
    for _ in range(4):  # nested environments, innermost first
        s2 = _ENV.sub(_environment, s)
        if s2 == s:
            break
        s = s2
    if r"\begin{" in s:
        env = re.search(r"\\begin\{([^{}]*)\}", s)
        name = env.group(1) if env else "?"
        raise PlotError(f"the `\\begin{{{name}}}` environment is not closed or not supported")
    for old, new in _SIMPLE:
        s = re.sub(re.escape(old) + r"(?![A-Za-z])", _literally(new), s)
    for old, new in _WORD_SWAPS.items():
        s = re.sub(re.escape(old) + r"(?![A-Za-z])", _literally(new), s)
    s = _SIZING.sub("", s)
    s = _TAGS.sub("", s)
    s = _PMOD.sub(r"\\ (\\mathrm{mod}\\ \1)", s)
    return s.strip()


@lru_cache(maxsize=1)
def _parser() -> object:
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def explain(latex: str) -> str | None:
    """None when mathtext can draw ``latex`` (no dollars), else a one-line reason."""
    try:
        _parser().parse(f"${latex}$")  # type: ignore[attr-defined]
    except ValueError as exc:
        text = str(exc)
        unknown = re.search(r"Unknown symbol: (\\?\w+)", text)
        if unknown:
            return f"`{unknown.group(1)}` is not supported by the formula renderer"
        at = re.search(r"at char (\d+)", text)
        missing = "a closing `}`" if "end_group" in text else None
        where = ""
        if at:
            pos = max(0, int(at.group(1)) - 1)  # the parser counts the opening $
            where = f" near `{latex[max(0, pos - 10) : pos + 10]}`" if latex else ""
        return f"could not read the formula{where}" + (f": expected {missing}" if missing else "")
    except Exception as exc:  # pragma: no cover - mathtext internals (fonts, etc.)
        return f"could not draw the formula ({type(exc).__name__})"
    return None


def mathtext_ok(latex: str) -> bool:
    return explain(latex) is None


def _strip_delimiters(latex: str) -> str:
    s = latex.strip()
    for left, right in (("$$", "$$"), (r"\[", r"\]"), (r"\(", r"\)"), ("$", "$")):
        if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
            return s[len(left) : len(s) - len(right)].strip()
    return s


def render_tex(latex: str) -> TexImage:
    """``/tex``: one formula as a PNG; PlotError says what mathtext could not draw."""
    from bot.plots import theme

    body = _strip_delimiters(latex)
    if not body:
        raise PlotError("nothing to render: type a formula, e.g. `\\frac{d}{dx} x^2 = 2x`")
    if len(body) > MAX_LATEX:
        raise PlotError(f"formula too long ({len(body)} characters, at most {MAX_LATEX})")
    body = translate(body)
    problem = explain(body)
    if problem:
        raise PlotError(problem)
    fig = theme.new_figure(200, 100)
    fig.text(0.5, 0.5, f"${body}$", fontsize=_TEX_FONTSIZE, color=theme.FOREGROUND, ha="center", va="center")
    return TexImage(theme.to_png(fig, tight=True))


# --- statements: Markdown text with $..$ formulas --------------------------------------------

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)
_SLOT = re.compile(r"\x00(\d+)\x00")


def _plain(text: str) -> str:
    """Markdown emphasis and code marks off; literal dollars escaped for matplotlib."""
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = text.replace("\\$", "$")
    return text.replace("$", r"\$")


def _formula(src: str, warnings: list[str]) -> str:
    """A formula as matplotlib mathtext, or its source as plain text (with a warning)."""
    src = src.strip()
    try:
        body = translate(src)
        problem = explain(body)
    except PlotError as exc:
        body, problem = src, str(exc)
    if problem:
        warnings.append(f"{problem}; shown as plain text: {src}")
        return _plain(src)
    return f"${body}$" if body else ""


def _tokens(paragraph: str, warnings: list[str]) -> list[tuple[str, bool]]:
    """Words (formulas glued to their punctuation) and display formulas of one paragraph."""
    out: list[tuple[str, bool]] = []
    pieces = _DISPLAY.split(paragraph)
    for i, piece in enumerate(pieces):
        if i % 2 == 1:
            out.append((_formula(piece, warnings), True))
            continue
        formulas: list[str] = []

        def stash(m: re.Match[str], formulas: list[str] = formulas) -> str:
            formulas.append(m.group(1))
            return f"\x00{len(formulas) - 1}\x00"

        for word in _INLINE.sub(stash, piece).split():
            parts = _SLOT.split(word)
            text = "".join(
                _plain(p) if j % 2 == 0 else _formula(formulas[int(p)], warnings) for j, p in enumerate(parts)
            )
            if text:
                out.append((text, False))
    return out


def _paragraphs(markdown: str) -> list[str]:
    paras: list[str] = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = []
        for line in block.splitlines():
            line = re.sub(r"^\s*#+\s*", "", line)
            line = re.sub(r"^\s*[-*+]\s+", "• ", line)
            lines.append(line.strip())
        if any(lines):
            # keep list items on their own lines
            joined = ""
            for line in lines:
                joined += ("\n" if line.startswith("•") and joined else " ") + line
            paras.extend(p.strip() for p in joined.split("\n") if p.strip())
    return paras


def render_statement(markdown: str) -> TexImage:
    """A short prompt statement (Markdown with ``$..$``) as one wrapped image.

    Formulas mathtext cannot draw are shown as their source text and listed in ``warnings``
    rather than failing: a daily prompt should always post.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import IdentityTransform

    from bot.plots import theme

    if not markdown.strip():
        raise PlotError("empty statement")
    if len(markdown) > MAX_STATEMENT:
        raise PlotError(f"statement too long ({len(markdown)} characters, at most {MAX_STATEMENT})")
    warnings: list[str] = []
    scratch = theme.new_figure(_STATEMENT_WIDTH_PX, 100)
    renderer = scratch.canvas.get_renderer()  # type: ignore[attr-defined]
    prop = FontProperties(size=_STATEMENT_FONTSIZE)
    dpi_scale = theme.DPI / 72

    def measure(s: str) -> tuple[float, float, float]:
        w, h, d = renderer.get_text_width_height_descent(s, prop, ismath="$" in s.replace(r"\$", ""))
        return w, h, d

    space_w = measure("a a")[0] - 2 * measure("a")[0]
    margin = 24.0
    usable = _STATEMENT_WIDTH_PX - 2 * margin
    lines: list[tuple[list[str], bool]] = []  # (words, centred)
    for para in _paragraphs(markdown):
        current: list[str] = []
        width = 0.0
        for tok, display in _tokens(para, warnings):
            if display:
                if current:
                    lines.append((current, False))
                lines.append(([tok], True))
                current, width = [], 0.0
                continue
            w = measure(tok)[0]
            if current and width + space_w + w > usable:
                lines.append((current, False))
                current, width = [], 0.0
            current.append(tok)
            width += (space_w if width else 0.0) + w
        if current:
            lines.append((current, False))
        lines.append(([], False))  # paragraph gap
    if lines and not lines[-1][0]:
        lines.pop()
    base_h = measure("Ag")[1] * 1.45
    heights = []
    for words, _ in lines:
        if not words:
            heights.append(base_h * 0.5)
            continue
        _, h, d = measure(" ".join(words))
        heights.append(max(base_h, (h - d) * 1.15 + d * 1.6 + 8))
    total_h = int(sum(heights) + 2 * margin)
    fig = theme.new_figure(_STATEMENT_WIDTH_PX, max(60, total_h))
    y = total_h - margin
    for (words, centred), h in zip(lines, heights, strict=True):
        y -= h
        if words:
            _, _, d = measure(" ".join(words))
            x = _STATEMENT_WIDTH_PX / 2 if centred else margin
            fig.text(
                x,
                y + d + (h - base_h) * 0.35,
                " ".join(words),
                fontproperties=prop,
                color=theme.FOREGROUND,
                ha="center" if centred else "left",
                va="baseline",
                transform=IdentityTransform(),
            )
    del dpi_scale
    return TexImage(theme.to_png(fig), tuple(warnings))
