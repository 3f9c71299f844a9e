from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import statistics
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from bot.content import Prompt, load_content
from bot.content.generators import FAMILIES, family_ids, generate_prompt, prompt_from_id, seed_hash

REPO = Path(__file__).resolve().parents[2]
SEEDS = [f"{guild}:2026-0{month}-1{day}" for guild in (1, 987654321) for month in (1, 6) for day in range(5)]


def prompts(family_id: str, n: int = 40) -> list[Prompt]:
    return [generate_prompt(family_id, f"test-seed-{i}") for i in range(n)]


# --- registry and seeding ---------------------------------------------------------------------


def test_at_least_fifteen_families_on_known_topics() -> None:
    bank = load_content()
    assert len(FAMILIES) >= 15
    for fam in FAMILIES.values():
        assert fam.id.startswith("gen-") and fam.topic in bank.topics and 1 <= fam.difficulty <= 5
    assert set(family_ids()) == set(FAMILIES)
    assert {fam.topic for fam in FAMILIES.values()} == set(bank.topics)  # every topic has a generator


@pytest.mark.parametrize("family_id", sorted(FAMILIES))
def test_same_seed_same_problem_and_the_id_rebuilds_it(family_id: str) -> None:
    first = generate_prompt(family_id, "123456789:2026-11-21")
    assert generate_prompt(family_id, "123456789:2026-11-21") == first
    assert first.id == f"{family_id}:{seed_hash(family_id, '123456789:2026-11-21')}"
    assert prompt_from_id(first.id) == first
    assert (
        first.source == "generator"
        and first.generator == family_id
        and first.topic == FAMILIES[family_id].topic
    )


@pytest.mark.parametrize("family_id", sorted(FAMILIES))
def test_different_seeds_give_different_problems(family_id: str) -> None:
    statements = {generate_prompt(family_id, seed).statement for seed in SEEDS}
    assert len(statements) >= 5


@pytest.mark.parametrize("family_id", sorted(FAMILIES))
def test_generated_prompts_are_well_formed(family_id: str) -> None:
    bank = load_content()
    for p in prompts(family_id):
        assert p.hints and p.solution and p.resources and len(p.statement) <= 600
        assert all(r in bank.resources for r in p.resources)
        assert all(m.answer != p.answer for m in p.mistakes)
        assert len({m.answer for m in p.mistakes}) == len(p.mistakes)


def test_seed_hash_is_sha256_of_family_and_seed() -> None:
    assert seed_hash("gen-x", "1:2026-01-01") == hashlib.sha256(b"gen-x\x001:2026-01-01").hexdigest()[:8]
    assert seed_hash("gen-x", "1:2026-01-01") != seed_hash("gen-y", "1:2026-01-01")


def test_problems_are_stable_across_processes_and_hash_seeds() -> None:
    code = (
        "import json; from bot.content.generators import FAMILIES, generate_prompt; "
        "print(json.dumps([[p.id, p.answer, p.statement] for p in "
        "(generate_prompt(f, '42:2026-02-02') for f in sorted(FAMILIES))]))"
    )
    here = [
        [p.id, p.answer, p.statement] for p in (generate_prompt(f, "42:2026-02-02") for f in sorted(FAMILIES))
    ]
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == here


@pytest.mark.parametrize(
    "bad", ["gen-determinant", "gen-determinant:xyz", "gen-determinant:ABCDEF12", "x:0123abcd"]
)
def test_malformed_generated_ids_are_rejected(bad: str) -> None:
    with pytest.raises((KeyError, ValueError)):
        prompt_from_id(bad)


def test_generating_does_not_sympify_text() -> None:
    source = "\n".join(p.read_text() for p in (REPO / "bot" / "maths" / "generators").glob("*.py"))
    assert not re.search(r"(sympify|parse_expr|eval|exec)\(", source)


# --- answers recomputed independently from the statement ----------------------------------------

NUM = r"-?\d+(?:\.\d+)?"


def frac(text: str) -> Fraction:
    text = text.strip()
    m = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", text)
    if m:
        return Fraction(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1) else 1)
    return Fraction(text)


def pmatrices(statement: str) -> list[list[list[Fraction]]]:
    out = []
    for body in re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", statement):
        out.append([[frac(x) for x in row.split("&")] for row in body.split(r"\\")])
    return out


def answer_tuple(text: str) -> list[Fraction]:
    return [Fraction(x.strip()) for x in text.strip("()").split(",")]


def answer_matrix(text: str) -> list[list[Fraction]]:
    return [[Fraction(x) for x in row.split(",")] for row in re.findall(r"\[([^\[\]]+)\]", text)]


def test_determinant_matches_numpy() -> None:
    for p in prompts("gen-determinant"):
        (a,) = pmatrices(p.statement)
        assert int(p.answer) == round(np.linalg.det(np.array(a, dtype=float)))


def test_inverse_times_matrix_is_identity() -> None:
    for p in prompts("gen-inverse-2x2"):
        (a,) = pmatrices(p.statement)
        inv = answer_matrix(p.answer)
        product = [[sum(a[i][k] * inv[k][j] for k in range(2)) for j in range(2)] for i in range(2)]
        assert product == [[1, 0], [0, 1]]


def test_matrix_vector_and_matrix_products_match_numpy() -> None:
    for p in prompts("gen-matvec"):
        a, x = pmatrices(p.statement)
        expected = np.array(a, dtype=float) @ np.array(x, dtype=float)
        assert answer_tuple(p.answer) == [Fraction(int(v)) for v in expected.ravel()]
    for p in prompts("gen-matrix-product"):
        a, b = pmatrices(p.statement)
        expected = np.array(a, dtype=float) @ np.array(b, dtype=float)
        assert np.array(answer_matrix(p.answer), dtype=float).tolist() == expected.tolist()


