"""/mydata: everything the bot stores about a member in this guild, as one JSON file only they see.

The rows come from bot/storage/member_data.py (the list of tables holding a user id, checked
against the schema by the tests). Encoding runs in a thread: a year of answers is a few MB of JSON.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime
from typing import Any

from bot.replies import Attachment, Reply, plural
from bot.services.context import Actor, Clock
from bot.services.guilds import GuildService
from bot.services.limits import MemberLimiter
from bot.storage import member_data
from bot.storage.database import Database

#: Discord's attachment limit for a bot without boosts is 10 MiB; stay under the older 8 MiB so
#: the file goes through wherever the bot runs (a boosted server allows more, never less).
MAX_EXPORT_BYTES = 8 * 1024 * 1024

#: What each table is, in the reply's words.
_LABELS = {
    "members": ("member row", "member rows"),
    "submissions": ("answer", "answers"),
    "streak_days": ("streak day", "streak days"),
    "daily_progress": ("daily-prompt day", "daily-prompt days"),
    "leaderboard_totals": ("leaderboard total", "leaderboard totals"),
    "practice_issued": ("practice problem", "practice problems"),
    "challenge_participants": ("challenge entry", "challenge entries"),
    "challenge_scores": ("challenge score", "challenge scores"),
    "challenges": ("challenge you created", "challenges you created"),
    "guild_curricula": ("curriculum you imported", "curricula you imported"),
    "curriculum_runs": ("curriculum you started", "curricula you started"),
    "review_cards": ("review card", "review cards"),
    "review_log": ("review log entry", "review log entries"),
    "review_reminders": ("reminder setting", "reminder settings"),
    "review_reminder_dms": ("reminder DM", "reminder DMs"),
}


def encode(document: dict[str, Any], limit: int = MAX_EXPORT_BYTES) -> tuple[str, bytes, list[str]]:
    """(filename suffix, bytes, tables cut short) within `limit`: plain JSON, else gzipped, else
    the biggest tables keep their newest rows (halved until it fits) and the file says so."""
    tables: dict[str, list[Any]] = document["tables"]
    cut: list[str] = []
    while True:
        data = json.dumps(document, indent=1, ensure_ascii=False, default=str).encode()
        if len(data) <= limit:
            return ".json", data, cut
        packed = gzip.compress(data, mtime=0)
        if len(packed) <= limit:
            return ".json.gz", packed, cut
        biggest = max(tables, key=lambda name: len(tables[name]))
        rows = tables[biggest]
        if len(rows) <= 1:
            raise ValueError("a member export cannot be made small enough")
        tables[biggest] = rows[len(rows) // 2 :]
        if biggest not in cut:
            cut.append(biggest)
        document["truncated"] = {name: "only the newest rows are included" for name in cut}


def summary(tables: dict[str, list[Any]]) -> str:
    parts = []
    for name, rows in tables.items():
        parts.append(plural(len(rows), *_LABELS.get(name, (name, name))))
    return ", ".join(parts)


class MemberDataService:
    def __init__(self, db: Database, guilds: GuildService, clock: Clock, limits: MemberLimiter) -> None:
        self.db = db
        self.guilds = guilds
        self.clock = clock
        self.limits = limits

    async def export(self, actor: Actor) -> Reply:
        """Counted by the limiter (3 an hour, one at a time): Discord and the console alike."""
        with self.limits.heavy(actor.user_id, "mydata"):
            return await self._export(actor)

    async def _export(self, actor: Actor) -> Reply:
        settings = await self.guilds.register(actor)
        now: datetime = self.clock.now()
        tables = await member_data.export_rows(self.db, actor.guild_id, actor.user_id)
        document: dict[str, Any] = {
            "export": "studybot member data",
            "version": 1,
            "exported_at": now.isoformat(timespec="seconds"),
            "guild": {"id": actor.guild_id, "name": settings.name},
            "user_id": actor.user_id,
            "tables": tables,
        }
        what = summary(tables)  # before any cut: the reply says what the database holds
        total = sum(len(rows) for rows in tables.values())
        suffix, data, cut = await asyncio.to_thread(encode, document)
        filename = f"studybot-data-{actor.guild_id}-{now:%Y-%m-%d}{suffix}"
        lines = [
            f"Everything studybot stores about you in this server, as JSON: {what}.",
            "Only you can see this file. Times are UTC.",
        ]
        if suffix.endswith(".gz"):
            lines.append("It is gzipped to fit Discord's attachment limit.")
        if cut:
            lines.append(
                f"It is still too big for one attachment ({MAX_EXPORT_BYTES // 2**20} MB), so only the newest"
                f" rows of {', '.join(cut)} are in it."
            )
        return Reply(
            title="Your data",
            text="\n".join(lines),
            attachments=(Attachment(filename, data, "Your studybot data"),),
            footer=f"{plural(total, 'row')} in total",
            ephemeral=True,
        )
