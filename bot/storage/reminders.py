"""Review reminders: who asked for a daily DM when reviews are due (/review remind:true), and who
is owed one today.

The DMs are scheduler runs of kind `review-dm` keyed `YYYY-MM-DD:<user id>` (one per member and
local day), so "sent once" is the scheduler's claim on that key, not a column here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.database import Database
from bot.storage.jobs import PRIVATE_KINDS
from bot.storage.reviews import iso

DM_KIND = "review-dm"
assert DM_KIND in PRIVATE_KINDS  # a failed DM is not shown to moderators as a failed post


def dm_run_key(day: str, user_id: int) -> str:
    """The run key of a member's reminder on a local day: one key, one DM."""
    return f"{day}:{user_id}"


def dm_run_user(run_key: str) -> tuple[str, int]:
    """(day, user id) of a reminder run key."""
    day, _, user = run_key.partition(":")
    return day, int(user)


@dataclass(frozen=True)
class Reminder:
    enabled: bool
    updated_at: str
    off_reason: str | None


async def get(db: Database, guild_id: int, user_id: int) -> Reminder | None:
    row = await db.fetch_one(
        "SELECT enabled, updated_at, off_reason FROM review_reminders WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return None if row is None else Reminder(bool(row["enabled"]), row["updated_at"], row["off_reason"])


async def set_enabled(
    db: Database, guild_id: int, user_id: int, enabled: bool, now: datetime, reason: str | None = None
) -> None:
    """The member's choice (or the bot's, with `reason`, when their DMs are closed)."""
    await db.execute(
        "INSERT INTO review_reminders (guild_id, user_id, enabled, updated_at, off_reason)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET"
        " enabled = excluded.enabled, updated_at = excluded.updated_at, off_reason = excluded.off_reason",
        (guild_id, user_id, int(enabled), iso(now), reason),
    )


async def guild_timezones(db: Database) -> list[str]:
    """The distinct time zones of guilds where someone opted in (the job queries once per zone)."""
    rows = await db.fetch_all(
        "SELECT DISTINCT g.timezone FROM guilds g WHERE g.removed_at IS NULL AND EXISTS"
        " (SELECT 1 FROM review_reminders r WHERE r.guild_id = g.guild_id AND r.enabled = 1)"
        " ORDER BY g.timezone"
    )
    return [str(row[0]) for row in rows]


async def owed(db: Database, timezone: str, day: str, until: datetime) -> list[tuple[int, int]]:
    """(guild, user) of the opted-in members, in guilds of `timezone` whose daily post of `day` is
    done, with a card due by `until` (the end of `day` there), whose reminder of `day` is not
    finished. An open reminder run (a crash, a retry) stays in the list so the scheduler can take it
    over instead of sweeping it away."""
    rows = await db.fetch_all(
        "SELECT r.guild_id, r.user_id FROM review_reminders r JOIN guilds g ON g.guild_id = r.guild_id"
        " WHERE r.enabled = 1 AND g.timezone = ? AND g.removed_at IS NULL"
        " AND EXISTS (SELECT 1 FROM job_runs d WHERE d.guild_id = r.guild_id AND d.kind = 'daily'"
        "             AND d.run_key = ? AND d.status = 'done')"
        " AND EXISTS (SELECT 1 FROM review_cards c WHERE c.guild_id = r.guild_id"
        "             AND c.user_id = r.user_id AND c.due_at <= ?)"
        " AND NOT EXISTS (SELECT 1 FROM job_runs s WHERE s.guild_id = r.guild_id AND s.kind = ?"
        "                 AND s.run_key = CAST(? AS TEXT) || CAST(r.user_id AS TEXT)"
        "                 AND s.status IN ('done', 'failed', 'skipped'))"
        " ORDER BY r.guild_id, r.user_id",
        (timezone, day, iso(until), DM_KIND, f"{day}:"),
    )
    return [(int(row[0]), int(row[1])) for row in rows]


_RUN_FIELDS = ("status", "claimed_at", "done_at", "detail")


async def export_rows(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's setting, and the reminder DMs sent to them (for a data export)."""
    setting = await db.fetch_all(
        "SELECT * FROM review_reminders WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    runs = await db.fetch_all(
        "SELECT run_key, status, claimed_at, done_at, detail FROM job_runs"
        " WHERE guild_id = ? AND kind = ? AND run_key LIKE ? ORDER BY run_key",
        (guild_id, DM_KIND, f"%:{user_id}"),
    )
    sent = [
        {"day": dm_run_user(row["run_key"])[0], **{key: row[key] for key in _RUN_FIELDS}}
        for row in runs
        if dm_run_user(row["run_key"])[1] == user_id  # LIKE '%:12' also matches ':112'
    ]
    return {"review_reminders": [dict(row) for row in setting], "review_reminder_dms": sent}