def test_symmetric_eigenvalues_are_integers_matching_numpy() -> None:
    for p in prompts("gen-symmetric-eigenvalues"):
        (a,) = pmatrices(p.statement)
        values = sorted(int(x) for x in p.answer.strip("{}").split(","))
        assert np.allclose(sorted(np.linalg.eigvalsh(np.array(a, dtype=float))), values)


def test_cosine_similarity_matches_numpy() -> None:
    for p in prompts("gen-cosine-similarity"):
        u, v = (np.array([float(x) for x in m.split(",")]) for m in re.findall(r"= \(([^)]*)\)", p.statement))
        cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
        assert math.isclose(float(Fraction(p.answer)), cos, abs_tol=1e-12)


def test_sample_variance_matches_statistics_module() -> None:
    for p in prompts("gen-sample-variance"):
        data = [Fraction(x) for x in re.search(r"data \$([^$]*)\$", p.statement).group(1).split(",")]
        assert Fraction(p.answer) == statistics.variance(data)


def test_f1_from_precision_and_recall() -> None:
    for p in prompts("gen-f1-score"):
        tp, fp, fn = (int(re.search(rf"{k} = (\d+)", p.statement).group(1)) for k in ("TP", "FP", "FN"))
        precision, recall = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
        assert Fraction(p.answer) == 2 / (1 / precision + 1 / recall)


def test_binomial_by_enumerating_every_outcome() -> None:
    for p in prompts("gen-binomial-pmf", 15):
        n = int(re.search(r"Each of (\d+)", p.statement).group(1))
        k = int(re.search(r"exactly (\d+) success", p.statement).group(1))
        q = frac(re.search(r"probability \$(.*?)\$", p.statement).group(1))
        total = sum(
            math.prod(q if bit else 1 - q for bit in outcome)
            for outcome in itertools.product((0, 1), repeat=n)
            if sum(outcome) == k
        )
        assert Fraction(p.answer) == total


def test_bayes_by_counting_a_population() -> None:
    for p in prompts("gen-bayes-base-rate"):
        prev, sens, spec = (Fraction(x) / 100 for x in re.findall(r"\$(" + NUM + r")\\%\$", p.statement))
        people = 1_000_000
        sick = prev * people
        positives_sick = sens * sick
        positives_healthy = (1 - spec) * (people - sick)
        assert Fraction(p.answer) == positives_sick / (positives_sick + positives_healthy)


def test_entropy_and_softmax_match_floating_point() -> None:
    for p in prompts("gen-entropy-bits"):
        probs = [float(frac(x)) for x in re.search(r"p = \((.*)\)\$", p.statement).group(1).split(", ")]
        assert math.isclose(float(Fraction(p.answer)), -sum(q * math.log2(q) for q in probs))
    for p in prompts("gen-softmax"):
        z = [
            0.0 if x.strip() == "0" else math.log(int(x.split()[-1]))
            for x in re.search(r"z = \((.*?)\)\$", p.statement).group(1).split(",")
        ]
        e = [math.exp(v) for v in z]
        assert np.allclose([float(x) for x in answer_tuple(p.answer)], [v / sum(e) for v in e])


def test_learning_rate_threshold_by_running_gradient_descent() -> None:
    for p in prompts("gen-lr-threshold", 15):
        a, c = (int(x) for x in re.search(r"= (\d+)x\^2 \+ (\d+)y\^2", p.statement).groups())
        eta_star = float(Fraction(p.answer))

        def final_norm(eta: float, a: int = a, c: int = c) -> float:
            x = y = 1.0
            for _ in range(400):
                x, y = x - eta * 2 * a * x, y - eta * 2 * c * y
            return math.hypot(x, y)

        assert final_norm(0.97 * eta_star) < 1e-3
        assert final_norm(1.03 * eta_star) > 1e3


def test_backprop_and_mse_gradients_match_finite_differences() -> None:
    for p in prompts("gen-tiny-backprop"):
        v = {k: int(x) for k, x in re.findall(r"\$([a-z]_?\d?) = (-?\d+)\$", p.statement)}

        def loss(w1: float, v: dict[str, int] = v) -> float:
            y = v["w_2"] * max(w1 * v["x"] + v["b_1"], 0.0) + v["b_2"]
            return 0.5 * (y - v["t"]) ** 2

        if v["w_1"] * v["x"] + v["b_1"] == 0:
            continue  # at the kink a finite difference is not a derivative
        h = 1e-6
        numeric = (loss(v["w_1"] + h) - loss(v["w_1"] - h)) / (2 * h)
        assert math.isclose(numeric, int(p.answer), abs_tol=1e-4)
    for p in prompts("gen-mse-gradient"):
        pts = [tuple(map(int, m)) for m in re.findall(r"\((-?\d+), (-?\d+)\)", p.statement)]
        w = int(re.search(r"at \$w = (-?\d+)\$", p.statement).group(1))

        def mse(w: float, pts: list[tuple[int, ...]] = pts) -> float:
            return sum((w * x - y) ** 2 for x, y in pts) / len(pts)

        numeric = (mse(w + 1e-6) - mse(w - 1e-6)) / 2e-6
        assert math.isclose(numeric, float(Fraction(p.answer)), abs_tol=1e-4)
