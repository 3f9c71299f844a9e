"""Tokenizer for answers typed as plain text or LaTeX (both become one token stream).

LaTeX is not handed to SymPy's LaTeX parser: commands are translated here into the same tokens
plain text produces (``\\cdot`` -> ``*``, ``\\le`` -> ``<=``, ``\\pi`` -> ``pi``), so one grammar
reads both. Only checks that need no parsing happen here: length, control characters, nesting.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from bot.maths import limits
from bot.maths.errors import ParseError

_DERIVATIVE = (
    "Derivative notation (d/dx, ∂, ∇) can't be checked; write the derivative itself (for x^2, write 2x)."
)
OPERATORS = {  # operations a member may type, which an answer should carry out instead
    "int": "Integrals can't be checked as written; give the value (or the antiderivative).",
    "lim": "Limits can't be checked as written; give the value of the limit.",
    "partial": _DERIVATIVE,
    "nabla": _DERIVATIVE,
}


@dataclass
class Token:
    kind: str  # num | name | op | cmd | text | end
    value: str
    pos: int = 0


# Unicode a member may paste from a phone keyboard or a PDF.
_UNICODE = {
    "−": "-",
    "–": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "÷": "/",
    "π": "pi",
    "∞": "oo",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "√": "sqrt",
    "°": "^\\circ",
    "±": "\\pm ",
    "∓": "\\mp ",
    "′": "'",
    "″": "''",
    "∗": "*",
    "∕": "/",
    "⩽": "<=",
    "⩾": ">=",
    "≦": "<=",
    "≧": ">=",
    "⁄": "/",
    "∑": "\\sum ",
    "∏": "\\prod ",
    "∈": "\\in ",
    "≈": "\\approx ",
    "∂": "\\partial ",
    "∇": "\\nabla ",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}

# LaTeX commands that only space things out (or change style).
_SPACING = {
    ",", "!", ";", ":", " ", "quad", "qquad", "displaystyle", "textstyle", "limits", "nolimits",
    "thinspace", "enspace", "medspace", "thickspace", "negthinspace", "big", "Big", "bigg", "Bigg",
    "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
}  # fmt: skip

# LaTeX commands that are plain operators or names.
_CMD_TOKENS = {
    "cdot": ("op", "*"),
    "times": ("op", "*"),
    "ast": ("op", "*"),
    "div": ("op", "/"),
    "pm": ("op", "pm"),
    "mp": ("op", "mp"),
    "le": ("op", "<="),
    "leq": ("op", "<="),
    "leqslant": ("op", "<="),
    "ge": ("op", ">="),
    "geq": ("op", ">="),
    "geqslant": ("op", ">="),
    "lt": ("op", "<"),
    "gt": ("op", ">"),
    "ne": ("op", "!="),
    "neq": ("op", "!="),
    "approx": ("op", "approx"),
    "in": ("op", "in"),
    "cup": ("op", "cup"),
    "cap": ("op", "cap"),
    "%": ("op", "%"),
    "{": ("op", "setl"),
    "}": ("op", "setr"),
    "lbrace": ("op", "setl"),
    "rbrace": ("op", "setr"),
    "|": ("op", "|"),
    "vert": ("op", "|"),
    "lvert": ("op", "|"),
    "rvert": ("op", "|"),
    "mid": ("op", "|"),
    "lbrack": ("op", "["),
    "rbrack": ("op", "]"),
    "langle": ("op", "("),
    "rangle": ("op", ")"),
    "\\": ("op", "rowsep"),
    "cr": ("op", "rowsep"),
    "circ": ("op", "circ"),
    "degree": ("op", "circ"),
    "infty": ("name", "oo"),
    "emptyset": ("op", "emptyset"),
    "varnothing": ("op", "emptyset"),
    "infin": ("name", "oo"),
    "$": ("text", "$"),
}

# Commands whose braced argument is text (a word, a unit, or a letter written upright).
_TEXT_CMDS = {"text", "textbf", "textit", "textrm", "mathrm", "mathbf", "mathit", "mbox", "operatorname",
              "textnormal", "mathsf", "mathtt", "texttt", "boldsymbol", "bm", "mathbb",
              "mathcal"}  # fmt: skip

_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
            "widetilde": "tilde", "vec": "vec", "dot": "dot", "ddot": "ddot"}  # fmt: skip

# Commands the parser handles itself (arguments, environments, delimiters).
_PARSER_CMDS = {"frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom", "dbinom", "tbinom"}

# ASCII digits only: `⑺` and `٣` are digits to str.isdigit and to `\d`, but not numbers to read.
_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z]+")
_CONTROL_OK = {"\t", "\n", "\r"}


def check_raw(text: str) -> None:
    """Length and control-character limits: run before anything else touches the text."""
    if len(text) > limits.MAX_LENGTH:
        raise ParseError(
            f"That answer is too long ({len(text)} characters; the limit is {limits.MAX_LENGTH}).",
            limit="length",
        )
    for ch in text:
        if ch in _CONTROL_OK:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            name = "NUL" if ch == "\0" else f"U+{ord(ch):04X}"
            raise ParseError(f"The answer contains a control character ({name}); please retype it.")


def _strip_wrappers(text: str) -> str:
    """Drop `$..$`, `\\(..\\)`, `\\[..\\]`, `\\boxed{..}` around the whole answer, repeatedly."""
    while True:
        s = text.strip()
        for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
            if len(s) > len(left) + len(right) and s.startswith(left) and s.endswith(right):
                inner = s[len(left) : -len(right)]
                if "$" not in inner or left != "$":
                    s = inner
                    break
        else:
            m = re.match(r"\\(boxed|fbox)\s*\{", s)
            if m and s.endswith("}") and _matching_brace(s, m.end() - 1) == len(s) - 1:
                s = s[m.end() : -1]
        if s == text:
            return s
        text = s


def _matching_brace(s: str, start: int) -> int:
    depth = 0
    for k in range(start, len(s)):
        if s[k] == "{" and (k == 0 or s[k - 1] != "\\"):
            depth += 1
        elif s[k] == "}" and (k == 0 or s[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return -1


def _check_depth(text: str) -> None:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            if depth > limits.MAX_DEPTH:
                raise ParseError(
                    f"The answer is nested too deeply (more than {limits.MAX_DEPTH} levels of brackets).",
                    limit="nesting depth",
                )
        elif ch in ")]}":
            depth = max(0, depth - 1)


# Vulgar fractions (½, ¾, ⅞): a fraction in brackets; after digits a mixed number (1½ is 1 + 1/2).
_FRACTIONS = {ch: Fraction(unicodedata.numeric(ch)).limit_denominator(10) for ch in "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒↉"}
_FRACTION = re.compile(f"([0-9]*)([{''.join(_FRACTIONS)}])")
# Superscripts beyond ² and ³ (x⁴, x⁻¹, 2⁽ⁿ⁾ is not read): a run is one exponent.
_SUPERSCRIPT_DIGITS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿⁱˣʸ", "0123456789+-nixy", strict=True))
_SUPERSCRIPT = re.compile("[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿⁱˣʸ]+")


# Symbols read as tokens of their own, so they don't switch the answer into LaTeX reading (where
# braces only group: `{∅}` must stay a set holding the empty set).
_SYMBOL_TOKENS = {"∅": "emptyset", "∪": "cup", "∩": "cap", "⟨": "(", "⟩": ")", "〈": "(", "〉": ")"}

# Subscript digits: x₁ is x_1.
_SUBSCRIPT = re.compile("[₀₁₂₃₄₅₆₇₈₉]+")

# Greek letters by their names (θ -> theta), as a member would type them in plain text.
_GREEK_NAMES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
                "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
                "omega"]  # fmt: skip
_GREEK_CAPITALS = ("gamma", "delta", "theta", "lambda", "xi", "sigma", "upsilon", "phi", "psi", "omega")
_GREEK = {
    unicodedata.lookup(f"GREEK {case} LETTER {'LAMDA' if name == 'lambda' else name.upper()}"): (
        name if case == "SMALL" else name.capitalize()
    )
    for name in _GREEK_NAMES
    for case in ("SMALL", "CAPITAL")
    if case == "SMALL" or name in _GREEK_CAPITALS
} | {"ϵ": "epsilon", "ϕ": "phi", "ϑ": "vartheta", "ς": "varsigma"}  # fmt: skip
_GREEK_LETTER = re.compile(f"[{''.join(_GREEK)}]")


def _greek(m: re.Match[str]) -> str:
    """A Greek letter's name, spaced from letters beside it (xθ is x*theta, not the word xtheta).

    Σ and Π with limits (Σ_{k=1}^n k) are the sum and the product, as ∑ and ∏ are.
    """
    text, i = m.string, m.start()
    if m.group(0) in "ΣΠ" and text[m.end() : m.end() + 1] == "_":
        return "\\sum " if m.group(0) == "Σ" else "\\prod "
    before = " " if i > 0 and text[i - 1].isascii() and text[i - 1].isalpha() else ""
    after = " " if m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalnum() else ""
    return before + _GREEK[m.group(0)] + after


def _fraction(m: re.Match[str]) -> str:
    value = _FRACTIONS[m.group(2)]
    fraction = f"{value.numerator}/{value.denominator}"
    return f"({m.group(1)} + {fraction})" if m.group(1) else f"({fraction})"


def _superscript(m: re.Match[str]) -> str:
    return "^(" + "".join(_SUPERSCRIPT_DIGITS[c] for c in m.group(0)) + ")"


# Compatibility forms read as the plain letters they stand for: fullwidth （１＋ｘ） from CJK keyboards,
# math italic 𝑥 pasted from documents, and µ. Only these blocks: elsewhere NFKC would quietly turn
# odd symbols into something else (⑺ into (7)); those stay unreadable.
_COMPATIBLE = re.compile("[\uff01-\uff5e\U0001d400-\U0001d7ff\u00b5]")


def _check_raised(text: str) -> None:
    """Raised or lowered characters left over (x⁽²⁾, aₓ): say how to write them instead."""
    for ch in text:
        if ord(ch) > 0x7F and unicodedata.decomposition(ch).startswith(("<super>", "<sub>")):
            raise ParseError(f"I can't read the raised or lowered character {ch!r}; write ^ or _ instead.")


def _subscript_digits(m: re.Match[str]) -> str:
    return "_" + "".join(str(ord(c) - ord("₀")) for c in m.group(0))


def normalize(text: str) -> str:
    """Checks limits, strips wrappers and maps Unicode; the result is what gets tokenized."""
    check_raw(text)
    text = _FRACTION.sub(_fraction, text)
    text = _SUPERSCRIPT.sub(_superscript, text)
    text = _SUBSCRIPT.sub(_subscript_digits, text)
    _check_raised(text)
    text = _COMPATIBLE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = _GREEK_LETTER.sub(_greek, text)
    for src, dst in _UNICODE.items():
        if src in text:
            text = text.replace(src, dst)
    text = _strip_wrappers(text)
    # A lone dollar sign is a currency symbol ("$1,000.99", "1,000.99$"), not math mode.
    if text.count("$") == 1:
        text = text.replace("$", "")
    _check_depth(text)
    return text.strip()


def is_latex(text: str) -> bool:
    return "\\" in text


def _read_group(text: str, i: int) -> tuple[str, int]:
    """Raw content of a `{...}` group starting at text[i] == '{'; returns (content, index after)."""
    end = _matching_brace(text, i)
    if end < 0:
        raise ParseError("A `{` is never closed.")
    return text[i + 1 : end], end + 1


def tokenize(text: str) -> list[Token]:
    """Token list for normalized text (see `normalize`)."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch == "~":
            i += 1
            continue
        m = _NUMBER.match(text, i)
        if ch in _DIGITS or (ch == "." and m):
            assert m is not None
            out.append(Token("num", m.group(0), i))
            i = m.end()
            continue
        if ch.isalpha() and ch.isascii():
            m = _NAME.match(text, i)
            assert m is not None
            word, i = m.group(0), m.end()
            # One letter followed by digits is one atom (x1, R2), as in STACK; so are log2/log10.
            if i < n and text[i] in _DIGITS and (len(word) == 1 or word == "log"):
                d = re.match(r"[0-9]+", text[i:])
                assert d is not None
                if len(word) == 1 or d.group(0) in ("2", "10"):
                    word += d.group(0)
                    i += len(d.group(0))
            if word.lower() in UNIT_WORDS and out and _ends_element(text, i):
                out.append(Token("text", word, m.start()))  # "1.5 bits": a unit, read like \text{bits}
                continue
            word, i, group = _subscript(text, i, word)
            out.append(Token("name", word, m.start()))
            out.extend(group)
            continue
        if ch == "\\":
            i = _command(text, i, out)
            continue
        if ch in _SYMBOL_TOKENS:
            out.append(Token("op", _SYMBOL_TOKENS[ch], i))
            i += 1
            continue
        two = text[i : i + 2]
        if two in ("**", "<=", ">=", "!=", "=<", "=>", "==", "<>"):
            value = {"=<": "<=", "=>": ">=", "==": "=", "<>": "!="}.get(two, two)
            out.append(Token("op", "^" if value == "**" else value, i))
            i += 2
            continue
        if ch in "+-*/^()[]{},;|!%=<>&:'":
            out.append(Token("op", ch, i))
            i += 1
            continue
        if ch == "_":
            raise ParseError("A subscript `_` must follow a name, as in x_1.")
        raise ParseError(f"I can't read the character {ch!r}.")
    out.append(Token("end", "", n))
    return out


