"""Moderator-scheduled curricula: list, show, import, export, start, pause, resume, skip, upcoming;
the daily planner's curriculum source; the week announcement and end-of-curriculum posts.

The schedule is a row (bot.storage.curricula.CurriculumRun): week `week_index` began on
`week_start`, later weeks follow every 7 days. Pause, resume and skip only move that anchor, so a
restart or an edit of the curriculum file keeps the plan. Days whose daily prompt is already stored
never change; a change takes effect from the first day not yet chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.content import ContentBank, Curriculum, CurriculumWeek
from bot.replies import Attachment, Field, Post, Reply, md, plural
from bot.services.context import Actor, Clock, Upload
from bot.services.curriculum_yaml import (
    CurriculumProblems,
    ParsedCurriculum,
    dump,
    parse_stored,
    parse_upload,
)
from bot.services.daily import CurriculumPick, DailyPlanner
from bot.services.errors import UserError
from bot.services.guilds import GuildService
from bot.services.scheduler import DueRun
from bot.services.streaks import local_date, post_due
from bot.storage import curricula as rows
from bot.storage import daily as daily_rows
from bot.storage import guilds as guild_rows
from bot.storage.curricula import CurriculumRun
from bot.storage.database import Database

MAX_GUILD_CURRICULA = 50


def week_of(run: CurriculumRun, day: date) -> int | None:
    """The 0-based week a local date falls in, or None before the start and while paused."""
    if day < run.start_date:
        return None
    if run.paused_since is not None and day >= run.paused_since:
        return None
    return run.week_index + (day - run.week_start).days // 7


def anchored_at(run: CurriculumRun, day: date) -> tuple[int, date]:
    """(week index, week start) of the week containing `day`, for moving the anchor forward."""
    weeks = max(0, (day - run.week_start).days // 7)
    return run.week_index + weeks, run.week_start + timedelta(days=7 * weeks)


def week_dates(run: CurriculumRun, index: int) -> tuple[date, date]:
    """First and last local date of week `index` as currently scheduled (not meaningful while paused)."""
    first = run.week_start + timedelta(days=7 * (index - run.week_index))
    return first, first + timedelta(days=6)


def _same_week(a: CurriculumWeek, b: CurriculumWeek) -> bool:
    return (a.title, a.topics, a.prompts, a.generators) == (b.title, b.topics, b.prompts, b.generators)


def _dm(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Found:
    curriculum: Curriculum
    start: date | None
    imported: bool


class CurriculumService:
    def __init__(
        self,
        db: Database,
        guilds: GuildService,
        planner: DailyPlanner,
        content: Callable[[], ContentBank],
        clock: Clock,
        families: Callable[[], dict[str, tuple[str, int]]],
    ) -> None:
        self.db = db
        self.guilds = guilds
        self.planner = planner
        self.content = content
        self.clock = clock
        self.families = families
        self._parsed: dict[tuple[int, str, str], ParsedCurriculum] = {}
        planner.curriculum_source = self.pick

    # -- finding curricula --------------------------------------------------------------------

    async def available(self, guild_id: int) -> dict[str, Found]:
        """Built-in curricula (data/curricula) and the guild's imports (an import wins on the same slug)."""
        bank = self.content()
        found = {slug: Found(c, None, False) for slug, c in bank.curricula.items()}
        for stored in await rows.guild_curricula(self.db, guild_id):
            key = (guild_id, stored.slug, stored.imported_at)
            parsed = self._parsed.get(key)
            if parsed is None:
                try:
                    parsed = parse_stored(stored.yaml, bank, self.families())
                except CurriculumProblems:
                    continue  # cannot happen for a validated import; never break the planner over it
                self._parsed[key] = parsed
            found[stored.slug] = Found(parsed.curriculum, parsed.start, True)
        return found

    async def find(self, guild_id: int, name: str) -> Found:
        wanted = " ".join(name.split()).casefold()
        everything = await self.available(guild_id)
        for item in everything.values():
            if wanted in (item.curriculum.slug.casefold(), " ".join(item.curriculum.name.split()).casefold()):
                return item
        names = ", ".join(f'"{i.curriculum.name}"' for i in everything.values())
        raise UserError(f"No curriculum named {name!r}. Available: {names}.")

    async def _curriculum_of(self, run: CurriculumRun) -> Curriculum | None:
        found = (await self.available(run.guild_id)).get(run.slug)
        return found.curriculum if found else None

    # -- the planner's source -------------------------------------------------------------------

    async def _run_on(self, guild_id: int, day: date) -> CurriculumRun | None:
        """The schedule that applies on `day`: a scheduled successor from its start date on,
        else the running one (read only: previews of later days must not hand over early)."""
        scheduled = await rows.scheduled_run(self.db, guild_id)
        if scheduled is not None and day >= scheduled.start_date:
            return scheduled
        return await rows.active_run(self.db, guild_id)

    async def take_over_due(self, guild_id: int | None = None) -> None:
        """Make scheduled curricula whose start date has come (in their guild's zone) the running ones."""
        runs = await rows.scheduled_runs(self.db)
        for run in runs:
            if guild_id is not None and run.guild_id != guild_id:
                continue
            settings = await guild_rows.get_guild(self.db, run.guild_id)
            timezone = settings.timezone if settings else "UTC"
            await rows.take_over(self.db, run.guild_id, local_date(self.clock.now(), timezone))

    async def pick(self, guild_id: int, day: date) -> CurriculumPick | None:
        run = await self._run_on(guild_id, day)
        if run is None:
            return None
        index = week_of(run, day)
        curriculum = await self._curriculum_of(run)
        if index is None or curriculum is None or index >= len(curriculum.weeks):
            return None
        week = curriculum.weeks[index]
        return CurriculumPick(
            topics=week.topics,
            prompt_ids=week.prompts,
            generator_ids=week.generators,
            label=f"{md(curriculum.name)} · week {index + 1}: {md(week.title)}",
        )

    async def week_topics(self, guild_id: int, day: date) -> tuple[str, ...]:
        """The running curriculum's topics on a date (a challenge's default topics), or ()."""
        pick = await self.pick(guild_id, day)
        return pick.topics if pick else ()

    # -- commands -----------------------------------------------------------------------------

    async def list_all(self, actor: Actor) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum list")
        everything = await self.available(actor.guild_id)
        await self.take_over_due(actor.guild_id)
        run = await rows.active_run(self.db, actor.guild_id)
        scheduled = await rows.scheduled_run(self.db, actor.guild_id)
        lines = []
        for item in sorted(everything.values(), key=lambda i: i.curriculum.name.casefold()):
            c = item.curriculum
            mark = " — **running**" if run is not None and run.slug == c.slug else ""
            if scheduled is not None and scheduled.slug == c.slug:
                mark += f" — takes over {_dm(scheduled.start_date)}"
            origin = "imported" if item.imported else "built-in"
            lines.append(f"• **{md(c.name)}** (`{c.slug}`, {plural(len(c.weeks), 'week')}, {origin}){mark}")
        return Reply(
            title="Curricula",
            text="\n".join(lines) or "No curricula yet: /curriculum import file:<yaml>.",
            footer="/curriculum show name:<name> · /curriculum start name:<name> [date]",
            ephemeral=True,
        )

    async def show(self, actor: Actor, name: str) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum show")
        item = await self.find(actor.guild_id, name)
        c = item.curriculum
        bank = self.content()
        fields = []
        for number, week in enumerate(c.weeks, start=1):
            topics = ", ".join(self._topic(bank, slug) for slug in week.topics)
            resources = ", ".join(bank.resources[r].title for r in week.resources if r in bank.resources)
            value = f"Topics: {topics}" + (f"\nResources: {resources}" if resources else "")
            fields.append(Field(f"Week {number}: {md(week.title)}", value[:1024]))
        return Reply(
            title=f"{md(c.name)} ({plural(len(c.weeks), 'week')})",
            text=md(c.description),
            fields=tuple(fields),  # every week: the Discord renderer pages past 25 fields
            footer=f"slug {c.slug} · {'imported' if item.imported else 'built-in'}"
            + (f" · suggested start {item.start.isoformat()}" if item.start else ""),
            ephemeral=True,
        )

    async def import_file(self, actor: Actor, upload: Upload, replace: bool = False) -> Reply:
        """Add a curriculum; an existing slug (an import or a built-in) is only replaced with
        `replace`, and replacing the running one says what moves in its schedule."""
        await self.guilds.require_moderator(actor, "/curriculum import")
        try:
            parsed = parse_upload(upload.filename, upload.data, self.content(), self.families())
        except CurriculumProblems as exc:
            shown = exc.problems[:30]
            more = f"\n… and {len(exc.problems) - 30} more" if len(exc.problems) > 30 else ""
            raise UserError(
                f"{upload.filename} was not imported ({plural(len(exc.problems), 'problem')},"
                " nothing changed):\n" + "\n".join(f"• {p}" for p in shown) + more
            ) from None
        c = parsed.curriculum
        imported = {s.slug for s in await rows.guild_curricula(self.db, actor.guild_id)}
        if len(imported) >= MAX_GUILD_CURRICULA and c.slug not in imported:
            raise UserError(f"This server already has {MAX_GUILD_CURRICULA} imported curricula.")
        existing = (await self.available(actor.guild_id)).get(c.slug)
        if existing is not None and not replace:
            kind = "imported" if existing.imported else "built-in"
            raise UserError(
                f"This server already has a curriculum with slug `{c.slug}` ({md(existing.curriculum.name)},"
                f" {kind}, {plural(len(existing.curriculum.weeks), 'week')}). Nothing changed: to replace"
                " it, import the file again with replace:true, or give the new one another slug."
            )
        run = await rows.active_run(self.db, actor.guild_id)
        moves: list[str] = []
        async with self.db.transaction():
            replaced = await rows.save_curriculum(
                self.db, actor.guild_id, c.slug, c.name, parsed.text, actor.user_id, self.clock.now()
            )
            if run is not None and run.slug == c.slug and existing is not None:
                today, _ = await self._today(actor)
                moves = await self._what_moves(run, existing.curriculum, c, today)
                await rows.rename_runs(self.db, actor.guild_id, c.slug, c.name)
        builtin = c.slug in self.content().curricula
        note = (
            "It replaced the earlier import with this slug."
            if replaced
            else "It overrides the built-in curriculum with this slug on this server."
            if builtin
            else ""
        )
        return Reply(
            title=f"Imported {md(c.name)}",
            text=f"{plural(len(c.weeks), 'week')}, slug `{c.slug}`. {note}".strip()
            + ("\n" + "\n".join(moves) if moves else ""),
            footer=None
            if moves
            else f"/curriculum start name:{c.slug}"
            + (f" (suggested start {parsed.start})" if parsed.start else ""),
            tone="success",
            ephemeral=True,
        )

    async def _what_moves(
        self, run: CurriculumRun, old: Curriculum, new: Curriculum, today: date
    ) -> list[str]:
        """What replacing the running curriculum changes, from the first day not yet posted."""
        day = max(await self._effective_day(run.guild_id, today), run.start_date)
        index = week_of(run, day)
        head = f"It is running now: the change applies from {_dm(day)}"
        if index is None:
            return [head + " (it is paused; its place in the plan stays the same)."]
        lines = [head + f", in week {index + 1}."]
        if len(old.weeks) != len(new.weeks):
            lines.append(f"Length: {plural(len(old.weeks), 'week')} → {plural(len(new.weeks), 'week')}.")
        if index >= len(new.weeks):
            lines.append(
                f"The new version has no week {index + 1}: {md(new.name)} ends and the daily prompts go"
                " back to the rotation."
            )
            return lines
        changed = []
        for i in range(index, max(len(old.weeks), len(new.weeks))):
            before = old.weeks[i] if i < len(old.weeks) else None
            after = new.weeks[i] if i < len(new.weeks) else None
            if before is not None and after is not None and _same_week(before, after):
                continue
            if after is None:
                changed.append(f"• week {i + 1}: {md(before.title) if before else ''} (removed)")
            elif before is None:
                changed.append(f"• week {i + 1}: {md(after.title)} (new)")
            else:
                changed.append(
                    f"• week {i + 1}: {md(before.title)} → {md(after.title)}"
                    if before.title != after.title
                    else f"• week {i + 1}: {md(after.title)} (topics or problems changed)"
                )
        if not changed:
            lines.append("The remaining weeks are unchanged.")
        else:
            lines += changed[:10] + ([f"… and {len(changed) - 10} more"] if len(changed) > 10 else [])
        return lines

    async def export(self, actor: Actor, name: str) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum export")
        item = await self.find(actor.guild_id, name)
        text = dump(item.curriculum, item.start)
        return Reply(
            title=md(item.curriculum.name),
            text="The curriculum as YAML: edit it and bring it back with /curriculum import.",
            attachments=(
                Attachment(f"{item.curriculum.slug}.yaml", text.encode("utf-8"), "Curriculum YAML"),
            ),
            ephemeral=True,
        )

    async def _today(self, actor: Actor) -> tuple[date, str]:
        settings = await self.guilds.settings(actor.guild_id)
        return local_date(self.clock.now(), settings.timezone), settings.timezone

    async def _effective_day(self, guild_id: int, today: date) -> date:
        """The first day a change can still affect: today, unless today's prompt is already chosen."""
        stored = await daily_rows.get_daily_prompt(self.db, guild_id, today)
        return today if stored is None else today + timedelta(days=1)

    async def start(self, actor: Actor, name: str, when: str | None = None) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum start")
        item = await self.find(actor.guild_id, name)
        today, _ = await self._today(actor)
        if when:
            try:
                start = date.fromisoformat(when.strip())
            except ValueError:
                raise UserError(f"date must look like 2026-11-23 — got {when!r}.") from None
        else:
            start = item.start if item.start and item.start >= today else today
        if start < today:
            raise UserError(f"{start.isoformat()} is in the past; pick today ({today.isoformat()}) or later.")
        if start > today + timedelta(days=366):
            raise UserError("Start within a year from today.")
        c = item.curriculum
        end = start + timedelta(days=7 * len(c.weeks) - 1)
        span = f"from {_dm(start)} to {_dm(end)} ({plural(len(c.weeks), 'week')})"
        await self.take_over_due(actor.guild_id)
        running = await rows.active_run(self.db, actor.guild_id)
        if running is not None and start > today:
            # The running curriculum keeps its days until the new one's first day.
            _, earlier = await rows.schedule_run(
                self.db, actor.guild_id, c.slug, c.name, start, actor.user_id, self.clock.now()
            )
            note = (
                f" This replaces the plan to start {md(earlier.name)} on {_dm(earlier.start_date)}."
                if earlier is not None
                else ""
            )
            return Reply(
                title=f"Scheduled {md(c.name)}",
                text=f"{md(running.name)} keeps the daily prompts until {_dm(start - timedelta(days=1))};"
                f" then {md(c.name)} takes over: daily prompts follow it {span}.{note}",
                footer="/curriculum upcoming shows the next 7 posts · /curriculum list",
                tone="success",
                ephemeral=True,
            )
        dropped = await rows.cancel_scheduled(self.db, actor.guild_id)
        _, previous = await rows.start_run(
            self.db, actor.guild_id, c.slug, c.name, start, actor.user_id, self.clock.now()
        )
        note = f" It replaces {previous.name}." if previous is not None else ""
        if dropped is not None:
            note += f" The plan to start {md(dropped.name)} on {_dm(dropped.start_date)} is cancelled."
        stored = await daily_rows.get_daily_prompt(self.db, actor.guild_id, start)
        if stored is not None:
            note += " That day's prompt was already chosen, so it follows the curriculum from the next day."
        return Reply(
            title=f"Started {md(c.name)}",
            text=f"Daily prompts follow it {span}.{note}",
            footer="/curriculum upcoming shows the next 7 posts · pause, resume, skip",
            tone="success",
            ephemeral=True,
        )

    async def _running(self, actor: Actor) -> CurriculumRun:
        await self.take_over_due(actor.guild_id)
        run = await rows.active_run(self.db, actor.guild_id)
        if run is None:
            raise UserError("No curriculum is running. Start one with /curriculum start name:<name>.")
        return run

    async def pause(self, actor: Actor) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum pause")
        run = await self._running(actor)
        if run.paused_since is not None:
            raise UserError(f"{run.name} is already paused (since {run.paused_since}). /curriculum resume")
        today, _ = await self._today(actor)
        day = max(await self._effective_day(actor.guild_id, today), run.start_date)
        index, start = anchored_at(run, day)
        await rows.move_run(self.db, run.id, week_index=index, week_start=start, paused_since=day)
        return Reply(
            title=f"Paused {md(run.name)}",
            text=f"From {_dm(day)} the daily prompts come from the rotation until /curriculum resume;"
            f" the plan then continues where it stopped (week {index + 1}).",
            tone="success",
            ephemeral=True,
        )

    async def resume(self, actor: Actor) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum resume")
        run = await self._running(actor)
        if run.paused_since is None:
            raise UserError(f"{run.name} is not paused.")
        today, _ = await self._today(actor)
        day = max(await self._effective_day(actor.guild_id, today), run.paused_since)
        shift = day - run.paused_since
        await rows.move_run(
            self.db, run.id, week_index=run.week_index, week_start=run.week_start + shift, paused_since=None
        )
        return Reply(
            title=f"Resumed {md(run.name)}",
            text=f"The plan continues from {_dm(day)}; the remaining weeks move"
            f" {plural(shift.days, 'day')} later.",
            tone="success",
            ephemeral=True,
        )

    async def skip(self, actor: Actor) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum skip")
        run = await self._running(actor)
        if run.paused_since is not None:
            raise UserError(f"{run.name} is paused; /curriculum resume first.")
        today, _ = await self._today(actor)
        day = await self._effective_day(actor.guild_id, today)
        if day < run.start_date:
            raise UserError(f"{run.name} starts on {run.start_date}; there is no week to skip yet.")
        curriculum = await self._curriculum_of(run)
        index, _ = anchored_at(run, day)
        await rows.move_run(self.db, run.id, week_index=index + 1, week_start=day, paused_since=None)
        total = len(curriculum.weeks) if curriculum else 0
        if index + 1 >= total:
            text = f"That was the last week: {run.name} ends and the daily prompts go back to the rotation."
        else:
            assert curriculum is not None
            text = f"Week {index + 2} ({curriculum.weeks[index + 1].title}) starts {_dm(day)}."
        return Reply(title=f"Skipped week {index + 1}", text=text, tone="success", ephemeral=True)

    async def upcoming(self, actor: Actor) -> Reply:
        await self.guilds.require_moderator(actor, "/curriculum upcoming")
        today, _ = await self._today(actor)
        await self.take_over_due(actor.guild_id)
        planned = await self.planner.preview(actor.guild_id, today, 7)
        bank = self.content()
        run = await rows.active_run(self.db, actor.guild_id)
        scheduled = await rows.scheduled_run(self.db, actor.guild_id)
        lines = []
        for row in planned:
            day = date.fromisoformat(row.local_date)
            where = "rotation"
            applies = await self._run_on(actor.guild_id, day)
            curriculum = await self._curriculum_of(applies) if applies else None
            if row.source == "curriculum" and applies is not None and curriculum is not None:
                index = week_of(applies, day)
                if index is not None and index < len(curriculum.weeks):
                    where = f"week {index + 1}: {curriculum.weeks[index].title}"
                    if scheduled is not None and applies.id == scheduled.id:
                        where = f"{md(applies.name)} {where}"
            lines.append(f"{day:%a} {day.isoformat()} · {self._topic(bank, row.topic)} · {where}")
        head = "No curriculum is running: these come from the rotation."
        if run is not None:
            head = f"Curriculum: {run.name}" + (
                f" (paused since {run.paused_since})" if run.paused_since else ""
            )
        if scheduled is not None:
            head += f"\n{md(scheduled.name)} takes over on {_dm(scheduled.start_date)}."
        return Reply(title="The next 7 daily posts", text=head + "\n" + "\n".join(lines), ephemeral=True)

    @staticmethod
    def _topic(bank: ContentBank, slug: str) -> str:
        topic = bank.topics.get(slug)
        return topic.title if topic else slug

    # -- scheduled posts --------------------------------------------------------------------------

    def week_post(
        self, run: CurriculumRun, curriculum: Curriculum, index: int, channel_id: int | None
    ) -> Post:
        bank = self.content()
        week: CurriculumWeek = curriculum.weeks[index]
        first, last = week_dates(run, index)
        topics = "\n".join(f"• {self._topic(bank, slug)}" for slug in week.topics)
        resources = [bank.resources[r] for r in week.resources if r in bank.resources]
        if not resources:
            resources = [r for slug in week.topics for r in bank.resources_for_topic(slug)][:3]
        study = "\n".join(
            f"• [{r.title}]({r.url}) — {r.kind}" + (f", {r.time}" if r.time else "") for r in resources
        )
        title = f"{md(curriculum.name)} — week {index + 1} of {len(curriculum.weeks)}: {md(week.title)}"
        reply = Reply(
            title=title,
            text=f"{_dm(first)} – {_dm(last)}. This week's daily prompts cover:\n{topics}",
            fields=(Field("Study", study[:1024]),) if study else (),
            footer="Answer each day's prompt with /answer · /daily shows today's",
        )
        key = f"{run.guild_id}:curriculum-week:{run.id}:{index}"
        return Post(run.guild_id, channel_id, title, reply, extra={"idempotency_key": key})


