"""Review reminders and /mydata in the console, over two days on one database: `/review remind:true`
on the day a prompt is missed, one `[dm @ada]` line after the next day's post (and not again in a
later session that day), none for a member who did not opt in; /mydata writes the JSON attachment."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.console.test_console_session import Console
from tests.console.test_daily_console import problem_id
from tests.helpers import wrong_answer_for


def test_one_dm_line_the_day_after_a_miss_and_the_export(console: Console, tmp_path: Path) -> None:
    first = console("/daily\n", "--user", "ada", "--date", "2026-12-01")
    pid = problem_id(first.stdout)
    missed = console(
        f"/answer {wrong_answer_for(pid)}\n/solution confirm:true\n"
        "/review remind:true\n/review remind:maybe\n",
        "--user",
        "ada",
        "--date",
        "2026-12-01",
    )
    assert "**Review reminders on**" in missed.stdout
    assert "I'll DM you once a day when reviews are due; /review remind:false stops it." in missed.stdout
    assert "remind must be true or false — got 'maybe'." in missed.stdout
    assert "[dm " not in missed.stdout  # nothing is due today: the card comes back tomorrow
    console(
        f"/answer {wrong_answer_for(pid)}\n/solution confirm:true\n", "--user", "bob", "--date", "2026-12-01"
    )

    before_post = console("/streak\n", "--user", "bob", "--now", "2026-12-02 08:30")
    assert "[dm " not in before_post.stdout  # the reminder waits for the daily post (09:00)

    next_day = console("/streak\n", "--user", "bob", "--now", "2026-12-02 09:30")
    post = next_day.stdout.index("[post] Daily prompt · 2026-12-02")
    dm = next_day.stdout.index("[dm @ada] 1 review due in console: /review")
    assert post < dm  # after the daily post
    assert next_day.stdout.count("[dm ") == 1  # bob has a card due too, but never opted in

    later = console("/review\n", "--user", "ada", "--now", "2026-12-02 18:00")
    assert "[dm " not in later.stdout  # once a day
    assert f"Problem: `{pid}`" in later.stdout

    off = console("/review remind:false\n", "--user", "ada", "--date", "2026-12-02")
    assert "No more review DMs. /review remind:true turns them back on." in off.stdout
    third = console("/streak\n", "--user", "ada", "--now", "2026-12-03 09:30")
    assert "[post] Daily prompt · 2026-12-03" in third.stdout and "[dm " not in third.stdout

    export = console("/mydata\n", "--user", "ada", "--date", "2026-12-03")
    assert "**Your data**" in export.stdout
    assert "1 reminder setting, 1 reminder DM." in export.stdout
    match = re.search(r"^\[attachment\] (\S+\.json)$", export.stdout, re.MULTILINE)
    assert match, export.stdout
    document = json.loads(Path(match.group(1)).read_text(encoding="utf-8"))
    tables = document["tables"]
    assert [row["display_name"] for row in tables["members"]] == ["ada"]
    assert [row["enabled"] for row in tables["review_reminders"]] == [0]
    assert [row["day"] for row in tables["review_reminder_dms"]] == ["2026-12-02"]
    assert {row["problem_id"] for row in tables["submissions"]} == {pid}
    assert len(tables["review_cards"]) == 1
