from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.content import ContentError, Mistake, load_content
from bot.content.generators import generate_prompt
from bot.content.loader import clear_cache, default_data_dir, use_data_dir

from .conftest import GOOD

REPO = Path(__file__).resolve().parents[2]


def test_good_fixture_loads_into_models() -> None:
    bank = load_content(GOOD)
    assert set(bank.topics) == {"derivatives", "bayes", "eigen"}
    assert bank.topics["bayes"].aliases == ("bayes rule", "base rate")
    assert len(bank.prompts) == 3 and len(bank.resources) == 3 and len(bank.curricula) == 1

    chain = bank.prompts["derivatives-chain-sin-square"]
    assert chain.answer == "2x cos(x^2)"
    assert chain.answer_type == "expression"
    assert chain.equivalents == ("2*x*cos(x**2)", "cos(x^2)*2x")
    assert chain.hints[1].startswith("The derivative of")
    assert chain.mistakes == (Mistake("cos(x^2)", "Forgot the chain rule."),)
    assert chain.source == "bank" and chain.generator is None

    power = bank.prompts["derivatives-power-at-point"]
    assert power.answer == "12"  # an unquoted YAML integer becomes checker text
    assert power.mistakes[0].answer == "8"
    assert power.answer_type is None

    bayes = bank.prompts["bayes-base-rate"]
    assert bayes.rel_tol == 0.01 and bayes.abs_tol is None
    assert bayes.check_kwargs() == {
        "functions": (),
        "mistakes": (("9/10", "That is the sensitivity."),),
        "answer_type": "number",
        "rel_tol": 0.01,
    }

    chapter = bank.resources["prob-book-ch2"]
    assert (chapter.kind, chapter.chapter, chapter.free, chapter.time) == ("chapter", 2, False, None)
    assert bank.resources["calc-course"].time == "12 weeks"

    starter = bank.curricula["starter"]
    assert starter.name == "Starter"
    assert [w.topics for w in starter.weeks] == [("derivatives",), ("bayes", "eigen")]
    assert starter.weeks[0].prompts == ("derivatives-power-at-point", "derivatives-chain-sin-square")
    assert starter.weeks[1].generators == ()


def test_topic_indexes_keep_file_order() -> None:
    bank = load_content(GOOD)
    assert [p.id for p in bank.prompts_by_topic("derivatives")] == [
        "derivatives-chain-sin-square",
        "derivatives-power-at-point",
    ]
    assert bank.prompts_by_topic("eigen") == ()
    assert [r.id for r in bank.resources_for_topic("derivatives")] == ["calc-course", "la-videos"]
    assert bank.resources_for_topic("nope") == ()


def test_get_prompt_resolves_bank_and_generated_ids() -> None:
    bank = load_content(GOOD)
    assert bank.get_prompt("bayes-base-rate") is bank.prompts["bayes-base-rate"]
    generated = generate_prompt("gen-determinant", "42:2026-03-01")
    again = bank.get_prompt(generated.id)
    assert again == generated and again.source == "generator" and again.generator == "gen-determinant"
    assert bank.get_prompt("no-such-prompt") is None
    assert bank.get_prompt("gen-no-such-family:0123abcd") is None
    assert bank.get_prompt("gen-determinant:not-hex!") is None


def test_load_is_cached_until_a_file_changes(good_copy: Path) -> None:
    first = load_content(good_copy)
    assert load_content(good_copy) is first
    path = good_copy / "prompts" / "bayes.yaml"
    path.write_text(path.read_text().replace("difficulty: 2", "difficulty: 3"))
    os.utime(path, ns=(1, 1))  # make sure the signature changes even within one mtime tick
    second = load_content(good_copy)
    assert second is not first
    assert second.prompts["bayes-base-rate"].difficulty == 3
    clear_cache()
    assert load_content(good_copy) is not second


