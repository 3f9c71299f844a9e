""" "Render math" (right-click a message -> Apps -> Render math) through discord.py's real tree
(simcord): the message's formulas drawn with /tex's renderer, shown only to the one who asked."""

from __future__ import annotations

import pytest

from bot.commands import BY_NAME
from bot.discord_app import StudyBot
from bot.services.errors import UserError
from bot.services.pictures import MAX_RENDER_CHARS
from tests.cogs.test_pictures import deferred_first


def room(env):
    guild = env.create_guild()
    channel = guild.create_text_channel("study")
    ada = guild.add_member(env.create_user("ada"))
    bo = guild.add_member(env.create_user("bo"))
    return channel, ada, bo


async def test_render_math_is_a_message_menu_not_a_slash_command(simcord_env) -> None:
    bot: StudyBot = simcord_env.bot
    names = {command.name for command in bot.tree.get_commands()}
    assert "Render math" in names and "render" not in names
    (menu,) = [c for c in bot.tree.get_commands() if c.name == "Render math"]
    assert menu.type.name == "message"


async def test_render_math_shows_the_image_to_the_asker_only(simcord_env) -> None:
    channel, ada, bo = room(simcord_env)
    message = await bo.send(
        channel,
        r"so the gradient is $\frac{\partial L}{\partial w} = x(y - \hat{y})$ right? and \[ \sum_i x_i^2 \]",
    )

    shown = await ada.context_menu(channel, "Render math", message)

    assert shown.ephemeral and deferred_first(simcord_env)
    (attachment,) = shown.response.attachments
    assert attachment.filename == "maths.png"
    png = await attachment.read()
    assert png.startswith(b"\x89PNG")
    embed = shown.response.embeds[0]
    assert "∂L" in embed.description  # the Unicode reading, for screen readers and quick reading
    assert channel.history()[-1].id == message.id  # nothing posted in the channel


async def test_a_message_without_maths_gets_a_clear_private_message(simcord_env) -> None:
    channel, ada, bo = room(simcord_env)
    for text in ("see you at 5, bring $5 and $10", "plain words"):
        message = await bo.send(channel, text)
        shown = await ada.context_menu(channel, "Render math", message)
        assert shown.ephemeral and not deferred_first(simcord_env)  # refused before any defer
        assert "no maths to draw" in shown.response.content
        assert not shown.response.attachments


def test_a_message_too_long_to_draw_is_refused_before_any_work() -> None:
    # Nitro members may send 4,000 characters (simcord keeps to 2,000): the renderer's bound is
    # checked by the spec's precheck, before any defer, with the limit said plainly.
    spec = BY_NAME["render"]
    assert spec.precheck is not None
    with pytest.raises(UserError, match=f"at most {MAX_RENDER_CHARS}"):
        spec.precheck({"text": "$x^2$ " + "a" * MAX_RENDER_CHARS})
    spec.precheck({"text": "$x^2$"})  # fine


async def test_render_math_takes_the_members_one_in_flight_slot(simcord_env) -> None:
    channel, ada, bo = room(simcord_env)
    message = await bo.send(channel, r"$\sigma(x) = \frac{1}{1 + e^{-x}}$")
    limits = simcord_env.bot.services.limits
    with limits.heavy(ada.id):  # a check or picture of ada's still being worked on
        busy = await ada.context_menu(channel, "Render math", message)
        other = await bo.context_menu(channel, "Render math", message)  # others are not held up
    assert busy.ephemeral and "Still working on your last one" in busy.response.content
    assert not busy.response.attachments
    assert [a.filename for a in other.response.attachments] == ["maths.png"]
    again = await ada.context_menu(channel, "Render math", message)  # the slot is free again
    assert [a.filename for a in again.response.attachments] == ["maths.png"]
