"""A recursive-descent parser for answers: plain text or LaTeX in, SymPy objects out. Never eval.

Grammar (loosest first)::

    answer   := element ((',' | ';' | 'and' | 'or') element)*     a bare list when more than one;
                                                                   `;` groups assignments into tuples
    element  := union (relop union)* ['in' union] [unit text]      relop: = < <= > >= != \\approx
    union    := sum (('\\cup' | 'U') sum)*
    sum      := term (('+' | '-' | '\\pm') term)*
    term     := unary (('*' | '/') unary | power)*                 juxtaposition multiplies: 2x(1-x)
    unary    := ('-' | '+' | '\\pm') unary | power
    power    := postfix ['^' unary]                                right-associative; -x^2 = -(x^2)
    postfix  := atom ('!' | '%' | 'percent')*
    atom     := number | name | call | (..) | [..] | {..} | |..| | \\frac | \\sqrt | matrix

Reading decisions (the member's guide is bot.services.help.ANSWER_GUIDE):

* ``xy`` (an unknown two-letter word) is x*y, as in WeBWorK; an unknown longer word is invalid.
* ``x1`` and ``x_1`` are different atoms (as in STACK); ``x1`` is never x*1.
* ``i`` is the imaginary unit; every variable is real.
* ``1/2x`` is (1/2)*x: juxtaposition binds like ``*``.
* ``sin x^2`` is sin(x^2); ``sin^2 x`` is sin(x)^2; ``sin^-1 x`` is asin(x).
* ``log`` is the natural log; ``log(x, b)`` and ``\\log_b x`` have base b.
* ``f(x)``, ``f'(x)``, ``g(2)``, ``P(A|B)`` as a whole side of a relation are names of values
  (``f'(x) = 2x``); elsewhere ``f(x)`` is f*x and a prime is refused.
* ``\\sum_{k=a}^{b} body`` (also ``\\sum\\limits``, ``\\prod``, ``sum_{k=a}^b`` typed without the backslash,
  and ``sum(body, k, a, b)`` / ``prod(...)``): the body is what a big operator takes in LaTeX, the run
  of factors after the limits up to the next ``+``/``-`` (or ``=``, ``,``, closing bracket) at the same
  level: ``\\sum_{k=1}^n k^2 + 1`` is (sum of k^2) + 1, ``\\sum_{k=1}^n (k+1)`` sums k+1,
  ``\\sum_i x_i y_i`` sums the products, and ``2 \\sum_k k`` is 2 times the sum. Inside the body the
  bound variable is a real name (``i`` there is not the imaginary unit).
* A subscript that is an expression (``F_{n-k-1}``, ``a_{2k}``, ``x_(i+1)``) is a term of a sequence.
  In an answer that has one, or that subscripts a name by a sum's variable (``\\sum_k F_k``), every
  ``F_n``, ``F_0`` of that name is a term of the same sequence (bot.maths.sums); elsewhere ``x_1`` and
  ``a_n`` are plain names as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from itertools import pairwise, product
from typing import Any

import mpmath
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
    PlusMinus,
)
from bot.maths.lexer import OPERATORS, SUB_CLOSE, SUB_OPEN, Token, is_latex, normalize, tokenize
from bot.maths.sums import (
    BIG_OPS,
    BigOp,
    build,
    call_variable,
    check_terms,
    constant_terms,
    sequence_bases,
    simple_index,
    term,
)
from bot.maths.values import (
    Interval,
    Matrix,
    Membership,
    Relation,
    Seq,
    SetValue,
    Text,
    Value,
    kind_of,
    scalars,
)

__all__ = ["EXPECT_KINDS", "parse_answer", "parse_expression"]

EXPECT_KINDS = ("expression", "number", "set", "tuple", "matrix", "interval", "equation", "inequality")

_RELOPS = {"=", "<", "<=", ">", ">=", "!=", "approx"}
_SEPARATORS = {",", ";", "and", "or"}
_NOT_FACTOR_NAMES = {"and", "or", "percent", "pct", "U", "in"}
_FUNC_PREFIXES = sorted((*FUNCTIONS, *ALIASES), key=len, reverse=True)

NEG = sympy.S.NegativeOne
_ARGUMENT_NAME = re.compile(r"[A-Za-z]\w{0,15}")


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def _mul(*args: sympy.Expr) -> sympy.Expr:
    # Flatten 2*x*(1-x) so "interpreted as" reads the way it was typed, not ((2*x)*(1-x)).
    flat: list[sympy.Expr] = []
    for a in args:
        is_product = isinstance(a, sympy.Mul) and a.args[0] is not NEG and not _is_quotient(a)
        flat.extend(a.args if is_product else (a,))
    return sympy.Mul(*flat, evaluate=False)


def _is_quotient(expr: sympy.Expr) -> bool:
    return any(isinstance(f, sympy.Pow) and f.args[1] is NEG for f in expr.args)


def _add(*args: sympy.Expr) -> sympy.Expr:
    flat: list[sympy.Expr] = []
    for a in args:
        flat.extend(a.args if isinstance(a, sympy.Add) else (a,))
    return sympy.Add(*flat, evaluate=False)


def _neg(x: sympy.Expr) -> sympy.Expr:
    if isinstance(x, sympy.Number):
        return -x
    if isinstance(x, sympy.Mul) and isinstance(x.args[0], sympy.Number) and x.args[0] is not NEG:
        return sympy.Mul(-x.args[0], *x.args[1:], evaluate=False)  # -2x^2, not -1*2*x^2
    return sympy.Mul(NEG, x, evaluate=False)


def _div(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    if _is_derivative_operator(a, b):
        raise ParseError(OPERATORS["partial"])
    if a == 1:
        return sympy.Pow(b, NEG, evaluate=False)
    return _mul(a, sympy.Pow(b, NEG, evaluate=False))


def _is_derivative_operator(num: sympy.Expr, den: sympy.Expr) -> bool:
    """d/dx or \\frac{d}{dt}, which would otherwise read as d/(d*x) = 1/x."""
    d = sympy.Symbol("d", real=True)
    return (
        num == d
        and isinstance(den, sympy.Mul)
        and len(den.args) == 2
        and den.args[0] == d
        and isinstance(den.args[1], sympy.Symbol)
    )


def _pow(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(a, b, evaluate=False)


class _Parser:
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

    # -- token helpers -------------------------------------------------------------------------
    def peek(self, k: int = 0) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def at(self, *values: str) -> bool:
        t = self.peek()
        return t.kind in ("op", "name") and t.value in values

    def at_op(self, *values: str) -> bool:
        t = self.peek()
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

    # -- grammar -------------------------------------------------------------------------------
    def parse_answer(self) -> Value:
        toks = [t for t in self.toks if t.kind != "end"]
        if len(toks) == 1 and toks[0].kind == "text":
            return Text(toks[0].value.lower())
        if not toks:
            raise ParseError("The answer is empty.")
        breaks: list[int] = []
        items = self.parse_items(end=("end",), breaks=breaks)
        if self.peek().kind != "end":
            raise ParseError(f"I couldn't read the answer {self._where()}.")
        for item in items:
            _check_primes(item)
        solutions = _solution_groups(items, breaks)
        if solutions is not None:
            return Seq(solutions, "", "")
        expanded: list[Value] = []
        for item in items:
            expanded.extend(_expand_pm(item))
        if len(expanded) == 1:
            return expanded[0]
        if len(items) == 1:  # one element with \pm: the set of its values
            return SetValue(tuple(expanded))
        return Seq(tuple(expanded), "", "")

    def parse_items(self, end: tuple[str, ...], breaks: list[int] | None = None) -> list[Value]:
        """Elements separated by , ; and or — until a closer in `end` (not consumed).

        `breaks` collects how many items came before each `;` (solutions: p=5, q=2; p=7, q=2).
        """
        items: list[Value] = []
        while True:
            while self.at(*_SEPARATORS):  # "19, 46, and 82"
                if breaks is not None and items and self.at_op(";"):
                    breaks.append(len(items))
                self.take()
            if self._at_end(end):
                break
            items.append(self.parse_element())
            if len(items) > limits.MAX_ITEMS:
                raise ParseError(f"Too many items (the limit is {limits.MAX_ITEMS}).", limit="items")
            if not self.at(*_SEPARATORS):
                break
        return items

    def _at_end(self, end: tuple[str, ...]) -> bool:
        t = self.peek()
        return t.kind == "end" or (t.kind in ("op", "cmd") and t.value in end)

    def parse_element(self) -> Value:
        self.enter()
        first = self.parse_named_value() or self.parse_ratio()
        exprs: list[Value] = [first]
        ops: list[str] = []
        approx: list[int] = []
        while self.at_op(*_RELOPS):
            op = self.take().value
            if op == "approx":
                op = "="
                approx.append(len(ops))
            ops.append(op)
            if len(ops) > limits.MAX_LINKS:
                raise ParseError(
                    f"Too many `=` or `<` signs in a row (the limit is {limits.MAX_LINKS}).", limit="chain"
                )
            exprs.append(self.parse_named_value() or self.parse_ratio())
        while self.peek().kind == "text":  # a trailing unit: "1/3 \text{ meters}"
            self.take()
        if self.at_op("in") or self.at("in"):  # x \in [a, b], or typed: x in [a, b]
            self.take()
            region = _as_region(self.parse_union())
            if ops or not isinstance(first, sympy.Symbol):
                raise ParseError("Write membership as `x \\in [a, b]` with a single variable on the left.")
            self.depth -= 1
            return Membership(first, region)
        self.depth -= 1
        if not ops:
            return first
        if len(ops) == 1 and ops[0] == "=" and not all(isinstance(e, sympy.Expr) for e in exprs):
            lhs = exprs[0]
            if not (isinstance(lhs, sympy.Symbol) or _is_symbol_tuple(lhs)):
                raise ParseError("Only a name or a tuple of names can be set equal to a tuple or set.")
            return Relation(tuple(exprs), tuple(ops), tuple(approx))
        if len(ops) == 1 and ops[0] == "=" and _is_symbol_tuple(exprs[0]):  # A:B = 1
            return Relation(tuple(exprs), tuple(ops), tuple(approx))
        for e in exprs:
            _scalar(e, "a side of an equation or inequality")
        return Relation(tuple(exprs), tuple(ops), tuple(approx))

    def parse_named_value(self) -> sympy.Symbol | None:
        """`f(x)`, `f'(2)`, `P(A|B)`, `∇f`, `∂L/∂w` as a whole side of a relation: the name of a value.

        Read as one name, so f(x) = 2x + 1 names the answer 2x + 1; inside an expression the same
        letters still multiply (x(1 + x)) and derivative operators are refused.
        """
        toks, i = self.toks, self.i
        derivative = _derivative_name(toks, i)
        if derivative is not None:
            name, j = derivative
            return self._named_if_beside_relation(name, i, j)
        head = toks[i]
        if head.kind != "name" or not re.fullmatch(r"[A-Za-z](_[A-Za-z0-9]+)?", head.value):
            return None
        if head.value in ("e", "i") or head.value in self.declared:
            return None
        j = i + 1
        while toks[j].kind == "op" and toks[j].value == "'":
            j += 1
        primes = j - i - 1
        called = _arguments(toks, j)
        if called is None:
            return None
        arguments, j = called
        return self._named_if_beside_relation(head.value + "'" * primes + arguments, i, j)

    def _named_if_beside_relation(self, name: str, i: int, j: int) -> sympy.Symbol | None:
        """Take tokens i..j-1 as the name `name` when they are a whole side of a relation."""
        toks = self.toks
        after_relation = i > 0 and toks[i - 1].kind == "op" and toks[i - 1].value in _RELOPS
        before_relation = toks[j].kind == "op" and toks[j].value in _RELOPS
        ends = toks[j].kind == "end" or (toks[j].kind == "op" and toks[j].value in (",", ";", ")", "]", "}"))
        if not (before_relation or (after_relation and ends)):
            return None
        self.i = j
        return _sym(name)

    def parse_ratio(self) -> Value:
        """`3:1` (odds, ratios, 12:00): compared entry by entry, like a tuple."""
        first = self.parse_union()
        if not self.at_op(":"):
            return first
        items = [_scalar(first, "a ratio")]
        while self.at_op(":"):
            self.take()
            items.append(_scalar(self.parse_union(), "a ratio"))
        return Seq(tuple(items), ":", "")

    def parse_union(self) -> Value:
        left = self.parse_sum()
        while self.at_op("cup") or (self.at("U") and not isinstance(left, sympy.Expr)):
            self.take()
            right = self.parse_sum()
            left = Interval(_as_interval(left).parts + _as_interval(right).parts)
        return left

    def parse_sum(self) -> Value:
        left = self.parse_term()
        while self.at_op("+", "-", "pm", "mp"):
            op = self.take().value
            right = _scalar(self.parse_term(), f"`{op}`")
            left = _scalar(left, f"`{op}`")
            if op == "+":
                left = _add(left, right)
            elif op == "-":
                left = _add(left, _neg(right))
            else:
                left = PlusMinus(left, right if op == "pm" else _neg(right))
        return left

    def parse_term(self) -> Value:
        left = self.parse_unary()
        while True:
            if self.at_op("*", "/"):
                op = self.take().value
                right = _scalar(self.parse_unary(), f"`{op}`")
                left = _scalar(left, f"`{op}`")
                left = _mul(left, right) if op == "*" else _div(left, right)
            elif self._starts_factor():
                before = self.toks[self.i - 1]
                if self.peek().kind == "num" and before.kind == "num":
                    raise ParseError(
                        f"Two numbers next to each other (`{before.value} {self.peek().value}`);"
                        " put an operator between them."
                    )
                right = self.parse_power()
                left = _mul(_scalar(left, "multiplication"), _scalar(right, "multiplication"))
            else:
                return left

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

    def parse_unary(self) -> Value:
        self.enter()
        try:
            if self.at_op("-"):
                self.take()
                return _neg(_scalar(self.parse_unary(), "`-`"))
            if self.at_op("+"):
                self.take()
                return _scalar(self.parse_unary(), "`+`")
            if self.at_op("pm", "mp"):
                sign = self.take().value
                arg = _scalar(self.parse_unary(), "`±`")
                return PlusMinus(sympy.S.Zero, arg if sign == "pm" else _neg(arg))
            return self.parse_power()
        finally:
            self.depth -= 1

    def parse_power(self) -> Value:
        base = self.parse_postfix()
        if not self.at_op("^"):
            return base
        self.take()
        if self._degrees():
            return _mul(_scalar(base, "degrees"), sympy.pi, sympy.Pow(180, -1, evaluate=False))
        exponent = self.parse_exponent()
        result = _pow(_scalar(base, "`^`"), _scalar(exponent, "an exponent"))
        return self.parse_postfix_ops(result)

    def _degrees(self) -> bool:
        if self.at_op("circ"):
            self.take()
            return True
        if self.at_op("{") and self.peek(1).value == "circ" and self.peek(2).value == "}":
            self.i += 3
            return True
        return False

    def parse_exponent(self) -> Value:
        if self.at_op("{"):
            return self.parse_group()
        t = self.peek()
        if self.latex and t.kind == "num" and len(t.value) > 1 and t.value.isdigit():
            return self._split_number()
        return self.parse_unary()

    def parse_postfix(self) -> Value:
        return self.parse_postfix_ops(self.parse_atom())

    def parse_postfix_ops(self, value: Value) -> Value:
        while True:
            if self.at_op("!"):
                self.take()
                value = sympy.factorial(_scalar(value, "`!`"), evaluate=False)
            elif self.at_op("%") or self.at("percent", "pct"):
                self.take()
                value = _mul(_scalar(value, "`%`"), sympy.Pow(100, -1, evaluate=False))
            elif self.at_op("'"):
                if not isinstance(value, sympy.Symbol):
                    raise ParseError(PRIMES)
                self.take()
                value = _sym(value.name + "'")  # f' and y'' are names: f'(x) = 2x names the answer 2x
            else:
                return value

    # -- atoms ---------------------------------------------------------------------------------
    def parse_atom(self) -> Value:
        t = self.peek()
        if t.kind == "num":
            self.take()
            return _number(t.value)
        if t.kind == "name":
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
        inner = _scalar(self.parse_sum(), "`|...|`")
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
            return Interval(((_scalar(items[0], "an interval"), _scalar(items[1], "an interval"),
                              opener == "(", closer == ")"),))  # fmt: skip
        if (opener == "(") != (closer == ")"):
            raise ParseError(f"Brackets `{opener}` ... `{closer}` don't match.")
        if opener == "(" and not items:
            raise ParseError("Empty brackets `()`.")
        seq = Seq(tuple(items), opener, closer)
        return _maybe_matrix(seq)

    def parse_name(self, word: str) -> Value:
        if word in self.bound or (self.in_index and word in ("i", "e")):
            return _sym(word)
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
            return _sym(word)
        if re.fullmatch(r"[A-Za-z]\d*(_[A-Za-z0-9]+)?", word):
            return _sym(word)
        if re.fullmatch(r"[A-Za-z]{2}", word):  # xy is x*y
            return _mul(*(self.parse_name(ch) for ch in word))
        for prefix in _FUNC_PREFIXES:  # sinx, lnx: a function applied to one letter
            rest = word[len(prefix) :]
            if word.startswith(prefix) and (len(rest) == 1 or rest in GREEK) and "_" not in word:
                builder, counts = FUNCTIONS[ALIASES.get(prefix, prefix)]
                if 1 in counts:
                    return builder(self.parse_name(rest))
        if word in ("and", "or"):
            raise ParseError(f"`{word}` is in the wrong place.")
        shown = word.split("_", 1)[0] if "_" in word else word
        if shown in OPERATORS:
            raise ParseError(OPERATORS[shown])
        raise ParseError(f"Unknown name '{shown}'.")

    # -- sums, products, sequences (representation: bot.maths.sums) -------------------------------
    def parse_subscripted(self, word: str) -> Value:
        """`F_{n-k-1}`: a term of sequence F; `\\sum_{k=1}^{n}`: a sum."""
        if word in BIG_OPS:
            return self.parse_big_operator(word)
        canon = ALIASES.get(word, word)
        if not _sequence_name(word) or canon in FUNCTIONS or word in self.declared:
            raise ParseError(f"Only a name can have an expression as its subscript (not `{word}`).")
        return term(word, self.parse_index())

    def parse_index(self) -> sympy.Expr:
        self.expect_op(SUB_OPEN)
        self.enter()
        self.in_index += 1
        index = _scalar(self.parse_sum(), "a subscript")
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
            raise ParseError(f"A sum needs a range for `{var}`. {_LIMITS_HELP}")
        self.take()
        lower = _scalar(self.parse_sum(), "a limit of a sum")
        self._close_subscript()
        if not self.at_op("^"):
            raise ParseError(f"A sum needs an upper limit. {_LIMITS_HELP}")
        self.take()
        upper = _scalar(self.parse_exponent(), "a limit of a sum")
        self.bound.append(var)
        self.enter()
        try:
            if not (self._starts_factor() or self.at_op("-", "+")):
                raise ParseError(f"A sum needs something to add up after its limits. {_LIMITS_HELP}")
            body = _scalar(self.parse_term(), "a sum")
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
            body = _scalar(self.parse_sum(), "a sum")
        finally:
            self.bound.pop()
        self.expect_op(",")
        self.take()  # the variable, checked by call_variable
        self.expect_op(",")
        lower = _scalar(self.parse_sum(), "a limit of a sum")
        self.expect_op(",")
        upper = _scalar(self.parse_sum(), "a limit of a sum")
        self.expect_op(")")
        self.depth -= 1
        if not _sequence_name(var):
            raise ParseError(f"The variable of a sum must be a single name (not `{var}`).")
        return build(word, body, var, lower, upper)

    def _bound_variable(self) -> str:
        t = self.take()
        if t.kind != "name" or not _sequence_name(t.value) or t.value in self.declared:
            raise ParseError(f"The variable of a sum must be a single name. {_LIMITS_HELP}")
        return t.value

    def parse_call(self, name: str, declared: Any) -> Value:
        base: sympy.Expr | None = None
        if name.startswith("log_"):
            base = _number(name[4:]) if name[4:].isdigit() else self.parse_name(name[4:])
            name = "log"
        power: sympy.Expr | None = None
        if self.at_op("^"):
            self.take()
            exponent = _scalar(self.parse_exponent(), "an exponent")
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
        args = [_scalar(a, f"the argument of {name}") for a in args]
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
        return _pow(result, power) if power is not None else result

    def parse_implicit_argument(self, name: str) -> Value:
        """`sin x`, `\\sin 2x`, `\\ln|x|`: the argument is the next run of juxtaposed factors."""
        if self._at_end(("end", ")", "]", "}", "setr", ",")) or not (
            self._starts_factor() or self.at_op("-", "+")
        ):
            raise ParseError(f"`{name}` needs an argument, as in {name}(x).")
        arg = self.parse_unary() if self.at_op("-", "+") else self.parse_power()
        while self._starts_factor() and not self._at_function_name():
            arg = _mul(_scalar(arg, "multiplication"), _scalar(self.parse_power(), "multiplication"))
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
            num = _scalar(self.parse_latex_arg(), "a fraction")
            den = _scalar(self.parse_latex_arg(), "a fraction")
            return _div(num, den)
        if name in ("binom", "dbinom", "tbinom"):
            n = _scalar(self.parse_latex_arg(), "a binomial")
            k = _scalar(self.parse_latex_arg(), "a binomial")
            return sympy.binomial(n, k, evaluate=False)
        if name == "sqrt":
            index: sympy.Expr | None = None
            if self.at_op("["):
                self.take()
                index = _scalar(self.parse_sum(), "a root index")
                self.expect_op("]")
            arg = _scalar(self.parse_latex_arg(), "a square root")
            if index is None:
                return _pow(arg, sympy.Rational(1, 2))
            exponent = sympy.Rational(1, index) if isinstance(index, sympy.Integer) and index != 0 else (
                sympy.Pow(index, -1, evaluate=False))  # fmt: skip
            return _pow(arg, exponent)
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
        return _number(t.value)

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
            row.append(_scalar(self.parse_sum(), "a matrix entry"))
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


# -- helpers ----------------------------------------------------------------------------------


def _scalar(value: Value, where: str) -> sympy.Expr:
    if isinstance(value, sympy.Expr):
        return value
    kind = kind_of(value)
    article = "An" if kind[0] in "aeiou" else "A"
    raise ParseError(f"{article} {kind} can't be used in {where}.")


_LIMITS_HELP = "Write the limits as in \\sum_{k=1}^{n} k^2, or as sum(k^2, k, 1, n)."


def _sequence_name(word: str) -> bool:
    """A letter (with digits) or a Greek letter: what can name a sequence or a bound variable."""
    named = re.fullmatch(r"[A-Za-z]\d*", word) or word in GREEK
    return bool(named) and ALIASES.get(word, word) not in FUNCTIONS and word != "pi"


def _is_symbol_tuple(value: Value) -> bool:
    return (
        isinstance(value, Seq)
        and value.open in ("(", ":")
        and all(isinstance(v, sympy.Symbol) for v in value.items)
    )


def _number(text: str) -> sympy.Expr:
    m = re.fullmatch(r"(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?", text)
    if not m:
        raise ParseError(f"I can't read the number `{text}`.")
    digits = len(m.group(1)) + len(m.group(2))
    if digits > limits.MAX_INT_DIGITS:
        raise ParseError(f"A number has more than {limits.MAX_INT_DIGITS} digits.", limit="integer digits")
    if m.group(3) and abs(int(m.group(3))) > limits.MAX_FLOAT_EXPONENT:
        raise ParseError(f"The exponent in `{text}` is too large.", limit="number size")
    if "." not in text and m.group(3) is None:
        return sympy.Integer(int(text))
    return sympy.Float(text, max(15, digits + 2))


def _maybe_matrix(seq: Seq) -> Value:
    """[[1,2],[3,4]]: a list of equal-length lists of scalars is a matrix."""
    rows = seq.items
    if seq.open != "[" or not rows:
        return seq
    if not all(isinstance(r, Seq) and r.open == "[" and r.items for r in rows):
        return seq
    width = len(rows[0].items)
    if any(len(r.items) != width for r in rows):
        return seq
    if not all(isinstance(c, sympy.Expr) for r in rows for c in r.items):
        return seq
    if len(rows) * width > limits.MAX_MATRIX_CELLS:
        raise ParseError(
            f"That matrix is too big (limit {limits.MAX_MATRIX_CELLS} entries).", limit="matrix size"
        )
    return Matrix(tuple(tuple(r.items) for r in rows))


def _as_interval(value: Value) -> Interval:
    if isinstance(value, Interval):
        return value
    if isinstance(value, Seq) and len(value.items) == 2 and value.open in "([" and value.open:
        lo, hi = (_scalar(v, "an interval") for v in value.items)
        return Interval(((lo, hi, value.open == "(", value.close == ")"),))
    raise ParseError(f"A {kind_of(value)} can't be joined with `∪`; use intervals like (0, 1].")


def _as_region(value: Value) -> Interval | SetValue:
    if isinstance(value, SetValue):
        return value
    return _as_interval(value)


def _arguments(toks: list[Token], j: int) -> tuple[str, int] | None:
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


def _derivative_name(toks: list[Token], i: int) -> tuple[str, int] | None:
    """`∇f`, `\\frac{∂L}{∂w}`, `∂L/∂w`, `\\frac{dy}{dx}` at toks[i]: (the name, the index after it)."""

    def letter(k: int) -> bool:
        return toks[k].kind == "name" and bool(re.fullmatch(r"[A-Za-z](_[A-Za-z0-9]+)?", toks[k].value))

    def partial(k: int) -> bool:  # ∂ followed by a letter
        return toks[k].kind == "name" and toks[k].value == "partial" and letter(k + 1)

    def op(k: int, value: str) -> bool:
        return toks[k].kind == "op" and toks[k].value == value

    t = toks[i]
    if t.kind == "name" and t.value == "nabla" and letter(i + 1):
        at = _arguments(toks, i + 2)  # ∇f(1, 2)
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


PRIMES = "Derivative marks (') only name an answer, as in f'(x) = 2x; write the derivative itself."


def _check_primes(value: Value) -> None:
    """f'(x) may stand left of `=`, nowhere else: the checker can't differentiate for the member."""
    if isinstance(value, Relation) and value.is_equation and isinstance(value.exprs[0], sympy.Expr):
        value = Seq(value.exprs[1:], "", "")
    if any("'" in s.name for e in scalars(value) for s in e.free_symbols):
        raise ParseError(PRIMES)


def _solution_groups(items: list[Value], breaks: list[int]) -> tuple[Seq, ...] | None:
    """`p=5, q=2; p=7, q=2`: solutions written as assignments, one tuple per `;`-separated group.

    Only when every group assigns distinct names and some group assigns more than one; otherwise
    `;` separates items like `,` does.
    """
    if not breaks:
        return None
    cuts = [0, *sorted(set(breaks)), len(items)]
    groups = [items[a:b] for a, b in pairwise(cuts) if b > a]
    if len(groups) < 2 or all(len(g) == 1 for g in groups):
        return None
    for group in groups:
        names = [g.exprs[0] for g in group if isinstance(g, Relation) and g.ops == ("=",)]
        if len(names) != len(group) or not all(isinstance(n, sympy.Symbol) for n in names):
            return None
        if len(set(names)) != len(names) or not all(isinstance(g.exprs[1], sympy.Expr) for g in group):
            return None
    return tuple(Seq(tuple(g), "(", ")") for g in groups)


def _expand_pm(value: Value) -> list[Value]:
    """Replace every a ± b by its two alternatives (bounded: at most 3 signs)."""
    exprs: list[sympy.Expr] = []
    if isinstance(value, sympy.Expr):
        exprs = [value]
    elif isinstance(value, Relation):
        exprs = [e for e in value.exprs if isinstance(e, sympy.Expr)]
    nodes: list[sympy.Expr] = []
    for e in exprs:
        nodes.extend(n for n in sympy.preorder_traversal(e) if isinstance(n, PlusMinus))
    if not nodes:
        _check_no_pm(value)
        return [value]
    if len(nodes) > limits.MAX_PLUS_MINUS:
        raise ParseError(f"Too many ± signs (the limit is {limits.MAX_PLUS_MINUS}).", limit="plus-minus")
    out: list[Value] = []
    for signs in product((1, -1), repeat=len(nodes)):
        mapping = {
            n: (_add(n.args[0], n.args[1] if s > 0 else _neg(n.args[1])) if n.args[0] != 0 else
                (n.args[1] if s > 0 else _neg(n.args[1])))
            for n, s in zip(nodes, signs, strict=True)
        }  # fmt: skip
        if isinstance(value, sympy.Expr):
            out.append(value.xreplace(mapping))
        else:
            out.append(Relation(tuple(e.xreplace(mapping) for e in value.exprs), value.ops, value.approx_at))
    return out


def _check_no_pm(value: Value) -> None:
    """± is only allowed at the top of an answer (its values become a set)."""
    for e in scalars(value):
        if e.has(PlusMinus):
            raise ParseError("Use ± only at the top level of an answer, as in x = 1 ± 2.")


# -- size limits (exponent towers, factorials, node count) ------------------------------------


def _size(expr: sympy.Basic, budget: list[int]) -> float:
    """Upper bound on the digits (for numbers) or degree (for polynomials) the expression can reach.

    The bound multiplies through nested powers, so ((9^9)^9999)^9999 is caught even though every
    single exponent looks harmless.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise ParseError(f"The answer is too long (more than {limits.MAX_NODES} parts).", limit="node count")
    if isinstance(expr, sympy.Integer):
        return max(1, len(str(abs(int(expr)))))
    if isinstance(expr, sympy.Rational):
        return len(str(abs(expr.p))) + len(str(expr.q))
    if isinstance(expr, sympy.Float):
        if expr.is_zero:
            return 1
        return 1 + abs(int(mpmath.mag(mpmath.mpf(expr._mpf_)))) * 0.302
    if isinstance(expr, sympy.Pow):
        base, exp = expr.args
        sb, se = _size(base, budget), _size(exp, budget)
        total = sb * max(1.0, _exponent_bound(exp, se))
        if total > limits.MAX_SIZE:
            raise ParseError(
                "The powers in that answer are too large to work with (exponent tower).",
                limit="exponent size",
            )
        return total
    if isinstance(expr, (sympy.factorial, sympy.gamma, sympy.binomial)):
        sizes = [_size(a, budget) for a in expr.args]
        digits = max(sizes) * 4 + 1
        for arg in expr.args:
            if arg.free_symbols:
                continue
            value = _small_constant(arg)
            if value is None or value > limits.MAX_FACTORIAL:
                raise ParseError(
                    f"Factorials are limited to arguments up to {limits.MAX_FACTORIAL}.", limit="factorial"
                )
            digits = max(digits, value * math.log10(max(value, 10)) + 1)  # about the digits of value!
        return digits
    if isinstance(expr, BigOp):
        return _big_op_size(expr, budget)
    if not expr.args:
        return 1
    if isinstance(expr, sympy.Add):  # a sum has about as many digits (or the degree) of its largest term
        return max(_size(a, budget) for a in expr.args) + 1
    return sum(_size(a, budget) for a in expr.args)


