"""The function names the parser knows, and SymPy classes for the deep-learning ones.

`sigma`, `relu` and `softplus` exist only when a prompt declares them (otherwise `sigma` is the
Greek letter). They are SymPy functions with numeric implementations so plots can lambdify them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy


def _with_power(text: str, exp: Any) -> str:
    return rf"\left({text}\right)^{{{exp}}}" if exp is not None else text


def _np() -> Any:
    import numpy

    return numpy


class sigma(sympy.Function):
    """Logistic sigmoid 1 / (1 + e^-x)."""

    nargs = 1

    @staticmethod
    def _imp_(x: Any) -> Any:
        return 1 / (1 + _np().exp(-x))

    def _eval_rewrite_as_exp(self, x: sympy.Expr, **kwargs: Any) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-x))

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return (1 / (1 + sympy.exp(-self.args[0]))).evalf(prec)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(rf"\sigma\left({printer._print(self.args[0])}\right)", exp)


class relu(sympy.Function):
    """max(0, x)."""

    nargs = 1

    @staticmethod
    def _imp_(x: Any) -> Any:
        return _np().maximum(0, x)

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return sympy.Max(0, self.args[0]).evalf(prec)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(rf"\operatorname{{ReLU}}\left({printer._print(self.args[0])}\right)", exp)


class softplus(sympy.Function):
    """log(1 + e^x)."""

    nargs = 1

    @staticmethod
    def _imp_(x: Any) -> Any:
        return _np().logaddexp(0, x)

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(self.args[0])).evalf(prec)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)", exp)


class PlusMinus(sympy.Function):
    """`a ± b` while parsing; expanded into two alternatives before anything compares it."""

    nargs = 2

    def _latex(self, printer: Any, exp: Any = None) -> str:
        a, b = self.args
        return rf"{printer._print(a)} \pm {printer._print(b)}" if a != 0 else rf"\pm {printer._print(b)}"

    def _sympystr(self, printer: Any) -> str:
        a, b = self.args
        return f"{printer._print(a)} ± {printer._print(b)}" if a != 0 else f"±{printer._print(b)}"


DECLARABLE: dict[str, type[sympy.Function]] = {"sigma": sigma, "relu": relu, "softplus": softplus}
DECLARED_ALIASES = {"sigmoid": "sigma", "ReLU": "relu"}  # other spellings of a declared function

# name -> (builder, allowed argument counts)
Builder = Callable[..., sympy.Expr]


def _log(x: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    if base is None:
        return sympy.log(x, evaluate=False)
    return sympy.Mul(
        sympy.log(x, evaluate=False),
        sympy.Pow(sympy.log(base, evaluate=False), -1, evaluate=False),
        evaluate=False,
    )


def _f(cls: Any) -> Builder:
    return lambda *args: cls(*args, evaluate=False)


def _sqrt(x: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(x, sympy.Rational(1, 2), evaluate=False)


FUNCTIONS: dict[str, tuple[Builder, tuple[int, ...]]] = {
    "sin": (_f(sympy.sin), (1,)),
    "cos": (_f(sympy.cos), (1,)),
    "tan": (_f(sympy.tan), (1,)),
    "sec": (_f(sympy.sec), (1,)),
    "csc": (_f(sympy.csc), (1,)),
    "cosec": (_f(sympy.csc), (1,)),
    "cot": (_f(sympy.cot), (1,)),
    "asin": (_f(sympy.asin), (1,)),
    "acos": (_f(sympy.acos), (1,)),
    "atan": (_f(sympy.atan), (1,)),
    "asec": (_f(sympy.asec), (1,)),
    "acsc": (_f(sympy.acsc), (1,)),
    "acot": (_f(sympy.acot), (1,)),
    "sinh": (_f(sympy.sinh), (1,)),
    "cosh": (_f(sympy.cosh), (1,)),
    "tanh": (_f(sympy.tanh), (1,)),
    "sech": (_f(sympy.sech), (1,)),
    "csch": (_f(sympy.csch), (1,)),
    "cosech": (_f(sympy.csch), (1,)),
    "coth": (_f(sympy.coth), (1,)),
    "asinh": (_f(sympy.asinh), (1,)),
    "acosh": (_f(sympy.acosh), (1,)),
    "atanh": (_f(sympy.atanh), (1,)),
    "asech": (_f(sympy.asech), (1,)),
    "acsch": (_f(sympy.acsch), (1,)),
    "acoth": (_f(sympy.acoth), (1,)),
    "exp": (lambda x: sympy.Pow(sympy.E, x, evaluate=False), (1,)),
    "log": (_log, (1, 2)),
    "ln": (_f(sympy.log), (1,)),
    "log2": (lambda x: _log(x, sympy.Integer(2)), (1,)),
    "log10": (lambda x: _log(x, sympy.Integer(10)), (1,)),
    "lg": (lambda x: _log(x, sympy.Integer(10)), (1,)),
    "sqrt": (_sqrt, (1,)),
    "abs": (_f(sympy.Abs), (1,)),
    "factorial": (_f(sympy.factorial), (1,)),
    "binomial": (_f(sympy.binomial), (2,)),
    "sign": (_f(sympy.sign), (1,)),
    "floor": (_f(sympy.floor), (1,)),
    "ceil": (_f(sympy.ceiling), (1,)),
    "ceiling": (_f(sympy.ceiling), (1,)),
    "max": (lambda *a: sympy.Max(*a, evaluate=False), (2, 3, 4)),
    "min": (lambda *a: sympy.Min(*a, evaluate=False), (2, 3, 4)),
}

ALIASES = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsec": "asec", "arccsc": "acsc",
    "arccot": "acot", "arsinh": "asinh", "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh",
    "artanh": "atanh", "arctanh": "atanh", "arsech": "asech", "arcsech": "asech", "arcsch": "acsch",
    "arccsch": "acsch", "arcoth": "acoth", "arccoth": "acoth", "Abs": "abs", "cosec": "csc",
    "choose": "binomial", "exponential": "exp", "sgn": "sign", "signum": "sign",
}  # fmt: skip

# f^-1 written as sin^{-1}(x)
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sec": "asec", "csc": "acsc", "cot": "acot",
            "sinh": "asinh", "cosh": "acosh", "tanh": "atanh"}  # fmt: skip

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau",
    "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi",
    "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}  # fmt: skip

CONSTANTS = {"pi", "oo", "inf", "infty", "infinity", "Infinity"}
