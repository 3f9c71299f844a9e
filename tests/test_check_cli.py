"""`studybot check` through argparse, single and batch, with the real worker pool."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bot.check_cli import register


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_single_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["check", "2x(1-x)", "2x - 2x^2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("correct:") and "interpreted as: 2*x - 2*x^2" in out


def test_single_check_json_and_tolerance(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["check", "pi", "3.1", "--rel-tol", "0.02", "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["status"] == "correct" and verdict["interpreted_as"] == "3.1"


def test_invalid_expected_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["check", "foo(", "1"]) == 2
    assert "expected" in capsys.readouterr().err


def test_batch_in_input_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        json.dumps({"id": "a", "expected": "2x", "answer": "x + x"}),
        json.dumps({"id": "b", "expected": "pi", "answer": "3.14", "abs_tol": 0.001}),
        "{not json",
        json.dumps({"id": "d", "expected": "x", "answer": "((9^9)^9999)^9999"}),
        json.dumps({"id": "e", "answer": "1"}),
        json.dumps({"id": "f", "expected": "(0, 1]", "answer": "(0, 1]"}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cli(["check", "--batch", str(batch), "--workers", "2"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", None, "d", "e", "f"]
    assert [r["status"] for r in rows] == ["correct", "incorrect", "invalid", "invalid", "invalid", "correct"]
    assert "line 3" in rows[2]["message"] and "line 5" in rows[4]["message"]
    assert all(
        isinstance(r["ms"], float) and set(r) == {"id", "status", "message", "interpreted_as", "ms"}
        for r in rows
    )


@pytest.mark.parametrize(
    ("argv", "code", "status"),
    [
        (["2x", "x + x"], 0, "correct"),
        (["2x", "3x"], 1, "incorrect"),
        (["2x", "2x +"], 2, "invalid"),
    ],
)
def test_exit_status_is_the_verdict(
    argv: list[str], code: int, status: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["check", *argv]) == code
    assert capsys.readouterr().out.startswith(f"{status}:")


def test_a_timeout_exits_3(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.services import checks

    def timed_out(*args: object, **kwargs: object) -> checks.CheckResult:
        return checks.CheckResult("timeout", checks.TIMEOUT_MESSAGE)

    monkeypatch.setattr(checks, "check_in_worker_sync", timed_out)
    assert run_cli(["check", "x", "x"]) == 3
    assert capsys.readouterr().out.startswith("timeout:")


@pytest.mark.parametrize(
    ("argv", "code", "shown"),
    [
        (["2", "-2"], 1, "-2"),
        (["-2", "-2"], 0, "-2"),
        (["-x^2", "-x^2", "--json"], 0, "-x^2"),
        (["x", "-x"], 1, "-x"),
        (["-(x+1)", "-x-1"], 0, "-x - 1"),
        (["--", "2", "-2"], 1, "-2"),  # the usual `--` still works
        (["x^2", "-x^2", "--rel", "0.1"], 1, "-x^2"),  # options (abbreviated too) still are options
    ],
)
def test_values_may_start_with_a_minus(
    argv: list[str], code: int, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["check", *argv]) == code
    out = capsys.readouterr().out
    assert shown in out and "error" not in out


def test_the_real_entry_point_takes_a_negative_value(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["check", "2", "-2"]) == 1
    assert "interpreted as: -2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--rel-tol", "1e308", "--rel-tol must be more than 0 and at most 0.5"),
        ("--rel-tol", "0", "--rel-tol must be more than 0"),
        ("--rel-tol", "nan", "--rel-tol must be a finite number"),
        ("--abs-tol", "-1", "--abs-tol must be from 0 to 1"),
        ("--abs-tol", "inf", "--abs-tol must be a finite number"),
        ("--abs-tol", "1e308", "--abs-tol must be from 0 to 1"),
        ("--sig-figs", "0", "--sig-figs must be a whole number from 1 to 15"),
        ("--sig-figs", "16", "--sig-figs must be a whole number from 1 to 15"),
        ("--sig-figs", "2.5", "'2.5' is not a number"),
    ],
)
def test_tolerance_options_are_range_checked(
    option: str, value: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli(["check", "x^2", "y", option, value])
    assert exited.value.code == 2
    assert named in capsys.readouterr().err


def test_tolerances_in_range_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["check", "1", "2", "--sig-figs", "1"]) == 1
    assert run_cli(["check", "x^2", "y", "--rel-tol", "0.5", "--abs-tol", "1"]) == 1
    assert run_cli(["check", "100", "100.4", "--abs-tol", "0.5"]) == 0


def test_batch_lines_with_out_of_range_tolerances_are_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": "a", "expected": "x^2", "answer": "y", "rel_tol": 1e308}),
        json.dumps({"id": "b", "expected": "1", "answer": "2", "sig_figs": 0}),
        json.dumps({"id": "c", "expected": "1", "answer": "1.01", "rel_tol": 0.05}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cli(["check", "--batch", str(batch), "--workers", "1"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in rows] == ["invalid", "invalid", "correct"]
    assert "rel_tol must be" in rows[0]["message"] and "sig_figs must be" in rows[1]["message"]
