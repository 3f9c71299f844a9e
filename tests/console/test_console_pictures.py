"""Pictures in a scripted console session: saved under --out, printed as `[attachment] PATH`."""

from __future__ import annotations

import re
from pathlib import Path

from tests.console.test_console_session import Console
from tests.plots.helpers import check_picture


def test_plot_and_losscurve_save_pngs_and_mistakes_are_messages(tmp_path: Path, console: Console) -> None:
    losses = tmp_path / "history.json"
    losses.write_text(
        '{"loss": [2.1, 1.5, 1.2, 1.0, 0.9, 0.85], "val_loss": [2.2, 1.7, 1.5, 1.4, 1.38, 1.37]}'
    )
    script = (
        "/plot sin(x); x^2/10 x_min:-4 x_max:4\n"
        f"/losscurve file:{losses} log:true\n"
        "/gd x^2 lr:0.1 start:3 steps:0\n"
        "/plot x^^2\n"
    )

    # before the 09:00 daily post, so only the pictures are attached
    result = console(script, "--user", "ada", "--now", "2026-11-23 08:00")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    saved = [Path(p) for p in re.findall(r"^\[attachment\] (.+)$", result.stdout, flags=re.MULTILINE)]
    assert [p.parent for p in saved] == [tmp_path / "out"] * 2
    for path in saved:
        check_picture(path.read_bytes())
    assert "f(x) = sin(x)" in result.stdout
    assert "**Loss curve: healthy**" in result.stdout and "Read more: " in result.stdout
    assert "steps must be at least 1" in result.stdout  # the console's own bound, same as Discord's Range
    assert "I didn't expect `^` there." in result.stdout


def test_the_console_counts_cooldowns_like_discord(tmp_path: Path, console: Console) -> None:
    """The same MemberLimiter refuses: /losscurve is three uses a minute in both adapters."""
    script = "/losscurve values:2.3, 1.9, 1.6, 1.4\n" * 4
    result = console(script, "--user", "ada", "--now", "2026-11-23 08:00")

    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"^\[attachment\] ", result.stdout, flags=re.MULTILINE)) == 3
    assert "/losscurve can be used 3 times per 60 s: try again in" in result.stdout
