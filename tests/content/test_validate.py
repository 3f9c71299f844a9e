from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from bot.content.cli import main as cli_main
from bot.content.generators.registry import Family
from bot.content.validate import ValidationReport, validate_content

from .conftest import BAD, FIXTURE_FAMILIES, FIXTURE_FAMILY, GOOD, normalising_check


def where(report: ValidationReport) -> set[tuple[str, int | None, str | None]]:
    return {(p.file, p.line, p.id) for p in report.problems}


def test_good_fixture_is_clean_and_counted() -> None:
    report = validate_content(GOOD, check_answers=False, families=FIXTURE_FAMILIES, generator_seeds=5)
    assert report.problems == []
    assert (report.prompts, report.topics, report.generators, report.resources, report.curricula) == (
        3,
        3,
        1,
        3,
        1,
    )
    assert (
        report.summary()
        == "content: 3 prompts, 3 topics, 1 generator, 3 resources, 1 curriculum — 0 problems"
    )


def test_answers_are_run_through_the_checker() -> None:
    calls: list[tuple[str, str]] = []

    def check(expected: str, answer: str, kwargs: dict[str, Any]) -> tuple[str, str]:
        calls.append((expected, answer))
        return normalising_check(expected, answer, kwargs)

    report = validate_content(GOOD, families=FIXTURE_FAMILIES, generator_seeds=5, check_fn=check)
    assert report.problems == []
    # bank: (1 + 2 eq + 1 mistake) + (1 + 1 mistake) + (1 + 1 eq + 1 mistake); generator: 5 x (1 + 1 mistake)
    assert report.answers_checked == len(calls) == 4 + 2 + 3 + 10
    assert ("12", "8") in calls and ("1/12", "0.08333") in calls


def test_a_mistake_judged_correct_is_reported_at_its_line() -> None:
    report = validate_content(GOOD, families={}, check_fn=lambda e, a, k: ("correct", "same value"))
    mistakes = [p for p in report.problems if "listed mistake" in p.message]
    assert {(p.file, p.line, p.id) for p in mistakes} == {
        ("good/prompts/derivatives.yaml", 14, "derivatives-chain-sin-square"),
        ("good/prompts/derivatives.yaml", 25, "derivatives-power-at-point"),
        ("good/prompts/bayes.yaml", 11, "bayes-base-rate"),
    }
    assert "judged correct, expected incorrect: same value" in mistakes[0].message


def test_an_answer_the_checker_rejects_is_reported() -> None:
    report = validate_content(GOOD, families={}, check_fn=lambda e, a, k: ("invalid", "could not parse"))
    own = [p for p in report.problems if "its own answer" in p.message]
    assert ("good/prompts/bayes.yaml", 5, "bayes-base-rate") in {(p.file, p.line, p.id) for p in own}
    assert any("judged invalid, expected correct: could not parse" in p.message for p in own)


BAD_EXPECTED = [
    ("bad/prompts/bad.yaml", 1, "derivatives-no-answer", "missing required field 'answer'"),
    ("bad/prompts/bad.yaml", 9, "derivatives-too-hard", "between 1 and 5"),
    ("bad/prompts/bad.yaml", 15, "unknown-topic-prompt", "unknown topic 'quantum-gravity'"),
    ("bad/prompts/bad.yaml", 28, "derivatives-unknown-resource", "unknown resource id 'no-such-book'"),
    ("bad/prompts/bad.yaml", 32, "derivatives-long-statement", "statement is"),
    (
        "bad/prompts/bad.yaml",
        42,
        "derivatives-no-answer",
        "duplicate prompt id (first at bad/prompts/bad.yaml:1)",
    ),
    ("bad/prompts/bad.yaml", 54, "derivatives-typo-field", "unknown field 'hint'"),
    ("bad/prompts/bad.yaml", 49, "derivatives-typo-field", "missing required field 'hints'"),
    ("bad/prompts/bad.yaml", 63, "derivatives-bad-mistake", "needs exactly 'answer' and 'message'"),
    ("bad/prompts/bad.yaml", 69, "derivatives-mapping-answer", "quote it in YAML"),
    (
        "bad/prompts/bad.yaml",
        77,
        "derivatives-undrawable-formula",
        "hints cannot be drawn: the `\\begin{tikzcd}`",
    ),
    (
        "bad/prompts/bad.yaml",
        78,
        "derivatives-undrawable-formula",
        "solution cannot be drawn: `\\foo` is not",
    ),
    ("bad/prompts/broken.yaml", 6, None, "YAML error"),
    ("bad/resources.yaml", 13, "bad-level", "level must be one of"),
    ("bad/resources.yaml", 15, "chapter-without-number", "needs 'chapter'"),
    ("bad/resources.yaml", 26, "unknown-topic", "unknown topic 'quantum-gravity'"),
    ("bad/resources.yaml", 31, "bad-url", "absolute http(s) URL"),
    ("bad/resources.yaml", 35, "bad-url", "'free' must be true or false"),
    ("bad/resources.yaml", 36, "calc-course", "duplicate resource id"),
    ("bad/topics.yaml", 13, "orphan", "topic has no resources"),
    ("bad/topics.yaml", 13, "orphan", "no prompts and no generator"),
    ("bad/curricula/bad.yaml", 6, "bad-curriculum", "a week has 1-4 topics, got 5"),
    ("bad/curricula/bad.yaml", 9, "bad-curriculum week 2", "unknown resource id 'no-such-resource'"),
    ("bad/curricula/bad.yaml", 10, "bad-curriculum week 2", "unknown prompt id 'no-such-prompt'"),
    ("bad/curricula/bad.yaml", 11, "bad-curriculum week 2", "unknown generator id 'gen-no-such-family'"),
]