SUB_OPEN, SUB_CLOSE = "sub{", "sub}"  # around the tokens of an expression used as a subscript
_SIMPLE_SUB = re.compile(r"[A-Za-z][A-Za-z0-9]{0,11}|[0-9]{1,12}")


# Unit words a member may write after a value (not single letters: m and s are variables too).
UNIT_WORDS = frozenset(
    {w + plural for w in ("bit", "nat", "meter", "metre", "second", "unit") for plural in ("", "s")}
    | {"cm", "mm", "km", "kg"}
)


def _ends_element(text: str, i: int) -> bool:
    """Nothing but spaces before the end of the answer, a separator or a closing bracket."""
    rest = text[i:].lstrip()
    return not rest or rest[0] in ",;)]}"


def _subscript(text: str, i: int, word: str) -> tuple[str, int, list[Token]]:
    """Attach `_1`, `_{12}`, `_n` to a name: x_1 and a_{37} are single atoms (the word returned).

    A braced or parenthesised subscript that is not a plain run of letters or digits (`F_{n-k-1}`,
    `a_{2k}`, `x_(i+1)`, `\\sum_{k=1}`) is an expression: its tokens come back between `sub{` and `sub}`
    and the parser decides (a term of a sequence, or the limits of a sum).
    """
    n = len(text)
    if i < n and text[i] == "_" and word in OPERATORS:  # \lim_{x \to 0}, \int_0^1
        raise ParseError(OPERATORS[word])
    if i < n and text[i] == "_":
        j = i + 1
        while j < n and text[j] == " ":
            j += 1
        if j < n and text[j] in "{(":
            start = j + 1
            content, j = _read_group(text, j) if text[j] == "{" else _read_paren(text, j)
            if _SIMPLE_SUB.fullmatch(content.strip()):
                return f"{word}_{content.strip()}", j, []
            inner = [Token(t.kind, t.value, t.pos + start) for t in tokenize(content) if t.kind != "end"]
            if not inner:
                raise ParseError(f"The subscript after `{word}` is empty.")
            return word, j, [Token("op", SUB_OPEN, i), *inner, Token("op", SUB_CLOSE, j - 1)]
        if j < n and text[j].isalnum():
            # LaTeX takes one character (x_12 is x_1 times 2); plain text the whole run (y_hat, x_12).
            m = re.match(r"[A-Za-z0-9]+", text[j:]) if "\\" not in text else None
            run = m.group(0) if m else text[j]
            content, j = run, j + len(run)
        else:
            raise ParseError(f"I can't read the subscript after `{word}`.")
        if not re.fullmatch(r"[A-Za-z0-9]{1,12}", content):
            raise ParseError(f"Subscripts can only be letters or digits (`{word}_{{{content}}}`).")
        return f"{word}_{content}", j, []
    return word, i, []