def _big_op_size(expr: sympy.Sum | sympy.Product, budget: list[int]) -> float:
    """A sum is about as big as its largest term (plus a few digits); a product of c terms like a c-th
    power (symbolic limits count once, as symbolic exponents do: nothing is ever expanded)."""
    check_terms(expr)  # (again for nested ones: cheap, and only answers with sums pay for it)
    body = _size(expr.function, budget)
    for _, lower, upper in expr.limits:
        _size(lower, budget)
        _size(upper, budget)
    if isinstance(expr, sympy.Sum):
        return body + 4
    total = body * max(1, constant_terms(expr) or 1)
    if total > limits.MAX_SIZE:
        raise ParseError("That product is too large to work with.", limit="exponent size")
    return total


def _small_constant(arg: sympy.Expr) -> float | None:
    """|value| of a small constant expression (None when it is big, complex or undefined)."""
    if _size(arg, [limits.MAX_NODES]) >= 6:
        return None
    from bot.maths.numeric import Undefined, evaluate

    try:
        with mpmath.workdps(15):
            value, _ = evaluate(arg, {}, complex_mode=True)
    except Undefined:
        return None
    return float(abs(value)) if mpmath.isfinite(value) else None


def _exponent_bound(exp: sympy.Expr, size: float) -> float:
    """An upper bound on |exp| for a constant exponent (1 for symbolic ones: never expanded)."""
    if exp.free_symbols:
        return 1.0
    if isinstance(exp, sympy.Rational):
        return float(abs(exp.p))
    if isinstance(exp, sympy.Float):
        return float(abs(exp))
    if size > 12:
        return float("inf")
    from bot.maths.numeric import Undefined, evaluate

    try:
        with mpmath.workdps(15):
            value, _ = evaluate(exp, {}, complex_mode=True)
        return float(abs(value)) if mpmath.isfinite(value) else float("inf")
    except Undefined:
        return 1.0