def test_data_dir_comes_from_the_settings(tmp_path: Path) -> None:
    # STUDYBOT_DATA_DIR is read by bot/config.py like every setting, so a .env file works for it too
    (tmp_path / ".env").write_text(f"STUDYBOT_DATA_DIR={GOOD}\n")
    settings = load_settings(environ={}, env_file=tmp_path / ".env")
    assert settings.data_dir == GOOD
    assert default_data_dir() == REPO / "data"
    use_data_dir(settings.data_dir)
    try:
        assert default_data_dir() == GOOD
        assert set(load_content().topics) == {"derivatives", "bayes", "eigen"}
    finally:
        use_data_dir(None)
    assert default_data_dir() == REPO / "data"


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "entry", "message"),
    [
        (
            "prompts/bayes.yaml",
            "  answer: 1/12\n",
            "",
            1,
            "bayes-base-rate",
            "missing required field 'answer'",
        ),
        ("prompts/bayes.yaml", "difficulty: 2", "difficulty: 9", 3, "bayes-base-rate", "between 1 and 5"),
        (
            "prompts/bayes.yaml",
            "answer_type: number",
            "answer_type: vector",
            6,
            "bayes-base-rate",
            "answer_type",
        ),
        (
            "prompts/bayes.yaml",
            "tolerance: {rel_tol: 0.01}",
            "tolerance: {rel: 1}",
            7,
            "bayes-base-rate",
            "tolerance",
        ),
        (
            "prompts/derivatives.yaml",
            "id: derivatives-power-at-point",
            "id: derivatives-chain-sin-square",
            18,
            "derivatives-chain-sin-square",
            "duplicate prompt id",
        ),
        (
            "prompts/derivatives.yaml",
            "hints: [Power rule.]",
            "hints: []",
            23,
            "derivatives-power-at-point",
            "'hints' must not be empty",
        ),
        (
            "prompts/derivatives.yaml",
            "  solution: |\n    Outer",
            "  solutions: |\n    Outer",
            12,
            "derivatives-chain-sin-square",
            "unknown field 'solutions'",
        ),
        ("resources.yaml", "level: intermediate", "level: expert", 15, "prob-book-ch2", "level"),
        ("resources.yaml", "  chapter: 2\n", "", 9, "prob-book-ch2", "needs 'chapter'"),
        ("topics.yaml", "- slug: eigen", "- slug: Eigen Values", 9, "Eigen Values", "slug"),
        ("curricula/starter.yaml", "slug: starter", "slug: Starter Course", 2, "Starter Course", "slug"),
        (
            "curricula/starter.yaml",
            "    topics: [bayes, eigen]",
            "    topics: []",
            11,
            "starter",
            "'topics' must not",
        ),
        ("prompts/bayes.yaml", "  statement: 1%", "  statement: [1%", 5, None, "YAML error"),
    ],
)
def test_malformed_data_raises_with_file_id_and_line(
    good_copy: Path, file: str, old: str, new: str, line: int, entry: str | None, message: str
) -> None:
    path = good_copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as info:
        load_content(good_copy)
    err = info.value
    assert err.file == f"data/{file}"
    assert err.line == line
    assert err.id == entry
    assert message in err.message
    assert f"data/{file}:{line}" in str(err)


def test_importing_and_loading_content_does_not_import_sympy() -> None:
    code = (
        "import sys; from bot.content import load_content; b = load_content(); "
        "b.match_topic('lin alg'); assert 'sympy' not in sys.modules, 'sympy imported'; print(len(b.topics))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "26"


def test_impossible_date_is_reported_with_its_line(tmp_path: Path) -> None:
    from bot.content.yamlio import ContentError, read_yaml

    path = tmp_path / "plan.yaml"
    path.write_text("name: Plan\nweeks:\n  - title: one\n    start: 2026-02-30\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_yaml(path, "plan.yaml")
    assert caught.value.line == 4
    assert "2026-02-30" in caught.value.message
