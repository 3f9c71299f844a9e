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
