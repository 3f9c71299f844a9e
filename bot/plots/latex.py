"""A small LaTeX reader shared by the formula images and the Unicode text.

People write TeX, not mathtext: ``\\frac12``, ``\\sqrt n``, ``\\mathcal N``, ``\\binom52``, ``^12``.
TeX reads an argument as one token when there are no braces; matplotlib's mathtext wants braces
and knows fewer commands. This module reads the TeX into a tree (commands with their arguments
made explicit, scripts attached to their base, environments split into rows and cells) so that
one tree feeds both outputs: mathtext for images (``to_mathtext``) and Unicode math text for
messages (``bot.plots.latex_text``). Pure Python, bounded, no matplotlib: the bot process imports
it for message text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.plots.errors import PlotError

MAX_SOURCE = 4000
MAX_DEPTH = 40
MAX_ROWS = 12
MAX_COLUMNS = 8

# --- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Char:
    """One literal character (letter, digit, operator, punctuation, space)."""

    ch: str


@dataclass(frozen=True)
class Sym:
    """A command without arguments (``\\sigma``, ``\\,``, ``\\{``, ``\\\\``)."""

    name: str


@dataclass(frozen=True)
class Group:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Cmd:
    """A command with its arguments (always explicit groups) and an optional ``[..]`` argument."""

    name: str
    args: tuple[Group, ...]
    opt: Group | None = None


@dataclass(frozen=True)
class Text:
    """``\\text{..}``-like commands: their argument is words, spaces kept."""

    name: str
    raw: str


@dataclass(frozen=True)
class Script:
    base: Node | None
    sup: Group | None = None
    sub: Group | None = None


@dataclass(frozen=True)
class Delim:
    """``\\left(`` / ``\\right.`` / ``\\middle|``: the side and the delimiter."""

    side: str
    delim: str


@dataclass(frozen=True)
class Env:
    name: str
    rows: tuple[tuple[Group, ...], ...]


Node = Char | Sym | Group | Cmd | Text | Script | Delim | Env

# --- what the reader knows ---------------------------------------------------------------------

#: Commands and how many braced (or single-token) arguments they take.
ARITY: dict[str, int] = {
    "frac": 2,
    "dfrac": 2,
    "tfrac": 2,
    "cfrac": 2,
    "binom": 2,
    "dbinom": 2,
    "tbinom": 2,
    "sqrt": 1,
    "overset": 2,
    "underset": 2,
    "stackrel": 2,
    "underbrace": 1,
    "overbrace": 1,
    "boxed": 1,
    "phantom": 1,
    "color": 1,
    "textcolor": 2,
    "pmod": 1,
    "substack": 1,
    "tag": 1,
    "label": 1,
    "xrightarrow": 1,
    "xleftarrow": 1,
    "hspace": 1,
    "overline": 1,
    "underline": 1,
    "operatorname": 1,
    "operatorname*": 1,
}
FONTS = {
    "mathcal",
    "mathbb",
    "mathbf",
    "mathrm",
    "mathit",
    "mathsf",
    "mathtt",
    "mathfrak",
    "mathscr",
    "boldsymbol",
    "bm",
}
ACCENTS = {
    "hat",
    "widehat",
    "bar",
    "vec",
    "tilde",
    "widetilde",
    "dot",
    "ddot",
    "check",
    "breve",
    "acute",
    "grave",
    "mathring",
}
TEXT_COMMANDS = {"text", "textrm", "textnormal", "mbox", "textbf", "textit", "emph", "textsf", "texttt"}
for _name in FONTS | ACCENTS:
    ARITY[_name] = 1
MATRICES = {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"}
ALIGNED = {"aligned", "align", "align*", "gathered", "gather", "gather*", "split", "eqnarray", "eqnarray*"}
ENVIRONMENTS = MATRICES | ALIGNED | {"cases", "dcases"}
#: Sizing and spacing commands that only change the look: dropped.
_NOISE = re.compile(r"[Bb]igg?[lrm]?|displaystyle|textstyle|scriptstyle|limits|nolimits|nonumber|hline|notag")

_TOKEN = re.compile(r"\\(?:[A-Za-z]+\*?|.)|\s+|.", re.DOTALL)


def tokens(source: str) -> list[str]:
    return _TOKEN.findall(source)


class _Reader:
    def __init__(self, source: str) -> None:
        if len(source) > MAX_SOURCE:
            raise PlotError(f"formula too long ({len(source)} characters, at most {MAX_SOURCE})")
        self.toks = tokens(source)
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def skip_space(self) -> None:
        while self.i < len(self.toks) and self.toks[self.i].isspace():
            self.i += 1

    def items(self, stop: set[str]) -> list[Node]:
        """Nodes up to (not including) a token in ``stop`` or the end."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise PlotError(f"formula nested too deeply (at most {MAX_DEPTH} levels)")
        out: list[Node] = []
        while (tok := self.peek()) is not None and tok not in stop:
            if tok == "}":
                raise PlotError("a `}` has no matching `{`")
            if tok in ("^", "_"):
                self.i += 1
                arg = self.argument(f"`{tok}`")
                while out and _blank(out[-1]):  # TeX ignores the space in `x ^2`
                    out.pop()
                base = out.pop() if out else None
                prev = base if isinstance(base, Script) else Script(base)
                key = "sup" if tok == "^" else "sub"
                if getattr(prev, key) is not None:
                    raise PlotError(f"double {'superscript' if key == 'sup' else 'subscript'}: use braces")
                out.append(
                    Script(prev.base, arg if key == "sup" else prev.sup, arg if key == "sub" else prev.sub)
                )
                continue
            out.append(self.node())
        self.depth -= 1
        return out

    def node(self) -> Node:
        tok = self.toks[self.i]
        self.i += 1
        if tok == "{":
            inner = self.items({"}"})
            if self.peek() != "}":
                raise PlotError("a `{` is not closed: add the matching `}`")
            self.i += 1
            return Group(tuple(inner))
        if not tok.startswith("\\") or len(tok) == 1:
            return Char(" " if tok.isspace() else tok)
        name = tok[1:]
        if name in ("left", "right", "middle"):
            self.skip_space()
            delim = self.peek()
            if delim is None:
                raise PlotError(f"`\\{name}` needs a delimiter after it, like `\\{name}(`")
            self.i += 1
            return Delim(name, delim)
        if name == "begin":
            return self.environment()
        if name == "end":
            raise PlotError("an `\\end` has no matching `\\begin`")
        if name in TEXT_COMMANDS:
            return Text(name, self.raw_argument(name))
        if name == "sqrt":
            self.skip_space()
            opt = None
            if self.peek() == "[":
                self.i += 1
                opt = Group(tuple(self.items({"]"})))
                if self.peek() != "]":
                    raise PlotError("`\\sqrt[` needs its closing `]`")
                self.i += 1
            return Cmd(name, (self.argument("`\\sqrt`"),), opt)
        if name in ("xrightarrow", "xleftarrow"):
            self.skip_space()
            if self.peek() == "[":  # optional under-arrow text: not drawn, skipped with its contents
                self.items({"]"})
                self.i += 1
        if name in ARITY:
            return Cmd(name, tuple(self.argument(f"`\\{name}`") for _ in range(ARITY[name])))
        if name == "genfrac":
            return Cmd(name, tuple(self.argument("`\\genfrac`") for _ in range(6)))
        return Sym(name)

    def argument(self, what: str) -> Group:
        """One TeX argument: a braced group, or else the next single token (``\\frac12``)."""
        self.skip_space()
        tok = self.peek()
        if tok is None or tok in ("}", "&") or tok in ("^", "_"):
            raise PlotError(f"{what} is missing its argument")
        if tok == "\\\\":
            raise PlotError(f"{what} is missing its argument")
        node = self.node()
        return node if isinstance(node, Group) else Group((node,))

    def raw_argument(self, name: str) -> str:
        self.skip_space()
        tok = self.peek()
        if tok != "{":
            if tok is None:
                raise PlotError(f"`\\{name}` is missing its argument")
            self.i += 1
            return tok
        self.i += 1
        level, out = 1, list[str]()
        while (tok := self.peek()) is not None:
            self.i += 1
            if tok == "{":
                level += 1
            elif tok == "}":
                level -= 1
                if level == 0:
                    return "".join(out)
            out.append(tok)
        raise PlotError(f"the `{{` of `\\{name}` is not closed")

    def environment(self) -> Env:
        name = self.raw_argument("begin").strip()
        if name not in ENVIRONMENTS:
            raise PlotError(
                f"the `\\begin{{{name}}}` environment cannot be drawn; matrices (pmatrix, bmatrix, ...),"
                " cases and aligned are supported"
            )
        self.skip_space()
        if name == "array" and self.peek() == "{":
            self.raw_argument(name)  # column spec: cells are centred anyway
        rows: list[tuple[Group, ...]] = []
        cells: list[Group] = []
        while True:
            cells.append(Group(tuple(self.items({"&", "\\\\", "\\end", "\\cr"}))))
            tok = self.peek()
            if tok is None:
                raise PlotError(f"the `\\begin{{{name}}}` environment is not closed: add `\\end{{{name}}}`")
            self.i += 1
            if tok == "&":
                if len(cells) >= MAX_COLUMNS:
                    raise PlotError(f"too many columns to draw (at most {MAX_COLUMNS})")
                continue
            rows.append(tuple(cells))
            cells = []
            if len(rows) > MAX_ROWS:
                raise PlotError(f"too many rows to draw (at most {MAX_ROWS})")
            if tok == "\\end":
                end = self.raw_argument("end").strip()
                if end != name:
                    raise PlotError(f"`\\begin{{{name}}}` is closed by `\\end{{{end}}}`")
                break
            self.skip_space()
            if self.peek() == "[":  # \\[4pt] spacing
                self.items({"]"})
                self.i += 1
        while rows and all(not c.items or all(_blank(n) for n in c.items) for c in rows[-1]):
            rows.pop()  # a trailing \\ makes an empty last row
        return Env(name, tuple(rows))


def _blank(node: Node) -> bool:
    return isinstance(node, Char) and node.ch.isspace()


def parse(source: str) -> Group:
    """The tree of one formula (no dollars); PlotError names what cannot be read."""
    reader = _Reader(source)
    items = reader.items(set())
    return Group(tuple(items))


# --- mathtext ----------------------------------------------------------------------------------

#: Commands mathtext spells differently or lacks (same meaning, close enough look).
MATHTEXT_SYMBOLS: dict[str, str] = {
    "le": r"\leq",
    "ge": r"\geq",
    "ne": r"\neq",
    "lVert": r"\Vert",
    "rVert": r"\Vert",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "Vert": r"\Vert",
    "iff": r"\Leftrightarrow",
    "implies": r"\Rightarrow",
    "impliedby": r"\Leftarrow",
    "coloneqq": ":=",
    "eqqcolon": "=:",
    "lnot": r"\neg",
    "land": r"\wedge",
    "lor": r"\vee",
    "ldotp": ".",
    "intercal": r"\top",
    "bmod": r"\ \mathrm{mod}\ ",
    "&": "&",
    "dots": r"\ldots",
    "dotsc": r"\ldots",
    "dotsb": r"\cdots",
    "varnothing": r"\emptyset",
    "cr": "",
    "\\": "",
    "*": "",
    "centerdot": r"\cdot",
}
_FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
_BINOMS = {"binom", "dbinom", "tbinom"}


@dataclass
class MathtextOptions:
    """``display``: fractions at the top level drawn at display size (``/tex``, ``$$..$$``)."""

    display: bool = False
    problems: list[str] = field(default_factory=list)


def to_mathtext(tree: Node, *, display: bool = False) -> str:
    opts = MathtextOptions(display=display)
    out = _mt_group(tree, opts, top=True) if isinstance(tree, Group) else _mt(tree, opts, top=True)
    return re.sub(r"(?<!\\) {2,}", " ", out).strip()  # the space we add after `\\leq` and the author's


def _mt_group(group: Group, opts: MathtextOptions, top: bool = False) -> str:
    return "".join(_mt(n, opts, top) for n in group.items)


def _braced(group: Group, opts: MathtextOptions) -> str:
    return "{" + _mt_group(group, opts) + "}"


def _mt(node: Node, opts: MathtextOptions, top: bool = False) -> str:
    if isinstance(node, Char):
        return {"%": r"\%", "#": r"\#", "$": r"\$", "&": ""}.get(node.ch, node.ch)
    if isinstance(node, Group):
        return "{" + _mt_group(node, opts, top) + "}"
    if isinstance(node, Sym):
        if _NOISE.fullmatch(node.name):
            return ""
        if node.name in MATHTEXT_SYMBOLS:
            out = MATHTEXT_SYMBOLS[node.name]
            return out + " " if out[-1:].isalpha() else out
        if node.name == "\\":
            return ""
        return "\\" + node.name + (" " if node.name[-1].isalpha() else "")
    if isinstance(node, Text):
        raw = node.raw.replace("$", "")
        if node.name == "textbf":
            return r"\mathbf{" + raw + "}"
        if node.name in ("textit", "emph"):
            return r"\mathit{" + raw + "}"
        return r"\text{" + raw + "}"
    if isinstance(node, Delim):
        d = node.delim
        d = {"\\lVert": r"\Vert", "\\rVert": r"\Vert", "\\lvert": "|", "\\rvert": "|", "\\vert": "|"}.get(
            d, d
        )
        if node.side == "middle":
            return d
        return "\\" + node.side + d
    if isinstance(node, Script):
        base = node.base
        if isinstance(base, Cmd) and base.name in ("underbrace", "overbrace"):
            # mathtext has no braces over/under; a line with the label says the same.
            inner = _braced(base.args[0], opts)
            if base.name == "underbrace":
                out = (
                    r"\underset"
                    + (_braced(node.sub, opts) if node.sub else "{}")
                    + r"{\underline"
                    + inner
                    + "}"
                )
                return out + (("^" + _braced(node.sup, opts)) if node.sup else "")
            out = r"\overset" + (_braced(node.sup, opts) if node.sup else "{}") + r"{\overline" + inner + "}"
            return out + (("_" + _braced(node.sub, opts)) if node.sub else "")
        out = "{}" if base is None else _mt(base, opts)
        if node.sub is not None:
            out += "_" + _braced(node.sub, opts)
        if node.sup is not None:
            out += "^" + _braced(node.sup, opts)
        return out
    if isinstance(node, Env):
        return _mt_env(node, opts)
    assert isinstance(node, Cmd)
    name, args = node.name, node.args
    if name in _FRACTIONS:
        cmd = r"\dfrac" if (top and opts.display and name != "tfrac") or name == "dfrac" else r"\frac"
        return cmd + _braced(args[0], opts) + _braced(args[1], opts)
    if name in _BINOMS:
        if (top and opts.display and name != "tbinom") or name == "dbinom":
            return r"\genfrac{(}{)}{0}{0}" + _braced(args[0], opts) + _braced(args[1], opts)
        return r"\binom" + _braced(args[0], opts) + _braced(args[1], opts)
    if name == "sqrt":
        root = f"[{_mt_group(node.opt, opts)}]" if node.opt is not None else ""
        return r"\sqrt" + root + _braced(args[0], opts)
    if name == "bm":
        return r"\boldsymbol" + _braced(args[0], opts)
    if name in FONTS or name in ACCENTS or name in ("overline", "underline", "overset", "underset"):
        return "\\" + name + "".join(_braced(a, opts) for a in args)
    if name in ("operatorname", "operatorname*"):
        return r"\operatorname" + _braced(args[0], opts)
    if name == "stackrel":
        return r"\overset" + _braced(args[0], opts) + _braced(args[1], opts)
    if name in ("xrightarrow", "xleftarrow"):
        arrow = r"\longrightarrow" if name == "xrightarrow" else r"\longleftarrow"
        return r"\overset" + _braced(args[0], opts) + "{" + arrow + "}"
    if name in ("underbrace", "overbrace"):
        return ("\\underline" if name == "underbrace" else "\\overline") + _braced(args[0], opts)
    if name == "boxed":
        return _braced(args[0], opts)
    if name in ("color", "tag", "label", "hspace"):
        return r"\ " if name == "hspace" else ""
    if name == "textcolor":
        return _braced(args[1], opts)
    if name == "phantom":
        return r"\phantom" + _braced(args[0], opts)
    if name == "pmod":
        return r"\ (\mathrm{mod}\ " + _mt_group(args[0], opts) + ")"
    if name == "substack":
        rows = _split_rows(args[0])
        return _stack([_mt_group(r, opts) for r in rows])
    if name == "genfrac":
        return r"\genfrac" + "".join(_braced(a, opts) for a in args)
    return "\\" + name + "".join(_braced(a, opts) for a in args)  # pragma: no cover - every ARITY is handled


def _split_rows(group: Group) -> list[Group]:
    rows: list[list[Node]] = [[]]
    for n in group.items:
        if isinstance(n, Sym) and n.name == "\\":
            rows.append([])
        else:
            rows[-1].append(n)
    return [Group(tuple(r)) for r in rows if r]


def _stack(rows: list[str]) -> str:
    """Rows on top of each other: mathtext has no arrays, but a rule-less \\genfrac stacks two.

    Style 0 (display) keeps every row at full size instead of shrinking at each level."""
    if len(rows) == 1:
        return "{" + rows[0] + "}"
    return r"\genfrac{}{}{0}{0}{" + rows[0] + "}{" + _stack(rows[1:]) + "}"


_ENV_DELIMS = {
    "pmatrix": (r"\left(", r"\right)"),
    "bmatrix": (r"\left[", r"\right]"),
    "Bmatrix": (r"\left\{", r"\right\}"),
    "vmatrix": (r"\left|", r"\right|"),
    "Vmatrix": (r"\left\Vert", r"\right\Vert"),
    "cases": (r"\left\{", r"\right."),
    "dcases": (r"\left\{", r"\right."),
}


def _mt_env(env: Env, opts: MathtextOptions) -> str:
    """A matrix drawn column by column (each column a stack), so entries line up across rows."""
    if not env.rows:
        return ""
    left, right = _ENV_DELIMS.get(env.name, ("", ""))
    width = max(len(r) for r in env.rows)
    if env.name in ALIGNED:
        # inside a bigger formula: each line whole, stacked (display formulas draw line by line)
        lines = [r"\ ".join(_mt_group(c, opts) for c in row) for row in env.rows]
        return left + _stack(lines) + right
    columns = []
    for j in range(width):
        # a display-size fraction in one cell would push its row apart from the next column's
        cells = [_mt_group(row[j], opts).strip() if j < len(row) else "" for row in env.rows]
        columns.append(_stack([c if c.strip() else r"\ " for c in cells]))
    gap = r"\quad " if env.name in ("cases", "dcases") else r"\ \ "
    inner = gap.join(columns)
    return f"{left}\\,{inner}\\,{right}" if left else inner


def display_lines(tree: Group) -> list[tuple[Group, Group]] | None:
    """A formula that is (only) an aligned block, as its lines split at the first ``&``.

    None when it is not one: draw it as a single formula."""
    items = [n for n in tree.items if not _blank(n)]
    if len(items) == 1 and isinstance(items[0], Env) and items[0].name in ALIGNED:
        lines = []
        for row in items[0].rows:
            left = row[0]
            rest: list[Node] = []
            for cell in row[1:]:
                rest.extend(cell.items)
                rest.append(Sym("quad"))
            if rest:
                rest.pop()
            lines.append((left, Group(tuple(rest))))
        return lines
    if any(isinstance(n, Sym) and n.name == "\\" for n in tree.items):
        return [(Group(()), r) for r in _split_rows(tree)]
    return None
