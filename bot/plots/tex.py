"""LaTeX to PNG with matplotlib's mathtext: no TeX installation, no shell, no files.

mathtext draws most of what a maths prompt needs but not everything. ``bot.plots.latex`` reads
the TeX people write (brace-free arguments, ``\\binom``, ``\\mathcal N``, matrices, cases,
aligned) and hands mathtext what it can draw; whatever is left gets a message naming it, never
an image of the source text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from bot.plots.errors import PlotError
from bot.plots.latex import display_lines, parse, to_mathtext
from bot.plots.models import TexImage

MAX_LATEX = 1000
MAX_STATEMENT = 4000
_TEX_FONTSIZE = 26
_STATEMENT_FONTSIZE = 17
_STATEMENT_WIDTH_PX = 900


def translate(latex: str, *, display: bool = False) -> str:
    """The TeX people write as mathtext (braces made explicit, missing commands rewritten).

    ``display`` draws top-level fractions at display size, as TeX does in ``$$..$$``."""
    return to_mathtext(parse(latex), display=display)


def _lines(latex: str, *, display: bool) -> list[tuple[str, str]]:
    """A formula as lines of (left, right) mathtext, split at the alignment point of `aligned`."""
    tree = parse(latex)
    split = display_lines(tree)
    if split is None:
        return [("", to_mathtext(tree, display=display))]
    return [(to_mathtext(a, display=display), to_mathtext(b, display=display)) for a, b in split]


@lru_cache(maxsize=1)
def _parser() -> object:
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def explain(latex: str) -> str | None:
    """None when mathtext can draw ``latex`` (no dollars), else a one-line reason.

    mathtext's grammar reads a formula as a sequence of top-level pieces (a symbol with its
    scripts, a command with its braced arguments, a ``\\left..\\right`` span), and the whole
    parses exactly when every piece does; inside a piece, a maths argument (a script, a fraction's
    parts, a root, a ``\\left..\\right`` body) parses exactly when its own pieces do. So pieces
    are parsed one at a time with those arguments stood in for by ``x`` and checked the same way,
    digits and plain letters normalised, and cached: ``content validate`` checks thousands of
    formulas built from a few hundred such shapes (pyparsing costs ~10 ms a parse). A formula
    reported bad is always confirmed by parsing it whole, which also words the message.
    """
    if latex.strip() and _ok_shape(_shape(latex)):
        return None
    return _explain_whole(latex)


@lru_cache(maxsize=16384)
def _ok_shape(shape: str) -> bool:
    """Generated prompts repeat one formula with other numbers: one check for all of them."""
    return _ok(shape, 0)


def _ok(latex: str, depth: int) -> bool:
    if depth > 60:  # far deeper than the front end lets through: just parse it
        return _explain_whole(latex) is None
    for piece in pieces(latex):
        skeleton, arguments = _skeleton(piece)
        if _explain_piece(_shape(skeleton)) is not None:
            return False
        if not all(_ok(arg, depth + 1) for arg in arguments if arg.strip()):
            return False
    return True


#: Commands whose braced arguments are maths (checked on their own) rather than names or sizes.
_MATH_ARGS = {"\\frac": 2, "\\dfrac": 2, "\\binom": 2, "\\sqrt": 1, "\\overset": 2, "\\underset": 2}


def _skeleton(piece: str) -> tuple[str, list[str]]:
    """``\\frac{a+b}{c}^{2}`` -> (``\\frac{x}{x}^{x}``, [``a+b``, ``c``, ``2``])."""
    toks = _PIECE_TOKEN.findall(piece)
    out: list[str] = []
    args: list[str] = []
    i = 0
    pending = 0  # maths arguments still to come for the command just read
    while i < len(toks):
        tok = toks[i]
        if tok == "{":
            j, level = i + 1, 1
            while j < len(toks) and level:
                level += {"{": 1, "}": -1}.get(toks[j], 0)
                j += 1
            if level:  # unbalanced: leave it to the parser
                return piece, []
            previous = next((t for t in reversed(out) if not t.isspace()), "")
            inner = "".join(toks[i + 1 : j - 1])
            if (pending or previous in ("^", "_") or not out) and inner.strip():
                args.append(inner)
                out.append("{x}")
                pending = max(0, pending - 1)
            elif pending:  # an empty maths argument (`\\sqrt{}`): the parser judges it as written
                out.extend(toks[i:j])
                pending -= 1
            else:
                out.extend(toks[i:j])
            i = j
            continue
        if tok in ("\\left", "\\right") and i + 1 < len(toks):
            out.extend(toks[i : i + 2])
            if tok == "\\left":  # the body up to the matching \\right
                j, level = i + 2, 1
                while j < len(toks) and level:
                    level += {"\\left": 1, "\\right": -1}.get(toks[j], 0)
                    j += 1
                if level:
                    return piece, []
                args.append("".join(toks[i + 2 : j - 1]))
                out.append("x")
                i = j - 1
                continue
            i += 2
            continue
        if tok == "[" and out and out[-1] == "\\sqrt":  # the root's index: kept as written
            j = toks.index("]", i) if "]" in toks[i:] else len(toks) - 1
            out.extend(toks[i : j + 1])
            i = j + 1
            continue
        if not tok.isspace():
            pending = _MATH_ARGS.get(tok, 0) if tok.startswith("\\") else 0 if tok not in "^_" else pending
        out.append(tok)
        i += 1
    return "".join(out), args


_PIECE_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\s+|.", re.DOTALL)
_GLUED = {"^", "_", "'", "{", "["}


def pieces(mathtext: str) -> list[str]:
    """Top-level pieces of a mathtext string (see ``explain``); braces inside stay whole."""
    out: list[str] = []
    current = ""
    depth = lr = 0
    delimiter_next = False
    previous = ""
    for tok in _PIECE_TOKEN.findall(mathtext):
        if delimiter_next:
            current += tok
            delimiter_next = False
            continue
        if depth == 0 and lr == 0 and current.strip() and not tok.isspace() and tok not in _GLUED:
            out.append(current)
            current = ""
        current += tok
        if tok == "{" or (tok == "[" and previous == "\\sqrt"):
            depth += 1
        elif tok == "}" or (tok == "]" and depth > 0):
            depth -= 1
        elif tok == "\\left" and depth == 0:
            lr += 1
            delimiter_next = True
        elif tok == "\\right" and depth == 0:
            lr -= 1
            delimiter_next = True
        if not tok.isspace():
            previous = tok
    if current.strip():
        out.append(current)
    return out


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LETTERS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]+")


def _shape(piece: str) -> str:
    """Digits and plain letters parse the same whatever they are: one cache entry for all."""
    piece = re.sub(r"(?<!\\)\s+$", "", piece.lstrip())  # a control space keeps its space
    return _LETTERS.sub("x", _NUMBER.sub("1", piece))


@lru_cache(maxsize=16384)
def _explain_piece(piece: str) -> str | None:
    return _explain_whole(piece)


def _explain_whole(latex: str) -> str | None:
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


def check_formula(latex: str, *, display: bool = False) -> list[tuple[str, str]]:
    """The lines mathtext will draw for ``latex``; PlotError names what it cannot draw.

    This is the whole check ``content validate`` runs: the same parse the renderer does."""
    lines = _lines(latex, display=display)
    for left, right in lines:
        for piece in (left, right):
            problem = explain(piece) if piece else None
            if problem:
                raise PlotError(problem)
    return lines


def _measure(renderer: object, prop: object) -> Callable[[str], tuple[float, float, float]]:
    def measure(s: str) -> tuple[float, float, float]:
        if not s:
            return 0.0, 0.0, 0.0
        ismath = "$" in s.replace(r"\$", "")
        w, h, d = renderer.get_text_width_height_descent(s, prop, ismath=ismath)  # type: ignore[attr-defined]
        return float(w), float(h), float(d)

    return measure


def render_tex(latex: str) -> TexImage:
    """``/tex``: one formula as a PNG at display size; aligned lines drawn one under another.

    PlotError says what mathtext could not draw."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import IdentityTransform

    from bot.plots import theme

    body = _strip_delimiters(latex)
    if not body:
        raise PlotError("nothing to render: type a formula, e.g. `\\frac{d}{dx} x^2 = 2x`")
    if len(body) > MAX_LATEX:
        raise PlotError(f"formula too long ({len(body)} characters, at most {MAX_LATEX})")
    lines = check_formula(body, display=True)
    if len(lines) == 1 and not lines[0][0]:
        # one line: nothing to align, so no measuring pass (half the cost of a formula)
        fig = theme.new_figure(200, 100)
        fig.text(
            0.5,
            0.5,
            f"${lines[0][1]}$",
            fontsize=_TEX_FONTSIZE,
            color=theme.FOREGROUND,
            ha="center",
            va="center",
        )
        return TexImage(theme.to_png(fig, tight=True))
    prop = FontProperties(size=_TEX_FONTSIZE)
    scratch = theme.new_figure(200, 100)
    measure = _measure(scratch.canvas.get_renderer(), prop)  # type: ignore[attr-defined]
    sized = [(measure(f"${a}$" if a else ""), measure(f"${b}$" if b else "")) for a, b in lines]
    left_w = max(a[0] for a, _ in sized)
    right_w = max(b[0] for _, b in sized)
    margin, gap = 18.0, 14.0
    heights = [max(a[1] - a[2], b[1] - b[2], 20.0) + max(a[2], b[2]) for a, b in sized]
    total_h = sum(heights) + gap * (len(lines) - 1) + 2 * margin
    total_w = left_w + right_w + 2 * margin
    fig = theme.new_figure(int(total_w) + 1, int(total_h) + 1)
    y = total_h - margin
    for (left, right), (a, b), h in zip(lines, sized, heights, strict=True):
        descent = max(a[2], b[2])
        baseline = y - h + descent
        anchor = margin + left_w
        for piece, x, ha in ((left, anchor, "right"), (right, anchor, "left")):
            if piece:
                fig.text(
                    x,
                    baseline,
                    f"${piece}$",
                    fontproperties=prop,
                    color=theme.FOREGROUND,
                    ha=ha,
                    va="baseline",
                    transform=IdentityTransform(),
                )
        y -= h + gap
    return TexImage(theme.to_png(fig))


