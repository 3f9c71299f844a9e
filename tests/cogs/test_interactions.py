"""Every interaction gets an answer (issue 13), on Discord (simcord): a failure behind a button or
the answer modal answers the member privately, errors after a public defer are private and leave no
public stub, only the invoker pages a shared leaderboard, and an answer modal opened before a
restart is answered by the new process."""

from __future__ import annotations

import logging

import pytest

from bot.discord_app import GENERIC_ERROR
from bot.services.context import Actor
from tests.cogs.test_daily_discord import World, reply_of
from tests.helpers import Bots, answer_for


@pytest.fixture
def world(simcord_env) -> World:
    return World(simcord_env)


def on_fire(*args: object, **kwargs: object) -> None:
    raise RuntimeError("database on fire")


async def broken(*args: object, **kwargs: object) -> None:
    on_fire()


def public_messages(world: World) -> list:
    return [m for m in world.channel.history() if not m.flags.ephemeral]


async def test_a_failure_behind_show_the_solution_answers_the_member(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    warning = reply_of(await world.ada.slash(world.channel, "solution"))
    monkeypatch.setattr(world.services.daily, "reveal", broken)

    with caplog.at_level(logging.ERROR):
        shown = await world.ada.click(warning, label="Show the solution")

    assert shown.ephemeral
    told = reply_of(shown)
    assert told is not None and told.ephemeral
    assert told.content == GENERIC_ERROR and "on fire" not in told.content
    assert any("studybot:solution:" in r.getMessage() for r in caplog.records if r.exc_info)
    assert [str(e) for e in world.env.errors] == ["database on fire"]  # the tree's handler saw it


async def test_a_failure_behind_the_answer_modal_answers_the_member(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.configure()
    message = await world.post()
    shown = await world.ada.click(message, label="Answer")
    monkeypatch.setattr(world.services.answers, "answer_prompt", broken)

    submitted = await world.ada.submit_modal(shown, {"answer": "2x"})

    assert submitted.ephemeral and reply_of(submitted).content == GENERIC_ERROR
    assert [str(e) for e in world.env.errors] == ["database on fire"]
    assert public_messages(world) == [message]  # nothing else in the channel


async def test_a_mistake_after_a_public_defer_is_told_privately_and_leaves_no_stub(world: World) -> None:
    result = await world.ada.slash(world.channel, "challenge leaderboard")

    assert result.response is None  # the public "thinking…" placeholder is deleted
    (told,) = result.followups
    assert told.ephemeral and "There is no challenge yet" in told.content
    assert "/challenge-admin create" in told.content
    assert public_messages(world) == []
    assert not world.env.errors  # a member's mistake, not a failure


async def test_a_failure_after_a_public_defer_is_private_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world.services.progress, "leaderboard", broken)

    result = await world.ada.slash(world.channel, "leaderboard")

    assert result.response is None
    (told,) = result.followups
    assert told.ephemeral and told.content == GENERIC_ERROR
    assert public_messages(world) == []
    assert [str(getattr(e, "original", e)) for e in world.env.errors] == ["database on fire"]


async def test_only_the_invoker_pages_a_shared_leaderboard(world: World) -> None:
    pid = await world.todays_id()
    for user in range(100, 112):
        await world.services.answers.answer(Actor(world.guild.id, user, f"member{user}"), answer_for(pid))
    bob = world.guild.add_member(world.env.create_user("bob"))
    board = reply_of(await world.ada.slash(world.channel, "leaderboard", period="all"))

    copy = await bob.click(board, label="Next")

    shared = world.channel.history()[-1]
    assert shared.id == board.id and "Page 1 of 2" in shared.embeds[0].footer.text  # not redrawn
    mine = reply_of(copy)
    assert copy.ephemeral and mine.ephemeral and mine.id != board.id
    assert mine.embeds[0].description.startswith("11. ") and "Page 2 of 2" in mine.embeds[0].footer.text

    back = await bob.click(mine, label="Previous")  # bob pages his own copy in place
    assert (
        world.env.backend.get_message(world.channel.id, mine.id)
        .embeds[0]["footer"]["text"]
        .startswith("Page 1 of 2")
    )
    assert not back.followups

    await world.ada.click(board, label="Next")  # the invoker pages the shared message
    redrawn = world.channel.history()[-1]
    assert redrawn.id == board.id and "Page 2 of 2" in redrawn.embeds[0].footer.text
    assert not world.env.errors


async def test_an_answer_modal_opened_before_a_restart_is_answered_after_it(world: World, bots: Bots) -> None:
    await world.configure()
    message = await world.post()
    pid = await world.todays_id()
    shown = await world.ada.click(message, label="Answer")
    assert shown.modal is not None and shown.modal["custom_id"] == f"studybot:modal:{pid}"

    await bots.restart(world.env)  # a new process

    result = await world.ada.submit_modal(shown, {"answer": answer_for(pid)})

    assert result.ephemeral and reply_of(result).embeds[0].title.startswith("Correct!")
    assert world.channel.last_message.content == "ada solved today's prompt (streak 1)"
    assert not world.env.errors
