"""The command table is declared once: the slash commands' synced payload and /help's option table
(what the console shows, what /help command:<name> answers) are both generated from it, so they must
say exactly the same thing."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import AppCommandOptionType, app_commands

from bot.commands import BY_NAME, SPECS, Option
from bot.commands.general import command_help, command_names, option_table
from bot.config import Settings
from bot.discord_app import StudyBot, discover_cogs
from bot.discord_render import CUSTOM_ID_TEMPLATE, custom_id, parse_custom_id
from bot.replies import Action

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
BOUNDS = ("min_value", "max_value", "min_length", "max_length")
#: Specs that are slash commands on Discord (the others are message menus there, /name in the console).
SLASH = {name: spec for name, spec in BY_NAME.items() if spec.menu is None}


async def synced(settings: Settings, *, menus: bool = False) -> dict[str, dict[str, Any]]:
    """What `tree.sync()` would send, per qualified name (subcommands unpacked from their group):
    the slash commands, or with `menus` the message context menus."""
    bot = StudyBot(settings, start_jobs=False)
    for extension in discover_cogs():
        await bot.load_extension(extension)
    payload: dict[str, dict[str, Any]] = {}
    for command in bot.tree.get_commands(
        type=discord.AppCommandType.message if menus else discord.AppCommandType.chat_input
    ):
        data = command.to_dict(bot.tree)
        if isinstance(command, app_commands.Group):
            for sub in data["options"]:
                payload[f"{command.name} {sub['name']}"] = {**sub, "group": data}
        else:
            payload[command.name] = data
    return payload


def as_console_help(option: dict[str, Any]) -> dict[str, Any]:
    """A synced option written the way the console's help lists one."""
    shown = {
        "name": option["name"],
        "kind": KIND[AppCommandOptionType(option["type"])],
        "required": option.get("required", False),
        "description": option["description"],
    }
    shown.update({key: option[key] for key in BOUNDS if option.get(key) is not None})
    if option.get("choices"):
        shown["choices"] = [choice["value"] for choice in option["choices"]]
    return shown


async def test_synced_payload_and_console_help_are_the_same_table(settings: Settings) -> None:
    payload = await synced(settings)

    assert sorted(payload) == sorted(SLASH)
    for name, spec in SLASH.items():
        on_discord = sorted((as_console_help(o) for o in payload[name]["options"]), key=lambda o: o["name"])
        in_console = sorted(option_table(spec), key=lambda o: o["name"])
        assert on_discord == in_console, f"/{name} differs"
        assert payload[name]["description"] == spec.description


async def test_help_for_one_command_shows_every_option_with_its_limits(settings: Settings) -> None:
    payload = await synced(settings)
    for name, spec in SLASH.items():
        shown = command_help(spec).text
        for option in payload[name]["options"]:
            assert f"`{option['name']}`" in shown and option["description"] in shown, f"/{name}"
    gd = command_help(BY_NAME["gd"]).text
    assert "`expr` (required)" in gd and "text, 1 to 500 characters" in gd
    assert "`steps` — Most steps to take (1-1000, default 50) · whole number, 1 to 1000" in gd
    assert "one of week, month, all" in command_help(BY_NAME["leaderboard"]).text
    assert command_help(BY_NAME["setup"]).text.startswith("Moderators only.")


def test_help_autocompletes_command_names() -> None:
    assert command_names("cur")[0] == "curriculum export"
    assert command_names("/challenge j") == ["challenge join"]
    assert command_names("") == sorted(BY_NAME)[:25]


async def test_every_text_option_is_bounded_on_discord(settings: Settings) -> None:
    payload = await synced(settings)
    texts = [
        (name, option)
        for name, data in payload.items()
        for option in data["options"]
        if option["type"] == AppCommandOptionType.string.value
    ]
    assert len(texts) >= 20
    for name, option in texts:
        assert option.get("max_length") or option.get("choices"), f"/{name} {option['name']} is unbounded"


async def test_moderator_commands_are_hidden_where_discord_allows_it(settings: Settings) -> None:
    payload = await synced(settings)
    manage_guild = 1 << 5

    assert payload["setup"]["default_member_permissions"] == manage_guild
    assert payload["curriculum start"]["group"]["default_member_permissions"] == manage_guild
    # Members use /challenge show and join: that group stays visible; create, edit and cancel have a
    # group of their own that Discord hides (and the service still checks at run time).
    assert payload["challenge show"]["group"]["default_member_permissions"] is None
    for name in ("create", "edit", "cancel"):
        assert payload[f"challenge-admin {name}"]["group"]["default_member_permissions"] == manage_guild
        assert BY_NAME[f"challenge-admin {name}"].moderator
    assert not [spec for spec in SPECS if spec.group and spec.group.name == "challenge" and spec.moderator]
    assert payload["daily"]["default_member_permissions"] is None


