"""Parametrised problem families feeding the daily posts (seeded by guild and date).

Importing this package registers every family; the modules build SymPy objects only inside the
functions that need them, so listing families stays cheap.
"""

from __future__ import annotations

from bot.content.generators import calculus, deep_learning, linalg, probability, statistics
from bot.content.generators.registry import (
    FAMILIES,
    Family,
    family_ids,
    generate_prompt,
    get_family,
    prompt_from_id,
    seed_hash,
)

__all__ = [
    "FAMILIES",
    "Family",
    "calculus",
    "deep_learning",
    "family_ids",
    "generate_prompt",
    "get_family",
    "linalg",
    "probability",
    "prompt_from_id",
    "seed_hash",
    "statistics",
]
