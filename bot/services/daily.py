"""The daily prompt: which one a guild gets on a date, the scheduled post, /daily, /hint, /solution.

Choosing is deterministic and stored: the first time a (guild, local date) needs its prompt the
planner picks one and saves it (first writer wins), so the post, /daily, /answer and a second
process all agree and the choice never changes afterwards.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.content import ContentBank, Prompt
from bot.plots.latex_text import readable_text
from bot.replies import Action, Attachment, Button, Field, Post, Reply, plural
from bot.services.context import Actor, Clock
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.problems import Problems
from bot.services.review_rules import Outcome
from bot.services.scheduler import DueRun
from bot.services.streaks import local_date, period_keys, post_due
from bot.storage import daily as daily_rows
from bot.storage import guilds as guild_rows
from bot.storage import leaderboard as board_rows
from bot.storage.database import Database
from bot.storage.guilds import GuildSettings

REPEAT_WINDOW_DAYS = 60
#: Target difficulty by weekday (Mon..Sun): a gentle start, the hardest at the weekend.
DIFFICULTY_BY_WEEKDAY = (1, 2, 3, 2, 3, 4, 5)
STARS = "★★★★★☆☆☆☆☆"


@dataclass(frozen=True)
class CurriculumPick:
    """What a running curriculum wants on a date: prompt ids first, then generator families, then
    any prompt of the topics. `label` is shown with the post (e.g. "Week 2: Linear algebra")."""

    topics: tuple[str, ...] = ()
    prompt_ids: tuple[str, ...] = ()
    generator_ids: tuple[str, ...] = ()
    label: str = ""


#: (guild_id, local_date) -> the curriculum's wish for that day, or None to use the rotation.
CurriculumSource = Callable[[int, date], Awaitable[CurriculumPick | None]]
#: (guild_id, local_date) -> prompt ids / generator families the daily must not use that day
#: (e.g. the problems of a running weekly challenge).
ExclusionSource = Callable[[int, date], Awaitable[Collection[str]]]


@dataclass(frozen=True)
class Candidate:
    key: str  # bank prompt id, or generator family id
    topic: str
    difficulty: int
    generator: bool


def _stable(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()[:8], "big")


def topic_order(topics: Sequence[str], guild_id: int) -> list[str]:
    """The guild's fixed cycle through the topics (shuffled per guild, the same every day)."""
    order = sorted(topics)
    random.Random(_stable("topics", guild_id)).shuffle(order)
    return order


def choose_candidate(
    candidates: Sequence[Candidate],
    *,
    guild_id: int,
    day: date,
    last_used: dict[str, str],
    excluded: Collection[str] = (),
) -> Candidate | None:
    """Closest to the day's target difficulty among those not used in the last 60 days; if every
    one was, the least recently used. Ties are broken by a hash of (guild, date, id)."""
    allowed = [c for c in candidates if c.key not in excluded]
    if not allowed:
        return None
    cutoff = (day - timedelta(days=REPEAT_WINDOW_DAYS)).isoformat()
    fresh = [c for c in allowed if last_used.get(c.key, "") <= cutoff]
    target = DIFFICULTY_BY_WEEKDAY[day.weekday()]
    if fresh:
        return min(fresh, key=lambda c: (abs(c.difficulty - target), _stable(guild_id, day, c.key)))
    return min(allowed, key=lambda c: (last_used.get(c.key, ""), _stable(guild_id, day, c.key)))


