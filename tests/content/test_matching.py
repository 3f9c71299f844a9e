from __future__ import annotations

import pytest

from bot.content import load_content
from bot.content.matching import TopicMatcher
from bot.content.models import Topic


@pytest.fixture(scope="module")
def bank():  # the real topic registry: the names members will actually type against
    return load_content()


def slugs(bank, text: str, limit: int | None = None) -> list[str]:
    return [t.slug for t in bank.match_topic(text, limit)]


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("lin alg", "vectors"),
        ("Lin Alg", "vectors"),
        ("bayes", "bayes"),
        ("kl", "information-theory"),
        ("KL divergence", "information-theory"),
        ("eigen values", "eigen"),
        ("eigenvalus", "eigen"),
        ("derivitive", "derivatives"),
        ("chain rule", "derivatives"),
        ("grad desc", "optimization"),
        ("sgd", "sgd-batch"),
        ("pca", "svd-pca"),
        ("svd-pca", "svd-pca"),
        ("Projections and least squares", "projections-least-squares"),
        ("softmax", "activations"),
        ("f1", "metrics"),
        ("maximum likelihood", "mle"),
        ("confidence interval", "confidence-tests"),
        ("baye", "bayes"),
    ],
)
def test_best_match(bank, text: str, best: str) -> None:
    assert slugs(bank, text)[0] == best


def test_lin_alg_lists_the_linear_algebra_topics_first(bank) -> None:
    found = slugs(bank, "lin alg")
    assert found[:2] == ["vectors", "matrix-multiplication"]  # both carry the alias itself
    linear = {t.slug for t in bank.topics.values() if t.area == "linear algebra"}
    assert linear <= set(found)  # the rest of the area follows
    assert "bayes" not in found


def test_nonsense_and_empty_text_match_nothing(bank) -> None:
    assert slugs(bank, "") == []
    assert slugs(bank, "   ") == []
    assert slugs(bank, "zzzzqqq") == []
    assert slugs(bank, "quantum chromodynamics") == []


def test_limit_and_exact_slug_beats_shared_alias() -> None:
    topics = [
        Topic("alpha", "First", "x", ("shared",)),
        Topic("shared", "Second", "x", ()),
        Topic("gamma", "Third", "x", ("shared",)),
    ]
    matcher = TopicMatcher(topics)
    assert [t.slug for t in matcher.match("shared")] == ["shared", "alpha", "gamma"]
    assert [t.slug for t in matcher.match("shared", limit=1)] == ["shared"]