# --- statements: Markdown text with $..$ formulas --------------------------------------------

_DISPLAY = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.DOTALL)
_INLINE = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$|\\\((.+?)\\\)", re.DOTALL)
_SLOT = re.compile(r"\x00(\d+)\x00")


def has_math(text: str) -> bool:
    """Whether `text` has a formula this renderer draws: ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``, or a
    ``$..$`` that reads as maths (not two prices, "$5 and $10"). A bare ``\\alpha`` is no formula."""
    from bot.plots.latex_text import has_raw_latex

    if any((m.group(1) or m.group(2) or "").strip() for m in _DISPLAY.finditer(text)):
        return True
    for m in _INLINE.finditer(_DISPLAY.sub(" ", text)):
        if m.group(2) is not None and m.group(2).strip():
            return True
        if m.group(1) is not None and has_raw_latex(f"${m.group(1)}$"):
            return True
    return False


def _plain(text: str) -> str:
    """Markdown emphasis and code marks off; literal dollars escaped for matplotlib."""
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = text.replace("\\$", "$")
    return text.replace("$", r"\$")


def _inline(src: str) -> str:
    """An inline formula as mathtext; PlotError names what cannot be drawn."""
    src = src.strip()
    if not src:
        return ""
    body = translate(src)
    problem = explain(body)
    if problem:
        raise PlotError(f"{problem} (in `{src[:80]}`)")
    return f"${body}$" if body else ""


