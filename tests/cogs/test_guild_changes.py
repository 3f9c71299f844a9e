"""When the bot cannot do what it was set up to do (simcord): /setup refuses a channel where the bot
lacks a permission it needs, and removal from a guild, a deleted daily-post channel or a deleted
ping/moderator role stop the schedule for it and clear the setting (members' history is kept)."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.discord_render import missing_permissions
from bot.replies import Post
from bot.storage import guilds as guild_rows


def test_missing_permissions_names_each_one_discord_shows() -> None:
    everything = discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, attach_files=True, read_message_history=True
    )
    assert missing_permissions(everything) == []
    assert missing_permissions(discord.Permissions.none()) == [
        "View Channel",
        "Send Messages",
        "Embed Links",
        "Attach Files",
        "Read Message History",
    ]
    assert missing_permissions(discord.Permissions(view_channel=True, send_messages=True)) == [
        "Embed Links",
        "Attach Files",
        "Read Message History",
    ]


def moderator(guild, env):
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(env.create_user("mod"), roles=[mods])


async def test_setup_refuses_a_channel_the_bot_cannot_post_in(simcord_env) -> None:
    guild = simcord_env.create_guild()
    general = guild.create_text_channel("general")
    bot = simcord_env.bot.user
    no_files = guild.create_text_channel(
        "announcements", overwrites={bot: discord.PermissionOverwrite(embed_links=False, attach_files=False)}
    )
    # Discord's rule, as discord.py applies it: no Send Messages implies no embeds and no files either.
    read_only = guild.create_text_channel(
        "rules", overwrites={bot: discord.PermissionOverwrite(send_messages=False)}
    )
    mod = moderator(guild, simcord_env)

    refused = await mod.slash(general, "setup", channel=no_files, time="08:00")
    muted = await mod.slash(general, "setup", channel=read_only)

    assert refused.ephemeral and muted.ephemeral
    assert "#announcements: I'm missing Embed Links, Attach Files there" in refused.response.content
    assert "#rules: I'm missing Send Messages, Embed Links, Attach Files there" in muted.response.content
    settings = await simcord_env.bot.services.guilds.settings(guild.id)
    assert (settings.channel_id, settings.post_time) == (None, "09:00")  # nothing changed

    accepted = await mod.slash(general, "setup", channel=general)
    fields = {f.name: f.value for f in accepted.response.embeds[0].fields}
    assert fields["Daily post channel"] == "#general"


async def test_a_member_still_hears_only_moderators_first(simcord_env) -> None:
    guild = simcord_env.create_guild()
    general = guild.create_text_channel("general")
    locked = guild.create_text_channel(
        "locked", overwrites={simcord_env.bot.user: discord.PermissionOverwrite(view_channel=False)}
    )
    ada = guild.add_member(simcord_env.create_user("ada"))
    commands = await simcord_env.bot.tree.fetch_commands()
    guild.set_command_permissions(next(c for c in commands if c.name == "setup"), {guild.default_role: True})

    result = await ada.slash(general, "setup", channel=locked)

    assert "Only moderators" in result.response.content


async def _posts(env) -> list[Post]:
    delivered: list[Post] = []

    async def deliver(post: Post) -> None:
        delivered.append(post)

    await env.bot.services.scheduler.run_once(deliver)
    return delivered


async def test_removed_from_a_guild_stops_its_posts_and_keeps_its_history(simcord_env, clock) -> None:
    kept = simcord_env.create_guild(name="kept")
    gone = simcord_env.create_guild(name="gone")
    for guild in (kept, gone):
        channel = guild.create_text_channel("study")
        mod = moderator(guild, simcord_env)
        await mod.slash(channel, "setup", channel=channel, time="09:00")
    services = simcord_env.bot.services

    simcord_env.backend.remove_guild(gone.id)
    await simcord_env.settle()

    row = await guild_rows.get_guild(services.db, gone.id)
    assert row is not None and row.removed_at is not None  # settings and history stay
    assert row.channel_id is not None
    assert await services.db.fetch_value("SELECT COUNT(*) FROM members WHERE guild_id = ?", (gone.id,)) == 1
    assert [p.guild_id for p in await _posts(simcord_env) if p.title.startswith("Daily")] == [kept.id]
    # A re-invite (GUILD_CREATE for a new guild) resumes it with the settings it had.
    await simcord_env.bot.on_guild_join(discord.Object(gone.id))  # type: ignore[arg-type]
    assert (await guild_rows.get_guild(services.db, gone.id)).removed_at is None  # type: ignore[union-attr]


async def test_deleting_the_post_channel_turns_daily_posts_off(simcord_env) -> None:
    guild = simcord_env.create_guild()
    study = guild.create_text_channel("study")
    other = guild.create_text_channel("other")
    mod = moderator(guild, simcord_env)
    await mod.slash(study, "setup", channel=study)

    simcord_env.backend.delete_channel(guild.create_text_channel("spare").id)  # not ours: no change
    await simcord_env.settle()
    assert (await simcord_env.bot.services.guilds.settings(guild.id)).channel_id == study.id

    simcord_env.backend.delete_channel(study.id)
    await simcord_env.settle()

    settings = await simcord_env.bot.services.guilds.settings(guild.id)
    assert (settings.channel_id, settings.channel_name) == (None, None)
    assert await _posts(simcord_env) == []
    shown = await mod.slash(other, "setup")
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    assert fields["Daily post channel"] == "not set (daily posts are off)"


async def test_deleting_the_ping_or_moderator_role_clears_it(simcord_env) -> None:
    guild = simcord_env.create_guild()
    study = guild.create_text_channel("study")
    learners = guild.create_role("learners")
    helpers = guild.create_role("helpers")
    unrelated = guild.create_role("unrelated")
    mod = moderator(guild, simcord_env)
    await mod.slash(study, "setup", channel=study, ping_role=learners, moderator_role=helpers)

    simcord_env.backend.delete_role(guild.id, unrelated.id)
    simcord_env.backend.delete_role(guild.id, learners.id)
    await simcord_env.settle()
    settings = await simcord_env.bot.services.guilds.settings(guild.id)
    assert (settings.ping_role_id, settings.moderator_role_id) == (None, helpers.id)

    simcord_env.backend.delete_role(guild.id, helpers.id)
    await simcord_env.settle()
    settings = await simcord_env.bot.services.guilds.settings(guild.id)
    assert (settings.moderator_role_id, settings.moderator_role_name) == (None, None)
    # The daily post goes out without a ping instead of pinging a role that no longer exists.
    posts = await _posts(simcord_env)
    assert posts and posts[0].mention_role_id is None


async def test_changes_while_offline_are_caught_up_on_ready(simcord_env) -> None:
    services = simcord_env.bot.services
    here = simcord_env.create_guild(name="here")
    channel = here.create_text_channel("study")
    await moderator(here, simcord_env).slash(channel, "setup", channel=channel)
    left_while_offline = 1234 << 22  # configured earlier; Discord no longer lists it
    await guild_rows.ensure_guild(services.db, left_while_offline)
    await guild_rows.update_guild(services.db, left_while_offline, channel_id=99, channel_name="old")
    await guild_rows.mark_removed(services.db, here.id, datetime(2026, 11, 1, tzinfo=UTC))  # re-invited

    await simcord_env.bot.on_ready()

    assert (await guild_rows.get_guild(services.db, left_while_offline)).removed_at is not None  # type: ignore[union-attr]
    assert (await guild_rows.get_guild(services.db, here.id)).removed_at is None  # type: ignore[union-attr]
    assert [p.guild_id for p in await _posts(simcord_env)] == [here.id]


async def test_a_shard_process_reconciles_only_its_own_guilds(simcord_env) -> None:
    from bot.services.job_scope import ShardScope, shard_of

    services = simcord_env.bot.services
    ours, theirs = (10 << 22), (11 << 22)
    assert (shard_of(ours, 2), shard_of(theirs, 2)) == (0, 1)
    for guild_id in (ours, theirs):
        await guild_rows.ensure_guild(services.db, guild_id)
    removed, returned = await services.guilds.reconcile([], ShardScope(2, (0,)).owns, datetime.now(UTC))
    assert (removed, returned) == ([ours], [])
    assert (await guild_rows.get_guild(services.db, theirs)).removed_at is None  # type: ignore[union-attr]
