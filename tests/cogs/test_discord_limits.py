"""Discord's message limits, enforced in one place (bot/discord_render.py): every reply, however long,
becomes messages Discord accepts, split into pages or cut with "…"; curriculum input is bounded.

The worst cases are real replies: the longest worked solution, a 52-week curriculum with the longest
names allowed, the results and leaderboard of a challenge with 500 members; then simcord (which
refuses what Discord refuses) takes a scheduled post that needs several messages."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.content import load_content
from bot.discord_render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    FILES_LIMIT,
    FOOTER_LIMIT,
    MAX_PAGES,
    TITLE_LIMIT,
    cut,
    message_pages,
    message_parts,
    split_text,
)
from bot.replies import Action, Attachment, Button, Field, Post, Reply, md
from bot.services.app import Services
from bot.services.context import Actor, ManualClock, Upload
from bot.services.errors import UserError
from bot.storage import challenges as challenge_rows

GUILD = 42
MOD = Actor(GUILD, 1, "mod", manage_guild=True)


def assert_fits(page: dict[str, Any]) -> None:
    """One message as Discord checks it."""
    assert set(page) <= {"content", "embed", "files", "view", "nonce"}
    assert page.get("content") or page.get("embed") or page.get("files")
    assert len(page.get("content") or "") <= CONTENT_LIMIT
    assert len(page.get("files", [])) <= FILES_LIMIT
    embed: discord.Embed | None = page.get("embed")
    if embed is not None:
        assert len(embed.title or "") <= TITLE_LIMIT
        assert len(embed.description or "") <= DESCRIPTION_LIMIT
        assert len(embed.fields) <= FIELDS_LIMIT
        for field in embed.fields:
            assert 0 < len(field.name or "") <= FIELD_NAME_LIMIT
            assert 0 < len(field.value or "") <= FIELD_VALUE_LIMIT
        assert len(embed.footer.text or "") <= FOOTER_LIMIT
        assert len(embed) <= EMBED_TOTAL_LIMIT
        embed.to_dict()  # builds
    if "view" in page:
        assert len(page["view"].children) <= 25


def pages_of(reply: Reply, **options: Any) -> list[dict[str, Any]]:
    pages = message_pages(reply, **options)
    assert 1 <= len(pages) <= MAX_PAGES
    for page in pages:
        assert_fits(page)
    assert sum("view" in page for page in pages) == (1 if reply.buttons else 0)
    if reply.buttons:
        assert "view" in pages[-1]  # the buttons sit under the last page
    assert_fits(message_parts(reply))
    return pages


def words(n: int) -> str:
    return "\n".join(f"line {i}: " + "word " * 12 for i in range(n))


def test_cut_and_split() -> None:
    assert cut("abc", 3) == "abc"
    assert cut("abcdef", 4) == "abc…" and len(cut("x" * 300, 256)) == 256
    text = words(400)
    chunks = split_text(text, 2000)
    assert all(len(c) <= 2000 for c in chunks) and len(chunks) > 1
    assert [w for c in chunks for w in c.split()] == text.split()  # nothing lost, nothing added
    assert all(len(c) <= 100 for c in split_text("x" * 1000, 100))  # no break point: hard cut


def test_long_plain_text_becomes_pages_with_nothing_lost() -> None:
    text = words(100)  # ~7,000 characters: four messages
    pages = pages_of(Reply(text=text, footer="the end"))
    assert len(pages) > 1
    joined = " ".join(p["content"] for p in pages)
    assert joined.split()[: len(text.split())] == text.split()
    assert pages[-1]["content"].endswith("-# the end")


def test_embed_limits_every_one() -> None:
    reply = Reply(
        title="T" * 300,
        text=words(60),  # ~ 4,300 characters: two descriptions
        fields=tuple(Field("N" * 300, "V" * 2000) for _ in range(12))
        + tuple(Field("n", "v") for _ in range(40)),
        footer="F" * 3000,
        attachments=tuple(Attachment(f"{i}.png", b"png") for i in range(23)),
        image="0.png",
        buttons=tuple(Button(f"b{i}", Action("answer", f"p{i}")) for i in range(30)),
        url="https://example.org",
    )
    pages = pages_of(reply)
    first = pages[0]["embed"]
    assert first.title == "T" * 255 + "…"
    assert first.image.url == "attachment://0.png"
    assert [len(p.get("files", [])) for p in pages][:3] == [10, 10, 3]
    assert pages[-1]["embed"].footer.text.endswith("…")
    assert all(p["embed"].title is None for p in pages[1:])  # continuations carry no title
    assert len(pages[-1]["view"].children) == 25
    assert sum(len(p["embed"].fields) for p in pages) == 52  # every field kept
    assert max(len(p["embed"].fields) for p in pages) == FIELDS_LIMIT


def test_a_cut_embed_reply_stays_within_the_total() -> None:
    pages = pages_of(Reply(title="x", fields=tuple(Field("N" * 256, "V" * 1024) for _ in range(80))))
    assert len(pages) == MAX_PAGES
    assert pages[-1]["embed"].description.endswith("……")


def test_past_the_page_cap_the_reply_is_cut_visibly() -> None:
    pages = pages_of(Reply(text="y " * 100_000))
    assert len(pages) == MAX_PAGES
    assert pages[-1]["content"].endswith("…")


def test_a_ping_leads_the_first_page_and_counts_toward_it() -> None:
    ping = "<@&123456789012345678>"
    pages = pages_of(Reply(text="z" * 1990), prefix=ping)
    assert pages[0]["content"].startswith(ping) and len(pages) == 2
    embed_pages = pages_of(Reply(title="Daily", text="short"), prefix=ping)
    assert embed_pages[0]["content"] == ping


async def test_longest_solution_renders(services: Services, monkeypatch) -> None:
    bank = load_content()
    longest = max(bank.prompts.values(), key=lambda p: len(p.solution or ""))
    worst = dataclasses.replace(longest, solution=(longest.solution or "") * 20)

    async def no_image(*args: object) -> None:  # the text limits are the point here
        return None

    monkeypatch.setattr(services.problems, "formula_image", no_image)
    reply = await services.daily.solution_reply(worst)
    assert len(reply.text) > DESCRIPTION_LIMIT
    pages = pages_of(reply)
    assert len(pages) > 1
    assert "Answer:" in pages[-1]["embed"].description


def curriculum_yaml(name: str, week_title: str, weeks: int) -> bytes:
    lines = [f"name: {name}", "slug: long-plan", "description: " + "d" * 900, "weeks:"]
    for _ in range(weeks):
        lines += [f"  - title: {week_title}", "    topics: [derivatives, bayes, entropy, gradients]"]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    "name, week_title, message",
    [
        ("N" * 300, "Week", "'name' is 300 characters; at most 80"),
        ("N" * 99, "W" * 154, "'name' is 99 characters; at most 80"),
        ("N" * 80, "W" * 154, "'title' is 154 characters; at most 100"),
    ],
)
async def test_overlong_curriculum_text_is_refused_and_nothing_is_stored(
    services: Services, name: str, week_title: str, message: str
) -> None:
    before = (await services.curricula.list_all(MOD)).text
    with pytest.raises(UserError, match=message):
        await services.curricula.import_file(MOD, Upload("long.yaml", curriculum_yaml(name, week_title, 3)))
    assert (await services.curricula.list_all(MOD)).text == before


async def test_biggest_allowed_curriculum_renders(services: Services, clock: ManualClock) -> None:
    bank = load_content()
    topics = [t for t in ("derivatives", "bayes", "entropy", "gradients") if t in bank.topics]
    data = curriculum_yaml("N" * 80, "W" * 100, 52).replace(
        b"[derivatives, bayes, entropy, gradients]", ("[" + ", ".join(topics) + "]").encode()
    )
    await services.guilds.setup(MOD, channel=(555, "study"))
    imported = await services.curricula.import_file(MOD, Upload("long.yaml", data))
    pages_of(imported)
    shown = await services.curricula.show(MOD, "long-plan")
    assert len(shown.fields) == 52  # every week listed: the renderer pages them, 25 at most each
    assert len(pages_of(shown)) >= 3
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))
    await services.curricula.start(MOD, "long-plan", "2026-11-23")
    posts: list[Post] = []

    async def deliver(post: Post) -> None:
        posts.append(post)

    await services.scheduler.run_once(deliver)
    week = next(p for p in posts if "week 1 of 52" in (p.reply.title or ""))
    assert len(week.reply.title or "") <= TITLE_LIMIT  # bounded input: nothing needs cutting
    pages_of(week.reply, prefix="<@&123456789012345678>")
    pages_of(await services.curricula.upcoming(MOD))


async def test_challenge_with_500_members_renders(services: Services, clock: ManualClock) -> None:
    await services.guilds.setup(MOD, channel=(555, "study"))
    clock.set(datetime(2026, 11, 23, 0, 0, tzinfo=UTC))
    created = await services.challenges.create(MOD, "C" * 80, count=10)
    pages_of(created)
    cid = int((created.title or "").split("#")[1].split(" ")[0])
    for i in range(500):
        name = f"[nitro](https://x.co/{i})**__~~`" + "m" * 8
        await services.challenges.join(Actor(GUILD, 1000 + i, name[:32]), cid)
    challenge = await challenge_rows.get_challenge(services.db, GUILD, cid)
    assert challenge is not None
    settings = await services.guilds.settings(GUILD)
    results = await services.challenges.replies.results(challenge, settings)
    pages_of(results.reply)
    pages_of(await services.challenges.leaderboard(Actor(GUILD, 1000, "m"), cid))
    pages_of(await services.challenges.show(Actor(GUILD, 1000, "m"), cid))


async def test_every_page_of_a_long_post_reaches_the_channel(simcord_env) -> None:
    """simcord validates each message like Discord (it refuses a 6,001-character embed)."""
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    reply = Reply(
        title="Results",
        text=words(120),
        fields=tuple(Field(f"Problem {i}", "v" * 1000) for i in range(12)),
        buttons=(Button("Join", Action("join", "1")),),
    )
    post = Post(guild.id, channel.id, "Results", reply, extra={"idempotency_key": f"{guild.id}:test:1"})

    await simcord_env.bot.deliver_post(post)

    history = channel.history()
    expected = len(message_pages(reply))
    assert expected > 1 and len(history) == expected
    assert sum(len(m.embeds[0].fields) for m in history) == 12
    assert len({m.nonce for m in history if m.nonce}) in (0, expected)  # one nonce per page


HOSTILE = "[nitro](https://x.co/a)**b**"


def test_md_escapes_what_discord_would_format() -> None:
    assert md(HOSTILE) == r"\[nitro\]\(https://x.co/a\)\*\*b\*\*"
    assert md("ada_lovelace `x` ~~y~~ | > #") == r"ada\_lovelace \`x\` \~\~y\~\~ \| \> \#"
    assert md("plain name 42") == "plain name 42"


async def test_member_names_and_titles_are_shown_escaped(services: Services, clock: ManualClock) -> None:
    from tests.helpers import answer_for

    await services.guilds.setup(MOD, channel=(555, "study"))
    member = Actor(GUILD, 77, HOSTILE)
    today = await services.daily.today(member)
    solved = await services.answers.answer(member, answer_for(today.prompt.id))
    assert solved.announcement == md(HOSTILE) + " solved today's prompt (streak 1)"
    board = await services.progress.leaderboard(member, "all", 1)
    shown = board.text + "".join(f.value for f in board.fields)
    assert md(HOSTILE) in shown and "[nitro](" not in shown
    streak = await services.progress.streak(member)
    assert streak.title == md(HOSTILE) + "'s streak"

    clock.set(datetime(2026, 11, 23, 0, 0, tzinfo=UTC))
    created = await services.challenges.create(MOD, "**Loud** [week](https://x.co)", count=3)
    assert "[week](" not in (created.title or "") and r"\*\*Loud\*\*" in (created.title or "")


async def test_a_52_week_curriculum_reaches_the_moderator_as_several_messages(simcord_env) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])
    data = curriculum_yaml("N" * 80, "W" * 100, 52).replace(
        b"[derivatives, bayes, entropy, gradients]", b"[derivatives, bayes]"
    )
    imported = await mod.slash(channel, "curriculum import", file=("long.yaml", data))
    assert not simcord_env.errors, simcord_env.errors

    shown = await mod.slash(channel, "curriculum show", name="long-plan")

    messages = [m for m in (shown.response, *shown.followups) if m is not None and m.embeds]
    assert imported.ephemeral and shown.ephemeral
    assert len(messages) >= 3  # 52 weeks: at most 25 fields a message, and 6,000 characters
    assert sum(len(m.embeds[0].fields) for m in messages) == 52
    assert messages[0].embeds[0].title == "N" * 80 + " (52 weeks)"
    assert not simcord_env.errors
