from __future__ import annotations

import discord


async def test_help_lists_commands_ephemerally(simcord_env):
    channel = simcord_env.create_guild().create_text_channel("general")
    ada = simcord_env.guild.add_member(simcord_env.create_user("ada"))

    result = await ada.slash(channel, "help")

    assert result.ephemeral
    text = result.response.embeds[0].description
    assert "/setup" in text and "/help" in text

    guide = await ada.slash(channel, "help", topic="answers")

    assert guide.ephemeral
    assert guide.response.embeds[0].title == "How to write answers"
    assert "x = 7 + 5 = 12" in guide.response.embeds[0].description


async def _allow_for_everyone(simcord_env, guild, name):
    """What an admin does in Server Settings → Integrations: open a command to @everyone."""
    commands = await simcord_env.bot.tree.fetch_commands()
    command = next(c for c in commands if c.name == name)
    guild.set_command_permissions(command, {guild.default_role: True})


async def test_setup_hidden_from_members_by_default(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    ada = guild.add_member(simcord_env.create_user("ada"))

    assert "setup" not in ada.available_commands(channel)


async def test_setup_refused_to_member_even_when_admin_opened_it(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    ada = guild.add_member(simcord_env.create_user("ada"))
    await _allow_for_everyone(simcord_env, guild, "setup")

    result = await ada.slash(channel, "setup", time="07:30")

    assert result.ephemeral
    assert "Only moderators" in result.response.content
    settings = await simcord_env.bot.services.guilds.settings(guild.id)
    assert settings.post_time == "09:00"  # unchanged


async def test_moderator_role_counts_as_moderator(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    helpers = guild.create_role("Study helpers")
    admin = guild.add_member(simcord_env.create_user("admin"), roles=[admins])
    helper = guild.add_member(simcord_env.create_user("helper"), roles=[helpers])
    await _allow_for_everyone(simcord_env, guild, "setup")

    refused = await helper.slash(channel, "setup", time="08:00")
    assert "Only moderators" in refused.response.content

    await admin.slash(channel, "setup", moderator_role=helpers)
    accepted = await helper.slash(channel, "setup", time="08:00")

    fields = {f.name: f.value for f in accepted.response.embeds[0].fields}
    assert fields["Post time"] == "08:00 UTC"
    assert fields["Moderator role"] == "@Study helpers"


async def test_setup_rejects_bad_time_and_timezone_without_changes(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("admin"), roles=[admins])

    bad_time = await admin.slash(channel, "setup", time="25:00", timezone="Europe/Berlin")
    bad_zone = await admin.slash(channel, "setup", timezone="Mars/Olympus")

    assert "HH:MM" in bad_time.response.content
    assert "not an IANA time zone" in bad_zone.response.content
    settings = await simcord_env.bot.services.guilds.settings(guild.id)
    assert (settings.post_time, settings.timezone) == ("09:00", "UTC")


async def test_timezone_autocomplete(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("admin"), roles=[admins])

    choices = await admin.autocomplete(channel, "setup", "timezone", "berl")

    assert choices[0]["value"] == "Europe/Berlin"


async def test_unexpected_error_goes_through_global_handler(simcord_env, monkeypatch, caplog):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(simcord_env.create_user("admin"), roles=[admins])

    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(simcord_env.bot.services.guilds, "setup", broken)
    result = await admin.slash(channel, "setup", time="07:00")

    assert result.ephemeral
    assert "Something went wrong on our side" in result.response.content
    assert "database on fire" not in result.response.content
    assert any("database on fire" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert any("database on fire" in str(getattr(e, "original", e)) for e in simcord_env.errors)


async def test_setup_by_moderator_saves(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])

    result = await mod.slash(channel, "setup", channel=channel, time="7:30", timezone="Europe/Berlin")

    assert result.ephemeral
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert fields["Daily post channel"] == "#study"
    assert fields["Post time"] == "07:30 Europe/Berlin"


async def test_help_for_one_command_is_private_and_autocompletes(simcord_env):
    channel = simcord_env.create_guild().create_text_channel("general")
    ada = simcord_env.guild.add_member(simcord_env.create_user("ada"))

    result = await ada.slash(channel, "help", command="plot")

    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "/plot"
    assert "`x_min` — Left end of the x range (default: chosen for you) · number" in embed.description

    choices = await ada.autocomplete(channel, "help", "command", "curr")
    assert [c["value"] for c in choices][:2] == ["curriculum export", "curriculum import"]
    assert all(c["value"].startswith("curriculum") for c in choices)


def test_simcord_gives_a_loaded_machine_time_to_settle(simcord_env):
    from tests.cogs.conftest import SETTLE_TIMEOUT

    assert simcord_env.settle_timeout == SETTLE_TIMEOUT