async def test_a_menu_spec_is_a_message_context_menu_on_discord(settings: Settings) -> None:
    menus = await synced(settings, menus=True)
    declared = {spec.menu: spec for spec in SPECS if spec.menu is not None}
    assert sorted(menus) == sorted(declared) == ["Render math"]
    assert menus["Render math"]["type"] == discord.AppCommandType.message.value
    assert "render" in BY_NAME  # the console's /render TEXT


def test_a_menu_needs_a_text_option_first() -> None:
    from bot.commands import Spec

    with pytest.raises(ValueError, match="menu"):
        Spec("nothing", "No options", lambda ctx: None, menu="Do it")
    with pytest.raises(ValueError, match="menu"):
        Spec(
            "long",
            "Too long a name",
            lambda ctx, t: None,
            (Option("t", "text", "x", max_length=5),),
            menu="x" * 33,
        )


def test_a_text_option_without_a_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="max_length"):
        Option("note", "text", "Anything")


def test_the_table_has_no_duplicate_commands() -> None:
    # 32 slash commands of the first redesign, /review, /render (the Render math menu) and /mydata since.
    assert len(BY_NAME) == len(SPECS) == 35
    assert {"review", "render", "mydata"} <= set(BY_NAME)


@pytest.mark.parametrize(
    ("wire", "action"),
    [
        ("studybot:answer:calc-chain-001", Action("answer", "calc-chain-001")),
        ("studybot:solution:gen:linalg-det:2026-11-21", Action("solution", "gen:linalg-det:2026-11-21")),
        ("studybot:join:12", Action("join", "12")),
        ("studybot:lb:month:3", Action("leaderboard", "month", 3)),
    ],
)
def test_buttons_posted_before_keep_their_custom_ids(wire: str, action: Action) -> None:
    assert parse_custom_id(wire) == action
    assert custom_id(action) == wire


@pytest.mark.parametrize(
    "wire",
    ["studybot:lb:year:1", "studybot:join:x", "studybot:answer:", "other:join:1", "studybot:lb:week:1234567"],
)
def test_foreign_or_malformed_custom_ids_are_not_ours(wire: str) -> None:
    import re

    assert parse_custom_id(wire) is None
    assert re.fullmatch(CUSTOM_ID_TEMPLATE, wire) is None


async def test_a_cooldown_in_the_spec_is_the_services_limiter_not_a_discord_check() -> None:
    """Discord and the console refuse through the same MemberLimiter (one count per member)."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from bot.commands.spec import Spec
    from bot.services.context import Actor, ManualClock
    from bot.services.limits import Cooldown, CoolingDown, MemberLimiter
    from cogs.commands import build

    async def call(ctx: object) -> None:
        return None

    limited = Spec("probe", "A probe.", call, cooldown=Cooldown(2, 30.0))
    assert build(limited).checks == []  # no discord.py cooldown next to the limiter's
    clock = ManualClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    limiter = MemberLimiter(clock, {"probe": Cooldown(2, 30.0)})
    services: Any = SimpleNamespace(limits=limiter)
    ada, bob = (Actor(guild_id=1, user_id=n, name=name) for n, name in ((1, "ada"), (2, "bob")))

    for _ in range(2):
        limited.check_limits(services, ada)  # checking counts nothing
        with limiter.heavy(ada.user_id, "probe"):
            pass
    with pytest.raises(CoolingDown):
        limited.check_limits(services, ada)
    limited.check_limits(services, bob)  # per member
    Spec("free", "No cooldown.", call).check_limits(services, ada)
    clock.advance(seconds=30)
    limited.check_limits(services, ada)


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Option("Topic", "integer", "Upper case is not a Discord option name"),
        lambda: Option("topic", "integer", "x" * 101),
        lambda: Option("topic", "colour", "An unknown kind"),  # type: ignore[arg-type]
    ],
)
def test_a_spec_discord_would_refuse_fails_at_import(bad: Any) -> None:
    with pytest.raises(ValueError):
        bad()


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_call_takes_exactly_its_options(name: str) -> None:
    """A call is handed every option by name (left-out ones get their default)."""
    import inspect

    spec = BY_NAME[name]
    inspect.signature(spec.call).bind(object(), **spec.with_defaults({}))


def test_every_cooldown_in_the_table_is_the_one_the_limiter_enforces() -> None:
    """A spec's cooldown only refuses through MemberLimiter: the two tables must name the same."""
    from bot.commands import SPECS
    from bot.services.limits import DEFAULT_COOLDOWNS

    declared = {spec.qualified_name: spec.cooldown for spec in SPECS if spec.cooldown is not None}
    assert declared == dict(DEFAULT_COOLDOWNS)
    assert set(declared) == {"plot", "gd", "losscurve", "tex", "mydata"}