class CurriculumWeekJob:
    """ "curriculum-week": each week's announcement, at the guild's post time on the week's first day."""

    kind = "curriculum-week"

    def __init__(self, service: CurriculumService) -> None:
        self.service = service

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        await self.service.take_over_due()  # a scheduled curriculum announces its first week
        due = []
        for run in await rows.active_runs(self.service.db):
            settings = await guild_rows.get_guild(self.service.db, run.guild_id)
            if settings is None:
                continue
            index = week_of(run, local_date(now, settings.timezone))
            curriculum = await self.service._curriculum_of(run)
            if index is None or curriculum is None or index >= len(curriculum.weeks):
                continue
            if post_due(now, settings.timezone, settings.post_time):
                due.append(DueRun(run.guild_id, f"{run.id}:{index}"))
        return due

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        run_id, index = (int(part) for part in run.run_key.split(":"))
        row = await rows.get_run(self.service.db, run_id)
        settings = await guild_rows.get_guild(self.service.db, run.guild_id)
        if row is None or settings is None or row.status != "running":
            return None
        curriculum = await self.service._curriculum_of(row)
        if curriculum is None or index >= len(curriculum.weeks):
            return None
        return self.service.week_post(row, curriculum, index, settings.channel_id)


class CurriculumEndJob:
    """ "curriculum-end": once the last week is over, the run is finished and the channel told."""

    kind = "curriculum-end"

    def __init__(self, service: CurriculumService) -> None:
        self.service = service

    async def due_runs(self, now: datetime) -> Sequence[DueRun]:
        """A running curriculum past its last week; a finished one stays due for a week after its end,
        so a post whose delivery failed is retried by the scheduler (a delivered one never repeats)."""
        due = []
        for run in await rows.ending_runs(self.service.db):
            settings = await guild_rows.get_guild(self.service.db, run.guild_id)
            curriculum = await self.service._curriculum_of(run)
            if settings is None or curriculum is None:
                continue
            index = week_of(run, local_date(now, settings.timezone))
            if index is None or index < len(curriculum.weeks):
                continue
            if run.status == "running" or index == len(curriculum.weeks):
                due.append(DueRun(run.guild_id, str(run.id)))
        return due

    async def build_post(self, run: DueRun, now: datetime) -> Post | None:
        row = await rows.get_run(self.service.db, int(run.run_key))
        settings = await guild_rows.get_guild(self.service.db, run.guild_id)
        if row is None or settings is None:
            return None
        await rows.finish_run(self.service.db, row.id)
        title = f"{md(row.name)} — complete"
        reply = Reply(
            title=title,
            text=f"That was the last week of {row.name} (started {_dm(row.start_date)}). The daily prompts"
            " go back to the usual rotation through every topic. Well done, everyone!",
        )
        key = f"{run.guild_id}:curriculum-end:{row.id}"
        return Post(run.guild_id, settings.channel_id, title, reply, extra={"idempotency_key": key})