class DailyPlanner:
    """Picks and stores each guild's daily prompt. Issue-7 hooks: set `curriculum_source`, append
    to `exclusions`."""

    def __init__(
        self, db: Database, problems: Problems, content: Callable[[], ContentBank], clock: Clock
    ) -> None:
        self.db = db
        self.problems = problems
        self.content = content
        self.clock = clock
        self.curriculum_source: CurriculumSource | None = None
        self.exclusions: list[ExclusionSource] = []

    def candidates(
        self,
        *,
        topics: Collection[str] | None = None,
        prompt_ids: Collection[str] = (),
        generator_ids: Collection[str] = (),
    ) -> list[Candidate]:
        bank = self.content()
        families = self.problems.families()
        found: list[Candidate] = []
        for pid in prompt_ids:
            prompt = bank.prompts.get(pid)
            if prompt is not None:
                found.append(Candidate(pid, prompt.topic, prompt.difficulty, False))
        for fid in generator_ids:
            if fid in families:
                found.append(Candidate(fid, *families[fid], True))
        if topics is not None:
            for slug in topics:
                found += [Candidate(p.id, p.topic, p.difficulty, False) for p in bank.prompts_by_topic(slug)]
                found += [Candidate(fid, t, d, True) for fid, (t, d) in families.items() if t == slug]
        return found

    async def stored(self, guild_id: int, day: date) -> daily_rows.DailyPromptRow | None:
        return await daily_rows.get_daily_prompt(self.db, guild_id, day)

    async def prompt_for(self, guild_id: int, day: date) -> Prompt:
        """The guild's prompt for a local date: the stored one, or a new choice that is then stored."""
        row = await daily_rows.get_daily_prompt(self.db, guild_id, day)
        if row is None:
            row = await daily_rows.save_daily_prompt(
                self.db, await self.plan(guild_id, day), self.clock.now()
            )
        prompt = await self.problems.get(row.prompt_id)
        if prompt is None:  # the bank lost that prompt since: say so rather than silently swapping
            raise UserError(
                f"Today's prompt ({row.prompt_id}) is no longer in the prompt bank; ask a moderator."
            )
        return prompt

    async def preview(self, guild_id: int, start: date, count: int) -> list[daily_rows.DailyPromptRow]:
        """The prompts of `count` days from `start` as they will be chosen, saving nothing (for
        /curriculum upcoming): stored days as stored, the others planned in order, each planned day
        counting as used for the days after it."""
        rows: list[daily_rows.DailyPromptRow] = []
        planned: dict[str, str] = {}
        for offset in range(count):
            day = start + timedelta(days=offset)
            row = await daily_rows.get_daily_prompt(self.db, guild_id, day)
            if row is None:
                row = await self.plan(guild_id, day, also_used=planned)
            for key in (row.prompt_id, row.family):
                if key:
                    planned[key] = row.local_date
            rows.append(row)
        return rows

    async def plan(
        self, guild_id: int, day: date, *, also_used: dict[str, str] | None = None
    ) -> daily_rows.DailyPromptRow:
        """Choose (without storing) the prompt for a date; used by prompt_for and by previews.
        `also_used` adds not-yet-stored choices (key -> ISO date) to the history."""
        last_used = await daily_rows.last_used(self.db, guild_id, day)
        for key, used in (also_used or {}).items():
            if used < day.isoformat() and used > last_used.get(key, ""):
                last_used[key] = used
        excluded: set[str] = set()
        for exclusion in self.exclusions:
            excluded |= set(await exclusion(guild_id, day))
        pick = await self.curriculum_source(guild_id, day) if self.curriculum_source else None
        chosen: Candidate | None = None
        source = "rotation"
        if pick is not None:
            for pool in (
                self.candidates(prompt_ids=pick.prompt_ids, generator_ids=pick.generator_ids),
                self.candidates(topics=pick.topics),
            ):
                chosen = choose_candidate(
                    pool, guild_id=guild_id, day=day, last_used=last_used, excluded=excluded
                )
                if chosen is not None:
                    source = "curriculum"
                    break
        if chosen is None:
            chosen = self._rotation(guild_id, day, last_used, excluded)
        if chosen.generator:
            prompt_id = (await self.problems.generate(chosen.key, f"{guild_id}:{day.isoformat()}")).id
            family: str | None = chosen.key
        else:
            prompt_id, family = chosen.key, None
        return daily_rows.DailyPromptRow(
            guild_id, day.isoformat(), prompt_id, family, chosen.topic, chosen.difficulty, source
        )

    def _rotation(self, guild_id: int, day: date, last_used: dict[str, str], excluded: set[str]) -> Candidate:
        order = topic_order(
            [slug for slug in self.content().topics if self.candidates(topics=[slug])], guild_id
        )
        if not order:
            raise UserError("The prompt bank is empty, so there is no daily prompt.")
        start = day.toordinal() % len(order)
        cutoff = (day - timedelta(days=REPEAT_WINDOW_DAYS)).isoformat()
        fallback: Candidate | None = None
        # Today's topic; if the bank has nothing fresh left there, the next topics in the cycle.
        for step in range(len(order)):
            pool = self.candidates(topics=[order[(start + step) % len(order)]])
            chosen = choose_candidate(
                pool, guild_id=guild_id, day=day, last_used=last_used, excluded=excluded
            )
            if chosen is None:
                continue
            if last_used.get(chosen.key, "") <= cutoff:
                return chosen
            fallback = fallback or chosen
        if fallback is None:
            raise UserError("Every prompt in the bank is excluded today.")
        return fallback


# -- replies ---------------------------------------------------------------------------------


def difficulty_text(level: int) -> str:
    return f"{STARS[5 - level : 10 - level]} ({level}/5)"


@dataclass(frozen=True)
class Today:
    settings: GuildSettings
    day: date
    prompt: Prompt


