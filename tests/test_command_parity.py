"""Discord's slash commands and the console's commands must be the same table."""

from __future__ import annotations

from discord import AppCommandOptionType, app_commands

from bot.config import Settings
from bot.console.registry import describe, load_commands
from bot.discord_app import StudyBot, discover_cogs

KIND = {
    AppCommandOptionType.string: "text",
    AppCommandOptionType.integer: "integer",
    AppCommandOptionType.number: "number",
    AppCommandOptionType.boolean: "boolean",
    AppCommandOptionType.channel: "channel",
    AppCommandOptionType.role: "role",
    AppCommandOptionType.user: "member",
    AppCommandOptionType.attachment: "attachment",
}


async def discord_table(settings: Settings) -> dict[str, list[tuple[str, bool, str]]]:
    bot = StudyBot(settings, start_jobs=False)
    for extension in discover_cogs():
        await bot.load_extension(extension)
    return {
        command.qualified_name: sorted((p.name, p.required, KIND[p.type]) for p in command.parameters)
        for command in bot.tree.walk_commands()
        if isinstance(command, app_commands.Command)
    }


async def test_console_and_discord_have_the_same_commands_and_options(settings: Settings) -> None:
    on_discord = await discord_table(settings)
    in_console = describe(load_commands())

    assert sorted(on_discord) == sorted(in_console)
    for name in on_discord:
        assert on_discord[name] == in_console[name], f"/{name} differs"


def test_describe_lists_required_flags() -> None:
    table = describe(load_commands())
    assert ("time", False, "text") in table["setup"]
