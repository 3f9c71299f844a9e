"""The answer hook: `/answer problem:<n>` resolves to problem n of the open challenge the member
joined, and the answer is scored inside the submission's transaction, so a verdict is only shown
once its points are stored. Also keeps the daily prompt off an open challenge's problems."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial

from bot.replies import plural
from bot.services.answers import ResolvedProblem
from bot.services.challenge_rules import (
    FLOOR_PER_LEVEL,
    WRONG_PENALTY,
    local_midnight,
    points_for,
    shown_close,
    when_text,
)
from bot.services.context import Actor, Clock
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.problems import CheckResult, Problems
from bot.storage import challenges as rows
from bot.storage import guilds as guild_rows
from bot.storage.challenges import ChallengeRow, ProblemRow
from bot.storage.database import Database


class ChallengeAnswers:
    def __init__(self, db: Database, guilds: GuildService, problems: Problems, clock: Clock) -> None:
        self.db = db
        self.guilds = guilds
        self.problems = problems
        self.clock = clock

    async def daily_exclusions(self, guild_id: int, day: date) -> set[str]:
        """The daily never uses a problem of a challenge open on that local day."""
        settings = await guild_rows.get_guild(self.db, guild_id)  # a read: planning must not write
        timezone = settings.timezone if settings else self.guilds.default_timezone
        start = local_midnight(day, timezone)
        end = local_midnight(day + timedelta(days=1), timezone)
        return await rows.problem_keys_between(self.db, guild_id, start, end)

    async def resolve(self, actor: Actor, ref: str) -> ResolvedProblem | None:
        """`/answer problem:<n>`: problem n of the open challenge the member joined."""
        if not ref.isdigit():
            return None
        now = self.clock.now()
        settings = await self.guilds.settings(actor.guild_id)
        tz = settings.timezone
        opened = [
            c
            for c in await rows.guild_challenges(self.db, actor.guild_id, closing_after=now)
            if c.opens_at <= now
        ]
        if not opened:
            last = await rows.latest_closed(self.db, actor.guild_id, now)
            if last is not None:
                raise UserError(
                    f"{last.title} closed on {when_text(shown_close(last.closes_at, tz), tz)}: answers are no"
                    " longer accepted. /challenge leaderboard shows the final standings."
                )
            raise UserError(
                "No challenge is open right now. /challenge show tells you when the next one opens."
            )
        joined = [c for c in opened if await rows.is_participant(self.db, c.id, actor.user_id)]
        if not joined:
            raise UserError(
                f"Join {opened[0].title} first (/challenge join or the Join button): only members who"
                " joined score. Nothing was recorded."
            )
        challenge = joined[0]
        problems = await rows.problems(self.db, challenge.id)
        number = int(ref)
        if not 1 <= number <= len(problems):
            raise UserError(f"{challenge.title} has problems 1 to {len(problems)}.")
        row = problems[number - 1]
        prompt = await self.problems.get(row.prompt_id)
        if prompt is None:
            raise UserError(f"Problem {number} is no longer in the prompt bank; tell a moderator.")
        return ResolvedProblem(
            prompt,
            "challenge",
            f"challenge-{challenge.id}-{number}",
            f"{challenge.title}, problem {number}",
            record=partial(self._record, challenge, row, len(problems)),
        )

    async def _record(
        self,
        challenge: ChallengeRow,
        problem: ProblemRow,
        total_problems: int,
        db: Database,
        actor: Actor,
        result: CheckResult,
        now: datetime,
    ) -> Sequence[str]:
        """Score the answer inside the submission's transaction (raising undoes the submission too)."""
        if now >= challenge.closes_at:
            raise UserError(
                f"{challenge.title} closed while that answer was being checked; it was not recorded."
            )
        n = problem.position
        score = await rows.get_score(db, challenge.id, actor.user_id, n)
        if score is not None and score.solved_at is not None:
            return [
                f"You already solved problem {n} ({plural(score.points, 'point')});"
                " this answer changes nothing."
            ]
        if result.status == "correct":
            wrong = score.wrong if score else 0
            points = points_for(problem.difficulty, wrong)
            await rows.record_solve(db, challenge.id, actor.user_id, n, points, now)
            total, solved = await rows.member_total(db, challenge.id, actor.user_id)
            return [
                f"+{plural(points, 'point')} for problem {n} ({plural(wrong, 'wrong attempt')} before)."
                f" Your total: {plural(total, 'point')}, {solved}/{total_problems} solved."
            ]
        if result.status == "incorrect":
            await rows.record_wrong(db, challenge.id, actor.user_id, n)
            return [
                f"Each wrong attempt costs {WRONG_PENALTY} of this problem's points (a solve still earns at"
                f" least {problem.difficulty * FLOOR_PER_LEVEL})."
            ]
        return ["Not judged, so no penalty: try writing it another way."]
