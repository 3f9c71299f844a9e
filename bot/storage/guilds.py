"""Guild settings rows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from bot.storage.database import Database


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    name: str = ""
    timezone: str = "UTC"
    channel_id: int | None = None
    channel_name: str | None = None
    post_time: str = "09:00"
    ping_role_id: int | None = None
    ping_role_name: str | None = None
    moderator_role_id: int | None = None
    moderator_role_name: str | None = None
    weekly_challenges: bool = False
    threads: bool = False  # a discussion thread on each daily post (/setup threads:true)
    removed_at: str | None = None  # the bot was removed from the guild: nothing is scheduled for it


_COLUMNS = tuple(f.name for f in fields(GuildSettings))
_UPDATABLE = frozenset(_COLUMNS) - {"guild_id"}


async def ensure_guild(
    db: Database, guild_id: int, *, name: str = "", timezone: str = "UTC"
) -> GuildSettings:
    """Return the guild's settings, creating the row with defaults on first sight."""
    await db.execute(
        "INSERT INTO guilds (guild_id, name, timezone, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id) DO NOTHING",
        (guild_id, name, timezone, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    settings = await get_guild(db, guild_id)
    assert settings is not None
    return settings


def _settings(row: object) -> GuildSettings:
    values = dict(row)  # type: ignore[call-overload]
    values["weekly_challenges"] = bool(values.get("weekly_challenges"))
    values["threads"] = bool(values.get("threads"))
    return GuildSettings(**values)


async def get_guild(db: Database, guild_id: int) -> GuildSettings | None:
    row = await db.fetch_one(f"SELECT {', '.join(_COLUMNS)} FROM guilds WHERE guild_id = ?", (guild_id,))
    return None if row is None else _settings(row)


async def update_guild(db: Database, guild_id: int, **changes: object) -> None:
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not guild settings: {sorted(unknown)}")
    if not changes:
        return
    assignments = ", ".join(f"{column} = ?" for column in changes)
    await db.execute(f"UPDATE guilds SET {assignments} WHERE guild_id = ?", (*changes.values(), guild_id))


async def configured_guilds(db: Database) -> list[GuildSettings]:
    """Guilds with a channel set: the ones the scheduler posts to."""
    rows = await db.fetch_all(
        f"SELECT {', '.join(_COLUMNS)} FROM guilds WHERE channel_id IS NOT NULL ORDER BY guild_id"
    )
    return [_settings(row) for row in rows]


async def weekly_challenge_guilds(db: Database) -> list[GuildSettings]:
    """Guilds that asked for a challenge every week (/setup weekly_challenge:true)."""
    rows = await db.fetch_all(
        f"SELECT {', '.join(_COLUMNS)} FROM guilds WHERE weekly_challenges = 1 ORDER BY guild_id"
    )
    return [_settings(row) for row in rows]


async def mark_removed(db: Database, guild_id: int, now: datetime) -> None:
    """The bot left the guild: keep its settings and history, stop its schedule (see removed_ids)."""
    await db.execute(
        "UPDATE guilds SET removed_at = ? WHERE guild_id = ?", (now.isoformat(timespec="seconds"), guild_id)
    )


async def mark_present(db: Database, guild_id: int) -> None:
    """The bot is (back) in the guild: its schedule resumes with the settings it had."""
    await db.execute(
        "UPDATE guilds SET removed_at = NULL WHERE guild_id = ? AND removed_at IS NOT NULL", (guild_id,)
    )


async def removed_ids(db: Database) -> set[int]:
    rows = await db.fetch_all("SELECT guild_id FROM guilds WHERE removed_at IS NOT NULL")
    return {int(row[0]) for row in rows}


async def forget_channel(db: Database, guild_id: int, channel_id: int) -> bool:
    """The daily-post channel was deleted: daily posts are off until /setup picks another."""
    changed = await db.execute(
        "UPDATE guilds SET channel_id = NULL, channel_name = NULL WHERE guild_id = ? AND channel_id = ?",
        (guild_id, channel_id),
    )
    return changed > 0


async def forget_role(db: Database, guild_id: int, role_id: int) -> list[str]:
    """A deleted role stops being the ping or moderator role; returns which settings it was."""
    cleared: list[str] = []
    async with db.transaction():
        if await db.execute(
            "UPDATE guilds SET ping_role_id = NULL, ping_role_name = NULL"
            " WHERE guild_id = ? AND ping_role_id = ?",
            (guild_id, role_id),
        ):
            cleared.append("ping role")
        if await db.execute(
            "UPDATE guilds SET moderator_role_id = NULL, moderator_role_name = NULL"
            " WHERE guild_id = ? AND moderator_role_id = ?",
            (guild_id, role_id),
        ):
            cleared.append("moderator role")
    return cleared


async def presence(db: Database) -> dict[int, bool]:
    """Every known guild id -> whether it is marked removed."""
    rows = await db.fetch_all("SELECT guild_id, removed_at IS NOT NULL FROM guilds")
    return {int(row[0]): bool(row[1]) for row in rows}