def _display(src: str) -> list[tuple[str, str]]:
    try:
        lines = check_formula(src.strip(), display=True)
    except PlotError as exc:
        raise PlotError(f"{exc} (in `{src.strip()[:80]}`)") from None
    return [(f"${a}$" if a else "", f"${b}$" if b else "") for a, b in lines]


# A token of a paragraph: a word (formulas glued to their punctuation) or a display formula.
_Token = tuple[str, list[tuple[str, str]] | None]


def _tokens(paragraph: str) -> list[_Token]:
    out: list[_Token] = []
    pieces = _DISPLAY.split(paragraph)
    # split() with two groups yields text, group1, group2, text, ...
    for i in range(0, len(pieces), 3):
        piece = pieces[i]
        formulas: list[str] = []

        def stash(m: re.Match[str], formulas: list[str] = formulas) -> str:
            formulas.append(m.group(1) if m.group(1) is not None else m.group(2))
            return f"\x00{len(formulas) - 1}\x00"

        for word in _INLINE.sub(stash, piece).split():
            parts = _SLOT.split(word)
            text = "".join(
                _plain(p) if j % 2 == 0 else _inline(formulas[int(p)]) for j, p in enumerate(parts)
            )
            if text:
                out.append((text, None))
        if i + 1 < len(pieces):
            src = pieces[i + 1] if pieces[i + 1] is not None else pieces[i + 2]
            out.append(("", _display(src)))
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