def check_size(value: Value) -> None:
    budget = [limits.MAX_NODES]
    total = 0.0
    for e in scalars(value):
        total += _size(e, budget)
    if total > limits.MAX_SIZE:
        raise ParseError("The numbers in that answer are too large to work with.", limit="exponent size")


# -- public API -------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}((,\d{3})+|( \d{3})+|(\{,\}\d{3})+)(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _number_formats(text: str) -> str:
    """When a number is expected: `7,425,000` and `1 000` are thousands; `1000,99` a decimal comma."""
    s = text.strip()
    if _THOUSANDS.fullmatch(s):
        return s.replace(",", "").replace(" ", "").replace("{}", "")
    if _DECIMAL_COMMA.fullmatch(s):
        return s.replace(",", ".")
    return text


def parse_answer(text: str, *, functions: Collection[str] = (), expect: str | None = None) -> Value:
    """Parse one answer into a typed value; raises ParseError with a member-facing message."""
    if not isinstance(text, str):
        raise ParseError("The answer must be text.")
    if expect is not None and expect not in (*EXPECT_KINDS, "list", "text", "ratio"):
        raise ValueError(f"unknown expect kind {expect!r}")
    text = normalize(text)
    if expect == "number":
        text = _number_formats(text)
    tokens = tokenize(text)
    if len(tokens) > limits.MAX_LENGTH:
        raise ParseError("The answer is too long.", limit="length")
    try:
        value = _Parser(tokens, latex=is_latex(text), functions=functions).parse_answer()
    except RecursionError:
        raise ParseError("The answer is nested too deeply.", limit="nesting depth") from None
    check_size(value)
    return value


def parse_expression(text: str, *, functions: Collection[str] = ()) -> sympy.Expr:
    """One real-valued expression (for plots: "sin(x)/x", "x^2 + y^2"); raises ParseError."""
    value = parse_answer(text, functions=functions)
    if not isinstance(value, sympy.Expr):
        raise ParseError(f"Expected a single expression, but that is a {kind_of(value)}.")
    if value.has(sympy.I):
        raise ParseError("Expected a real expression; `i` (the imaginary unit) isn't allowed here.")
    return value