@pytest.fixture(scope="module")
def bad_report() -> ValidationReport:
    return validate_content(BAD, check_answers=False, families=FIXTURE_FAMILIES, generator_seeds=3)


@pytest.mark.parametrize(("file", "line", "entry", "message"), BAD_EXPECTED, ids=[e[3] for e in BAD_EXPECTED])
def test_each_kind_of_bad_data_is_reported_with_file_and_line(
    bad_report: ValidationReport, file: str, line: int, entry: str | None, message: str
) -> None:
    matches = [
        p
        for p in bad_report.problems
        if (p.file, p.line, p.id) == (file, line, entry) and message in p.message
    ]
    assert matches, f"{file}:{line}: {entry}: {message!r} not in\n" + "\n".join(map(str, bad_report.problems))


def test_bad_curriculum_is_still_checked_for_references(bad_report: ValidationReport) -> None:
    # the first week's 5 topics are a structural error, but the file's other problems still show up
    assert sum(p.file == "bad/curricula/bad.yaml" for p in bad_report.problems) == 4


def test_broken_generators_are_reported_once_with_their_source_line() -> None:
    def crashes(rng: Any) -> dict[str, Any]:
        raise ZeroDivisionError("boom")

    def malformed(rng: Any) -> dict[str, Any]:
        return {"statement": "no answer", "hints": ["h"], "solution": "s", "resources": ["nowhere"]}

    families = {
        **FIXTURE_FAMILIES,
        "gen-crash": Family("gen-crash", "eigen", 2, "Crash", crashes),
        "gen-malformed": Family("gen-malformed", "quantum", 9, "Malformed", malformed),
    }
    report = validate_content(GOOD, check_answers=False, families=families, generator_seeds=20)
    here = "tests/content/test_validate.py"
    crash_line = crashes.__code__.co_firstlineno
    bad_line = malformed.__code__.co_firstlineno
    got = [
        (p.file.replace("\\", "/").split("wt-content/")[-1], p.line, p.id, p.message) for p in report.problems
    ]
    crash = [g for g in got if g[2] and g[2].startswith("gen-crash")]
    assert crash and all(g[0].endswith(here) and g[1] == crash_line for g in crash)
    assert "ZeroDivisionError('boom')" in crash[0][3]
    assert len(crash) == 6  # five shown, then "... and 15 more problems from this generator"
    assert crash[-1][3] == "... and 15 more problems from this generator"
    malformed_msgs = [g[3] for g in got if g[2] == "gen-malformed" and g[1] == bad_line]
    assert any("unknown topic 'quantum'" in m for m in malformed_msgs)
    assert any("difficulty must be 1-5" in m for m in malformed_msgs)
    assert any("missing required field 'answer'" in m for m in malformed_msgs)


def test_real_data_passes_the_schema_checks() -> None:
    report = validate_content(check_answers=False, generator_seeds=10)
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert (
        report.resources >= 40 and report.curricula >= 3 and report.generators >= 15 and report.topics == 26
    )


def run_cli(*argv: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli_main(["content", "validate", *argv])
    return code, out.getvalue().splitlines()


def test_cli_prints_one_summary_line_then_problems_and_exits_1() -> None:
    code, lines = run_cli("--data-dir", str(BAD), "--no-check-answers", "--seeds", "2")
    assert code == 1
    assert lines[0].startswith("content: 4 prompts, 4 topics, ")
    assert lines[0].endswith("problems") and " — " in lines[0]
    assert "bad/resources.yaml:13: bad-level: level must be one of" in "\n".join(lines)
    assert all(":" in line for line in lines[1:])


def test_cli_on_the_real_data_exits_0() -> None:
    code, lines = run_cli("--no-check-answers", "--seeds", "3")
    assert code == 0, "\n".join(lines)
    assert lines == [lines[0]] and lines[0].endswith("— 0 problems")


def test_fixture_family_is_registered_nowhere() -> None:
    from bot.content.generators import FAMILIES

    assert FIXTURE_FAMILY.id not in FAMILIES
    assert isinstance(GOOD, Path)


def test_register_plugs_into_the_studybot_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The way bot/cli.py wires feature CLIs: FEATURE_CLIS lists modules exposing register()."""
    import bot.cli

    monkeypatch.setattr(bot.cli, "FEATURE_CLIS", ("bot.content.cli",))
    code = bot.cli.main(["content", "validate", "--data-dir", str(BAD), "--no-check-answers", "--seeds", "1"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert re.fullmatch(
        r"content: 4 prompts, 4 topics, \d+ generators?, 2 resources, 1 curriculum — \d+ problems?", out[0]
    )
    assert "bad/prompts/bad.yaml:9: derivatives-too-hard: 'difficulty' must be between 1 and 5, got 7" in out
