"""How two values of one kind compare: numbers, expressions, equations, inequalities, sets of reals.

Which comparison applies to two typed answers is decided in bot.maths.equivalence. Scalars: exact vs
exact compares exactly (rationals exactly, other constants to 50 digits); a decimal on either side,
or an explicit tolerance, compares with a tolerance. Expressions are evaluated at random real points
where both sides are defined (real arithmetic; complex only when `i` appears or no real point
exists), with a deterministic seed so a verdict never flickers. Nothing here calls simplify: every
step is bounded.

In parts: numbers (tolerances, outcomes, exact and decimal scalars, agreement at one point),
sampling (random points, expressions), relations (equations, inequalities, membership tests and
their boundaries), sets (sets of reals solved by SymPy: intervals, memberships, inequalities).
Every public name is re-exported here. To patch a name for a test, patch it in the submodule that
uses it (e.g. `compile_expr` in both sampling and relations): patching it here changes nothing.
"""

from bot.maths.compare.numbers import (
    DEFAULT_REL,
    EXACT_DPS,
    MAX_EXTRA_DIGITS,
    MIN_SIG_FIGS,
    POINT_DPS,
    SAME,
    TIE_WINDOW,
    ExpectedAnswerError,
    Outcome,
    Tolerance,
    agree,
    compare_constants,
    const_value,
    differ,
    exact_decimals,
    exact_rational,
    exactly_equal,
    has_float,
)
from bot.maths.compare.relations import (
    BOUNDARY_WIDTH,
    TRUTH_EPS,
    Truth,
    compare_equations,
    compare_inequalities,
    compare_truth,
    truth_fn,
)
from bot.maths.compare.sampling import (
    FLOAT_CLOSE,
    FLOAT_NOISE,
    INDEX_VALUES,
    LATTICE,
    LATTICE_ATTEMPTS,
    MIN_POINTS,
    TOO_MANY_TERMS,
    WANT_POINTS,
    Point,
    Points,
    compare_expressions,
    sample,
    sample_points,
)
from bot.maths.compare.sets import (
    compare_real_sets,
    real_set,
    safe_real_set,
)

__all__ = [
    "BOUNDARY_WIDTH",
    "DEFAULT_REL",
    "EXACT_DPS",
    "FLOAT_CLOSE",
    "FLOAT_NOISE",
    "INDEX_VALUES",
    "LATTICE",
    "LATTICE_ATTEMPTS",
    "MAX_EXTRA_DIGITS",
    "MIN_POINTS",
    "MIN_SIG_FIGS",
    "POINT_DPS",
    "SAME",
    "TIE_WINDOW",
    "TOO_MANY_TERMS",
    "TRUTH_EPS",
    "WANT_POINTS",
    "ExpectedAnswerError",
    "Outcome",
    "Point",
    "Points",
    "Tolerance",
    "Truth",
    "agree",
    "compare_constants",
    "compare_equations",
    "compare_expressions",
    "compare_inequalities",
    "compare_real_sets",
    "compare_truth",
    "const_value",
    "differ",
    "exact_decimals",
    "exact_rational",
    "exactly_equal",
    "has_float",
    "real_set",
    "safe_real_set",
    "sample",
    "sample_points",
    "truth_fn",
]
