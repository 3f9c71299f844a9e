"""/help and /about: the same text on Discord and in the console."""

from __future__ import annotations

from collections.abc import Iterable

from bot.replies import Reply


def help_reply(commands: Iterable[tuple[str, str]]) -> Reply:
    lines = [f"/{name} — {description}" for name, description in sorted(commands)]
    return Reply(title="studybot commands", text="\n".join(lines), ephemeral=True)


def about(version: str) -> Reply:
    return Reply(
        title=f"studybot {version}",
        text=(
            "A study group for the math behind deep learning: a daily prompt, answers checked the"
            " moment you send them, plots and loss-curve diagnoses, resources by topic, streaks and"
            " weekly challenges. Start with /daily, answer with /answer, stuck? /hint."
        ),
        ephemeral=True,
    )