def check_statement(markdown: str) -> None:
    """Every formula of a Markdown text parses and mathtext can draw it; PlotError otherwise."""
    for para in _paragraphs(markdown):
        _tokens(para)


def render_statement(markdown: str) -> TexImage:
    """A short text (Markdown with ``$..$`` and ``$$..$$``) as one wrapped image.

    A formula mathtext cannot draw raises PlotError naming it: the caller sends the text alone
    (as Unicode math) rather than an image showing LaTeX source."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import IdentityTransform

    from bot.plots import theme

    if not markdown.strip():
        raise PlotError("empty statement")
    if len(markdown) > MAX_STATEMENT:
        raise PlotError(f"statement too long ({len(markdown)} characters, at most {MAX_STATEMENT})")
    scratch = theme.new_figure(_STATEMENT_WIDTH_PX, 100)
    prop = FontProperties(size=_STATEMENT_FONTSIZE)
    measure = _measure(scratch.canvas.get_renderer(), prop)  # type: ignore[attr-defined]

    space_w = measure("a a")[0] - 2 * measure("a")[0]
    margin = 24.0
    usable = _STATEMENT_WIDTH_PX - 2 * margin
    # a line: (left, right, anchor x or None for a text line starting at the margin)
    lines: list[tuple[str, str, float | None]] = []
    for para in _paragraphs(markdown):
        current: list[str] = []
        width = 0.0
        for tok, display in _tokens(para):
            if display is not None:
                if current:
                    lines.append((" ".join(current), "", None))
                current, width = [], 0.0
                left_w = max(measure(a)[0] for a, _ in display)
                right_w = max(measure(b)[0] for _, b in display)
                anchor = max(margin + left_w, _STATEMENT_WIDTH_PX / 2 - (left_w + right_w) / 2 + left_w)
                lines.extend((a, b, anchor) for a, b in display)
                continue
            w = measure(tok)[0]
            if current and width + space_w + w > usable:
                lines.append((" ".join(current), "", None))
                current, width = [], 0.0
            current.append(tok)
            width += (space_w if width else 0.0) + w
        if current:
            lines.append((" ".join(current), "", None))
        lines.append(("", "", None))  # paragraph gap
    if lines and lines[-1] == ("", "", None):
        lines.pop()
    base_h = measure("Ag")[1] * 1.45
    heights, descents = [], []
    for left, right, _ in lines:
        if not left and not right:
            heights.append(base_h * 0.5)
            descents.append(0.0)
            continue
        a, b = measure(left), measure(right)
        h, d = max(a[1] - a[2], b[1] - b[2]), max(a[2], b[2])
        heights.append(max(base_h, h * 1.15 + d * 1.6 + 8))
        descents.append(d)
    total_h = int(sum(heights) + 2 * margin)
    fig = theme.new_figure(_STATEMENT_WIDTH_PX, max(60, total_h))
    y = total_h - margin
    for (left, right, at), h, d in zip(lines, heights, descents, strict=True):
        y -= h
        baseline = y + d + (h - base_h) * 0.35
        placed = [(left, margin, "left")] if at is None else [(left, at, "right"), (right, at, "left")]
        for text, x, ha in placed:
            if text:
                fig.text(
                    x,
                    baseline,
                    text,
                    fontproperties=prop,
                    color=theme.FOREGROUND,
                    ha=ha,
                    va="baseline",
                    transform=IdentityTransform(),
                )
    return TexImage(theme.to_png(fig))