def _read_paren(text: str, i: int) -> tuple[str, int]:
    """Raw content of a `(...)` group starting at text[i] == '('; returns (content, index after)."""
    depth = 0
    for k in range(i, len(text)):
        if text[k] == "(":
            depth += 1
        elif text[k] == ")":
            depth -= 1
            if depth == 0:
                return text[i + 1 : k], k + 1
    raise ParseError("A `(` is never closed.")


_LIMITS = re.compile(r"\s*(\\(limits|nolimits|displaystyle)(?![A-Za-z])\s*)*")


def _big_operator(name: str, text: str, j: int, pos: int, out: list[Token]) -> int:
    """`\\sum\\limits_{k=1}^{n}`: the name, its subscript group, then `^` and the upper limit.

    LaTeX also allows the limits the other way round (`\\prod^{n}_{i=1}`); the tokens come out in the
    one order the parser reads.
    """
    j = _LIMITS.match(text, j).end()  # type: ignore[union-attr]
    upper: list[Token] = []
    if j < len(text) and text[j] == "^":
        m = re.match(r"\s*(\{|\\[A-Za-z]+|\S)", text[j + 1 :])
        if not m:
            raise ParseError(f"`\\{name}^` needs an upper limit.")
        k = j + 1 + m.start(1)
        raw, end = _read_group(text, k) if m.group(1) == "{" else (m.group(1), j + 1 + m.end())
        upper = [Token("op", "^", j), Token("op", "{", k)]
        upper += [Token(t.kind, t.value, t.pos + k) for t in tokenize(raw) if t.kind != "end"]
        upper.append(Token("op", "}", end - 1))
        j = _LIMITS.match(text, end).end()  # type: ignore[union-attr]
    word, j, group = _subscript(text, j, name)
    out.append(Token("name", word, pos))
    out.extend(group)
    out.extend(upper)
    return j


