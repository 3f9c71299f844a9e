"""Discussion threads on the daily post (issue 16), through discord.py against simcord: opened on
the post, closed with the solution (a spoiler) and the solve count when the next prompt posts,
exactly once across crashes and restarts, refused at /setup without the thread permissions."""

from __future__ import annotations

import discord
import pytest

from bot.discord_app import StudyBot
from bot.replies import Post
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.storage import jobs as job_rows
from tests.cogs.test_scheduled_posts import Crash, in_step, message_posts
from tests.helpers import Bots, answer_for

DAY1, DAY2 = "2026-11-21", "2026-11-22"


def thread_creations(env, channel_id: int) -> list:
    return [
        r
        for r in env.http_requests
        if r.method == "POST"
        and r.path.startswith(f"/channels/{channel_id}/messages/")
        and r.path.endswith("/threads")
    ]


async def configure(services: Services, guild_id: int, channel_id: int) -> None:
    mod = Actor(guild_id, 1, "mod", manage_guild=True)
    await services.guilds.setup(mod, channel=(channel_id, "study"), threads=True)


async def state(bot: StudyBot, thread) -> tuple[bool, bool]:
    """(archived, locked) as Discord tells the bot (an archived thread leaves discord.py's cache)."""
    seen = await bot.fetch_channel(thread.id)
    assert isinstance(seen, discord.Thread)
    return seen.archived, seen.locked


def only_thread(channel):
    (thread,) = channel.threads
    return thread


async def solve_today(services: Services, guild_id: int, user_id: int, name: str) -> None:
    member = Actor(guild_id, user_id, name)
    today = await services.daily.today(member)
    await services.answers.answer(member, answer_for(today.prompt.id))


async def test_a_thread_opens_on_the_post_and_closes_with_the_solution_next_day(
    simcord_env, clock: ManualClock
) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)

    sent = await bot.services.scheduler.run_once(bot.post_delivery)
    assert [post.extra.get("thread", "daily") for post in sent] == ["daily", "open"]
    thread = only_thread(channel)
    (daily_post,) = [m for m in channel.history() if m.embeds and "ref daily/" in m.embeds[0].footer.text]
    assert thread.id == daily_post.id  # started from the daily post
    assert thread.name == f"Discuss · {DAY1}"
    (welcome,) = thread.history()
    assert "||like this||" in welcome.embeds[0].description

    await solve_today(bot.services, guild.id, 11, "ada")
    await solve_today(bot.services, guild.id, 12, "bo")
    await in_step(simcord_env, clock, minutes=10)
    assert await bot.services.scheduler.run_once(bot.post_delivery) == []  # nothing twice the same day
    assert len(thread_creations(simcord_env, channel.id)) == 1

    await in_step(simcord_env, clock, days=1)
    sent = await bot.services.scheduler.run_once(bot.post_delivery)
    assert [post.extra.get("thread", "daily") for post in sent] == ["daily", "close", "open"]
    assert len(channel.threads) == 2
    old = next(t for t in channel.threads if t.name == f"Discuss · {DAY1}")
    welcome, solution = old.history()
    embed = solution.embeds[0]
    assert embed.title == f"Solution · {DAY1}"
    assert embed.description.startswith("||") and "Answer: ||" in embed.description
    assert "2 members solved it." in embed.description
    assert [a.filename for a in solution.attachments] == ["SPOILER_solution.png"]
    assert not embed.image.url  # a spoiler image is a plain file, not shown in the embed
    assert await state(bot, old) == (True, False)  # archived, not locked: see bot/services/threads.py
    new = next(t for t in channel.threads if t.name == f"Discuss · {DAY2}")
    assert len(new.history()) == 1


async def test_no_duplicates_after_a_crash_between_the_steps(
    simcord_env, clock: ManualClock, bots: Bots
) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)

    class DieAfterThread:
        """Killed after Discord created the thread and took its first message, before "done"."""

        async def send(self, post: Post) -> None:
            await bot.post_delivery.send(post)
            if post.extra.get("thread"):
                raise Crash

        async def find(self, post: Post, since) -> bool:
            return await bot.post_delivery.find(post, since)

    with pytest.raises(Crash):
        await bot.services.scheduler.run_once(DieAfterThread())
    await in_step(simcord_env, clock, minutes=3)  # the dead process's lease ran out
    fresh = await bots.restart(simcord_env)
    assert await fresh.services.scheduler.run_once(fresh.post_delivery) == []
    thread = only_thread(channel)
    assert len(thread.history()) == 1 and len(thread_creations(simcord_env, channel.id)) == 1
    row = await job_rows.get_run(fresh.services.db, guild.id, "thread-open", DAY1)
    assert row is not None and (row.status, row.detail) == ("done", "found in the channel")

    # The next day the same crash hits the close: the solution went in, the archive did not happen.
    class DieBeforeArchive:
        async def send(self, post: Post) -> None:
            if post.extra.get("thread") == "close":
                # what send does up to the archive: the solution reaches the thread
                from bot.discord_render import send_post

                await send_post(simcord_env.bot.get_channel(thread.id), post)
                raise Crash
            await fresh.post_delivery.send(post)

        async def find(self, post: Post, since) -> bool:
            return await fresh.post_delivery.find(post, since)

    await in_step(simcord_env, clock, days=1)
    with pytest.raises(Crash):
        await fresh.services.scheduler.run_once(DieBeforeArchive())
    assert len(thread.history()) == 2 and await state(fresh, thread) == (False, False)
    await in_step(simcord_env, clock, minutes=3)
    third = await bots.restart(simcord_env)
    await third.services.scheduler.run_once(third.post_delivery)
    assert len(thread.history()) == 2  # the solution was found, not posted again
    assert await state(third, thread) == (True, False)  # and the archiving it missed was done
    assert len(thread_creations(simcord_env, channel.id)) == 2  # yesterday's and today's
    assert len(message_posts(simcord_env, channel.id)) == 2  # one daily post per day


