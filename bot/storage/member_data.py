"""A member's rows in one guild, table by table: what /mydata exports.

Each entry says how a table's rows of one member in one guild are found. A table that holds a user
id and is in neither `TABLES` nor `NOT_PERSONAL` fails tests/services/test_mydata.py, so a new
table cannot be forgotten here.
"""

from __future__ import annotations

from typing import Any

from bot.storage import reminders as reminder_rows
from bot.storage import reviews as review_rows
from bot.storage.database import Database

# table -> (FROM ... WHERE, with the guild id then the user id as parameters)
_BY_MEMBER = "{table} WHERE guild_id = ? AND user_id = ?"
_IN_CHALLENGES = (
    "{table} t WHERE t.user_id = ? AND EXISTS"
    " (SELECT 1 FROM challenges c WHERE c.id = t.challenge_id AND c.guild_id = ?)"
)
QUERIES: dict[str, tuple[str, str]] = {
    # table: (FROM/WHERE clause, ORDER BY); the clause takes (guild_id, user_id) unless it says
    # `t.user_id = ?` first (challenge rows carry no guild id of their own)
    "members": (_BY_MEMBER, "user_id"),
    "submissions": (_BY_MEMBER, "id"),
    "streak_days": (_BY_MEMBER, "local_date"),
    "daily_progress": (_BY_MEMBER, "local_date"),
    "leaderboard_totals": (_BY_MEMBER, "period"),
    "practice_issued": (_BY_MEMBER, "id"),
    "challenge_participants": (_IN_CHALLENGES, "t.challenge_id"),
    "challenge_scores": (_IN_CHALLENGES, "t.challenge_id, t.position"),
    # what the member made as a moderator: authored, so theirs to see
    "challenges": ("{table} WHERE guild_id = ? AND created_by = ?", "id"),
    "guild_curricula": ("{table} WHERE guild_id = ? AND imported_by = ?", "slug"),
    "curriculum_runs": ("{table} WHERE guild_id = ? AND started_by = ?", "id"),
}
#: Exported through their own storage modules' `export_rows` (reviews, reminders).
DELEGATED = ("review_cards", "review_log", "review_reminders")
TABLES = (*QUERIES, *DELEGATED)
#: Tables holding a user id that are not the member's data, with the reason. Empty today: every
#: table with a user id is exported. (job_runs holds no user id column, but the reminder DMs' run
#: keys name the member: they are exported as `review_reminder_dms`.)
NOT_PERSONAL: dict[str, str] = {}


async def export_rows(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the bot keeps about the member in this guild, by table (read in one transaction,
    so the tables agree with each other)."""
    out: dict[str, list[dict[str, Any]]] = {}
    async with db.transaction():
        for table, (where, order) in QUERIES.items():
            params = (user_id, guild_id) if "t.user_id = ?" in where else (guild_id, user_id)
            rows = await db.fetch_all(f"SELECT * FROM {where.format(table=table)} ORDER BY {order}", params)
            out[table] = [dict(row) for row in rows]
        out.update(await review_rows.export_rows(db, guild_id, user_id))
        out.update(await reminder_rows.export_rows(db, guild_id, user_id))
    return out
