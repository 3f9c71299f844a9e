"""/plot, /gd, /losscurve and /tex through discord.py's real command tree (simcord).

Pictures are public: the command defers, then follows up with the PNG shown inside the embed.
Mistakes are private: bad options are refused at once (no defer); a mistake found while drawing
replaces the public placeholder with a message only the member sees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest

from bot.config import Settings
from bot.discord_app import StudyBot
from bot.plots.models import MAX_UPLOAD_BYTES
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.services.limits import Cooldown
from bot.workers import WorkerPool
from tests.plots.helpers import check_picture


@pytest.fixture
def pool(shared_workers: WorkerPool) -> WorkerPool:
    return shared_workers


@pytest.fixture
async def simcord_bot(settings: Settings, clock: ManualClock, pool: WorkerPool) -> AsyncIterator[StudyBot]:
    services = await Services.open(settings, clock=clock, workers=pool)
    yield StudyBot(settings, services=services, clock=clock, start_jobs=False)


@pytest.fixture
def room(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    ada = guild.add_member(simcord_env.create_user("ada"))
    return channel, ada


def deferred_first(simcord_env) -> bool:
    """Did the bot acknowledge the latest interaction with a type-5 'thinking…' response?"""
    callbacks = [
        payload
        for kind, name, payload in simcord_env.backend.transcript
        if "callback" in str(name).lower() and isinstance(payload, dict)
    ]
    return bool(callbacks) and callbacks[-1].get("type") == 5


async def png_of(message) -> bytes:
    (attachment,) = message.attachments
    assert attachment.filename.endswith(".png")
    (embed,) = message.embeds
    assert attachment.filename in (embed.image.url or "")  # shown inside the embed
    return await attachment.read()


async def test_plot_defers_then_posts_the_png_publicly(simcord_env, room) -> None:
    channel, ada = room

    result = await ada.slash(channel, "plot", expr="sin(x); x^2/10", x_min=-5.0, x_max=5.0, derivative=True)

    assert deferred_first(simcord_env)
    assert not result.ephemeral
    message = result.response
    check_picture(await png_of(message))
    assert "f'(x) = cos(x)" in message.embeds[0].description


async def test_bad_expression_is_told_privately_and_leaves_nothing_public(simcord_env, room) -> None:
    channel, ada = room

    result = await ada.slash(channel, "plot", expr="x^^2")

    assert result.response is None  # the public placeholder is gone
    (private,) = result.followups
    assert private.ephemeral
    assert "expect" in private.content and "^" in private.content


async def test_bad_option_is_refused_at_once_without_deferring(simcord_env, room) -> None:
    channel, ada = room

    result = await ada.slash(channel, "gd", expr="x^2", lr=-0.5, start="1")

    assert not deferred_first(simcord_env)
    assert result.ephemeral
    assert "lr must be a positive number" in result.response.content


async def test_losscurve_attachment_is_drawn_and_diagnosed(simcord_env, room) -> None:
    channel, ada = room
    csv = "Wall time,Step,Value\n" + "".join(
        f"{1700000000 + i},{i * 10},{3.0 / (1 + i / 20) + 0.01 * (i % 3)}\n" for i in range(200)
    )

    result = await ada.slash(channel, "losscurve", file=("scalars.csv", csv.encode()), smoothing=0.8)

    assert deferred_first(simcord_env)
    message = result.response
    check_picture(await png_of(message))
    embed = message.embeds[0]
    assert embed.title == "Loss curve: healthy"
    assert "200 points" in embed.description
    assert embed.fields[0].name == "Read more" and "https://" in embed.fields[0].value


async def test_oversize_attachment_is_refused_before_download(simcord_env, room, monkeypatch) -> None:
    channel, ada = room
    downloads: list[str] = []
    original_read = discord.Attachment.read

    async def spy(self, *args, **kwargs):
        downloads.append(self.filename)
        return await original_read(self, *args, **kwargs)

    monkeypatch.setattr(discord.Attachment, "read", spy)

    result = await ada.slash(channel, "losscurve", file=("huge.csv", b"0.5\n" * (MAX_UPLOAD_BYTES // 4 + 1)))

    assert downloads == []
    assert not deferred_first(simcord_env)
    assert result.ephemeral
    assert "huge.csv is 5,242,884 bytes; the limit is 5 MB (5,242,880 bytes)" in result.response.content


async def test_malformed_file_message_names_the_line(simcord_env, room) -> None:
    channel, ada = room

    result = await ada.slash(
        channel, "losscurve", file=("metrics.csv", b"epoch,loss,val_loss\n0,1.2,1.3\n1,1.0,oops\n")
    )

    assert result.response is None
    (private,) = result.followups
    assert private.ephemeral
    assert "line 3: expected a number in column 'val_loss', got 'oops'" in private.content


async def test_losscurve_needs_exactly_one_source(simcord_env, room) -> None:
    channel, ada = room

    neither = await ada.slash(channel, "losscurve")
    both = await ada.slash(channel, "losscurve", file=("a.txt", b"1 2 3"), values="1 2 3")

    for result in (neither, both):
        assert result.ephemeral
        assert "exactly one of file" in result.response.content


async def test_tex_posts_the_formula_and_gd_its_verdict(simcord_env, room) -> None:
    channel, ada = room

    tex = await ada.slash(channel, "tex", latex=r"\sum_{i=1}^n (y_i - \hat{y}_i)^2")
    gd = await ada.slash(channel, "gd", expr="x^2", lr=0.1, start="3", steps=200)

    assert len(await png_of(tex.response)) > 1000
    assert not gd.ephemeral
    await png_of(gd.response)
    assert gd.response.embeds[0].description.startswith("converged to x ≈ 0")


async def test_cooldown_refuses_at_once_with_the_retry_time_then_lets_through(
    simcord_env, room, simcord_bot: StudyBot, clock: ManualClock
) -> None:
    channel, ada = room
    bob = channel.guild.add_member(simcord_env.create_user("bob"))
    simcord_bot.services.limits.cooldowns["tex"] = Cooldown(1, 30)

    first = await ada.slash(channel, "tex", latex="x^2")
    clock.advance(seconds=12)
    second = await ada.slash(channel, "tex", latex="x^3")
    refused_at_once = not deferred_first(simcord_env)
    others = await bob.slash(channel, "tex", latex="x^3")  # a cooldown is per member

    assert await png_of(first.response)
    assert refused_at_once
    assert second.ephemeral
    assert second.response.content.endswith("/tex can be used once per 30 s: try again in 18 s.")
    assert await png_of(others.response)
    clock.advance(seconds=18)
    third = await ada.slash(channel, "tex", latex="x^3")
    assert await png_of(third.response)


async def test_a_second_picture_while_the_first_is_drawing_is_refused(
    simcord_env, room, simcord_bot: StudyBot
) -> None:
    channel, ada = room
    with simcord_bot.services.limits.heavy(ada.id):  # ada's last picture still in the worker
        result = await ada.slash(channel, "plot", expr="x^2")
    assert not deferred_first(simcord_env)
    assert result.ephemeral
    assert "Still working on your last one" in result.response.content
