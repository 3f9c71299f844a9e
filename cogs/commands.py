"""The slash commands, generated from bot/commands' specs.

Each spec becomes a normal `app_commands.Command` whose callback has a generated signature: the
annotations carry the bounds (`Range`), choices (`Literal`) and Discord types, so discord.py's own
parameter code builds the synced payload and validates what Discord sends. The one callback body
below runs every command the same way: convert, check, defer, download, call the service, render.
"""

from __future__ import annotations

import inspect
from typing import Any, Literal, Optional

import discord
from discord import app_commands

from bot.commands import SPECS, Context, Group, Option, Spec
from bot.commands.general import command_names
from bot.discord_app import StudyBot
from bot.discord_render import (
    REQUIRED_THREAD_PERMISSIONS,
    actor_from,
    deliver,
    member_actor,
    missing_permissions,
    private_error,
    respond,
)
from bot.replies import error
from bot.services.context import Upload, oversize_message
from bot.services.errors import UserError
from bot.services.guilds import timezone_suggestions

Interaction = discord.Interaction[StudyBot]

_TYPES: dict[str, Any] = {
    "text": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "channel": discord.TextChannel,
    "role": discord.Role,
    "member": discord.Member,
    "attachment": discord.Attachment,
}


def annotation(option: Option) -> Any:
    """The parameter annotation discord.py turns into this option's payload."""
    kind: Any = _TYPES[option.kind]
    if option.choices:
        kind = Literal[option.choices]
    elif option.kind == "text":
        kind = app_commands.Range[str, option.min_length, option.max_length]
    elif option.kind in ("integer", "number") and (option.min_value, option.max_value) != (None, None):
        cast = int if option.kind == "integer" else float
        low, high = option.min_value, option.max_value
        kind = app_commands.Range[
            kind, None if low is None else cast(low), None if high is None else cast(high)
        ]
    return kind if option.required else Optional[kind]  # noqa: UP045 - a runtime annotation object


async def _topics(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    choices = await interaction.client.services.resources.topic_choices(current)
    return [app_commands.Choice(name=name, value=value) for name, value in choices]


async def _timezones(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in timezone_suggestions(current)]


async def _commands(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=name) for name in command_names(current)]


AUTOCOMPLETE = {"topics": _topics, "timezones": _timezones, "commands": _commands}


def _plain(interaction: Interaction, option: Option, value: Any) -> Any:
    """Discord objects as the service values the console passes too."""
    if value is None:
        return None
    if option.kind == "member":
        return member_actor(interaction, value)
    if option.kind in ("channel", "role"):
        return (value.id, value.name)
    return value


async def _download(file: discord.Attachment) -> Upload:
    try:
        return Upload(file.filename, await file.read())
    except discord.HTTPException:
        raise UserError(f"I couldn't download {file.filename}; please attach it again.") from None


async def run(spec: Spec, interaction: Interaction, given: dict[str, Any]) -> None:
    """Run one command: every cheap check answers privately before any defer or download."""
    values = spec.with_defaults(
        {name: _plain(interaction, option, given.get(name)) for name, option in _options(spec)}
    )
    files = {name: value for name, value in values.items() if isinstance(value, discord.Attachment)}
    try:
        for file in files.values():  # checked from metadata: nothing is downloaded yet
            too_big = oversize_message(file.filename, file.size)
            if too_big:
                raise UserError(too_big)
        if spec.precheck is not None:
            spec.precheck(values)
        spec.check_limits(interaction.client.services, actor_from(interaction))  # busy / cooling down
    except UserError as exc:
        await respond(interaction, error(str(exc)))
        return
    values.update(await _bot_permissions(spec, interaction, given))
    private = spec.defer.is_private(values) if spec.defer else True
    if spec.defer:
        await interaction.response.defer(ephemeral=private, thinking=True)
    try:
        for name, file in files.items():
            values[name] = await _download(file)
        result = await spec.call(Context(interaction.client.services, actor_from(interaction)), **values)
    except UserError as exc:
        await private_error(interaction, str(exc))  # never public, even after a public defer
        return
    await deliver(interaction, result)


