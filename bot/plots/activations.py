"""The activation functions a learner wants to see in ``/plot``, with their derivatives.

SymPy functions whose derivative (``fdiff``) is again something we can draw, whose numeric
form (``_imp_``) is plain numpy (lambdify picks it up), and whose names print the way members
type them, so "interpreted as" and the legend read ``sigmoid(x)``, not its expansion.
Worker-side only (imports sympy).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy

#: PyTorch's default negative slope.
LEAKY_SLOPE = 0.01
_ERF = np.vectorize(math.erf, otypes=[float])  # numpy has no erf, and scipy is not a dependency


def _with_power(text: str, exp: Any) -> str:
    return rf"\left({text}\right)^{{{exp}}}" if exp is not None else text


class _Activation(sympy.Function):
    nargs = 1
    shown = ""  # how members spell it
    latex_name = ""

    def _sympystr(self, printer: Any) -> str:
        return f"{self.shown}({printer._print(self.args[0])})"

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _with_power(rf"{self.latex_name}\left({printer._print(self.args[0])}\right)", exp)

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self.rewrite_elementary().evalf(prec)

    def rewrite_elementary(self) -> sympy.Expr:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class sigmoid(_Activation):
    shown, latex_name = "sigmoid", r"\sigma"

    @staticmethod
    def _imp_(x: Any) -> Any:
        return 0.5 * (1 + np.tanh(0.5 * np.asarray(x, dtype=float)))  # no overflow for large |x|

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def rewrite_elementary(self) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-self.args[0]))


class step(_Activation):
    """Heaviside step: 0 below 0, 1 above (½ at 0); its derivative is 0 wherever it has one."""

    shown, latex_name = "step", r"\operatorname{step}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        return np.heaviside(np.asarray(x, dtype=float), 0.5)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.Integer(0)

    def rewrite_elementary(self) -> sympy.Expr:
        return sympy.Heaviside(self.args[0], sympy.Rational(1, 2))


class relu(_Activation):
    shown, latex_name = "relu", r"\operatorname{ReLU}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        return np.maximum(0.0, x)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return step(self.args[0])

    def rewrite_elementary(self) -> sympy.Expr:
        return sympy.Max(0, self.args[0])


class leaky_relu(_Activation):
    shown, latex_name = "leaky_relu", r"\operatorname{LeakyReLU}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, x, LEAKY_SLOPE * x)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        slope = sympy.Float(LEAKY_SLOPE)
        return slope + (1 - slope) * step(self.args[0])

    def rewrite_elementary(self) -> sympy.Expr:
        return sympy.Max(sympy.Float(LEAKY_SLOPE) * self.args[0], self.args[0])


class softplus(_Activation):
    shown, latex_name = "softplus", r"\operatorname{softplus}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        return np.logaddexp(0.0, x)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0])

    def rewrite_elementary(self) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(self.args[0]))


class swish(_Activation):
    """x·σ(x), also called SiLU."""

    shown, latex_name = "swish", r"\operatorname{swish}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return x * sigmoid._imp_(x)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        x = self.args[0]
        return sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))

    def rewrite_elementary(self) -> sympy.Expr:
        return self.args[0] / (1 + sympy.exp(-self.args[0]))


class gelu_prime(_Activation):
    """Φ(x) + x·φ(x): GELU's derivative, with numpy's missing erf supplied."""

    shown, latex_name = "gelu'", r"\operatorname{GELU}'"

    @staticmethod
    def _imp_(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return 0.5 * (1 + _ERF(x / math.sqrt(2))) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)

    def rewrite_elementary(self) -> sympy.Expr:
        x = self.args[0]
        return (1 + sympy.erf(x / sympy.sqrt(2))) / 2 + x * sympy.exp(-(x**2) / 2) / sympy.sqrt(2 * sympy.pi)


class gelu(_Activation):
    """x·Φ(x), Φ the standard normal CDF (the exact form, not the tanh approximation)."""

    shown, latex_name = "gelu", r"\operatorname{GELU}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return 0.5 * x * (1 + _ERF(x / math.sqrt(2)))

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return gelu_prime(self.args[0])

    def rewrite_elementary(self) -> sympy.Expr:
        return self.args[0] * (1 + sympy.erf(self.args[0] / sympy.sqrt(2))) / 2


class softsign(_Activation):
    shown, latex_name = "softsign", r"\operatorname{softsign}"

    @staticmethod
    def _imp_(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return x / (1 + np.abs(x))

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return 1 / (1 + sympy.Abs(self.args[0])) ** 2

    def rewrite_elementary(self) -> sympy.Expr:
        return self.args[0] / (1 + sympy.Abs(self.args[0]))


#: Every spelling /plot accepts, as a call: `sigma(x)` is the sigmoid here, `sigma x` the letter.
ACTIVATIONS: dict[str, type[_Activation]] = {
    "sigmoid": sigmoid,
    "sigma": sigmoid,
    "logistic": sigmoid,
    "relu": relu,
    "ReLU": relu,
    "leaky_relu": leaky_relu,
    "leakyrelu": leaky_relu,
    "LeakyReLU": leaky_relu,
    "softplus": softplus,
    "gelu": gelu,
    "GELU": gelu,
    "swish": swish,
    "silu": swish,
    "SiLU": swish,
    "softsign": softsign,
    "heaviside": step,
    "Heaviside": step,
    "step": step,
}
