"""/mydata through the services on both backends: every table that holds a user id (read from the
schema itself, so a table added later fails here until it is exported or listed as not personal) is
in the export, with exactly the member's rows in this guild and nobody else's; the file stays
within Discord's attachment limit."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.replies import Post
from bot.services.app import Services
from bot.services.context import Actor, ManualClock, Upload
from bot.services.limits import CoolingDown
from bot.services.mydata import encode
from bot.storage import member_data
from bot.storage import practice as practice_rows
from bot.storage.database import Database
from tests.helpers import answer_for, wrong_answer_for
from tests.services.test_curricula import SHORT

GUILD = 1
# Ids that appear nowhere else (a substring search for the other member's id must not be luck).
ADA = Actor(GUILD, 700_000_000_000_000_001, "ada", manage_guild=True, guild_name="test guild")
BOB = Actor(GUILD, 900_000_000_000_000_009, "bob", guild_name="test guild")
ADA_ELSEWHERE = Actor(2, ADA.user_id, "ada", guild_name="other guild")
MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def is_user_column(name: str) -> bool:
    """A column holding a Discord user id: `user_id`, or who did something (`created_by`, ...)."""
    return name == "user_id" or name.endswith("_by")


async def schema_columns(db: Database) -> dict[str, list[str]]:
    """Every application table and its columns, as the database itself reports them."""
    if db.dialect == "postgresql":
        rows = await db.fetch_all(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name != 'schema_migrations'"
            " ORDER BY table_name, ordinal_position"
        )
        columns: dict[str, list[str]] = {}
        for row in rows:
            columns.setdefault(str(row[0]), []).append(str(row[1]))
        return columns
    return {
        table: [str(row["name"]) for row in await db.fetch_all(f"PRAGMA table_info({table})")]
        for table in await db.tables()
    }


def forgotten(columns: dict[str, list[str]]) -> set[str]:
    """Tables holding a user id that /mydata neither exports nor lists as not personal."""
    personal = {table for table, names in columns.items() if any(is_user_column(n) for n in names)}
    return personal - set(member_data.TABLES) - set(member_data.NOT_PERSONAL)


async def test_every_table_holding_a_user_id_is_exported_or_listed_as_not_personal(
    db_target: Path | str,
) -> None:
    db = await Database.open(db_target)
    try:
        columns = await schema_columns(db)
        assert {"members", "submissions", "review_cards", "review_reminders"} <= set(columns)
        assert forgotten(columns) == set()
        # no stale entries: everything listed is a real table, and nothing is listed twice
        assert set(member_data.TABLES) <= set(columns)
        assert set(member_data.NOT_PERSONAL) <= set(columns)
        assert not set(member_data.TABLES) & set(member_data.NOT_PERSONAL)
        # and a table added tomorrow with a user id is caught
        await db.execute("CREATE TABLE flashcards (guild_id BIGINT, user_id BIGINT, front TEXT)")
        assert forgotten(await schema_columns(db)) == {"flashcards"}
    finally:
        await db.close()


async def member_rows_in_db(db: Database, table: str, names: list[str], who: Actor) -> int:
    """How many rows of `table` are `who`'s in their guild, found from the schema's columns alone."""
    column = next(n for n in names if is_user_column(n))
    if "guild_id" in names:
        where, params = f"guild_id = ? AND {column} = ?", (who.guild_id, who.user_id)
    else:  # challenge rows: their guild is their challenge's
        where = f"{column} = ? AND challenge_id IN (SELECT id FROM challenges WHERE guild_id = ?)"
        params = (who.user_id, who.guild_id)
    return int(await db.fetch_value(f"SELECT COUNT(*) FROM {table} WHERE {where}", params))


async def play(svc: Services, who: Actor, clock: ManualClock) -> None:
    """A member's week: the daily prompt, a practice miss, a challenge, reminders on."""
    pid = (await svc.daily.today(who)).prompt.id
    await svc.answers.answer(who, answer_for(pid))
    await svc.practice.practice(who)
    issued = await practice_rows.last_issued(svc.db, who.guild_id, who.user_id)
    assert issued is not None
    await svc.answers.answer(who, wrong_answer_for(issued.problem_id), issued.problem_id)
    await svc.challenges.join(who)
    await svc.answers.answer(who, "0", problem="1")
    await svc.reminders.set(who, True)


