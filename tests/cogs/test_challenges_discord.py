"""Challenges and curricula on Discord (simcord): the announcement's Join button (also after a
restart), private verdicts, members seeing the challenge group but not the moderator groups
(curriculum, challenge-admin), every moderator subcommand refused at run time, and curriculum
import from an attachment."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.storage import challenges as challenge_rows
from tests.helpers import Bots, answer_for

SHORT = b"""name: Two quick weeks
slug: two-quick-weeks
weeks:
  - title: Derivatives
    topics: [derivatives]
  - title: Bayes
    topics: [bayes]
"""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # a Monday


class World:
    def __init__(self, env) -> None:
        self.env = env
        self.guild = env.create_guild()
        self.channel = self.guild.create_text_channel("study")
        admins = self.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
        self.mod = self.guild.add_member(env.create_user("mod"), roles=[admins])
        self.ada = self.guild.add_member(env.create_user("ada"))

    @property
    def services(self) -> Services:
        return self.env.bot.services

    async def configure(self) -> None:
        await self.services.guilds.setup(
            Actor(self.guild.id, 1, "mod", manage_guild=True), channel=(self.channel.id, "study")
        )

    async def open_to_everyone(self, name: str) -> None:
        command = next(c for c in await self.env.bot.tree.fetch_commands() if c.name == name)
        self.guild.set_command_permissions(command, {self.guild.default_role: True})


@pytest.fixture
def world(simcord_env) -> World:
    return World(simcord_env)


def reply_of(result):
    return result.followups[0] if result.followups else result.response


async def test_announcement_join_button_survives_a_restart(world: World, bots: Bots) -> None:
    await world.configure()
    created = await world.mod.slash(
        world.channel, "challenge-admin create", title="Week 1", topics="derivatives", count=3
    )
    assert created.ephemeral and "Challenge #1 created" in reply_of(created).embeds[0].title
    posts = await world.services.scheduler.run_once(world.env.bot.deliver_post)
    assert [p.title for p in posts if "Week 1" in p.title] == ["Week 1 — challenge open"]
    message = world.channel.last_message
    assert message.embeds[0].title == "Week 1 — challenge open"
    assert [c.custom_id for row in message.components for c in row.children] == ["studybot:join:1"]

    joined = await world.ada.click(message, label="Join")
    assert joined.ephemeral and "You joined Week 1" in reply_of(joined).embeds[0].title

    fresh = await bots.restart(world.env)  # a new process
    bob = world.guild.add_member(world.env.create_user("bob"))
    again = await bob.click(message, label="Join")
    assert "You joined Week 1" in reply_of(again).embeds[0].title
    assert await challenge_rows.participant_names(fresh.services.db, 1) == ["ada", "bob"]
    assert [
        p for p in await fresh.services.scheduler.run_once(fresh.deliver_post) if "Week 1" in p.title
    ] == []

    problem = (await challenge_rows.problems(fresh.services.db, 1))[0]
    verdict = await bob.slash(world.channel, "answer", problem="1", text=answer_for(problem.prompt_id))
    assert verdict.ephemeral and reply_of(verdict).embeds[0].title == "Correct! — Week 1, problem 1"
    board = await bob.slash(world.channel, "challenge leaderboard")
    assert not board.ephemeral and "bob" in reply_of(board).embeds[0].description


async def test_members_see_the_challenge_group_but_not_the_moderator_groups(world: World) -> None:
    available = world.ada.available_commands(world.channel)
    for name in ("challenge show", "challenge join", "challenge leaderboard"):
        assert name in available
    assert not [name for name in available if name.startswith(("curriculum", "challenge-admin"))]
    for_mods = world.mod.available_commands(world.channel)
    assert {"curriculum upcoming", "challenge-admin create", "challenge-admin edit"} <= set(for_mods)
    assert "challenge-admin cancel" in for_mods


MODERATOR_CALLS = {
    "challenge-admin create": {"title": "Mine", "topics": "bayes", "count": 3},
    "challenge-admin edit": {"challenge": 1, "title": "Hijacked"},
    "challenge-admin cancel": {"challenge": 1},
    "curriculum list": {},
    "curriculum show": {"name": "Math for deep learning in 8 weeks"},
    "curriculum import": {"file": ("short.yaml", SHORT)},
    "curriculum export": {"name": "math-for-dl-8-weeks"},
    "curriculum start": {"name": "calculus-for-backprop"},
    "curriculum pause": {},
    "curriculum resume": {},
    "curriculum skip": {},
    "curriculum upcoming": {},
}


async def test_every_moderator_subcommand_is_refused_at_run_time(world: World, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))  # Wednesday: the challenge opens next Monday
    await world.mod.slash(
        world.channel, "challenge-admin create", title="Next week", topics="derivatives", count=3
    )
    await world.mod.slash(world.channel, "curriculum start", name="Math for deep learning in 8 weeks")
    for group in ("curriculum", "challenge-admin"):  # an admin opened the groups to @everyone
        await world.open_to_everyone(group)

    def state(db_rows) -> tuple:
        return tuple(tuple(row) for row in db_rows)

    query = (
        "SELECT 'c', title, status, opens_at FROM challenges UNION ALL SELECT 'g', slug, '', '' FROM"
        " guild_curricula UNION ALL SELECT 'r', slug, week_start, COALESCE(paused_since, '')"
        " FROM curriculum_runs"
    )
    before = state(await world.services.db.fetch_all(query))
    for name, options in MODERATOR_CALLS.items():
        result = await world.ada.slash(world.channel, name, **options)
        assert result.ephemeral, name
        assert f"Only moderators can use /{name}" in reply_of(result).content, name
    assert state(await world.services.db.fetch_all(query)) == before
    assert not world.env.errors  # refusals never reach the tree's error handler


async def test_curriculum_import_from_an_attachment(world: World) -> None:
    bad = await world.mod.slash(
        world.channel, "curriculum import", file=("bad.yaml", SHORT.replace(b"[bayes]", b"[astrology]"))
    )
    assert bad.ephemeral and "bad.yaml:7: week 2: unknown topic 'astrology'" in reply_of(bad).content
    good = await world.mod.slash(world.channel, "curriculum import", file=("short.yaml", SHORT))
    assert reply_of(good).embeds[0].title == "Imported Two quick weeks"
    exported = await world.mod.slash(world.channel, "curriculum export", name="TWO QUICK WEEKS")
    attachment = reply_of(exported).attachments[0]
    assert attachment.filename == "two-quick-weeks.yaml"
