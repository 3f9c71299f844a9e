"""Fuzzy topic lookup for /resources, autocomplete and curriculum import.

Members type "lin alg", "bayes", "kl", "eigen values", "derivitive": each topic is scored on
its slug, title, aliases and area, best first. Pure stdlib (difflib) so it costs nothing at
start-up.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.models import Topic

_SPLIT = re.compile(r"[^a-z0-9/]+")
_MIN_FUZZY = 0.78


def _norm(text: str) -> str:
    return " ".join(_SPLIT.split(text.lower())).strip()


def _squash(text: str) -> str:
    return text.replace(" ", "")


@dataclass(frozen=True, slots=True)
class _Name:
    text: str  # normalised, space separated
    weight: float  # slug/title/alias 1.0, area lower: it names a whole family of topics


class TopicMatcher:
    """Precomputed names for every topic; `match` ranks topics for a piece of free text."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self._topics = list(topics)
        self._names: list[list[_Name]] = []
        for topic in self._topics:
            names = [_Name(_norm(topic.slug), 1.0), _Name(_norm(topic.title), 1.0)]
            names += [_Name(_norm(alias), 1.0) for alias in topic.aliases]
            names.append(_Name(_norm(topic.area), 0.6))
            self._names.append([n for n in names if n.text])

    def match(self, text: str, limit: int | None = None) -> list[Topic]:
        ranked = self._ranked(_norm(text)[:100])
        return list(ranked[:limit] if limit is not None else ranked)

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one matcher per loaded bank; autocomplete repeats
    def _ranked(self, query: str) -> tuple[Topic, ...]:
        if not query:
            return ()
        scored: list[tuple[float, int, Topic]] = []
        for index, (topic, names) in enumerate(zip(self._topics, self._names, strict=True)):
            score = max(_score(query, name.text) * name.weight for name in names)
            if query == topic.slug:
                score = max(score, 1.01)  # an exact slug beats an alias shared by several topics
            if score > 0:
                scored.append((score, index, topic))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return tuple(topic for _score_, _i, topic in scored)


def _similar(a: str, b: str, threshold: float) -> float:
    """difflib ratio if it reaches threshold, else 0 (cheap upper bounds rule most names out)."""
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0


def _score(query: str, name: str) -> float:
    """1.0 exact, 0.9 squashed-exact, 0.8 token prefixes, 0.7 substring, then difflib similarity."""
    if query == name:
        return 1.0
    if _squash(query) == _squash(name):
        return 0.9  # "eigen values" == "eigenvalues"
    q_tokens = query.split()
    n_tokens = name.split()
    if _tokens_prefix(q_tokens, n_tokens):
        return 0.8  # "lin alg" -> "linear algebra", "grad desc" -> "gradient descent"
    if len(query) >= 3 and (query in name or _squash(query) in _squash(name)):
        return 0.7
    if len(query) >= 4:
        ratio = _similar(_squash(query), _squash(name), _MIN_FUZZY)
        if ratio:
            return 0.6 * ratio  # typos: "derivitive", "eigenvalus"
    # one mistyped word among several: compare token by token
    if len(q_tokens) == 1 and len(query) >= 5:
        best = max((_similar(query, token, 0.84) for token in n_tokens), default=0.0)
        if best:
            return 0.5 * best
    return 0.0


def _tokens_prefix(q_tokens: list[str], n_tokens: list[str]) -> bool:
    """Every query token is a prefix (>= 2 chars, or exact) of a distinct name token, in order."""
    if not q_tokens or len(q_tokens) > len(n_tokens):
        return False
    position = 0
    for q in q_tokens:
        while position < len(n_tokens):
            token = n_tokens[position]
            position += 1
            if token == q or (len(q) >= 2 and token.startswith(q)):
                break
        else:
            return False
    return True