async def _bot_permissions(
    spec: Spec, interaction: Interaction, given: dict[str, Any]
) -> dict[str, list[str]]:
    """For each channel the bot will post (or open threads) in, what it lacks there (the bot's own
    permissions: the member's are in the interaction, not ours)."""
    missing: dict[str, list[str]] = {}
    for name, option in _options(spec):
        channel = given.get(name)
        if option.bot_posts_here and isinstance(channel, discord.abc.GuildChannel):
            me = channel.guild.me
            missing[f"{name}_missing"] = missing_permissions(channel.permissions_for(me)) if me else []
        if option.bot_threads_in is not None:
            where = given.get(option.bot_threads_in)
            if where is None and interaction.guild is not None:  # the guild's current post channel
                settings = await interaction.client.services.guilds.settings(interaction.guild.id)
                where = interaction.guild.get_channel(settings.channel_id) if settings.channel_id else None
            if isinstance(where, discord.abc.GuildChannel) and where.guild.me is not None:
                permissions = where.permissions_for(where.guild.me)
                missing[f"{name}_missing"] = missing_permissions(permissions, REQUIRED_THREAD_PERMISSIONS)
    return missing


def _options(spec: Spec) -> list[tuple[str, Option]]:
    return [(option.name, option) for option in spec.options]


def build(spec: Spec) -> app_commands.Command[Any, ..., None]:
    """One spec as a slash command, its parameters declared by a generated signature."""

    async def callback(interaction: Interaction, **given: Any) -> None:
        await run(spec, interaction, given)

    ordered = sorted(spec.options, key=lambda option: not option.required)  # Python: required first
    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Interaction)]
        + [
            inspect.Parameter(
                option.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=annotation(option),
                **({} if option.required else {"default": None}),
            )
            for option in ordered
        ]
    )
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        option.name: option.description for option in spec.options
    }
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.name, description=spec.description, callback=callback
    )
    for option in spec.options:
        if option.autocomplete:
            command.autocomplete(option.name)(AUTOCOMPLETE[option.autocomplete])
    if spec.group is None:
        if spec.guild_only:
            app_commands.guild_only()(command)
        if spec.moderator:
            app_commands.default_permissions(manage_guild=True)(command)
    # spec.cooldown is counted by the services' MemberLimiter in run(), not by a discord.py check:
    # the console goes through the same limiter, so a member cannot switch adapters to get around it.
    return command


def build_menu(spec: Spec) -> app_commands.ContextMenu:
    """A spec with `menu` as a message action: the message's text is its first option."""
    assert spec.menu is not None
    first = spec.options[0].name

    async def callback(interaction: Interaction, message: discord.Message) -> None:
        await run(spec, interaction, {first: message.content})

    menu = app_commands.ContextMenu(name=spec.menu, callback=callback)
    if spec.guild_only:
        app_commands.guild_only()(menu)
    return menu


def _group(group: Group) -> app_commands.Group:
    return app_commands.Group(
        name=group.name,
        description=group.description,
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True) if group.moderator else None,
    )


def tree_commands() -> list[
    app_commands.Command[Any, ..., None] | app_commands.Group | app_commands.ContextMenu
]:
    """Every spec as a top-level command, inside its group, or as a message menu, in table order."""
    built: list[app_commands.Command[Any, ..., None] | app_commands.Group | app_commands.ContextMenu] = []
    groups: dict[str, app_commands.Group] = {}
    for spec in SPECS:
        if spec.menu is not None:
            built.append(build_menu(spec))
            continue
        if spec.group is None:
            built.append(build(spec))
            continue
        if spec.group.name not in groups:
            groups[spec.group.name] = _group(spec.group)
            built.append(groups[spec.group.name])
        groups[spec.group.name].add_command(build(spec))
    return built


async def setup(bot: StudyBot) -> None:
    for command in tree_commands():
        bot.tree.add_command(command)