def load(data: bytes, filename: str) -> dict[str, Any]:
    return json.loads(gzip.decompress(data) if filename.endswith(".gz") else data)


async def test_the_export_holds_every_row_of_the_member_in_this_guild_and_nobody_elses(
    svc: Services, clock: ManualClock
) -> None:
    clock.set(MONDAY)
    await svc.guilds.setup(ADA, channel=(10, "study"))
    await svc.curricula.import_file(ADA, Upload("short.yaml", SHORT))
    await svc.curricula.start(ADA, "two quick weeks")
    await svc.challenges.create(ADA, "Week 1", topics="derivatives", count=3)
    for who in (ADA, BOB):
        await play(svc, who, clock)
    await svc.guilds.register(ADA_ELSEWHERE)  # the same person in another server
    await svc.reminders.set(ADA_ELSEWHERE, True)
    clock.advance(days=1)
    await svc.scheduler.run_once(_ignore)  # the daily post and the reminder DMs

    reply = await svc.mydata.export(ADA)
    assert reply.ephemeral and reply.title == "Your data"
    [attachment] = reply.attachments
    assert attachment.filename == "studybot-data-1-2026-11-24.json"
    document = load(attachment.data, attachment.filename)
    assert document["user_id"] == ADA.user_id and document["guild"] == {"id": 1, "name": "test guild"}
    tables = document["tables"]

    columns = await schema_columns(svc.db)
    for table in member_data.TABLES:
        expected = await member_rows_in_db(svc.db, table, columns[table], ADA)
        assert expected > 0, f"the scenario left no {table} row: the check would prove nothing"
        assert len(tables[table]) == expected, table
        assert all(str(row.get("guild_id", GUILD)) == str(GUILD) for row in tables[table]), table
    assert len(tables["review_reminder_dms"]) == 1  # the DM of 24 Nov, sent to ada here
    assert tables["review_reminder_dms"][0]["day"] == "2026-11-24"
    text = json.dumps(document)
    assert str(BOB.user_id) not in text and "bob" not in text  # not even as a challenge co-entrant

    assert f"{len(tables['submissions'])} answers" in reply.text and "1 review card, " in reply.text
    assert "1 reminder setting" in reply.text and "1 challenge you created" in reply.text
    assert "Only you can see this file" in reply.text


async def _ignore(post: Post) -> None:
    """Delivery nobody reads: the runs are recorded as sent all the same."""


async def test_three_exports_an_hour(svc: Services, clock: ManualClock) -> None:
    for _ in range(3):
        await svc.mydata.export(BOB)
    with pytest.raises(CoolingDown, match="/mydata can be used 3 times per 3600 s"):
        await svc.mydata.export(BOB)
    clock.advance(hours=1)
    assert (await svc.mydata.export(BOB)).attachments


def test_the_file_stays_within_the_attachment_limit() -> None:
    rows = [{"id": i, "answer": f"answer number {i} " * 4} for i in range(2000)]
    document = {"tables": {"submissions": rows, "members": [{"user_id": 1}]}}
    suffix, data, cut = encode(json.loads(json.dumps(document)), limit=10**7)
    assert (suffix, cut) == (".json", []) and len(json.loads(data)["tables"]["submissions"]) == 2000

    plain = len(json.dumps(document, indent=1).encode())
    suffix, data, cut = encode(json.loads(json.dumps(document)), limit=plain // 2)
    assert suffix == ".json.gz" and cut == [] and len(data) <= plain // 2
    assert json.loads(gzip.decompress(data))["tables"]["submissions"] == rows  # lossless

    suffix, data, cut = encode(json.loads(json.dumps(document)), limit=4000)
    assert len(data) <= 4000 and cut == ["submissions"]
    kept = load(data, f"x{suffix}")
    assert kept["truncated"] == {"submissions": "only the newest rows are included"}
    assert kept["tables"]["submissions"][-1] == rows[-1]  # the newest rows are the ones kept
    assert kept["tables"]["members"] == [{"user_id": 1}]
