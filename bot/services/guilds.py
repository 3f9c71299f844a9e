"""Guild settings and the moderator rule (/setup)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from difflib import get_close_matches
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.replies import Field, Reply, md
from bot.services.context import Actor
from bot.services.errors import PermissionDenied, UserError
from bot.storage import guilds as guild_rows
from bot.storage import jobs as job_rows
from bot.storage import members as member_rows
from bot.storage.database import Database
from bot.storage.guilds import GuildSettings

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def parse_post_time(text: str) -> str:
    """'9:05' -> '09:05'; anything else is a clear error."""
    match = _TIME.match(text.strip())
    if not match:
        raise UserError(f"Time must be HH:MM on a 24-hour clock, like 09:00 or 18:30 — got {text!r}.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_timezone(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        suggestions = timezone_suggestions(name, limit=3)
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise UserError(f"{name!r} is not an IANA time zone name (like Europe/Berlin).{hint}") from None
    return name


def timezone_suggestions(text: str, *, limit: int = 25) -> list[str]:
    """Time zones for autocomplete: substring matches first, then close spellings."""
    query = text.strip().lower().replace(" ", "_")
    zones = _zones()
    if not query:
        preferred = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Asia/Tokyo",
            "Australia/Sydney",
        ]
        return preferred[:limit]
    found = [zone for zone in zones if query in zone.lower()]
    found.sort(key=lambda zone: (not zone.lower().split("/")[-1].startswith(query), len(zone)))
    if len(found) < limit:
        close = get_close_matches(query, [z.lower() for z in zones], n=limit, cutoff=0.6)
        by_lower = {z.lower(): z for z in zones}
        found += [by_lower[c] for c in close if by_lower[c] not in found]
    return found[:limit]


#: How /setup names a scheduled post's kind.
POST_KINDS = {
    "daily": "daily prompt",
    "challenge-open": "challenge announcement",
    "challenge-reminder": "challenge reminder",
    "challenge-results": "challenge results",
    "challenge-weekly": "weekly challenge",
    "curriculum-week": "curriculum week",
    "curriculum-end": "curriculum end",
    "thread-open": "discussion thread",
    "thread-close": "thread solution",
}


class GuildService:
    def __init__(self, db: Database, default_timezone: str) -> None:
        self.db = db
        self.default_timezone = default_timezone

    async def settings(self, guild_id: int, *, name: str = "") -> GuildSettings:
        return await guild_rows.ensure_guild(self.db, guild_id, name=name, timezone=self.default_timezone)

    async def register(self, actor: Actor) -> GuildSettings:
        """Make sure the guild and the member exist; returns the guild's settings."""
        settings = await self.settings(actor.guild_id, name=actor.guild_name)
        if actor.guild_name and settings.name != actor.guild_name:
            # A renamed server (or one first seen from a scheduled job, without its name): the name
            # is shown where no Discord object is at hand, such as the review reminder DM.
            await guild_rows.update_guild(self.db, actor.guild_id, name=actor.guild_name)
            settings = dataclasses.replace(settings, name=actor.guild_name)
        await member_rows.upsert_member(self.db, actor.guild_id, actor.user_id, actor.name)
        return settings

    async def ensure_home(
        self, guild_id: int, *, name: str, channel_id: int, channel_name: str
    ) -> GuildSettings:
        """A local adapter's own guild (the console): created on first start, its channel the
        adapter itself, so scheduled posts show there until /setup picks another."""
        settings = await self.settings(guild_id, name=name)
        if settings.channel_id is None:
            await guild_rows.update_guild(self.db, guild_id, channel_id=channel_id, channel_name=channel_name)
            settings = await self.settings(guild_id, name=name)
        return settings

    async def is_moderator(self, actor: Actor) -> bool:
        if actor.manage_guild:
            return True
        settings = await self.settings(actor.guild_id)
        return settings.moderator_role_id is not None and settings.moderator_role_id in actor.role_ids

    async def require_moderator(self, actor: Actor, command: str) -> None:
        if not await self.is_moderator(actor):
            raise PermissionDenied(
                f"Only moderators can use {command}: it needs the Manage Server permission"
                " or the server's moderator role."
            )

    async def setup(
        self,
        actor: Actor,
        *,
        channel: tuple[int, str] | None = None,
        time: str | None = None,
        timezone: str | None = None,
        ping_role: tuple[int, str] | None = None,
        moderator_role: tuple[int, str] | None = None,
        weekly_challenge: bool | None = None,
        threads: bool | None = None,
        channel_missing: Sequence[str] = (),
        threads_missing: Sequence[str] = (),
    ) -> Reply:
        """Change the given settings (all validated first, so a bad value changes nothing).

        `channel_missing`: the permissions the bot lacks in `channel`; `threads_missing`: the thread
        permissions it lacks in the post channel (`channel`, else the current one). The adapter
        knows both."""
        await self.require_moderator(actor, "/setup")
        if channel is not None and channel_missing:
            raise UserError(
                f"I can't post the daily prompt in #{channel[1]}: I'm missing"
                f" {', '.join(channel_missing)} there. Give me those permissions in the channel's"
                " settings (or pick another channel) and run /setup again. Nothing was changed."
            )
        current = await self.register(actor)
        wants_threads = threads if threads is not None else current.threads
        if wants_threads and (threads or channel is not None) and threads_missing:
            where = channel[1] if channel is not None else current.channel_name or "the daily-post channel"
            raise UserError(
                f"I can't open discussion threads in #{where}: I'm missing {', '.join(threads_missing)}"
                " there. Give me those permissions in the channel's settings (or run /setup"
                " threads:false) and run /setup again. Nothing was changed."
            )
        changes: dict[str, object] = {}
        if time is not None:
            changes["post_time"] = parse_post_time(time)
        if timezone is not None:
            changes["timezone"] = parse_timezone(timezone)
        if channel is not None:
            changes["channel_id"], changes["channel_name"] = channel
        if ping_role is not None:
            changes["ping_role_id"], changes["ping_role_name"] = ping_role
        if moderator_role is not None:
            changes["moderator_role_id"], changes["moderator_role_name"] = moderator_role
        if weekly_challenge is not None:
            changes["weekly_challenges"] = int(weekly_challenge)
        if threads is not None:
            changes["threads"] = int(threads)
        if changes:
            await guild_rows.update_guild(self.db, actor.guild_id, **changes)
        settings = await self.settings(actor.guild_id)
        if changes:
            return self._describe(settings, title="Settings saved")
        failed = await job_rows.last_failure(self.db, actor.guild_id)
        return self._describe(settings, title="Current settings", failed=failed)

    # What Discord tells us about a guild changing under the bot. History (members, answers, streaks)
    # is kept in every case: a kicked bot is often re-invited, and a guild that is truly gone leaves
    # rows nobody reads, which `studybot db` tools can remove if an operator wants.
    async def removed(self, guild_id: int, now: datetime) -> None:
        await guild_rows.mark_removed(self.db, guild_id, now)

    async def present(self, guild_id: int) -> None:
        await guild_rows.mark_present(self.db, guild_id)

    async def reconcile(
        self, present: Collection[int], owns: Callable[[int], bool], now: datetime
    ) -> tuple[list[int], list[int]]:
        """After a (re)connect: guilds of our shards that Discord no longer lists were left while the
        bot was offline; listed ones marked removed were re-joined. Returns (removed, returned)."""
        removed: list[int] = []
        returned: list[int] = []
        listed = set(present)
        for guild_id, was_removed in (await guild_rows.presence(self.db)).items():
            if not owns(guild_id):
                continue
            if guild_id in listed and was_removed:
                await guild_rows.mark_present(self.db, guild_id)
                returned.append(guild_id)
            elif guild_id not in listed and not was_removed:
                await guild_rows.mark_removed(self.db, guild_id, now)
                removed.append(guild_id)
        return removed, returned

    async def channel_deleted(self, guild_id: int, channel_id: int) -> bool:
        return await guild_rows.forget_channel(self.db, guild_id, channel_id)

    async def role_deleted(self, guild_id: int, role_id: int) -> list[str]:
        return await guild_rows.forget_role(self.db, guild_id, role_id)

    @staticmethod
    def _describe(settings: GuildSettings, *, title: str, failed: job_rows.RunRow | None = None) -> Reply:
        # A post the scheduler gave up on (no access, channel gone, Discord down for long): the
        # moderators are the ones who can fix it, and /setup is where they look.
        text = ""
        if failed is not None:
            what = POST_KINDS.get(failed.kind, failed.kind)
            when = (failed.done_at or "")[:16].replace("T", " ")
            reason = failed.detail or "unknown reason"
            text = f"Last post failed: {reason}\n({what} {failed.run_key}, given up at {when} UTC)"
        off = "not set (daily posts are off)"
        channel = f"#{md(settings.channel_name)}" if settings.channel_name else off
        return Reply(
            title=title,
            fields=(
                Field("Daily post channel", channel, inline=True),
                Field("Post time", f"{settings.post_time} {settings.timezone}", inline=True),
                Field(
                    "Ping role",
                    f"@{md(settings.ping_role_name)}" if settings.ping_role_name else "none",
                    inline=True,
                ),
                Field(
                    "Moderator role",
                    f"@{md(settings.moderator_role_name)}"
                    if settings.moderator_role_name
                    else "none (Manage Server only)",
                    inline=True,
                ),
                Field(
                    "Weekly challenges",
                    "on (created automatically)" if settings.weekly_challenges else "off",
                    inline=True,
                ),
                Field(
                    "Discussion threads",
                    "on (a thread on each daily post, closed with the solution the next day)"
                    if settings.threads
                    else "off",
                    inline=True,
                ),
            ),
            text=text,
            tone="success" if title == "Settings saved" else "warning" if failed else "info",
            ephemeral=True,
        )
