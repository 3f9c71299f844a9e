"""/review on Discord (simcord): private, with its own Answer button and modal; the due line shows
only in private replies (/daily), never in the public post."""

from __future__ import annotations

from bot.services.context import Actor, ManualClock
from tests.cogs.test_daily_discord import World, reply_of
from tests.cogs.test_daily_discord import world as world
from tests.helpers import answer_for, wrong_answer_for


async def test_review_shows_the_due_card_and_its_answer_button_updates_it(
    world: World, clock: ManualClock
) -> None:
    pid = await world.todays_id()
    await world.ada.slash(world.channel, "answer", text=wrong_answer_for(pid))
    await world.ada.slash(world.channel, "solution", confirm=True)

    nothing = await world.ada.slash(world.channel, "review")
    assert nothing.ephemeral and "Nothing due today" in reply_of(nothing).embeds[0].description

    clock.advance(days=1)
    await world.configure()
    post = await world.post()
    assert "review" not in (post.embeds[0].description or "").lower()  # the public post says nothing

    daily = await world.ada.slash(world.channel, "daily")
    assert daily.ephemeral and "1 review due: /review" in reply_of(daily).embeds[0].description

    shown = await world.ada.slash(world.channel, "review")
    assert shown.ephemeral
    message = reply_of(shown)
    embed = message.embeds[0]
    assert embed.title.startswith("Review · ")
    assert {f.name: f.value for f in embed.fields}["Due"] == "1 review due today"

    modal = await world.ada.click(message, label="Answer")
    assert modal.modal is not None
    answered = await world.ada.submit_modal(modal, {"answer": answer_for(pid)})
    verdict = reply_of(answered).embeds[0]
    assert answered.ephemeral and verdict.title.startswith("Correct! — review of")
    assert "Review passed: next review on" in verdict.footer.text
    services = world.services
    assert await services.reviews.due_count(Actor(world.guild.id, world.ada.id, "ada")) == 0
    # no announcement: a review is not a solved day
    assert "solved today's prompt" not in (world.channel.last_message.content or "")


async def test_review_by_slash_answer_with_the_problem_id(world: World, clock: ManualClock) -> None:
    pid = await world.todays_id()
    await world.ada.slash(world.channel, "answer", text=wrong_answer_for(pid))
    clock.advance(days=1)
    await world.ada.slash(world.channel, "review")
    missed = await world.ada.slash(world.channel, "answer", text=wrong_answer_for(pid), problem=pid)
    assert "Missed: this card comes back on" in reply_of(missed).embeds[0].footer.text
