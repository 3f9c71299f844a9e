"""How challenges read: the description, the board lines, and the scheduled posts' replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.content import ContentBank, Prompt
from bot.plots.latex_text import readable_text
from bot.replies import Action, Attachment, Button, Field, Post, Reply, md, plural
from bot.services.challenge_rules import POINTS_PER_LEVEL, duration_text, shown_close, when_text
from bot.services.daily import difficulty_text
from bot.services.problems import Problems
from bot.storage import challenges as rows
from bot.storage import guilds as guild_rows
from bot.storage.challenges import ChallengeRow, ProblemRow
from bot.storage.database import Database

BOARD_LINES = 20
MEDALS = ("🥇", "🥈", "🥉")


def join_button(challenge_id: int) -> Button:
    return Button("Join", Action("join", str(challenge_id)), hint="/challenge join", style="success")


class ChallengeReplies:
    def __init__(self, db: Database, problems: Problems, content: Callable[[], ContentBank]) -> None:
        self.db = db
        self.problems = problems
        self.content = content

    async def board_lines(self, challenge_id: int, limit: int = BOARD_LINES) -> list[str]:
        standings = await rows.standings(self.db, challenge_id)
        lines = []
        for rank, s in enumerate(standings[:limit], start=1):
            mark = MEDALS[rank - 1] + " " if rank <= 3 and s.points > 0 else f"{rank}. "
            lines.append(f"{mark}{md(s.name)} — {plural(s.points, 'point')} · {s.solved} solved")
        if len(standings) > limit:
            lines.append(f"… and {len(standings) - limit} more")
        return lines

    async def prompts(self, problems: Sequence[ProblemRow]) -> list[Prompt | None]:
        return [await self.problems.get(p.prompt_id) for p in problems]

    def topic(self, slug: str) -> str:
        topic = self.content().topics.get(slug)
        return topic.title if topic else slug

    async def describe(self, challenge: ChallengeRow, tz: str, now: datetime, *, reveal: bool) -> Reply:
        problems = await rows.problems(self.db, challenge.id)
        opens, closes = when_text(challenge.opens_at, tz), when_text(shown_close(challenge.closes_at, tz), tz)
        if challenge.status == "cancelled":
            state = "Cancelled."
        elif now < challenge.opens_at:
            state = f"Opens in {duration_text(challenge.opens_at - now)}."
        elif now < challenge.closes_at:
            state = f"Open: {duration_text(challenge.closes_at - now)} left."
        else:
            state = "Closed."
        text = f"{opens} – {closes} ({tz}) · {plural(len(problems), 'problem')} · {state}"
        fields: list[Field] = []
        attachments: tuple[Attachment, ...] = ()
        if reveal:
            prompts = await self.prompts(problems)
            numbered = [f"{p.position}. {q.statement}" for p, q in zip(problems, prompts, strict=True) if q]
            png = await self.problems.formula_image(
                "challenge:" + ",".join(p.prompt_id for p in problems), "\n\n".join(numbered)
            )
            if png:
                attachments = (Attachment("problems.png", png, "The problems with their formulas"),)
            for p, prompt in zip(problems, prompts, strict=True):
                statement = readable_text(prompt.statement) if prompt else "(no longer in the bank)"
                fields.append(
                    Field(
                        f"Problem {p.position} · {self.topic(p.topic)} · {difficulty_text(p.difficulty)}"
                        f" · {plural(p.difficulty * POINTS_PER_LEVEL, 'point')}",
                        statement[:1024],
                    )
                )
        else:
            text += "\nThe problems are revealed when it opens."
        return Reply(
            text=text,
            fields=tuple(fields),
            attachments=attachments,
            image=attachments[0].filename if attachments else None,
        )

    async def announcement(
        self, challenge: ChallengeRow, settings: guild_rows.GuildSettings, now: datetime
    ) -> Post:
        tz = settings.timezone
        described = await self.describe(challenge, tz, now, reveal=True)
        title = f"{md(challenge.title)} — challenge open"
        reply = replace(
            described,
            title=title,
            text=f"{described.text}\nJoin, then answer with /answer problem:<n> text:<answer>"
            " (verdicts are private).",
            buttons=(join_button(challenge.id),),
            footer="Points: the problem's difficulty, minus a little per wrong attempt; ties go to the"
            " earlier finish.",
        )
        return self._post(challenge, settings, title, reply, "challenge-open")

    async def reminder(
        self, challenge: ChallengeRow, settings: guild_rows.GuildSettings, now: datetime
    ) -> Post:
        lines = await self.board_lines(challenge.id, limit=3)
        joined = len(await rows.participant_names(self.db, challenge.id))
        title = f"{md(challenge.title)} — 24 hours left"
        reply = Reply(
            title=title,
            text=f"{joined} joined so far. Answers are accepted until "
            f"{when_text(shown_close(challenge.closes_at, settings.timezone), settings.timezone)}"
            f" ({settings.timezone}).\n" + "\n".join(lines),
            buttons=(join_button(challenge.id),),
            footer="/challenge show lists the problems · /challenge leaderboard",
        )
        return self._post(challenge, settings, title, reply, "challenge-reminder")

    async def results(self, challenge: ChallengeRow, settings: guild_rows.GuildSettings) -> Post:
        problems = await rows.problems(self.db, challenge.id)
        counts = await rows.solve_counts(self.db, challenge.id)
        standings = await rows.standings(self.db, challenge.id)
        podium = [
            f"{MEDALS[i]} {md(s.name)} — {plural(s.points, 'point')} · {s.solved}/{len(problems)} solved"
            for i, s in enumerate(standings[:3])
            if s.points > 0
        ]
        fields = []
        for p, prompt in zip(problems, await self.prompts(problems), strict=True):
            answer = prompt.answer if prompt else "?"
            solution = readable_text(prompt.solution if prompt else "").strip()
            value = f"Answer: {answer}" + (f"\n{solution}" if solution else "")
            fields.append(
                Field(
                    f"Problem {p.position} · {self.topic(p.topic)} — solved by {counts.get(p.position, 0)}"
                    f" of {len(standings)}",
                    value[:1024],
                )
            )
        title = f"{md(challenge.title)} — results"
        reply = Reply(
            title=title,
            text=("\n".join(podium) or "Nobody solved a problem this time.")
            + f"\n{len(standings)} joined. The solutions:",
            fields=tuple(fields[:25]),
            footer="/challenge leaderboard shows the full standings",
        )
        return self._post(challenge, settings, title, reply, "challenge-results")

    @staticmethod
    def _post(
        challenge: ChallengeRow, settings: guild_rows.GuildSettings, title: str, reply: Reply, kind: str
    ) -> Post:
        extra = {"idempotency_key": f"{challenge.guild_id}:{kind}:{challenge.id}"}
        if settings.ping_role_name and kind == "challenge-open":
            extra["mention_name"] = settings.ping_role_name
        return Post(
            challenge.guild_id,
            settings.channel_id,
            title,
            reply,
            mention_role_id=settings.ping_role_id if kind == "challenge-open" else None,
            extra=extra,
        )
