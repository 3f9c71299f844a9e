"""Scheduled posts on Discord (simcord): a post that may have gone out is looked for in the channel's
history before it is sent again; 403 and 404 are not retried and /setup shows why (issues 12, 13)."""

from __future__ import annotations

import discord
import pytest

from bot.discord_app import StudyBot
from bot.replies import Post
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.storage import jobs as job_rows
from tests.helpers import Bots

DAY = "2026-11-21"


class Crash(BaseException):
    """The process dying right here: nothing after it runs, nothing is written."""


def message_posts(env, channel_id: int) -> list:
    return [
        r for r in env.http_requests if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


def history_reads(env, channel_id: int) -> list:
    return [
        r for r in env.http_requests if r.method == "GET" and r.path == f"/channels/{channel_id}/messages"
    ]


async def in_step(env, clock: ManualClock, **delta: float) -> None:
    """Move the bot's clock and simcord's together: message ids (snowflakes) carry simcord's time,
    and the history lookup starts at the run's claim time, as on Discord."""
    clock.advance(**delta)
    await env.advance_time((clock.now() - env.now()).total_seconds())


async def configure(services: Services, guild_id: int, channel_id: int) -> None:
    mod = Actor(guild_id, 1, "mod", manage_guild=True)
    await services.guilds.setup(mod, channel=(channel_id, "study"))


async def test_a_post_sent_just_before_a_crash_is_found_and_not_sent_again(
    simcord_env, clock: ManualClock, bots: Bots
) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)

    class SendThenDie:
        async def send(self, post: Post) -> None:
            await bot.post_delivery.send(post)
            raise Crash  # killed after Discord took the message, before "done" was written

        async def find(self, post: Post, since) -> bool:
            return await bot.post_delivery.find(post, since)

    with pytest.raises(Crash):
        await bot.services.scheduler.run_once(SendThenDie())
    assert len(message_posts(simcord_env, channel.id)) == 1
    assert "ref daily/2026-11-21" in channel.last_message.embeds[0].footer.text

    await in_step(simcord_env, clock, minutes=3)  # the lease of the dead process ran out
    fresh = await bots.restart(simcord_env)
    assert await fresh.services.scheduler.run_once(fresh.post_delivery) == []
    assert len(message_posts(simcord_env, channel.id)) == 1  # not posted twice
    assert len(history_reads(simcord_env, channel.id)) == 1  # because it looked first
    row = await job_rows.get_run(fresh.services.db, guild.id, "daily", DAY)
    assert row is not None and (row.status, row.failures) == ("done", 0)


async def test_a_crash_while_sending_that_never_reached_discord_is_sent_once(
    simcord_env, clock: ManualClock, bots: Bots
) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)

    class DieBeforeTheRequest:
        async def send(self, post: Post) -> None:
            raise Crash

        async def find(self, post: Post, since) -> bool:
            raise AssertionError("a fresh run has nothing to look for")

    with pytest.raises(Crash):
        await bot.services.scheduler.run_once(DieBeforeTheRequest())
    await in_step(simcord_env, clock, minutes=3)
    fresh = await bots.restart(simcord_env)
    assert len(await fresh.services.scheduler.run_once(fresh.post_delivery)) == 1
    assert len(history_reads(simcord_env, channel.id)) == 1
    assert len(message_posts(simcord_env, channel.id)) == 1
    assert channel.last_message.embeds[0].title.startswith("Daily prompt · 2026-11-21")


async def test_missing_permission_is_not_retried_and_setup_shows_it(
    simcord_env, clock: ManualClock, caplog
) -> None:
    guild = simcord_env.create_guild()
    bot: StudyBot = simcord_env.bot
    # The bot may see the channel but not send there (a moderator changed the channel's permissions).
    channel = guild.create_text_channel(
        "study", overwrites={bot.user: discord.PermissionOverwrite(send_messages=False)}
    )
    await configure(bot.services, guild.id, channel.id)

    with caplog.at_level("WARNING"):
        for _ in range(5):
            assert await bot.services.scheduler.run_once(bot.post_delivery) == []
            clock.advance(minutes=10)
    assert len(message_posts(simcord_env, channel.id)) == 1  # one try, no retries
    lines = [r for r in caplog.records if "403" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None

    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[admins])
    shown = await mod.slash(channel, "setup")
    assert shown.ephemeral
    text = shown.response.embeds[0].description
    assert text.startswith("Last post failed: 403 Forbidden: the bot may not post in #study")
    assert "daily prompt 2026-11-21" in text


async def test_a_deleted_channel_is_not_retried(simcord_env, clock: ManualClock) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)
    simcord_env.inject_error(
        "POST",
        f"/channels/{channel.id}/messages",
        status=404,
        code=10003,
        message="Unknown Channel",
        times=None,
    )
    for _ in range(4):
        await bot.services.scheduler.run_once(bot.post_delivery)
        clock.advance(minutes=10)
    assert len(message_posts(simcord_env, channel.id)) == 1
    failed = await job_rows.last_failure(bot.services.db, guild.id)
    assert failed is not None and failed.detail.startswith("404 Not Found: #study no longer exists")


async def test_a_server_error_is_retried_later_and_looked_for_first(simcord_env, clock: ManualClock) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)
    simcord_env.inject_error("POST", f"/channels/{channel.id}/messages", status=503, times=1)

    assert await bot.services.scheduler.run_once(bot.post_delivery) == []
    await in_step(simcord_env, clock, minutes=2)
    assert await bot.services.scheduler.run_once(bot.post_delivery) == []  # not yet: retries wait
    await in_step(simcord_env, clock, minutes=4)
    assert len(await bot.services.scheduler.run_once(bot.post_delivery)) == 1
    assert len(message_posts(simcord_env, channel.id)) == 2
    assert len(history_reads(simcord_env, channel.id)) == 1
    row = await job_rows.get_run(bot.services.db, guild.id, "daily", DAY)
    assert row is not None and (row.status, row.failures) == ("done", 1)