class DailyService:
    def __init__(
        self,
        db: Database,
        guilds: GuildService,
        planner: DailyPlanner,
        problems: Problems,
        clock: Clock,
        content: Callable[[], ContentBank],
    ) -> None:
        self.db = db
        self.guilds = guilds
        self.planner = planner
        self.problems = problems
        self.clock = clock
        self.content = content
        # issue 16 (wired in services/app.py): giving up makes a review card; /daily says what is due
        self.on_first_go: Callable[[Actor, Prompt, Outcome, datetime], Awaitable[None]] | None = None
        self.due_note: Callable[[Actor], Awaitable[str | None]] | None = None

    async def today(self, actor: Actor) -> Today:
        """Register the member and find the guild's local date and prompt."""
        settings = await self.guilds.register(actor)
        day = local_date(self.clock.now(), settings.timezone)
        return Today(settings, day, await self.planner.prompt_for(actor.guild_id, day))

    def resource_line(self, prompt: Prompt) -> str | None:
        bank = self.content()
        resources = [bank.resources[r] for r in prompt.resources if r in bank.resources]
        resources += bank.resources_for_topic(prompt.topic)
        if not resources:
            return None
        first = resources[0]
        return f"[{first.title}]({first.url})"

    def topic_title(self, slug: str) -> str:
        topic = self.content().topics.get(slug)
        return topic.title if topic else slug

    async def prompt_reply(
        self, prompt: Prompt, day: date, *, ephemeral: bool, extra: str = "", label: str = ""
    ) -> Reply:
        """The prompt as the post shows it: statement (and its image), topic, difficulty, a resource."""
        png = await self.problems.statement_image(prompt)
        fields = [
            Field("Topic", self.topic_title(prompt.topic), inline=True),
            Field("Difficulty", difficulty_text(prompt.difficulty), inline=True),
        ]
        resource = self.resource_line(prompt)
        if resource:
            fields.append(Field("Study", resource, inline=True))
        if label:
            fields.append(Field("Curriculum", label, inline=True))
        text = readable_text(prompt.statement) + (f"\n\n{extra}" if extra else "")
        return Reply(
            title=f"Daily prompt · {day.isoformat()} · {self.topic_title(prompt.topic)}",
            text=text,
            fields=tuple(fields),
            attachments=(Attachment("statement.png", png, "The prompt with its formulas"),) if png else (),
            image="statement.png" if png else None,
            buttons=(Button("Answer", Action("answer", prompt.id), hint="/answer text:<your answer>"),),
            footer=f"Problem {prompt.id} · /hint for a hint · /solution for the worked solution",
            ephemeral=ephemeral,
        )

    async def daily(self, actor: Actor) -> Reply:
        today = await self.today(actor)
        progress = await daily_rows.get_progress(self.db, actor.guild_id, actor.user_id, today.day)
        if progress is None:
            status = "Answer with /answer text:<your answer>."
        elif progress.solved:
            status = "You solved today's prompt." + (
                "" if progress.counted else " (after the solution: not counted)"
            )
        else:
            status = f"Attempts so far: {progress.attempts} · hints used: {progress.hints_used}"
        due = await self.due_note(actor) if self.due_note is not None else None
        if due:
            status += f"\n{due}"  # /daily is ephemeral: nobody else sees what is due
        return await self.prompt_reply(today.prompt, today.day, ephemeral=True, extra=status)

    async def hint(self, actor: Actor) -> Reply:
        today = await self.today(actor)
        prompt = today.prompt
        if not prompt.hints:
            raise UserError("Today's prompt has no hints; /solution shows the worked solution.")
        async with self.db.transaction():
            progress = await daily_rows.ensure_progress(
                self.db, actor.guild_id, actor.user_id, today.day, prompt.id
            )
            if progress.hints_used >= len(prompt.hints):
                index = len(prompt.hints) - 1
                more = "That was the last hint; /solution shows the worked solution."
            else:
                index = progress.hints_used
                more = (
                    f"{plural(len(prompt.hints) - index - 1, 'more hint', 'more hints')} with /hint."
                    if index + 1 < len(prompt.hints)
                    else "That was the last hint; /solution shows the worked solution."
                )
                if not progress.solved:  # hints after solving are free
                    await daily_rows.update_progress(
                        self.db, actor.guild_id, actor.user_id, today.day, hints=1
                    )
                    await board_rows.bump(
                        self.db, actor.guild_id, actor.user_id, period_keys(today.day), hints=1
                    )
        text, png = await self.problems.readable(f"{prompt.id}#hint{index}", prompt.hints[index])
        return Reply(
            title=f"Hint {index + 1} of {len(prompt.hints)}",
            text=text,
            footer=f"{more} Hints are counted in your stats.",
            attachments=(Attachment("hint.png", png, "The hint with its formulas"),) if png else (),
            image="hint.png" if png else None,
            ephemeral=True,
        )

    async def solution(self, actor: Actor, *, confirm: bool = False) -> Reply:
        today = await self.today(actor)
        progress = await daily_rows.get_progress(self.db, actor.guild_id, actor.user_id, today.day)
        settled = progress is not None and (progress.solved or progress.solution_seen)
        if not confirm and not settled:
            return Reply(
                title="Show the solution?",
                text=(
                    "If you see the solution now, a correct answer later today will not count toward"
                    " your streak. Run /solution confirm:true to see it."
                ),
                buttons=(
                    Button(
                        "Show the solution",
                        Action("solution", today.prompt.id),
                        hint="/solution confirm:true",
                        style="danger",
                    ),
                ),
                tone="warning",
                ephemeral=True,
            )
        if not settled:
            async with self.db.transaction():
                before = await daily_rows.ensure_progress(
                    self.db, actor.guild_id, actor.user_id, today.day, today.prompt.id
                )
                await daily_rows.update_progress(
                    self.db, actor.guild_id, actor.user_id, today.day, solution_seen=True
                )
                if self.on_first_go is not None:  # gave up: the problem comes back as a review
                    outcome = Outcome(
                        solved=False, attempts=before.attempts, hints=before.hints_used, solution_seen=True
                    )
                    await self.on_first_go(actor, today.prompt, outcome, self.clock.now())
        note = "" if settled else "A correct answer today will no longer count toward your streak."
        return await self.solution_reply(today.prompt, note)

    async def solution_reply(self, prompt: Prompt, note: str = "") -> Reply:
        """The worked solution, its formulas drawn like the post's, and the `Answer:` line."""
        solution = prompt.solution or "No worked solution is written for this prompt."
        png = await self.problems.formula_image(f"{prompt.id}#solution", solution)
        attachments = (Attachment("solution.png", png, "The worked solution"),) if png else ()
        return Reply(
            title="Solution",
            text=f"{readable_text(solution)}\n\nAnswer: {prompt.answer}",
            footer=note or None,
            attachments=attachments,
            image="solution.png" if png else None,
            ephemeral=True,
        )

    async def reveal(self, actor: Actor, prompt_id: str) -> Reply:
        """The 'Show the solution' button: confirmed for today's prompt, free for an older one."""
        today = await self.today(actor)
        if prompt_id == today.prompt.id:
            return await self.solution(actor, confirm=True)
        prompt = await self.problems.get(prompt_id)
        if prompt is None:
            raise UserError("That prompt is no longer in the bank.")
        return await self.solution_reply(
            prompt, "That was an earlier day's prompt; nothing changes for your streak."
        )


