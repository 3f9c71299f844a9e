"""``studybot plot | gd | losscurve`` through argparse, as bot/cli.py will wire them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.plots.cli import register
from tests.plots.helpers import check_picture


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_losscurve_prints_the_diagnosis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "metrics.csv"
    rows = ["epoch,train_loss,val_loss"]
    for e in range(40):
        falling = 0.6 + 0.9 * (0.9**e - 0.9**15)
        val = 0.6 + 0.002 * (e - 15) ** 2 if e > 15 else falling
        rows.append(f"{e},{1.5 * 0.9**e + 0.05:.4f},{val:.4f}")
    f.write_text("\n".join(rows) + "\n")
    out = tmp_path / "loss.png"
    assert main(["losscurve", str(f), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("overfitting: validation loss bottomed out at epoch 1")
    check_picture(out.read_bytes())
    assert main(["losscurve", str(f), "--smoothing", "0.3"]) == 0
    assert "overfitting" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["losscurve", "/nonexistent/file.csv"], "No such file"),
        (["losscurve", "FILE", "--smoothing", "abc"], "--smoothing: expected a number, got 'abc'"),
        (["losscurve", "FILE", "--smoothing", "2"], "smoothing must be between 0 and 0.99"),
        (["gd", "x^2", "--lr", "0.1", "--start", "1", "--steps", "5000", "--out", "OUT"], "steps must be"),
        (["gd", "x^2", "--lr", "fast", "--start", "1", "--out", "OUT"], "--lr: expected a number"),
        (["plot", "x", "--x-min", "3", "--x-max", "1", "--out", "OUT"], "x_min must be less than x_max"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    f = tmp_path / "v.txt"
    f.write_text("3 2 1 0.5 0.4 0.3")
    argv = [str(f) if a == "FILE" else str(tmp_path / "o.png") if a == "OUT" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