async def test_a_deleted_thread_is_a_permanent_failure(simcord_env, clock: ManualClock) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)
    await bot.services.scheduler.run_once(bot.post_delivery)
    thread = only_thread(channel)
    await bot.get_channel(thread.id).delete()

    await in_step(simcord_env, clock, days=1)
    for _ in range(3):
        await bot.services.scheduler.run_once(bot.post_delivery)
        await in_step(simcord_env, clock, minutes=10)
    row = await job_rows.get_run(bot.services.db, guild.id, "thread-close", DAY1)
    assert row is not None and row.status == "failed" and "deleted" in (row.detail or "")
    assert row.failures == 0  # not retried


async def test_a_403_in_the_thread_is_not_retried_and_setup_shows_it(
    simcord_env, clock: ManualClock, caplog
) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)
    await bot.services.scheduler.run_once(bot.post_delivery)
    thread = only_thread(channel)
    simcord_env.inject_error("POST", f"/channels/{thread.id}/messages", status=403, code=50013, times=None)

    await in_step(simcord_env, clock, days=1)
    with caplog.at_level("WARNING"):
        for _ in range(3):
            await bot.services.scheduler.run_once(bot.post_delivery)
            await in_step(simcord_env, clock, minutes=10)
    tries = [
        r
        for r in simcord_env.http_requests
        if r.method == "POST" and r.path == f"/channels/{thread.id}/messages"
    ]
    assert len(tries) == 2  # the welcome, and one try of the solution
    failed = await job_rows.last_failure(bot.services.db, guild.id)
    assert failed is not None and failed.kind == "thread-close"
    assert failed.detail.startswith("403 Forbidden")

    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[admins])
    shown = await mod.slash(channel, "setup")
    assert "thread solution 2026-11-21" in shown.response.embeds[0].description


async def test_setup_refuses_threads_without_the_permission_and_shows_the_setting(simcord_env) -> None:
    guild = simcord_env.create_guild()
    bot: StudyBot = simcord_env.bot
    channel = guild.create_text_channel(
        "study", overwrites={bot.user: discord.PermissionOverwrite(create_public_threads=False)}
    )
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])
    await mod.slash(channel, "setup", channel=channel)

    refused = await mod.slash(channel, "setup", threads=True)
    assert refused.ephemeral
    text = refused.response.content
    assert "Create Public Threads" in text and "Nothing was changed" in text
    settings = await bot.services.guilds.settings(guild.id)
    assert not settings.threads

    shown = await mod.slash(channel, "setup")
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    assert fields["Discussion threads"] == "off"

    other = guild.create_text_channel("talk")
    saved = await mod.slash(other, "setup", channel=other, threads=True)
    fields = {f.name: f.value for f in saved.response.embeds[0].fields}
    assert fields["Discussion threads"].startswith("on")


async def test_moving_the_post_channel_with_threads_on_checks_the_new_channel(simcord_env) -> None:
    guild = simcord_env.create_guild()
    bot: StudyBot = simcord_env.bot
    study = guild.create_text_channel("study")
    quiet = guild.create_text_channel(
        "quiet", overwrites={bot.user: discord.PermissionOverwrite(send_messages_in_threads=False)}
    )
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])
    assert not (await mod.slash(study, "setup", channel=study, threads=True)).response.content

    refused = await mod.slash(study, "setup", channel=quiet)
    assert "Send Messages in Threads" in refused.response.content and "#quiet" in refused.response.content
    assert (await bot.services.guilds.settings(guild.id)).channel_name == "study"
    # turning threads off in the same command moves the channel without the thread permissions
    moved = await mod.slash(study, "setup", channel=quiet, threads=False)
    fields = {f.name: f.value for f in moved.response.embeds[0].fields}
    assert fields["Daily post channel"] == "#quiet" and fields["Discussion threads"] == "off"


async def test_a_thread_discord_archived_after_a_quiet_day_still_gets_its_solution(
    simcord_env, clock: ManualClock
) -> None:
    await in_step(simcord_env, clock)
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    bot: StudyBot = simcord_env.bot
    await configure(bot.services, guild.id, channel.id)
    await bot.services.scheduler.run_once(bot.post_delivery)
    thread = only_thread(channel)
    seen = await bot.fetch_channel(thread.id)
    assert isinstance(seen, discord.Thread)
    await seen.edit(archived=True)  # what Discord does to a thread quiet for its auto-archive time

    await in_step(simcord_env, clock, days=1)
    sent = await bot.services.scheduler.run_once(bot.post_delivery)
    assert [post.extra.get("thread", "daily") for post in sent] == ["daily", "close", "open"]
    assert len(thread.history()) == 2
    assert await state(bot, thread) == (True, False)
