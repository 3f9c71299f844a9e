"""Safety limits applied before any SymPy work (hostile input must fail fast and clearly)."""

from __future__ import annotations

import math

MAX_LENGTH = 500  # characters of member input
MAX_DEPTH = 40  # nesting of brackets / unary operators / powers
MAX_NODES = 400  # SymPy nodes built for one answer
MAX_INT_DIGITS = 200  # digits in one integer literal
MAX_FLOAT_EXPONENT = 1000  # |n| in a literal like 1e-n
MAX_SIZE = 100_000  # bound on digits / polynomial degree of the whole expression (exponent towers)
MAX_FACTORIAL = 1000  # largest constant argument of factorial / gamma / binomial
MAX_MATRIX_CELLS = 100  # entries in one matrix (10x10)
MAX_ITEMS = 50  # elements of one tuple, set or list
MAX_PLUS_MINUS = 3  # \pm signs expanded into alternatives (2^3 values)
MAX_LINKS = 12  # relation signs in one chain (each step of working is compared)
MAX_SUM_TERMS = 1000  # terms of all sums / products evaluated at one point (nested ones multiply)
MAX_SUM_WORK = 5000  # parts of sum / product bodies evaluated at one point (terms x body size)

# Tolerances a prompt or `studybot check` may set. Wider ones stop being a check at all
# (`--rel-tol 1e308` makes x^2 equal y; `--sig-figs 0` makes 1 equal 2), so they are refused.
MAX_REL_TOL = 0.5  # relative tolerance: 0 < rel_tol <= 0.5
MAX_ABS_TOL = 1.0  # absolute tolerance: 0 <= abs_tol <= 1 (a large answer wants rel_tol instead)
MAX_SIG_FIGS = 15  # significant figures: 1..15 (what a double holds)


def tolerance_problem(name: str, value: object) -> str | None:
    """Why a tolerance setting is out of range (a message naming the range), or None when it is fine.

    `name` is `rel_tol`, `abs_tol` or `sig_figs`; None means "not set" and is always fine.
    """
    if value is None:
        return None
    if name == "sig_figs":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIG_FIGS:
            return f"sig_figs must be a whole number from 1 to {MAX_SIG_FIGS} (got {value!r})"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"{name} must be a finite number (got {value!r})"
    if name == "rel_tol" and not 0 < value <= MAX_REL_TOL:
        return f"rel_tol must be more than 0 and at most {MAX_REL_TOL} (got {value!r})"
    if name == "abs_tol" and not 0 <= value <= MAX_ABS_TOL:
        return (
            f"abs_tol must be from 0 to {MAX_ABS_TOL}; for a large answer use a relative tolerance"
            f" (got {value!r})"
        )
    if name not in ("rel_tol", "abs_tol"):
        raise ValueError(f"unknown tolerance setting {name!r}")
    return None


def check_tolerances(rel_tol: object, abs_tol: object, sig_figs: object) -> None:
    """Raise ValueError with the first out-of-range tolerance (see `tolerance_problem`)."""
    for name, value in (("rel_tol", rel_tol), ("abs_tol", abs_tol), ("sig_figs", sig_figs)):
        problem = tolerance_problem(name, value)
        if problem:
            raise ValueError(problem)
