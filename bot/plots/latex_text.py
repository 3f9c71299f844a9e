"""LaTeX as Unicode math text, for what members read (Discord shows no LaTeX).

``readable(markdown)`` turns the ``$..$`` of a hint, a mistake message or a solution into
``σ², xᵢ, ½, √(n), ∑ᵢ₌₁ⁿ, ≤, xᵀ``. Symbol names come from pylatexenc's LaTeX-to-text tables
(a maintained list of some 1,500 macros); the structure it flattens badly (``\\frac{a+b}{c}``
read as ``a+b/c``, scripts left as ``^2``, ``\\binom``) is done here on the tree the images use.
A formula that has no faithful one-line form (a matrix, a superscript Unicode lacks) is marked
not clean: the caller also sends it as an image. Pure Python: runs in the bot process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.plots.errors import PlotError
from bot.plots.latex import (
    ACCENTS,
    ALIGNED,
    MATRICES,
    Char,
    Cmd,
    Delim,
    Env,
    Group,
    Node,
    Script,
    Sym,
    Text,
    parse,
)

_SUP = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
_SUP.update({"α": "ᵅ", "β": "ᵝ", "γ": "ᵞ", "δ": "ᵟ", "θ": "ᶿ", "φ": "ᵠ", "χ": "ᵡ", "−": "⁻"})
_SUP.update({"⊤": "ᵀ", "′": "′", "*": "*", "†": "†", "'": "′", " ": "", "∗": "*"})
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SUB.update({"β": "ᵦ", "γ": "ᵧ", "ρ": "ᵨ", "φ": "ᵩ", "χ": "ᵪ", "−": "₋", " ": "", ",": ","})
_FRACTIONS = {
    ("1", "2"): "½",
    ("1", "3"): "⅓",
    ("2", "3"): "⅔",
    ("1", "4"): "¼",
    ("3", "4"): "¾",
    ("1", "5"): "⅕",
    ("2", "5"): "⅖",
    ("3", "5"): "⅗",
    ("4", "5"): "⅘",
    ("1", "6"): "⅙",
    ("5", "6"): "⅚",
    ("1", "8"): "⅛",
    ("3", "8"): "⅜",
    ("5", "8"): "⅝",
    ("7", "8"): "⅞",
}
#: What pylatexenc lacks or spells for prose rather than maths.
_SYMBOLS = {
    "ne": "≠",
    "neq": "≠",
    "iff": "⇔",
    "implies": "⇒",
    "impliedby": "⇐",
    "mid": " | ",
    "vert": "|",
    "lvert": "|",
    "rvert": "|",
    "Vert": "‖",
    "lVert": "‖",
    "rVert": "‖",
    "|": "‖",
    "top": "⊤",
    "intercal": "⊤",
    "prime": "′",
    "det": "det",
    "tr": "tr",
    "coloneqq": "≔",
    "quad": "  ",
    "qquad": "    ",
    ",": " ",
    ";": " ",
    ":": " ",
    ">": " ",
    "!": "",
    " ": " ",
    "\\": " ",
    "{": "{",
    "}": "}",
    "%": "%",
    "$": "$",
    "#": "#",
    "&": "&",
    "_": "_",
    "cdot": "·",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "to": "→",
    "gets": "←",
    "langle": "⟨",
    "rangle": "⟩",
    "lbrace": "{",
    "rbrace": "}",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "varnothing": "∅",
    "emptyset": "∅",
    "setminus": "∖",
    "ln": "ln",
    "log": "log",
    "exp": "exp",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "max": "max",
    "min": "min",
    "arg": "arg",
    "lim": "lim",
    "sup": "sup",
    "inf": "inf",
    "Pr": "Pr",
    "gcd": "gcd",
    "bmod": " mod ",
}
_RELATIONS = set("≤≥≠≈≡∼≃≅∝∈∉⊂⊆⊃⊇→←↦⇒⇔⇐⟹⟺×") | {"≔"}
#: Words that read as operators: a space after them when a letter follows (``log x``).
_WORDS = [
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "coth",
    "sech",
    "csch",
    "sin",
    "cos",
    "tan",
    "cot",
    "sec",
    "csc",
    "ln",
    "lg",
    "log",
    "exp",
    "max",
    "min",
    "argmax",
    "argmin",
    "arg",
    "lim",
    "liminf",
    "limsup",
    "sup",
    "inf",
    "det",
    "tr",
    "Pr",
    "gcd",
    "deg",
    "dim",
    "ker",
    "sgn",
    "Var",
    "Cov",
]
_SYMBOLS.update({w: w for w in _WORDS})
_NOISE = re.compile(r"[Bb]igg?[lrm]?|displaystyle|textstyle|scriptstyle|limits|nolimits|nonumber|hline|notag")
_COMBINING = {
    "hat": "\u0302",
    "widehat": "\u0302",
    "bar": "\u0304",
    "overline": "\u0305",
    "vec": "\u20d7",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "dot": "\u0307",
    "ddot": "\u0308",
    "check": "\u030c",
    "breve": "\u0306",
    "acute": "\u0301",
    "grave": "\u0300",
    "mathring": "\u030a",
}


@lru_cache(maxsize=1)
def _converter() -> object:
    from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


@lru_cache(maxsize=4096)
def symbol(name: str) -> str | None:
    """The Unicode for ``\\name``, or None when no table knows it."""
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    if not name.isalpha():
        return None
    out = _converter().latex_to_text("\\" + name)  # type: ignore[attr-defined]
    if not out or "\\" in out or (out == name and name not in _WORDS):
        return None
    return str(out)


@lru_cache(maxsize=1024)
def _font(name: str, text: str) -> str:
    """``\\mathbb R`` -> ℝ, ``\\mathcal N`` -> 𝒩 (pylatexenc knows the letter tables)."""
    out = _converter().latex_to_text(f"\\{name}{{{text}}}")  # type: ignore[attr-defined]
    return str(out) if out and "\\" not in out else text


@dataclass
class _State:
    clean: bool = True
    reason: str = ""

    def unclean(self, why: str) -> None:
        if self.clean:
            self.clean, self.reason = False, why


def _atomic(s: str) -> bool:
    """Whether ``s`` reads as one unit in ``a/b`` (no parentheses needed)."""
    s = s.strip()
    if len(s) <= 1:
        return True
    scripts = "¹²³₀-₉₊₋₌₍₎ₐ-ₜᵢ-ᵪ⁰-⁹⁺⁻⁼⁽⁾ᵃ-ᶻᴬ-ᵂʰ-ʸˡ-ˣⁱⁿᵀ′"
    if re.fullmatch(rf"[0-9.]+[{scripts}]*|[∂d∇]?[A-Za-zΑ-ωϵϑϕ][\u0300-\u036f]*[{scripts}]*", s):
        return True
    core = re.sub(rf"[{scripts}]+$", "", s)  # (b−a)² is as whole as (b−a)
    return bool(core) and core[0] in "(√[" and _balanced_wrap(core)


def _balanced_wrap(s: str) -> bool:
    if s.startswith("√"):
        s = s[1:]
        if len(s) <= 2:
            return True
    pairs = {"(": ")", "[": "]"}
    if not s or s[0] not in pairs or s[-1] != pairs[s[0]]:
        return False
    depth = 0
    for k, ch in enumerate(s):
        depth += ch in "(["
        depth -= ch in ")]"
        if depth == 0 and k < len(s) - 1:
            return False
    return True


def _paren(s: str) -> str:
    s = s.strip()
    return s if _atomic(s) else f"({s})"


def _script(s: str, table: dict[str, str], mark: str, state: _State) -> str:
    if all(ch in table for ch in s):
        return "".join(table[ch] for ch in s)
    state.unclean("a script Unicode has no characters for")
    return f"{mark}({s})" if len(s) > 1 else f"{mark}{s}"


def _text_group(group: Group | None, state: _State) -> str:
    if group is None:
        return ""
    out = ""
    after_fraction = False
    items = group.items
    for k, n in enumerate(items):
        if _blank(n) and 0 < k < len(items) - 1 and _glues(items[k - 1], items[k + 1]):
            continue  # `\\nabla f` is ∇f, as TeX drops the space after a command
        piece = _tx(n, state)
        fraction = isinstance(n, Cmd) and "/" in piece
        if out and piece and piece[0].isalnum() and (after_fraction or (fraction and out[-1].isalnum())):
            piece = " " + piece  # d/dx e^x and 2 x/y, not d/dxe^x and 2x/y
        out += piece
        after_fraction = fraction or (after_fraction and not piece.strip())
    return out


def _blank(node: Node) -> bool:
    return isinstance(node, Char) and node.ch.isspace()


def _glues(before: Node, after: Node) -> bool:
    """A symbol command and the operand it is written against (``\\nabla f``, ``\\partial x``)."""
    if not (isinstance(before, Sym) and before.name.isalpha()) or before.name in _WORDS:
        return False
    if (symbol(before.name) or "") in _RELATIONS or before.name in ("quad", "qquad", "mid"):
        return False
    if isinstance(after, Char):
        return after.ch.isalnum() or after.ch == "("
    return isinstance(after, Sym | Script | Cmd) and not (
        isinstance(after, Sym) and (symbol(after.name) or "") in _RELATIONS
    )


def _tx(node: Node, state: _State) -> str:
    if isinstance(node, Char):
        return {"-": "−", "*": "∗", "~": " ", "&": " "}.get(node.ch, node.ch)
    if isinstance(node, Group):
        return _text_group(node, state)
    if isinstance(node, Sym):
        if _NOISE.fullmatch(node.name):
            return ""
        out = symbol(node.name)
        if out is None:
            state.unclean(f"`\\{node.name}` has no Unicode form")
            return node.name
        return f" {out} " if out in _RELATIONS else out
    if isinstance(node, Text):
        return node.raw.replace("$", "").replace("~", " ")
    if isinstance(node, Delim):
        d = node.delim
        if d == ".":
            return ""
        return symbol(d[1:]) or d[1:] if d.startswith("\\") else d
    if isinstance(node, Script):
        base = "" if node.base is None else _tx(node.base, state)
        if isinstance(node.base, Cmd) and node.base.name in ("underbrace", "overbrace"):
            label = node.sub if node.base.name == "underbrace" else node.sup
            return f"{base} (= {_text_group(label, state).strip()})" if label else base
        sub = _text_group(node.sub, state).strip() if node.sub is not None else ""
        sup = _text_group(node.sup, state).strip() if node.sup is not None else ""
        out = base
        if node.sub is not None:
            out += _script(sub, _SUB, "_", state)
        if node.sup is not None:
            out += _script(sup, _SUP, "^", state)
        return out
    if isinstance(node, Env):
        return _env(node, state)
    assert isinstance(node, Cmd)
    return _cmd(node, state)


def _cmd(node: Cmd, state: _State) -> str:
    name, args = node.name, node.args
    a = [_text_group(g, state).strip() for g in args]
    if name in ("frac", "dfrac", "tfrac", "cfrac"):
        if (a[0], a[1]) in _FRACTIONS:
            return _FRACTIONS[(a[0], a[1])]
        if a[0] == "1" and a[1].isdigit():
            return "⅟" + a[1] if len(a[1]) == 1 else f"1/{a[1]}"
        return f"{_paren(a[0])}/{_paren(a[1])}"
    if name in ("binom", "dbinom", "tbinom"):
        return f"C({a[0]}, {a[1]})"
    if name == "sqrt":
        root = _text_group(node.opt, state).strip() if node.opt is not None else ""
        mark = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(root)
        if mark is None:
            mark = _script(root, _SUP, "^", state) + "√"
        body = a[0]
        return mark + (body if len(body) == 1 else f"({body})")
    if name in ("mathbb", "mathcal", "mathfrak", "mathscr", "mathbf", "boldsymbol", "bm", "mathsf", "mathtt"):
        font = {"bm": "boldsymbol"}.get(name, name)
        if font == "boldsymbol":
            font = "mathbf" if a[0].isascii() else ""
        if not font or not a[0].isascii() or not a[0].isalnum():
            return a[0]
        return _font(font, a[0])
    if name in (
        "mathrm",
        "mathit",
        "operatorname",
        "operatorname*",
        "boxed",
        "phantom",
        "overset",
        "underset",
    ):
        if name in ("overset", "underset"):
            return a[1]
        return "" if name == "phantom" else a[0]
    if name in ACCENTS or name == "overline":
        mark = _COMBINING.get(name, "")
        if len(a[0]) == 1:
            return a[0] + mark
        state.unclean(f"`\\{name}` over more than one letter")
        return f"{name}({a[0]})"
    if name == "underline":
        return a[0]
    if name == "stackrel":
        return a[1]
    if name in ("xrightarrow", "xleftarrow"):
        return "→" if name == "xrightarrow" else "←"
    if name in ("underbrace", "overbrace"):
        return a[0]
    if name == "textcolor":
        return a[1]
    if name in ("color", "tag", "label"):
        return ""
    if name == "hspace":
        return " "
    if name == "pmod":
        return f" (mod {a[0]})"
    if name == "substack":
        return a[0]
    state.unclean(f"`\\{name}`")
    return " ".join(a)


def _env(env: Env, state: _State) -> str:
    rows = [[_text_group(c, state).strip() for c in row] for row in env.rows]
    if env.name in MATRICES:
        state.unclean("a matrix")
        inner = "; ".join(", ".join(row) for row in rows)
        left, right = {"vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖")}.get(env.name, ("[", "]"))
        return f"{left}{inner}{right}"
    if env.name in ALIGNED:
        state.unclean("aligned lines")
        return "; ".join(" ".join(row) for row in rows)
    state.unclean("cases")
    return "{ " + "; ".join(", ".join(r for r in row if r) for row in rows) + " }"


def _tidy(s: str) -> str:
    s = re.sub(r"[ \t]{2,}", " ", s)
    words = "|".join(sorted(_WORDS, key=len, reverse=True))
    s = re.sub(rf"(?<![A-Za-z])((?>{words}))(?=[A-Za-zα-ω0-9])", r"\1 ", s)
    return s.strip()


@dataclass(frozen=True)
class Converted:
    text: str
    clean: bool
    reason: str = ""


def formula_text(latex: str) -> Converted:
    """One formula (no dollars) as Unicode text; ``clean`` is False when an image says it better."""
    try:
        tree = parse(latex)
    except PlotError as exc:
        # unreadable TeX: show it without backslashes rather than not at all
        return Converted(_tidy(re.sub(r"\\([A-Za-z]+)", r"\1", latex)), False, str(exc))
    state = _State()
    text = _tidy(_text_group(tree, state))
    return Converted(text, state.clean, state.reason)


# --- Markdown with formulas ---------------------------------------------------------------------

_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_MATH = re.compile(
    r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]|(?<!\\)\$(?P<i1>[^$]+?)(?<!\\)\$|\\\((?P<i2>.+?)\\\)", re.DOTALL
)


@dataclass(frozen=True)
class Readable:
    """Text for a member; ``pictures`` are the formulas that also need an image (display ones
    and those with no clean one-line form), as LaTeX for the renderer."""

    text: str
    pictures: tuple[str, ...] = ()


def readable(markdown: str) -> Readable:
    """Markdown with ``$..$``/``$$..$$`` as Markdown with Unicode maths; code spans untouched."""
    if "$" not in markdown and "\\" not in markdown:
        return Readable(markdown)
    pictures: list[str] = []
    out: list[str] = []
    for k, part in enumerate(_CODE.split(markdown)):
        if k % 2 == 1:
            out.append(part)
            continue

        def convert(m: re.Match[str]) -> str:
            display = m.group("d1") is not None or m.group("d2") is not None
            src = (m.group("d1") or m.group("d2") or m.group("i1") or m.group("i2") or "").strip()
            conv = formula_text(src)
            if display or not conv.clean:
                pictures.append(src)
            if display:  # on its own line, without the spaces that stood around it
                return f"\x01{conv.text}\x01"
            return conv.text

        text = re.sub(r"[ \t]*\x01[ \t]*", "\n", _MATH.sub(convert, part))
        text = text.replace("\\$", "$")
        out.append(text)
    text = re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n")
    return Readable(text, tuple(pictures))


def readable_text(markdown: str) -> str:
    return readable(markdown).text


# a command, or a pair of dollars around something mathematical (a lone "$5" is money)
_RAW = re.compile(r"\\[A-Za-z]+|\$[^$\n]*[\\^_{}][^$\n]*\$|\$[^$\s]{1,3}\$")


def has_raw_latex(text: str) -> bool:
    """Dollars or ``\\commands`` outside code spans: what a member should never read."""
    return any(_RAW.search(part) for k, part in enumerate(_CODE.split(text)) if k % 2 == 0)