def _command(text: str, i: int, out: list[Token]) -> int:
    """Translate one LaTeX command starting at text[i] == '\\'; returns the index after it."""
    m = re.match(r"\\([A-Za-z]+|.)", text[i:])
    if not m:
        raise ParseError("A lone backslash `\\` at the end of the answer.")
    name, j = m.group(1), i + m.end()
    if name in _SPACING:
        return j
    if name in _CMD_TOKENS:
        kind, value = _CMD_TOKENS[name]
        out.append(Token(kind, value, i))
        return j
    if name in _TEXT_CMDS:
        while j < len(text) and text[j] == " ":
            j += 1
        if j < len(text) and text[j] == "{":
            content, j = _read_group(text, j)
        else:
            raise ParseError(f"`\\{name}` needs its argument in braces.")
        _text_tokens(name, content, i, out)
        return j
    if name in ("begin", "end"):
        while j < len(text) and text[j] == " ":
            j += 1
        if j >= len(text) or text[j] != "{":
            raise ParseError(f"`\\{name}` needs an environment name in braces.")
        env, j = _read_group(text, j)
        env = env.strip().rstrip("*")
        if env not in ("pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix", "array", "cases"):
            raise ParseError(f"I can't read the LaTeX environment `{env}`.")
        if env == "array" and name == "begin" and j < len(text) and text[j] == "{":
            _, j = _read_group(text, j)  # column spec
        out.append(Token("cmd", f"{name}:{env}", i))
        return j
    if name in _ACCENTS:  # \hat{y} is the atom y_hat (also typed as y_hat)
        while j < len(text) and text[j] == " ":
            j += 1
        if j < len(text) and text[j] == "{":
            content, j = _read_group(text, j)
        elif j < len(text) and text[j].isalpha():
            content, j = text[j], j + 1
        else:
            raise ParseError(f"`\\{name}` needs a letter, as in \\{name}{{x}}.")
        content = content.strip()
        if not re.fullmatch(r"[A-Za-z]", content):
            raise ParseError(f"`\\{name}` works on a single letter, as in \\{name}{{x}}.")
        out.append(Token("name", f"{content}_{_ACCENTS[name]}", i))
        return j
    if name in ("left", "right"):
        return _delimiter(name, text, j, i, out)
    if name in _PARSER_CMDS:
        out.append(Token("cmd", name, i))
        return j
    if name in ("sum", "prod"):
        return _big_operator(name, text, j, i, out)
    # Function names, Greek letters and constants (\sin, \alpha, \pi): the parser decides.
    if name.isalpha():
        word, j, group = _subscript(text, j, name)
        out.append(Token("name", word, i))
        out.extend(group)
        return j
    raise ParseError(f"I can't read the LaTeX command `\\{name}`.")


