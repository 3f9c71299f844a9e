"""Safety limits applied before any SymPy work (hostile input must fail fast and clearly)."""

from __future__ import annotations

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
