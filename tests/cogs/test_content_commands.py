"""/topics, /resources and /practice through discord.py's real command tree (simcord)."""

from __future__ import annotations

from bot.content import load_content
from bot.plots.latex_text import has_raw_latex, readable_text


def setup_guild(simcord_env, name: str = "ada"):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("study")
    someone = guild.add_member(simcord_env.create_user(name))
    return guild, channel, someone


def embed_of(result):
    messages = [m for m in [result.response, *result.followups] if m is not None and m.embeds]
    assert messages, result
    return messages[-1].embeds[0], messages[-1]


async def test_topics_is_an_ephemeral_embed_grouped_by_area(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)

    result = await ada.slash(channel, "topics")

    embed, message = embed_of(result)
    assert message.ephemeral
    assert embed.title == "Topics"
    assert {f.name for f in embed.fields} >= {"Calculus", "Linear algebra", "Probability"}
    assert "`bayes`" in "".join(f.value for f in embed.fields)
    assert not simcord_env.errors


async def test_resources_for_a_fuzzy_topic(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)

    result = await ada.slash(channel, "resources", topic="kl")

    embed, message = embed_of(result)
    assert message.ephemeral
    assert embed.title == "Resources: Information theory"
    assert "](https://" in embed.description
    assert embed.footer.text == "Practise it: /practice topic:information-theory"


async def test_unknown_topic_gets_suggestions_not_an_error(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)

    result = await ada.slash(channel, "resources", topic="quantum chromodynamics")

    embed, message = embed_of(result)
    assert message.ephemeral
    assert embed.title.startswith("No topic matches")
    assert embed.description.startswith("Did you mean:")
    assert not simcord_env.errors  # answered by the cog, never the tree's error handler


async def test_new_member_without_topic_gets_the_starter_path(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)

    result = await ada.slash(channel, "resources")

    embed, _message = embed_of(result)
    assert embed.title == "Where to start"
    assert "3Blue1Brown" in embed.description


async def test_topic_autocomplete_on_both_commands(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)
    bank = load_content()

    for command in ("resources", "practice"):
        choices = await ada.autocomplete(channel, command, "topic", "lin alg")
        assert choices[0]["value"] in bank.topics
        assert {c["value"] for c in choices} >= {"vectors", "matrix-multiplication"}
        assert len(choices) <= 25

    everything = await ada.autocomplete(channel, "resources", "topic", "")
    assert len(everything) == 25
    assert (await ada.autocomplete(channel, "practice", "topic", "bayes"))[0]["value"] == "bayes"


async def test_practice_defers_then_answers_privately(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)
    bank = load_content()

    result = await ada.slash(channel, "practice", topic="eigen", difficulty=2)

    callbacks = [r.json for r in simcord_env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5  # deferred ("thinking…") before the worker builds anything
    assert result.ephemeral
    embed, message = embed_of(result)
    assert message.ephemeral
    assert embed.title == "Practice problem"
    fields = {f.name: f.value for f in embed.fields}
    prompt = bank.get_prompt(fields["Problem"].strip("`"))
    assert (prompt.topic, prompt.difficulty) == ("eigen", 2)
    assert embed.description == readable_text(prompt.statement.strip())  # maths as Unicode text
    assert not has_raw_latex(embed.description)
    if "$" in prompt.statement:  # ... and drawn, as in the daily post
        assert embed.image.url == "attachment://statement.png"
        assert [a.filename for a in message.attachments] == ["statement.png"]
    assert f"/answer problem:{prompt.id}" in embed.footer.text
    assert not simcord_env.errors


async def test_practice_with_unknown_topic_after_defer(simcord_env):
    _guild, channel, ada = setup_guild(simcord_env)

    result = await ada.slash(channel, "practice", topic="zzzz qqqq")

    embed, message = embed_of(result)
    assert message.ephemeral
    assert "Did you mean" in embed.description
    assert not simcord_env.errors
