"""Weekly challenges' commands: create / edit / cancel (moderators), show, join, leaderboard, and
the weekly challenge the scheduler creates.

Every moderator command checks the permission first and validates everything (and picks the
problems) before one transaction writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content import ContentBank
from bot.replies import Field, Reply, md
from bot.services.challenge_rules import (
    DEFAULT_PROBLEMS,
    FLOOR_PER_LEVEL,
    MAX_PROBLEMS,
    MIN_PROBLEMS,
    POINTS_PER_LEVEL,
    WRONG_PENALTY,
    check_window,
    choose_problems,
    default_window,
    duration_text,
    parse_when,
    shown_close,
    week_window,
    when_text,
)
from bot.services.challenges.answers import ChallengeAnswers
from bot.services.challenges.replies import ChallengeReplies, join_button
from bot.services.context import Actor, Clock
from bot.services.daily import DailyPlanner
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.problems import Problems
from bot.storage import challenges as rows
from bot.storage import daily as daily_rows
from bot.storage.challenges import ChallengeRow, ProblemRow
from bot.storage.database import Database

MAX_TITLE = 80
MAX_UPCOMING = 20


class ChallengeService:
    def __init__(
        self,
        db: Database,
        guilds: GuildService,
        planner: DailyPlanner,
        problems: Problems,
        content: Callable[[], ContentBank],
        clock: Clock,
    ) -> None:
        self.db = db
        self.guilds = guilds
        self.planner = planner
        self.problems = problems
        self.content = content
        self.clock = clock
        self.replies = ChallengeReplies(db, problems, content)
        self.answers = ChallengeAnswers(db, guilds, problems, clock)
        #: (guild_id, local monday) -> a running curriculum's topics then (set by Services)
        self.week_topics: Callable[[int, date], Awaitable[tuple[str, ...]]] | None = None
        self.resolve = self.answers.resolve  # the /answer resolver Services registers
        planner.exclusions.append(self.answers.daily_exclusions)

    # -- choosing problems ------------------------------------------------------------------------

    def _topics(self, text: str | None) -> tuple[str, ...]:
        if text is None or not text.strip():
            return ()
        bank = self.content()
        found: list[str] = []
        unknown: list[str] = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if part in bank.topics:
                slug = part
            else:
                matches = bank.match_topic(part, 1)
                if not matches:
                    unknown.append(part)
                    continue
                slug = matches[0].slug
            if slug not in found:
                found.append(slug)
        if unknown:
            raise UserError(
                f"Unknown {'topic' if len(unknown) == 1 else 'topics'}: {', '.join(map(repr, unknown))}."
                " /topics lists them."
            )
        return tuple(found)

    async def _excluded(
        self, guild_id: int, opens: datetime, closes: datetime, timezone: str, skip: int | None
    ) -> set[str]:
        """That window's daily prompts (already chosen) and other challenges' problems."""
        first = opens.astimezone(ZoneInfo(timezone)).date()
        last = shown_close(closes, timezone).date()
        excluded: set[str] = set()
        for row in await daily_rows.daily_prompts_between(self.db, guild_id, first, last + timedelta(days=1)):
            excluded.add(row.prompt_id)
            if row.family:
                excluded.add(row.family)
        for other in await rows.overlapping(self.db, guild_id, opens, closes):
            if other.id != skip:
                for p in await rows.problems(self.db, other.id):
                    excluded |= {p.prompt_id, *([p.family] if p.family else [])}
        return excluded

    async def _pick(
        self,
        guild_id: int,
        *,
        topics: tuple[str, ...],
        count: int,
        difficulty: int | None,
        opens: datetime,
        closes: datetime,
        timezone: str,
        seed: str,
        skip: int | None = None,
    ) -> list[ProblemRow]:
        candidates = self.planner.candidates(topics=topics or tuple(self.content().topics))
        excluded = await self._excluded(guild_id, opens, closes, timezone, skip)
        chosen = choose_problems(candidates, count=count, difficulty=difficulty, excluded=excluded, seed=seed)
        picked: list[ProblemRow] = []
        for position, c in enumerate(chosen, start=1):
            if c.generator:
                prompt = await self.problems.generate(c.key, f"{seed}:{position}")
                picked.append(ProblemRow(position, prompt.id, c.key, c.topic, c.difficulty))
            else:
                picked.append(ProblemRow(position, c.key, None, c.topic, c.difficulty))
        return picked

    @staticmethod
    def _count(count: int | None) -> int:
        value = DEFAULT_PROBLEMS if count is None else int(count)
        if not MIN_PROBLEMS <= value <= MAX_PROBLEMS:
            raise UserError(f"count must be between {MIN_PROBLEMS} and {MAX_PROBLEMS} — got {value}.")
        return value

    @staticmethod
    def _difficulty(difficulty: int | None) -> int | None:
        if difficulty is not None and not 1 <= int(difficulty) <= 5:
            raise UserError(f"difficulty must be 1 to 5 — got {difficulty}.")
        return None if difficulty is None else int(difficulty)

    @staticmethod
    def _title(title: str) -> str:
        clean = " ".join(title.split())
        if not clean or len(clean) > MAX_TITLE:
            raise UserError(f"title must be 1 to {MAX_TITLE} characters.")
        return clean

    async def create(
        self,
        actor: Actor,
        title: str,
        *,
        topics: str | None = None,
        count: int | None = None,
        difficulty: int | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> Reply:
        await self.guilds.require_moderator(actor, "/challenge-admin create")
        settings = await self.guilds.register(actor)
        tz, now = settings.timezone, self.clock.now()
        clean_title = self._title(title)
        chosen_topics = self._topics(topics)
        size, level = self._count(count), self._difficulty(difficulty)
        opens, closes = default_window(now, tz)
        if start is not None:
            opens = parse_when(start, tz, end=False)
            if end is None:
                closes = opens + timedelta(days=7)
        if end is not None:
            closes = parse_when(end, tz, end=True)
        check_window(opens, closes, now, explicit_start=start is not None)
        upcoming = await rows.guild_challenges(
            self.db, actor.guild_id, closing_after=now, limit=MAX_UPCOMING + 1
        )
        if len(upcoming) >= MAX_UPCOMING:
            raise UserError(f"This server already has {MAX_UPCOMING} challenges planned; cancel one first.")
        if not chosen_topics and self.week_topics is not None:
            chosen_topics = tuple(
                await self.week_topics(actor.guild_id, opens.astimezone(ZoneInfo(tz)).date())
            )
        problems = await self._pick(
            actor.guild_id,
            topics=chosen_topics,
            count=size,
            difficulty=level,
            opens=opens,
            closes=closes,
            timezone=tz,
            seed=f"{actor.guild_id}:{clean_title}:{opens.isoformat()}",
        )
        challenge_id = await rows.create_challenge(
            self.db,
            guild_id=actor.guild_id,
            title=clean_title,
            topics=chosen_topics,
            difficulty=level,
            opens_at=opens,
            closes_at=closes,
            problems=problems,
            created_by=actor.user_id,
            now=now,
        )
        assert challenge_id is not None
        challenge = await rows.get_challenge(self.db, actor.guild_id, challenge_id)
        assert challenge is not None
        reply = await self.replies.describe(challenge, tz, now, reveal=True)
        state = (
            "It is open now: the announcement with a Join button follows on the scheduler's next run."
            if opens <= now
            else f"Review it: /challenge-admin edit challenge:{challenge_id} or"
            f" /challenge-admin cancel challenge:{challenge_id} work until it opens."
        )
        return replace(
            reply,
            title=f"Challenge #{challenge_id} created: {md(clean_title)}",
            text=f"{reply.text}\n\n{state}",
            tone="success",
            ephemeral=True,
        )

    async def _target(self, actor: Actor, challenge_id: int | None, now: datetime) -> ChallengeRow:
        """The challenge a command means: the given id, else the open one (joined first), else the next
        one, else the last closed one."""
        if challenge_id is not None:
            found = await rows.get_challenge(self.db, actor.guild_id, int(challenge_id))
            if found is None:
                raise UserError(f"There is no challenge #{challenge_id} on this server.")
            return found
        current = await rows.guild_challenges(self.db, actor.guild_id, closing_after=now)
        opened = [c for c in current if c.opens_at <= now]
        for c in opened:
            if await rows.is_participant(self.db, c.id, actor.user_id):
                return c
        if opened:
            return opened[0]
        if current:
            return min(current, key=lambda c: (c.opens_at, c.id))
        last = await rows.latest_closed(self.db, actor.guild_id, now)
        if last is None:
            raise UserError("There is no challenge yet. Moderators create one with /challenge-admin create.")
        return last

    async def _not_open(
        self, actor: Actor, challenge_id: int | None, now: datetime, verb: str
    ) -> ChallengeRow:
        if challenge_id is None:
            pending = [
                c
                for c in await rows.guild_challenges(self.db, actor.guild_id, closing_after=now)
                if c.opens_at > now
            ]
            if not pending:
                raise UserError(f"No challenge is waiting to open, so there is nothing to {verb}.")
            challenge = min(pending, key=lambda c: (c.opens_at, c.id))
        else:
            challenge = await self._target(actor, challenge_id, now)
        if challenge.status == "cancelled":
            raise UserError(f"{challenge.title} (#{challenge.id}) is cancelled.")
        if challenge.opens_at <= now:
            raise UserError(
                f"{challenge.title} (#{challenge.id}) has already opened; it can no longer be {verb}ed."
            )
        return challenge

    async def edit(
        self,
        actor: Actor,
        challenge: int | None = None,
        *,
        title: str | None = None,
        topics: str | None = None,
        count: int | None = None,
        difficulty: int | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> Reply:
        await self.guilds.require_moderator(actor, "/challenge-admin edit")
        settings = await self.guilds.settings(actor.guild_id)
        tz, now = settings.timezone, self.clock.now()
        target = await self._not_open(actor, challenge, now, "edit")
        new_title = self._title(title) if title is not None else target.title
        new_topics = self._topics(topics) if topics is not None else target.topics
        old_problems = await rows.problems(self.db, target.id)
        size = self._count(count) if count is not None else len(old_problems)
        level = self._difficulty(difficulty) if difficulty is not None else target.difficulty
        opens = parse_when(start, tz, end=False) if start is not None else target.opens_at
        closes = parse_when(end, tz, end=True) if end is not None else target.closes_at
        if start is not None and end is None:
            closes = opens + (target.closes_at - target.opens_at)
        check_window(opens, closes, now, explicit_start=True)
        repick = (
            topics is not None
            or count is not None
            or difficulty is not None
            or start is not None
            or end is not None
        )
        problems = None
        if repick:
            problems = await self._pick(
                actor.guild_id,
                topics=new_topics,
                count=size,
                difficulty=level,
                opens=opens,
                closes=closes,
                timezone=tz,
                seed=f"{actor.guild_id}:{new_title}:{opens.isoformat()}:edit",
                skip=target.id,
            )
        await rows.update_challenge(
            self.db,
            target.id,
            title=new_title,
            topics=new_topics,
            difficulty=level,
            opens_at=opens,
            closes_at=closes,
            problems=problems,
        )
        updated = await rows.get_challenge(self.db, actor.guild_id, target.id)
        assert updated is not None
        reply = await self.replies.describe(updated, tz, now, reveal=True)
        return replace(
            reply,
            title=f"Challenge #{target.id} updated: {new_title}",
            text=reply.text + ("\n\nNew problems were drawn." if problems is not None else ""),
            tone="success",
            ephemeral=True,
        )

    async def cancel(self, actor: Actor, challenge: int | None = None) -> Reply:
        await self.guilds.require_moderator(actor, "/challenge-admin cancel")
        target = await self._not_open(actor, challenge, self.clock.now(), "cancel")
        await rows.cancel_challenge(self.db, target.id)
        return Reply(
            title=f"Cancelled {md(target.title)} (#{target.id})",
            text="It will not open; nothing is posted for it.",
            tone="success",
            ephemeral=True,
        )

    async def show(self, actor: Actor, challenge: int | None = None) -> Reply:
        settings = await self.guilds.register(actor)
        now = self.clock.now()
        target = await self._target(actor, challenge, now)
        reveal = target.opens_at <= now or await self.guilds.is_moderator(actor)
        reply = await self.replies.describe(target, settings.timezone, now, reveal=reveal)
        names = await rows.participant_names(self.db, target.id)
        joined = ", ".join(names[:40]) + (f" and {len(names) - 40} more" if len(names) > 40 else "")
        open_now = target.status == "scheduled" and now < target.closes_at
        return replace(
            reply,
            title=f"{md(target.title)} (#{target.id})",
            fields=(*reply.fields, Field(f"Joined ({len(names)})", joined or "nobody yet")),
            buttons=(join_button(target.id),) if open_now else (),
            footer="Answer with /answer problem:<n> text:<answer> · /challenge leaderboard",
            ephemeral=True,
        )

    async def join(self, actor: Actor, challenge: int | None = None) -> Reply:
        settings = await self.guilds.register(actor)
        now = self.clock.now()
        target = await self._target(actor, challenge, now)
        if target.status == "cancelled":
            raise UserError(f"{target.title} was cancelled.")
        if now >= target.closes_at:
            raise UserError(f"{target.title} is closed. /challenge leaderboard shows how it ended.")
        added = await rows.join(self.db, target.id, actor.user_id, actor.name, now)
        tz = settings.timezone
        when = (
            f"It closes {when_text(shown_close(target.closes_at, tz), tz)} ({tz})."
            if target.opens_at <= now
            else f"It opens {when_text(target.opens_at, tz)} ({tz})."
        )
        return Reply(
            title=f"You joined {md(target.title)}" if added else f"You are already in {md(target.title)}",
            text=f"{when} Answer with /answer problem:<n> text:<answer>; /challenge show lists the problems.",
            tone="success",
            ephemeral=True,
        )

    async def leaderboard(self, actor: Actor, challenge: int | None = None) -> Reply:
        settings = await self.guilds.register(actor)
        now = self.clock.now()
        target = await self._target(actor, challenge, now)
        closed = now >= target.closes_at
        lines = await self.replies.board_lines(target.id)
        tz = settings.timezone
        status = (
            f"Final standings (closed {when_text(shown_close(target.closes_at, tz), tz)})"
            if closed
            else f"Standings so far — {duration_text(target.closes_at - now)} left"
        )
        return Reply(
            title=f"{md(target.title)} — leaderboard",
            text=status + "\n" + ("\n".join(lines) or "Nobody has joined yet."),
            footer=f"Points: {POINTS_PER_LEVEL} per difficulty level, −{WRONG_PENALTY} per wrong attempt"
            f" (at least {FLOOR_PER_LEVEL} per level); ties go to whoever made their last correct answer"
            " first.",
        )

    async def create_weekly(self, guild_id: int, monday: date, week_key: str) -> int | None:
        """The automatic challenge of a week (when /setup weekly_challenge is on); None if the week
        already has a challenge or the bank cannot fill one."""
        settings = await self.guilds.settings(guild_id)
        tz, now = settings.timezone, self.clock.now()
        opens, closes = week_window(monday, tz)
        if closes <= now or await rows.overlapping(self.db, guild_id, opens, closes):
            return None
        topics: tuple[str, ...] = ()
        if self.week_topics is not None:
            topics = tuple(await self.week_topics(guild_id, monday))
        iso = monday.isocalendar()
        try:
            problems = await self._pick(
                guild_id,
                topics=topics,
                count=DEFAULT_PROBLEMS,
                difficulty=None,
                opens=opens,
                closes=closes,
                timezone=tz,
                seed=f"{guild_id}:weekly:{week_key}",
            )
        except UserError:
            return None
        return await rows.create_challenge(
            self.db,
            guild_id=guild_id,
            title=f"Weekly challenge {iso.year}-W{iso.week:02d}",
            topics=topics,
            difficulty=None,
            opens_at=opens,
            closes_at=closes,
            problems=problems,
            created_by=0,
            now=now,
            auto_week=week_key,
        )
