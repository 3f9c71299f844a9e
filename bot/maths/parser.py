"""A recursive-descent parser for answers: plain text or LaTeX in, SymPy objects out. Never eval.

This module is the grammar and the public API. The rest of the reader lives in bot.maths.parsing:
``atoms`` (names, calls, LaTeX commands, brackets, matrices, sums), ``build`` (SymPy builders and
typed values), ``size`` (exponent towers, factorials, node count) and ``answer`` (post-processing:
primes, solutions as assignments, ±, number formats). The lexer (bot.maths.lexer) comes first.

Grammar (loosest first)::

    answer   := element ((',' | ';' | 'and' | 'or') element)*     a bare list when more than one;
                                                                   `;` groups assignments into tuples
    element  := union (relop union)* ['in' union] [unit text]      relop: = < <= > >= != \\approx
    union    := sum (('\\cup' | 'U') sum)*                           sets, intervals; {1} U (2, 3)
    sum      := term (('+' | '-' | '\\pm') term)* ['+' 'O(' .. ')']   a series' remainder is left out
    term     := unary (('*' | '/') unary | power)*                 juxtaposition multiplies: 2x(1-x)
    unary    := ('-' | '+' | '\\pm') unary | power
    power    := postfix ['^' unary]                                right-associative; -x^2 = -(x^2)
    postfix  := atom ('!' | '%' | 'percent')*
    atom     := number | name | call | (..) | [..] | {..} | <..> | |..| | \\emptyset | \\frac | \\sqrt
              | matrix

Reading decisions (the member's guide is bot.services.help.ANSWER_GUIDE):

* ``xy`` (an unknown two-letter word) is x*y, as in WeBWorK; an unknown longer word is invalid. The
  word is split into two atoms before anything binds, so ``xy^2`` is x*y^2, ``xe^x`` is x*e^x and
  ``sinx^2`` is sin(x^2) (like ``sin x^2``); declared names, functions, Greek letters stay whole.
  A letter before a function, ``pi`` or a Greek name is a factor too: ``2xsin(x)``, ``xlnx``, ``2pir^2``.
* ``x1`` and ``x_1`` are different atoms (as in STACK); ``x1`` is never x*1.
* ``i`` is the imaginary unit; every variable is real.
* ``1/2x`` is (1/2)*x: juxtaposition binds like ``*``.
* ``sin x^2`` is sin(x^2); ``sin^2 x`` is sin(x)^2; ``sin^-1 x`` is asin(x).
* ``log`` is the natural log; ``log(x, b)`` and ``\\log_b x`` have base b.
* ``f(x)``, ``f'(x)``, ``g(2)``, ``P(A|B)`` as a whole side of a relation are names of values
  (``f'(x) = 2x``); elsewhere ``f(x)`` is f*x and a prime is refused. So are the statistics
  ``E[X]``, ``Var(X - Y)``, ``Cov(X, Y)``, ``P(X > 2)`` (any arithmetic inside their brackets).
* ``<a, b>`` and ``⟨a, b⟩`` are vectors (tuples); ``<`` between values still compares.
* ``1 + x + O(x^3)``: the remainder is read (it must be well formed) and left out; the terms before
  it are what is compared, the order is not.
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

import re
from collections.abc import Collection

import sympy

from bot.maths import limits
from bot.maths.errors import ParseError
from bot.maths.functions import PlusMinus
from bot.maths.lexer import OPERATORS, is_latex, normalize, tokenize
from bot.maths.parsing.answer import PRIMES, check_primes, expand_pm, number_formats, solution_groups
from bot.maths.parsing.atoms import STATISTICS, Atoms, bracketed_text, call_arguments, derivative_name
from bot.maths.parsing.build import (
    D,
    add,
    as_region,
    div,
    is_symbol_tuple,
    mul,
    neg,
    power_of,
    scalar,
    symbol,
    union,
)
from bot.maths.parsing.size import check_size
from bot.maths.values import Membership, Relation, Seq, SetValue, Text, Value, kind_of

__all__ = ["EXPECT_KINDS", "parse_answer", "parse_expression"]

EXPECT_KINDS = ("expression", "number", "set", "tuple", "matrix", "interval", "equation", "inequality")

_RELOPS = {"=", "<", "<=", ">", ">=", "!=", "approx"}
_SEPARATORS = {",", ";", "and", "or"}


class _Parser(Atoms):
    """The grammar, loosest rule first (see the module docstring); atoms are in `Atoms`."""

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
            check_primes(item)
        solutions = solution_groups(items, breaks)
        if solutions is not None:
            return Seq(solutions, "", "")
        expanded: list[Value] = []
        for item in items:
            expanded.extend(expand_pm(item))
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
        while self.at_op(*_RELOPS) and not (self.angle and self.at_op(">")):
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
            region = as_region(self.parse_union())
            if ops or not isinstance(first, sympy.Symbol):
                raise ParseError("Write membership as `x \\in [a, b]` with a single variable on the left.")
            self.depth -= 1
            return Membership(first, region)
        self.depth -= 1
        if not ops:
            return first
        if len(ops) == 1 and ops[0] == "=" and not all(isinstance(e, sympy.Expr) for e in exprs):
            lhs = exprs[0]
            if not (isinstance(lhs, sympy.Symbol) or is_symbol_tuple(lhs)):
                raise ParseError("Only a name or a tuple of names can be set equal to a tuple or set.")
            return Relation(tuple(exprs), tuple(ops), tuple(approx))
        if len(ops) == 1 and ops[0] == "=" and is_symbol_tuple(exprs[0]):  # A:B = 1
            return Relation(tuple(exprs), tuple(ops), tuple(approx))
        for e in exprs:
            scalar(e, "a side of an equation or inequality")
        return Relation(tuple(exprs), tuple(ops), tuple(approx))

    def parse_named_value(self) -> sympy.Symbol | None:
        """`f(x)`, `f'(2)`, `P(A|B)`, `∇f`, `∂L/∂w` as a whole side of a relation: the name of a value.

        Read as one name, so f(x) = 2x + 1 names the answer 2x + 1; inside an expression the same
        letters still multiply (x(1 + x)) and derivative operators are refused.
        """
        toks, i = self.toks, self.i
        derivative = derivative_name(toks, i)
        if derivative is not None:
            name, j = derivative
            return self._named_if_beside_relation(name, i, j)
        head = toks[i]
        if head.kind == "name" and head.value in STATISTICS:
            written = bracketed_text(toks, i + 1)  # E[X], Var(X - Y), P(X > 2): any inside
            if written is not None:
                return self._named_if_beside_relation(head.value + written[0], i, written[1])
        if head.kind != "name" or not re.fullmatch(r"[A-Za-z](_[A-Za-z0-9]+)?", head.value):
            return None
        if head.value in ("e", "i") or head.value in self.declared:
            return None
        j = i + 1
        while toks[j].kind == "op" and toks[j].value == "'":
            j += 1
        primes = j - i - 1
        called = call_arguments(toks, j)
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
        return symbol(name)

    def parse_ratio(self) -> Value:
        """`3:1` (odds, ratios, 12:00): compared entry by entry, like a tuple."""
        first = self.parse_union()
        if not self.at_op(":"):
            return first
        items = [scalar(first, "a ratio")]
        while self.at_op(":"):
            self.take()
            items.append(scalar(self.parse_union(), "a ratio"))
        return Seq(tuple(items), ":", "")

    def parse_union(self) -> Value:
        left = self.parse_sum()
        while self.at_op("cup") or (self.at("U") and not isinstance(left, sympy.Expr)):
            self.take()
            right = self.parse_sum()
            left = union(left, right)
        return left

    def parse_sum(self) -> Value:
        left = self.parse_term()
        while self.at_op("+", "-", "pm", "mp"):
            if self._at_remainder():
                continue
            op = self.take().value
            right = scalar(self.parse_term(), f"`{op}`")
            left = scalar(left, f"`{op}`")
            if op == "+":
                left = add(left, right)
            elif op == "-":
                left = add(left, neg(right))
            else:
                left = PlusMinus(left, right if op == "pm" else neg(right))
        return left

    def _at_remainder(self) -> bool:
        """`+ O(x^3)` after the terms of a series: read (it must make sense) and left out.

        The checker compares the terms written; the order of the remainder is not compared.
        """
        after = self.peek(1), self.peek(2)
        if not (after[0].kind == "name" and after[0].value == "O" and after[1].kind == "op"):
            return False
        if after[1].value != "(":
            return False
        self.i += 2
        scalar(self.parse_bracketed(), "O(...)")
        return True

    def parse_term(self) -> Value:
        left = self.parse_unary()
        while True:
            if self.at_op("*", "/"):
                op = self.take().value
                if op == "/" and left == D and re.fullmatch(r"d[A-Za-z]", self.peek().value):
                    raise ParseError(OPERATORS["partial"])  # d/dx: `dx` would be split to d*x below
                right = scalar(self.parse_unary(), f"`{op}`")
                left = scalar(left, f"`{op}`")
                left = mul(left, right) if op == "*" else div(left, right)
            elif self._starts_factor():
                before = self.toks[self.i - 1]
                if self.peek().kind == "num" and before.kind == "num":
                    raise ParseError(
                        f"Two numbers next to each other (`{before.value} {self.peek().value}`);"
                        " put an operator between them."
                    )
                right = self.parse_power()
                left = mul(scalar(left, "multiplication"), scalar(right, "multiplication"))
            else:
                return left

    def parse_unary(self) -> Value:
        self.enter()
        try:
            if self.at_op("-"):
                self.take()
                return neg(scalar(self.parse_unary(), "`-`"))
            if self.at_op("+"):
                self.take()
                return scalar(self.parse_unary(), "`+`")
            if self.at_op("pm", "mp"):
                sign = self.take().value
                arg = scalar(self.parse_unary(), "`±`")
                return PlusMinus(sympy.S.Zero, arg if sign == "pm" else neg(arg))
            return self.parse_power()
        finally:
            self.depth -= 1

    def parse_power(self) -> Value:
        base = self.parse_postfix()
        if not self.at_op("^"):
            return base
        self.take()
        if self._degrees():
            return mul(scalar(base, "degrees"), sympy.pi, sympy.Pow(180, -1, evaluate=False))
        exponent = self.parse_exponent()
        result = power_of(scalar(base, "`^`"), scalar(exponent, "an exponent"))
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
                value = sympy.factorial(scalar(value, "`!`"), evaluate=False)
            elif self.at_op("%") or self.at("percent", "pct"):
                self.take()
                value = mul(scalar(value, "`%`"), sympy.Pow(100, -1, evaluate=False))
            elif self.at_op("'"):
                if not isinstance(value, sympy.Symbol):
                    raise ParseError(PRIMES)
                self.take()
                value = symbol(value.name + "'")  # f' and y'' are names: f'(x) = 2x names the answer 2x
            else:
                return value


# -- public API -------------------------------------------------------------------------------


def parse_answer(text: str, *, functions: Collection[str] = (), expect: str | None = None) -> Value:
    """Parse one answer into a typed value; raises ParseError with a member-facing message."""
    if not isinstance(text, str):
        raise ParseError("The answer must be text.")
    if expect is not None and expect not in (*EXPECT_KINDS, "list", "text", "ratio"):
        raise ValueError(f"unknown expect kind {expect!r}")
    text = normalize(text)
    if expect == "number":
        text = number_formats(text)
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
