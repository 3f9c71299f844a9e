"""The generator registry and the seeding scheme behind daily problems.

A family turns a `random.Random` into the fields of a hand-written prompt. The rng is seeded
from an 8-hex-digit hash of (family id, seed string) made with hashlib, never Python's salted
hash(), so every process produces the same problem for the same guild and date, and the prompt id
``<family>:<hash>`` is enough to rebuild the problem later when an answer arrives.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.content.models import Prompt
from bot.content.schema import Sink, parse_prompt
from bot.content.yamlio import Located

Generate = Callable[[random.Random], dict[str, Any]]

_HASH_RE = re.compile(r"^[0-9a-f]{8}$")


@dataclass(frozen=True, slots=True)
class Family:
    id: str
    topic: str
    difficulty: int
    title: str
    generate: Generate


FAMILIES: dict[str, Family] = {}


def family(id: str, *, topic: str, difficulty: int, title: str) -> Callable[[Generate], Generate]:
    """Register a generator function as a problem family."""

    def register(fn: Generate) -> Generate:
        if id in FAMILIES:
            raise ValueError(f"duplicate generator id {id!r}")
        FAMILIES[id] = Family(id=id, topic=topic, difficulty=difficulty, title=title, generate=fn)
        return fn

    return register


def family_ids() -> tuple[str, ...]:
    return tuple(FAMILIES)


def get_family(family_id: str) -> Family:
    try:
        return FAMILIES[family_id]
    except KeyError:
        raise KeyError(f"unknown generator {family_id!r}") from None


def seed_hash(family_id: str, seed: str) -> str:
    """8 hex digits from (family, seed): stable across processes and Python versions."""
    return hashlib.sha256(f"{family_id}\x00{seed}".encode()).hexdigest()[:8]


def _rng(family_id: str, digest: str) -> random.Random:
    material = hashlib.sha256(f"{family_id}:{digest}".encode()).digest()
    return random.Random(int.from_bytes(material[:8], "big"))


def build(fam: Family, digest: str, sink: Sink | None = None) -> Prompt | None:
    """Run one family for one hash and check its output like a hand-written prompt.

    Without a sink a malformed result raises ContentError; with a lenient sink (the validator)
    every problem is collected and None is returned.
    """
    data = dict(fam.generate(_rng(fam.id, digest)))
    data.update(id=f"{fam.id}:{digest}", topic=fam.topic, difficulty=fam.difficulty)
    return parse_prompt(
        Located(data, 0),
        f"generator {fam.id}",
        sink if sink is not None else Sink(strict=True),
        source="generator",
        generator=fam.id,
    )


def _build_strict(fam: Family, digest: str) -> Prompt:
    prompt = build(fam, digest)
    assert prompt is not None  # a strict sink raises instead of returning None
    return prompt


def generate_prompt(family_id: str, seed: str) -> Prompt:
    """The problem of `family_id` for a seed string such as f"{guild_id}:{date}"."""
    fam = get_family(family_id)
    return _build_strict(fam, seed_hash(family_id, seed))


def prompt_from_id(prompt_id: str) -> Prompt:
    """Rebuild a generated prompt from its id ``<family>:<8 hex>``; KeyError/ValueError if not one."""
    family_id, sep, digest = prompt_id.rpartition(":")
    if not sep or not _HASH_RE.match(digest):
        raise ValueError(f"not a generated prompt id: {prompt_id!r}")
    return _build_strict(get_family(family_id), digest)
