"""Member rows: who has used the bot in which guild, and the name to show for them."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.storage.database import Database


async def upsert_member(db: Database, guild_id: int, user_id: int, display_name: str) -> None:
    await db.execute(
        "INSERT INTO members (guild_id, user_id, display_name, first_seen) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, user_id) DO UPDATE SET display_name = excluded.display_name",
        (guild_id, user_id, display_name, datetime.now(UTC).isoformat(timespec="seconds")),
    )


async def member_name(db: Database, guild_id: int, user_id: int) -> str | None:
    return await db.fetch_value(
        "SELECT display_name FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )


async def find_member(db: Database, guild_id: int, display_name: str) -> int | None:
    """The user id of the member with this display name (case-insensitive), if any."""
    return await db.fetch_value(
        "SELECT user_id FROM members WHERE guild_id = ? AND LOWER(display_name) = LOWER(?)",
        (guild_id, display_name),
    )
