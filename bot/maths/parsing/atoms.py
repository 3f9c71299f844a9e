"""The atoms of the grammar: names, function calls, LaTeX commands, brackets, matrices and sums.

`Atoms` holds the reader's state and token helpers; the grammar (bot.maths.parser) builds on it.
The token scanners below recognise names of values (`f'(x)`, `∂L/∂w`, `Var(X - Y)`) before the
grammar reads them as products.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import sympy

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.functions import (
    ALIASES,
    CONSTANTS,
    DECLARABLE,
    DECLARED_ALIASES,
    FUNCTIONS,
    GREEK,
    INVERSES,
)
from bot.maths.lexer import OPERATORS, SUB_CLOSE, SUB_OPEN, Token
from bot.maths.parsing.build import (
    div,
    maybe_matrix,
    mul,
    number_literal,
    power_of,
    scalar,
    symbol,
)
from bot.maths.sums import BIG_OPS, build, call_variable, sequence_bases, simple_index, term
from bot.maths.values import Interval, Matrix, Seq, SetValue, Value

_NOT_FACTOR_NAMES = {"and", "or", "percent", "pct", "U", "in"}

FUNC_PREFIXES = sorted((*FUNCTIONS, *ALIASES), key=len, reverse=True)

_ARGUMENT_NAME = re.compile(r"[A-Za-z]\w{0,15}")

LIMITS_HELP = "Write the limits as in \\sum_{k=1}^{n} k^2, or as sum(k^2, k, 1, n)."


def sequence_name(word: str) -> bool:
    """A letter (with digits) or a Greek letter: what can name a sequence or a bound variable."""
    named = re.fullmatch(r"[A-Za-z]\d*", word) or word in GREEK
    return bool(named) and ALIASES.get(word, word) not in FUNCTIONS and word != "pi"


def _applied_to_a_letter(word: str) -> tuple[str, str] | None:
    """`sinx`, `lnx`, `sintheta`: (the function, its one-letter or Greek argument), else None."""
    for prefix in FUNC_PREFIXES:
        rest = word[len(prefix) :]
        one_argument = 1 in FUNCTIONS[ALIASES.get(prefix, prefix)][1]
        if word.startswith(prefix) and (len(rest) == 1 or rest in GREEK) and one_argument:
            return prefix, rest
    return None


def is_union(t: Token) -> bool:
    return (t.kind == "op" and t.value == "cup") or (t.kind == "name" and t.value == "U")


def call_arguments(toks: list[Token], j: int) -> tuple[str, int] | None:
    """`(x)`, `(1, 2)`, `(A|B)` at toks[j]: (the text, the index after it), else None."""
    if not (toks[j].kind == "op" and toks[j].value == "("):
        return None
    parts = ["("]
    j += 1
    while True:
        arg = toks[j]
        if not (arg.kind == "num" or (arg.kind == "name" and _ARGUMENT_NAME.fullmatch(arg.value))):
            return None
        parts.append(arg.value)
        j += 1
        if toks[j].kind == "op" and toks[j].value in (",", "|"):
            parts.append(", " if toks[j].value == "," else "|")
            j += 1
            continue
        if toks[j].kind == "op" and toks[j].value == ")":
            return "".join(parts) + ")", j + 1
        return None


# Operators of probability and statistics whose value a member names left of `=`: `Var(X) = 2`.
STATISTICS = frozenset({"E", "Var", "Cov", "Corr", "SD", "Std", "P", "Pr"})

_CLOSERS = {"(": ")", "[": "]"}

_SPACED = {
    ",": ", ",
    "|": "|",
    "cap": " ∩ ",
    "cup": " ∪ ",
    "and": " and ",
    "or": " or ",
    **{op: f" {op} " for op in ("=", "<", "<=", ">", ">=", "!=")},
}
_INSIDE_OPS = {"+", "-", "*", "/", "^", ",", "|", "'", "=", "<", "<=", ">", ">=", "!=", "cap", "cup"}


def bracketed_text(toks: list[Token], j: int) -> tuple[str, int] | None:
    """`(X - Y)`, `[X^2]`, `(A|B)` at toks[j]: (the text as written, the index after it), else None.

    Only names, numbers, arithmetic, comparisons and ∩ / ∪ inside (P(A ∩ B), P(X > 2), P(A')); at most
    40 tokens (it becomes the name of a value).
    """
    if not (toks[j].kind == "op" and toks[j].value in _CLOSERS):
        return None
    stack: list[str] = []
    parts: list[str] = []
    for k in range(j, min(len(toks), j + 42)):
        t = toks[k]
        if t.kind == "op" and t.value in _CLOSERS:
            stack.append(_CLOSERS[t.value])
        elif t.kind == "op" and t.value in (")", "]"):
            if t.value != stack.pop():
                return None
            if not stack:
                return "".join(parts) + t.value, k + 1
        elif not (t.kind in ("name", "num") or (t.kind == "op" and t.value in _INSIDE_OPS)):
            return None
        parts.append(_SPACED.get(t.value, t.value) if t.kind == "op" or t.value in ("and", "or") else t.value)
    return None


def derivative_name(toks: list[Token], i: int) -> tuple[str, int] | None:
    """`∇f`, `\\frac{∂L}{∂w}`, `∂L/∂w`, `\\frac{dy}{dx}` at toks[i]: (the name, the index after it)."""
    toks = [*toks, *[toks[-1]] * 9]  # look-ahead past the end sees the end token (`\\frac{\\frac`)

    def letter(k: int) -> bool:
        return toks[k].kind == "name" and bool(re.fullmatch(r"[A-Za-z](_[A-Za-z0-9]+)?", toks[k].value))

    def partial(k: int) -> bool:  # ∂ followed by a letter
        return toks[k].kind == "name" and toks[k].value == "partial" and letter(k + 1)

    def op(k: int, value: str) -> bool:
        return toks[k].kind == "op" and toks[k].value == value

    t = toks[i]
    if t.kind == "name" and t.value == "nabla" and letter(i + 1):
        at = call_arguments(toks, i + 2)  # ∇f(1, 2)
        return (f"∇{toks[i + 1].value}{at[0]}", at[1]) if at else (f"∇{toks[i + 1].value}", i + 2)
    if partial(i) and op(i + 2, "/") and partial(i + 3):
        return f"∂{toks[i + 1].value}/∂{toks[i + 4].value}", i + 5
    if t.kind == "cmd" and t.value in ("frac", "dfrac") and op(i + 1, "{"):
        if partial(i + 2) and op(i + 4, "}") and op(i + 5, "{") and partial(i + 6) and op(i + 8, "}"):
            return f"∂{toks[i + 3].value}/∂{toks[i + 7].value}", i + 9
        top, bottom = toks[i + 2], toks[i + 5]
        if (
            op(i + 3, "}")
            and op(i + 4, "{")
            and op(i + 6, "}")
            and all(x.kind == "name" and re.fullmatch(r"d[A-Za-z]", x.value) for x in (top, bottom))
        ):
            return f"{top.value}/{bottom.value}", i + 7
    return None


class Atoms:
    """Reader state, token helpers and the atoms; `parse_*` grammar rules come from the subclass."""

    if TYPE_CHECKING:  # the grammar rules atoms recurse into (bot.maths.parser._Parser)

        def parse_items(self, end: tuple[str, ...], breaks: list[int] | None = None) -> list[Value]: ...
        def parse_element(self) -> Value: ...
        def parse_sum(self) -> Value: ...
        def parse_term(self) -> Value: ...
        def parse_unary(self) -> Value: ...
        def parse_power(self) -> Value: ...
        def parse_exponent(self) -> Value: ...
        def _at_end(self, end: tuple[str, ...]) -> bool: ...

    def __init__(self, tokens: list[Token], *, latex: bool, functions: Collection[str]) -> None:
        self.toks = tokens
        self.i = 0
        self.latex = latex
        declared = {f: DECLARABLE[f] for f in functions if f in DECLARABLE}
        if isinstance(functions, Mapping):  # a caller's own one-argument functions (/plot's activations)
            declared |= dict(functions)
        aliases = {alias: declared[f] for alias, f in DECLARED_ALIASES.items() if f in declared}
        self.declared = declared | aliases  # sigmoid(x) where sigma is declared
        self.depth = 0
        self.abs_depth = 0
        self.sequences = sequence_bases(tokens)  # names whose subscripts are indices (bot.maths.sums)
        self.bound: list[str] = []  # variables of the sums being read: `i` there is not the imaginary unit
        self.in_index = 0
        self.angle = 0  # inside <a, b>: `>` closes the vector instead of comparing

    def peek(self, k: int = 0) -> Token:
        toks, j = self.toks, self.i + k
        return toks[j] if j < len(toks) else toks[-1]  # the "end" token from there on

    # at / at_op run dozens of times per answer: the peek is written out.
    def at(self, *values: str) -> bool:
        toks, j = self.toks, self.i
        t = toks[j] if j < len(toks) else toks[-1]
        return t.kind in ("op", "name") and t.value in values

    def at_op(self, *values: str) -> bool:
        toks, j = self.toks, self.i
        t = toks[j] if j < len(toks) else toks[-1]
        return t.kind == "op" and t.value in values

    def take(self) -> Token:
        t = self.peek()
        self.i += 1
        return t

    def expect_op(self, *values: str) -> Token:
        if not self.at_op(*values):
            raise ParseError(f"Expected `{values[0]}` {self._where()}.")
        return self.take()

    def _where(self) -> str:
        t = self.peek()
        if t.kind == "end":
            return "but the answer ended"
        return f"before `{t.value}`"

    def enter(self) -> None:
        self.depth += 1
        if self.depth > limits.MAX_DEPTH:
            raise ParseError(
                f"The answer is nested too deeply (more than {limits.MAX_DEPTH} levels).",
                limit="nesting depth",
            )

    def _starts_factor(self) -> bool:
        t = self.peek()
        if t.kind in ("num",):
            return True
        if t.kind == "name":
            return t.value not in _NOT_FACTOR_NAMES
        if t.kind == "cmd":
            return not t.value.startswith("end:")
        if t.kind == "op":
            if t.value in ("(", "setl", "absl"):
                return True
            if t.value == "|":
                return self.abs_depth == 0
            if t.value == "{":
                return self.latex
        return False

    def parse_atom(self) -> Value:
        t = self.peek()
        if t.kind == "num":
            self.take()
            return number_literal(t.value)
        if t.kind == "name":
            parts = self._juxtaposed(t.value)
            if parts is not None and not (self.peek(1).kind == "op" and self.peek(1).value == SUB_OPEN):
                # `xy^2` is x*y^2: the word becomes one token per factor, so `^` takes the last one.
                first, rest = parts
                self.toks[self.i : self.i + 1] = [
                    Token("name", first, t.pos),
                    Token("name", rest, t.pos + len(first)),
                ]
                t = self.peek()
            self.take()
            if self.at_op(SUB_OPEN):
                return self.parse_subscripted(t.value)
            return self.parse_name(t.value)
        if t.kind == "cmd":
            return self.parse_command()
        if t.kind == "op":
            v = t.value
            if v == "(" or v == "[":
                return self.parse_bracketed()
            if v == "emptyset":
                self.take()
                return SetValue(())
            if v == "<":  # <a, b>: a vector, as physics and linear algebra courses write it
                self.take()
                self.angle += 1
                self.enter()
                items = self.parse_items(end=(">",))
                self.depth -= 1
                self.angle -= 1
                self.expect_op(">")
                if not items:
                    raise ParseError("Empty brackets `<>`.")
                return Seq(tuple(items), "(", ")")
            if v == "setl":
                self.take()
                items = self.parse_items(end=("setr",))
                self.expect_op("setr")
                return SetValue(tuple(items))
            if v == "{":
                if self._brace_is_group():
                    return self.parse_group()
                self.take()
                items = self.parse_items(end=("}",))
                self.expect_op("}")
                return SetValue(tuple(items))
            if v in ("|", "absl"):
                return self.parse_abs()
        if t.kind == "text":
            raise ParseError(f"I can't read the word `{t.value}` there.")
        if t.kind == "end":
            raise ParseError("The answer ends too early (something is missing at the end).")
        raise ParseError(f"I didn't expect `{t.value}` there.")

    def _juxtaposed(self, word: str) -> tuple[str, str] | None:
        """`xy` -> (x, y), `xy_1` -> (x, y_1), `sinx` -> (sin, x): a word that is two factors.

        None for every word `parse_name` reads as one atom (names, functions, constants, Greek).
        """
        if word in self.bound or word in self.declared or word in BIG_OPS or word in CONSTANTS:
            return None
        canon = ALIASES.get(word, word)
        if canon in FUNCTIONS or canon.startswith("log_") or word in ("pi", "e", "i"):
            return None
        base, _, sub = word.partition("_")
        if word in GREEK or base in GREEK or re.fullmatch(r"[A-Za-z]\d*", base):
            return None
        if re.fullmatch(r"[A-Za-z]{2}", base):
            return base[0], base[1] + (f"_{sub}" if sub else "")
        if sub:
            return None
        applied = _applied_to_a_letter(word)
        if applied is not None:
            return applied
        rest = word[1:]  # xsin(x), xlnx, xpi, xtheta: a letter times a function, pi or a Greek letter
        if ALIASES.get(rest, rest) in FUNCTIONS or rest in self.declared or rest in GREEK or rest == "pi":
            return word[0], rest
        if len(word) == 3 and word.startswith("pi"):  # 2pir, pix
            return "pi", word[2]
        if _applied_to_a_letter(rest) is not None:
            return word[0], rest
        return None

    def _brace_is_group(self) -> bool:
        """`{...}` groups in LaTeX, and in plain text when raised to a power ({0.95}^{20});
        with a comma inside it is a set."""
        depth = 0
        for k in range(self.i, len(self.toks)):
            t = self.toks[k]
            if t.kind == "op" and t.value in ("{", "(", "[", "setl"):
                depth += 1
            elif t.kind == "op" and t.value in ("}", ")", "]", "setr"):
                depth -= 1
                if depth == 0:
                    after = self.toks[min(k + 1, len(self.toks) - 1)]
                    before = self.toks[self.i - 1] if self.i else after
                    if any(is_union(t) for t in (before, after)):
                        return False  # {1, 2} ∪ {3}: beside a union, braces are a set even in LaTeX
                    return self.latex or (after.kind == "op" and after.value == "^")
            elif depth == 1 and t.kind == "op" and t.value in (",", ";"):
                return False
        return self.latex

    def parse_group(self) -> Value:
        """A LaTeX `{...}` group: just grouping."""
        self.expect_op("{")
        self.enter()
        value = self.parse_element()
        self.depth -= 1
        self.expect_op("}")
        return value

    def parse_abs(self) -> Value:
        self.take()
        self.abs_depth += 1
        inner = scalar(self.parse_sum(), "`|...|`")
        self.abs_depth -= 1
        self.expect_op("|", "absr")
        return sympy.Abs(inner, evaluate=False)

    def parse_bracketed(self) -> Value:
        opener = self.take().value
        self.enter()
        items = self.parse_items(end=(")", "]"))
        trailing_comma = self.toks[self.i - 1].value == "," if items else False
        closer = self.expect_op(")", "]").value
        self.depth -= 1
        if opener == "(" and closer == ")" and len(items) == 1 and not trailing_comma:
            return items[0]
        if (opener, closer) in (("(", "]"), ("[", ")")):
            if len(items) != 2:
                raise ParseError(f"Brackets `{opener}` ... `{closer}` don't match.")
            return Interval(((scalar(items[0], "an interval"), scalar(items[1], "an interval"),
                              opener == "(", closer == ")"),))  # fmt: skip
        if (opener == "(") != (closer == ")"):
            raise ParseError(f"Brackets `{opener}` ... `{closer}` don't match.")
        if opener == "(" and not items:
            raise ParseError("Empty brackets `()`.")
        seq = Seq(tuple(items), opener, closer)
        return maybe_matrix(seq)

    def parse_name(self, word: str) -> Value:
        if word in self.bound or (self.in_index and word in ("i", "e")):
            return symbol(word)
        if word in BIG_OPS and self.at_op("("):
            return self.parse_big_call(word)
        if word in BIG_OPS or word.startswith(("sum_", "prod_", "product_")):
            raise ParseError("A sum or product needs its limits, as in \\sum_{k=1}^{n} k or sum(k, k, 1, n).")
        if word in self.declared and self.at_op("(", "^"):
            return self.parse_call(word, self.declared[word])
        canon = ALIASES.get(word, word)
        if canon in FUNCTIONS or canon.startswith("log_"):
            return self.parse_call(canon, None)
        if word == "pi":
            return sympy.pi
        if word in CONSTANTS:
            return sympy.oo
        if word == "e":
            return sympy.E
        if word == "i":
            return sympy.I
        base = word.split("_", 1)[0]
        if base in self.sequences and "_" in word:
            index = simple_index(word.split("_", 1)[1])
            if index is not None:
                return term(base, index)
        if word in GREEK or base in GREEK:
            return symbol(word)
        if re.fullmatch(r"[A-Za-z]\d*(_[A-Za-z0-9]+)?", word):
            return symbol(word)
        if re.fullmatch(r"[A-Za-z]{2}", word):  # xy is x*y
            return mul(*(self.parse_name(ch) for ch in word))
        for prefix in FUNC_PREFIXES:  # sinx, lnx: a function applied to one letter
            rest = word[len(prefix) :]
            if word.startswith(prefix) and (len(rest) == 1 or rest in GREEK) and "_" not in word:
                builder, counts = FUNCTIONS[ALIASES.get(prefix, prefix)]
                if 1 in counts:
                    return builder(self.parse_name(rest))
        if word in ("and", "or"):
            raise ParseError(f"`{word}` is in the wrong place.")
        if word in STATISTICS:
            raise ParseError(f"`{word}(...)` names a value; write the value, or both: {word}(X) = 2.")
        shown = word.split("_", 1)[0] if "_" in word else word
        if shown in OPERATORS:
            raise ParseError(OPERATORS[shown])
        raise ParseError(f"Unknown name '{shown}'.")

    def parse_subscripted(self, word: str) -> Value:
        """`F_{n-k-1}`: a term of sequence F; `\\sum_{k=1}^{n}`: a sum."""
        if word in BIG_OPS:
            return self.parse_big_operator(word)
        canon = ALIASES.get(word, word)
        if not sequence_name(word) or canon in FUNCTIONS or word in self.declared:
            raise ParseError(f"Only a name can have an expression as its subscript (not `{word}`).")
        return term(word, self.parse_index())

    def parse_index(self) -> sympy.Expr:
        self.expect_op(SUB_OPEN)
        self.enter()
        self.in_index += 1
        index = scalar(self.parse_sum(), "a subscript")
        self.in_index -= 1
        self.depth -= 1
        self._close_subscript()
        return index

    def _close_subscript(self) -> None:
        if not self.at_op(SUB_CLOSE):
            raise ParseError(f"I can't read that subscript ({self._where()}).")
        self.take()

    def parse_big_operator(self, word: str) -> Value:
        """`\\sum_{k=a}^{b} body`; the body is the run of factors up to the next `+`/`-` (a term)."""
        self.expect_op(SUB_OPEN)
        var = self._bound_variable()
        if not self.at_op("="):
            raise ParseError(f"A sum needs a range for `{var}`. {LIMITS_HELP}")
        self.take()
        lower = scalar(self.parse_sum(), "a limit of a sum")
        self._close_subscript()
        if not self.at_op("^"):
            raise ParseError(f"A sum needs an upper limit. {LIMITS_HELP}")
        self.take()
        upper = scalar(self.parse_exponent(), "a limit of a sum")
        self.bound.append(var)
        self.enter()
        try:
            if not (self._starts_factor() or self.at_op("-", "+")):
                raise ParseError(f"A sum needs something to add up after its limits. {LIMITS_HELP}")
            body = scalar(self.parse_term(), "a sum")
        finally:
            self.bound.pop()
            self.depth -= 1
        return build(word, body, var, lower, upper)

    def parse_big_call(self, word: str) -> Value:
        """`sum(body, k, a, b)` and `prod(body, k, a, b)`, as in CAS."""
        var = call_variable(self.toks, self.i)
        self.take()
        self.enter()
        self.bound.append(var)
        try:
            body = scalar(self.parse_sum(), "a sum")
        finally:
            self.bound.pop()
        self.expect_op(",")
        self.take()  # the variable, checked by call_variable
        self.expect_op(",")
        lower = scalar(self.parse_sum(), "a limit of a sum")
        self.expect_op(",")
        upper = scalar(self.parse_sum(), "a limit of a sum")
        self.expect_op(")")
        self.depth -= 1
        if not sequence_name(var):
            raise ParseError(f"The variable of a sum must be a single name (not `{var}`).")
        return build(word, body, var, lower, upper)

    def _bound_variable(self) -> str:
        t = self.take()
        if t.kind != "name" or not sequence_name(t.value) or t.value in self.declared:
            raise ParseError(f"The variable of a sum must be a single name. {LIMITS_HELP}")
        return t.value

    def parse_call(self, name: str, declared: Any) -> Value:
        base: sympy.Expr | None = None
        if name.startswith("log_"):
            base = number_literal(name[4:]) if name[4:].isdigit() else self.parse_name(name[4:])
            name = "log"
        power: sympy.Expr | None = None
        if self.at_op("^"):
            self.take()
            exponent = scalar(self.parse_exponent(), "an exponent")
            if exponent == -1 and name in INVERSES:
                name = INVERSES[name]
            else:
                power = exponent
        if self.at_op("("):
            self.take()
            self.enter()
            args = self.parse_items(end=(")",))
            self.expect_op(")")
            self.depth -= 1
            if not args:
                raise ParseError(f"`{name}()` needs an argument.")
        else:
            args = [self.parse_implicit_argument(name)]
        args = [scalar(a, f"the argument of {name}") for a in args]
        if declared is not None:
            if len(args) != 1:
                raise ParseError(f"`{name}` takes one argument.")
            result = declared(*args, evaluate=False)
        else:
            builder, counts = FUNCTIONS[name]
            if base is not None:
                if len(args) != 1:
                    raise ParseError("`\\log_b` takes one argument.")
                args.append(base)
            if len(args) not in counts:
                want = " or ".join(str(c) for c in counts)
                raise ParseError(f"`{name}` takes {want} argument{'s' if counts[-1] > 1 else ''}.")
            try:
                result = builder(*args)
            except (TypeError, ValueError) as exc:
                raise ParseError(f"I can't apply `{name}` to that.") from exc
        return power_of(result, power) if power is not None else result

    def parse_implicit_argument(self, name: str) -> Value:
        """`sin x`, `\\sin 2x`, `\\ln|x|`: the argument is the next run of juxtaposed factors."""
        if self._at_end(("end", ")", "]", "}", "setr", ",")) or not (
            self._starts_factor() or self.at_op("-", "+")
        ):
            raise ParseError(f"`{name}` needs an argument, as in {name}(x).")
        arg = self.parse_unary() if self.at_op("-", "+") else self.parse_power()
        while self._starts_factor() and not self._at_function_name():
            arg = mul(scalar(arg, "multiplication"), scalar(self.parse_power(), "multiplication"))
        return arg

    def _at_function_name(self) -> bool:
        t = self.peek()
        if t.kind != "name":
            return t.kind == "cmd"
        canon = ALIASES.get(t.value, t.value)
        return canon in FUNCTIONS or canon.startswith("log_") or t.value in self.declared

    def parse_command(self) -> Value:
        t = self.take()
        name = t.value
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num = scalar(self.parse_latex_arg(), "a fraction")
            den = scalar(self.parse_latex_arg(), "a fraction")
            return div(num, den)
        if name in ("binom", "dbinom", "tbinom"):
            n = scalar(self.parse_latex_arg(), "a binomial")
            k = scalar(self.parse_latex_arg(), "a binomial")
            return sympy.binomial(n, k, evaluate=False)
        if name == "sqrt":
            index: sympy.Expr | None = None
            if self.at_op("["):
                self.take()
                index = scalar(self.parse_sum(), "a root index")
                self.expect_op("]")
            arg = scalar(self.parse_latex_arg(), "a square root")
            if index is None:
                return power_of(arg, sympy.Rational(1, 2))
            exponent = sympy.Rational(1, index) if isinstance(index, sympy.Integer) and index != 0 else (
                sympy.Pow(index, -1, evaluate=False))  # fmt: skip
            return power_of(arg, exponent)
        if name.startswith("begin:"):
            return self.parse_matrix(name[6:])
        raise ParseError(f"I didn't expect `\\{name.split(':')[-1]}` there.")

    def parse_latex_arg(self) -> Value:
        """One argument of \\frac or \\sqrt: `{...}`, or one digit / letter as in \\frac12."""
        t = self.peek()
        if self.at_op("{"):
            return self.parse_group()
        if t.kind == "num":
            return self._split_number()
        if t.kind == "name" and re.fullmatch(r"[A-Za-z]{2,}", t.value) and self.toks[self.i].pos >= 0:
            canon = ALIASES.get(t.value, t.value)
            if canon not in FUNCTIONS and t.value not in GREEK and t.value not in CONSTANTS:
                self.toks[self.i] = Token("name", t.value[1:], t.pos + 1)
                return self.parse_name(t.value[0])
        return self.parse_atom()

    def _split_number(self) -> sympy.Expr:
        """Take the first digit of a number token (\\frac12, x^23 in LaTeX); leave the rest."""
        t = self.peek()
        if len(t.value) > 1 and t.value.isdigit():
            self.toks[self.i] = Token("num", t.value[1:], t.pos + 1)
            return sympy.Integer(int(t.value[0]))
        self.take()
        return number_literal(t.value)

    def parse_matrix(self, env: str) -> Value:
        rows: list[list[sympy.Expr]] = []
        row: list[sympy.Expr] = []
        while True:
            t = self.peek()
            if t.kind == "cmd" and t.value == f"end:{env}":
                self.take()
                break
            if t.kind == "end":
                raise ParseError(f"`\\begin{{{env}}}` is never closed with `\\end{{{env}}}`.")
            row.append(scalar(self.parse_sum(), "a matrix entry"))
            if self.at_op("&"):
                self.take()
            elif self.at_op("rowsep"):
                self.take()
                rows.append(row)
                row = []
        if row:
            rows.append(row)
        if not rows or any(len(r) != len(rows[0]) for r in rows):
            raise ParseError("Every row of a matrix needs the same number of entries.")
        if len(rows) * len(rows[0]) > limits.MAX_MATRIX_CELLS:
            raise ParseError(
                f"That matrix is too big (limit {limits.MAX_MATRIX_CELLS} entries).", limit="matrix size"
            )
        return Matrix(tuple(tuple(r) for r in rows))