def _delimiter(side: str, text: str, j: int, pos: int, out: list[Token]) -> int:
    """`\\left(` is just `(`; `\\left|` / `\\right|` say which way an absolute value bar faces."""
    while j < len(text) and text[j] == " ":
        j += 1
    m = re.match(r"\\\{|\\\}|\\[A-Za-z]+|\\\||.", text[j:])
    if not m:
        raise ParseError(f"`\\{side}` needs a delimiter after it.")
    delim = m.group(0)
    j += m.end()
    if delim == ".":
        return j
    if delim in ("|", "\\|", "\\vert", "\\lvert", "\\rvert"):
        out.append(Token("op", "absl" if side == "left" else "absr", pos))
        return j
    mapped = {"\\{": "setl", "\\}": "setr", "\\lbrace": "setl", "\\rbrace": "setr", "\\langle": "(",
              "\\rangle": ")", "\\lbrack": "[", "\\rbrack": "]"}.get(delim, delim)  # fmt: skip
    if mapped not in ("(", ")", "[", "]", "setl", "setr"):
        raise ParseError(f"I can't read the delimiter `{delim}` after `\\{side}`.")
    out.append(Token("op", mapped, pos))
    return j


_UNIT_WORDS = re.compile(r"[A-Za-z]{2,}(\s+[A-Za-z]+)*\.?")


def _text_tokens(cmd: str, content: str, pos: int, out: list[Token]) -> None:
    """`\\text{and}` separates list items; `\\text{ meters}` is prose; `\\mathrm{e}` is just e."""
    stripped = content.strip()
    if cmd == "operatorname":
        out.append(Token("name", stripped, pos))
        return
    if stripped.lower() in ("and", "or", ","):
        out.append(Token("op", "," if stripped == "," else stripped.lower(), pos))
        return
    if not stripped:
        return
    if (_UNIT_WORDS.fullmatch(stripped) and cmd.startswith("text")) or cmd == "mbox":
        out.append(Token("text", stripped, pos))
        return
    out.extend(t for t in tokenize(stripped) if t.kind != "end")