class DailyPostJob:
    """Scheduler job "daily": one post per configured guild and local date, at its local post time."""

    kind = "daily"

    def __init__(self, db: Database, daily: DailyService) -> None:
        self.db = db
        self.daily = daily

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        return [
            DueRun(guild.guild_id, local_date(now, guild.timezone).isoformat())
            for guild in await guild_rows.configured_guilds(self.db)
            if post_due(now, guild.timezone, guild.post_time)
        ]

    async def upcoming_runs(self, now: datetime, horizon: timedelta) -> Sequence[DueRun]:
        """Posts of today (local) whose time comes within `horizon`: prepared before their time."""
        later = now + horizon
        return [
            DueRun(guild.guild_id, local_date(now, guild.timezone).isoformat())
            for guild in await guild_rows.configured_guilds(self.db)
            if not post_due(now, guild.timezone, guild.post_time)
            and post_due(later, guild.timezone, guild.post_time)
            and local_date(later, guild.timezone) == local_date(now, guild.timezone)
        ]

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        settings = await guild_rows.get_guild(self.db, run.guild_id)
        if settings is None or settings.channel_id is None:
            return None
        day = date.fromisoformat(run.run_key)
        planner = self.daily.planner
        prompt = await planner.prompt_for(run.guild_id, day)
        row = await planner.stored(run.guild_id, day)
        label = ""
        if row is not None and row.source == "curriculum" and planner.curriculum_source is not None:
            pick = await planner.curriculum_source(run.guild_id, day)
            label = pick.label if pick else ""
        reply = await self.daily.prompt_reply(prompt, day, ephemeral=False, label=label)
        extra = {"idempotency_key": f"{run.guild_id}:{self.kind}:{run.run_key}", "prompt_id": prompt.id}
        if settings.ping_role_name:
            extra["mention_name"] = settings.ping_role_name
        return Post(
            guild_id=run.guild_id,
            channel_id=settings.channel_id,
            title=reply.title or "Daily prompt",
            reply=reply,
            mention_role_id=settings.ping_role_id,
            extra=extra,
        )
