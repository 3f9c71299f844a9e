"""The daily loop on Discord (simcord): the post and its persistent Answer button and modal,
ephemeral verdicts with a public announcement, the solution confirmation, leaderboard pages."""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest

from bot.discord_render import post_nonce
from bot.plots.latex_text import has_raw_latex, readable
from bot.services.app import Services
from bot.services.context import Actor
from tests.helpers import Bots, answer_for, wrong_answer_for


class World:
    def __init__(self, env) -> None:
        self.env = env
        self.guild = env.create_guild()
        self.channel = self.guild.create_text_channel("study")
        self.role = self.guild.create_role("learners")
        self.ada = self.guild.add_member(env.create_user("ada"))

    @property
    def services(self) -> Services:
        return self.env.bot.services

    async def configure(self) -> None:
        mod = Actor(self.guild.id, 1, "mod", manage_guild=True)
        await self.services.guilds.setup(
            mod, channel=(self.channel.id, "study"), ping_role=(self.role.id, "learners")
        )

    async def post(self) -> discord.Message:
        posts = await self.services.scheduler.run_once(self.env.bot.deliver_post)
        assert len(posts) == 1
        return self.channel.last_message

    async def todays_id(self) -> str:
        return (await self.services.daily.today(Actor(self.guild.id, 1, "mod"))).prompt.id


@pytest.fixture
def world(simcord_env) -> Iterator[World]:
    yield World(simcord_env)


def reply_of(result):
    """What the member sees: the deferred response's follow-up (simcord folds it into `response`)."""
    return result.followups[0] if result.followups else result.response


def custom_ids(message: discord.Message) -> list[str]:
    return [child.custom_id for row in message.components for child in row.children]


async def test_post_has_statement_image_role_ping_and_answer_button(world: World) -> None:
    await world.configure()
    message = await world.post()

    embed = message.embeds[0]
    assert embed.title.startswith("Daily prompt · 2026-11-21")
    assert embed.image.url == "attachment://statement.png"
    assert "$" not in embed.description and not has_raw_latex(embed.description)  # maths as Unicode
    assert {f.name for f in embed.fields} >= {"Topic", "Difficulty", "Study"}
    assert message.content == f"<@&{world.role.id}>"
    pid = await world.todays_id()
    assert custom_ids(message) == [f"studybot:answer:{pid}"]
    sent = [r for r in world.env.http_requests if r.method == "POST" and r.path.endswith("/messages")]
    assert sent and post_nonce(f"{world.guild.id}:daily:2026-11-21") in str(sent[-1].json or sent[-1].params)


async def test_answer_button_opens_modal_and_announces_a_solve(world: World) -> None:
    await world.configure()
    message = await world.post()
    pid = await world.todays_id()

    shown = await world.ada.click(message, label="Answer")
    assert shown.modal is not None
    wrong = await world.ada.submit_modal(shown, {"answer": wrong_answer_for(pid)})
    assert wrong.ephemeral
    assert reply_of(wrong).embeds[0].title.startswith("Not quite")
    assert world.channel.last_message.id == message.id  # no announcement for a wrong answer

    shown = await world.ada.click(message, label="Answer")
    right = await world.ada.submit_modal(shown, {"answer": answer_for(pid)})
    assert reply_of(right).embeds[0].title.startswith("Correct!")
    announcement = world.channel.last_message
    assert announcement.content == "ada solved today's prompt (streak 1)"
    assert answer_for(pid) not in announcement.content


async def test_answer_button_still_works_after_a_restart(world: World, bots: Bots) -> None:
    await world.configure()
    message = await world.post()
    pid = await world.todays_id()

    fresh = await bots.restart(world.env)  # a new process
    assert world.env.bot is fresh

    shown = await world.ada.click(message, label="Answer")
    result = await world.ada.submit_modal(shown, {"answer": answer_for(pid)})
    assert reply_of(result).embeds[0].title.startswith("Correct!")
    assert world.channel.last_message.content == "ada solved today's prompt (streak 1)"
    assert await fresh.services.scheduler.run_once(fresh.deliver_post) == []  # no second post


async def test_slash_answer_is_deferred_and_private(world: World) -> None:
    pid = await world.todays_id()
    result = await world.ada.slash(world.channel, "answer", text=answer_for(pid))
    assert result.ephemeral
    verdict = reply_of(result)
    assert verdict.embeds[0].title.startswith("Correct!")
    assert world.channel.last_message.content == "ada solved today's prompt (streak 1)"

    unknown = await world.ada.slash(world.channel, "answer", text="1", problem="no-such-problem")
    message = reply_of(unknown)
    assert unknown.ephemeral and "No problem" in message.content


async def test_solution_asks_first_and_the_button_confirms(world: World) -> None:
    pid = await world.todays_id()
    asked = await world.ada.slash(world.channel, "solution")
    warning = reply_of(asked)
    assert asked.ephemeral and "will not count" in warning.embeds[0].description

    shown = await world.ada.click(warning, label="Show the solution")
    solution = reply_of(shown)
    assert f"Answer: {answer_for(pid)}" in solution.embeds[0].description

    late = await world.ada.slash(world.channel, "answer", text=answer_for(pid))
    verdict = reply_of(late)
    assert "not counted" in verdict.embeds[0].footer.text
    assert (
        world.channel.last_message is None
        or "solved today's prompt" not in world.channel.last_message.content
    )


async def test_hints_read_as_unicode_maths_with_a_picture_when_text_cannot_say_it(world: World) -> None:
    await world.configure()
    prompt = (await world.services.daily.today(Actor(world.guild.id, 1, "mod"))).prompt
    for index, source in enumerate(prompt.hints):
        hint = reply_of(await world.ada.slash(world.channel, "hint"))
        embed = hint.embeds[0]
        assert embed.title == f"Hint {index + 1} of {len(prompt.hints)}"
        assert embed.description == readable(source).text and not has_raw_latex(embed.description)
        pictured = bool(readable(source).pictures)
        assert [a.filename for a in hint.attachments] == (["hint.png"] if pictured else [])


async def test_leaderboard_next_page_button(world: World) -> None:
    pid = await world.todays_id()
    for user in range(100, 112):
        await world.services.answers.answer(Actor(world.guild.id, user, f"member{user}"), answer_for(pid))

    result = await world.ada.slash(world.channel, "leaderboard", period="all")
    board = reply_of(result)
    assert not result.ephemeral and "Page 1 of 2" in board.embeds[0].footer.text

    await world.ada.click(board, label="Next")
    redrawn = world.channel.history()[-1]
    assert redrawn.embeds[0].description.startswith("11. ")
    assert "Page 2 of 2" in redrawn.embeds[0].footer.text


async def test_members_see_every_daily_command_and_streak_of_another_is_public(world: World) -> None:
    available = world.ada.available_commands(world.channel)
    for name in ("daily", "answer", "hint", "solution", "streak", "stats", "leaderboard"):
        assert name in available
    bob = world.guild.add_member(world.env.create_user("bob"))
    mine = await world.ada.slash(world.channel, "streak")
    theirs = await world.ada.slash(world.channel, "streak", member=bob)
    assert mine.ephemeral and not theirs.ephemeral
    shown = reply_of(theirs)
    assert "bob's streak" in shown.embeds[0].title and "current streak 0" in shown.embeds[0].description


async def test_daily_commands_are_server_only(world: World) -> None:
    in_dms = world.env.create_user("carl").available_commands()
    assert "help" in in_dms  # DMs do list the commands that work there
    for name in ("daily", "answer", "hint", "solution", "streak", "stats", "leaderboard"):
        assert name not in in_dms
