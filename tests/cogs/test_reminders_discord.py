"""/review remind:true and its DM, and /mydata, on Discord (simcord): the option is answered privately,
the DM reaches the member's DM channel once after the daily post (also when a crashed send is taken
over: it is found in the DM channel), a 403 on the DM (closed DMs) turns reminders off without
failing the run for anyone else, and /mydata's JSON file is an ephemeral attachment."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.replies import Post
from bot.services.context import ManualClock
from bot.services.reminders import DM_KIND
from bot.storage import jobs as job_rows
from bot.storage import reminders as reminder_rows
from tests.cogs.test_daily_discord import World, reply_of
from tests.cogs.test_daily_discord import world as world
from tests.cogs.test_scheduled_posts import Crash, in_step
from tests.helpers import Bots, wrong_answer_for


async def miss_today(world: World, member) -> None:
    pid = await world.todays_id()
    await member.slash(world.channel, "answer", text=wrong_answer_for(pid))
    await member.slash(world.channel, "solution", confirm=True)


async def tick(world: World) -> None:
    """One scheduler tick through the bot's real Discord delivery (send, and look before resending)."""
    await world.services.scheduler.run_once(world.env.bot.post_delivery)


def dms(member) -> list[str]:
    """The first line of every message in the member's DM channel with the bot (the footer, small
    text under it, says how to stop them and carries the run reference)."""
    return [
        (m.embeds[0].description if m.embeds else m.content).splitlines()[0]
        for m in member.user.dm_channel.history()
    ]


async def test_remind_option_then_one_dm_after_the_next_post(world: World, clock: ManualClock) -> None:
    await world.configure()
    await miss_today(world, world.ada)
    on = await world.ada.slash(world.channel, "review", remind=True)
    assert on.ephemeral
    embed = reply_of(on).embeds[0]
    assert embed.title == "Review reminders on"
    assert "I'll DM you once a day when reviews are due; /review remind:false stops it." in embed.description
    await tick(world)  # today's post is out already; nothing is due until tomorrow
    assert dms(world.ada) == []

    clock.advance(days=1)
    await tick(world)
    await tick(world)
    assert dms(world.ada) == [f"1 review due in {world.guild.name}: /review"]
    message = world.ada.user.dm_channel.last_message
    assert message.author.id == world.env.bot.user.id
    assert message.content.splitlines()[1].startswith(
        "-# /review remind:false stops these DMs · ref review-dm/"
    )
    assert "review" not in (world.channel.last_message.embeds[0].description or "").lower()  # public post

    off = await world.ada.slash(world.channel, "review", remind=False)
    assert reply_of(off).embeds[0].title == "Review reminders off"
    clock.advance(days=1)
    await tick(world)
    assert len(dms(world.ada)) == 1


async def test_a_dm_sent_just_before_a_crash_is_found_in_the_dm_channel(
    world: World, clock: ManualClock, bots: Bots
) -> None:
    await in_step(world.env, clock)  # message ids carry simcord's time; the lookup starts at the claim
    await world.configure()
    await miss_today(world, world.ada)
    await world.ada.slash(world.channel, "review", remind=True)
    await in_step(world.env, clock, days=1)
    bot = world.env.bot

    class DieAfterDM:
        """Killed after Discord took the DM, before the run was recorded as done."""

        async def send(self, post: Post) -> None:
            await bot.post_delivery.send(post)
            if post.extra.get("dm_user_id"):
                raise Crash

        async def find(self, post: Post, since: datetime) -> bool:
            return await bot.post_delivery.find(post, since)

    with pytest.raises(Crash):
        await world.services.scheduler.run_once(DieAfterDM())
    assert len(dms(world.ada)) == 1
    await in_step(world.env, clock, minutes=3)  # the dead process's lease ran out
    fresh = await bots.restart(world.env)
    assert await fresh.services.scheduler.run_once(fresh.post_delivery) == []
    assert len(dms(world.ada)) == 1  # looked for in the DM channel, found, not sent again
    key = reminder_rows.dm_run_key(str(clock.now().date()), world.ada.id)
    run = await job_rows.get_run(fresh.services.db, world.guild.id, DM_KIND, key)
    assert run is not None and (run.status, run.detail) == ("done", "found in the channel")


async def test_closed_dms_turn_reminders_off_and_the_others_still_get_theirs(
    world: World, clock: ManualClock
) -> None:
    bob = world.guild.add_member(world.env.create_user("bob"))
    await world.configure()
    for member in (world.ada, bob):
        await miss_today(world, member)
        await member.slash(world.channel, "review", remind=True)
    clock.advance(days=1)
    ada_dm = world.ada.user.dm_channel
    world.env.inject_error(
        "POST",
        f"/channels/{ada_dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await tick(world)
    await tick(world)
    assert dms(bob) == [f"1 review due in {world.guild.name}: /review"]
    assert dms(world.ada) == []
    run = await job_rows.get_run(
        world.services.db, world.guild.id, DM_KIND, f"{clock.now().date()}:{world.ada.id}"
    )
    assert run is not None and run.status == "skipped" and "403" in (run.detail or "")
    setting = await reminder_rows.get(world.services.db, world.guild.id, world.ada.id)
    assert setting is not None and not setting.enabled

    review = reply_of(await world.ada.slash(world.channel, "review")).embeds[0]
    note = {f.name: f.value for f in review.fields}["Reminders"]
    assert "I could not DM you" in note
    sends = [
        r
        for r in world.env.http_requests
        if r.method == "POST" and r.path == f"/channels/{ada_dm.id}/messages"
    ]
    clock.advance(days=1)
    await tick(world)
    later = [
        r
        for r in world.env.http_requests
        if r.method == "POST" and r.path == f"/channels/{ada_dm.id}/messages"
    ]
    assert len(later) == len(sends) == 1  # tried once, never retried, not tried the next day
    assert not world.env.errors


async def test_mydata_is_an_ephemeral_json_attachment(world: World, clock: ManualClock) -> None:
    await world.configure()
    await miss_today(world, world.ada)
    await world.ada.slash(world.channel, "review", remind=True)
    result = await world.ada.slash(world.channel, "mydata")
    assert result.ephemeral
    message = reply_of(result)
    embed = message.embeds[0]
    assert embed.title == "Your data" and "1 review card, " in embed.description
    (attachment,) = message.attachments
    assert attachment.filename == f"studybot-data-{world.guild.id}-{clock.now():%Y-%m-%d}.json"
    document = json.loads(await attachment.read())
    assert document["user_id"] == world.ada.id
    assert [row["user_id"] for row in document["tables"]["members"]] == [world.ada.id]
    assert [row["enabled"] for row in document["tables"]["review_reminders"]] == [1]
    assert len(document["tables"]["review_log"]) == 2  # the miss, then the solution seen
