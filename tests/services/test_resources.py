"""/topics and /resources over the real content bank: fuzzy topics, weakest-topic picks,
the starter path for a new member, and closest matches for unknown topics."""

from __future__ import annotations

import re

from bot.content import load_content
from bot.content.generators import FAMILIES
from bot.services.app import Services
from bot.services.resources import LEVELS, STARTER_PATH, resources_for
from tests.services.helpers import graded, member, record_answers

LINK = re.compile(r"\*\*\[(?P<title>[^\]]+)\]\((?P<url>[^)]+)\)\*\*")


def titles(text: str) -> list[str]:
    return [m.group("title") for m in LINK.finditer(text)]


def bank_ids(topic: str, count: int) -> list[str]:
    ids = [p.id for p in load_content().prompts_by_topic(topic)]
    assert len(ids) >= count, f"{topic} needs {count} prompts for this test"
    return ids[:count]


async def test_topics_grouped_by_area_with_prompt_and_generator_counts(services: Services) -> None:
    bank = load_content()
    reply = await services.resources.topics(member(10))

    assert reply.ephemeral
    areas = {field.name.lower(): field.value for field in reply.fields}
    assert set(areas) == {topic.area for topic in bank.topics.values()}
    for topic in bank.topics.values():
        line = next(line for line in areas[topic.area].splitlines() if f"`{topic.slug}`" in line)
        assert f"{len(bank.prompts_by_topic(topic.slug))} prompt" in line
        families = sum(f.topic == topic.slug for f in FAMILIES.values())
        if families:
            assert f"+ {families} generator" in line
    assert f"{len(bank.prompts)} hand-written prompts" in reply.text
    assert "you:" not in "".join(areas.values())


async def test_topics_show_the_members_own_score(services: Services) -> None:
    ada = member(11, "ada")
    await record_answers(services, ada, graded(bank_ids("bayes", 3), correct=2))

    reply = await services.resources.topics(ada)

    line = next(line for f in reply.fields for line in f.value.splitlines() if "`bayes`" in line)
    assert line.endswith("you: 2/3")


async def test_fuzzy_topics(services: Services) -> None:
    ada = member(12)
    bank = load_content()
    cases = {
        "bayes": {"bayes"},
        "kl": {"information-theory"},
        "eigen values": {"eigen"},
        "derivitive": {"derivatives"},
        "lin alg": {t.slug for t in bank.topics.values() if t.area == "linear algebra"},
    }
    for query, expected in cases.items():
        reply = await services.resources.resources(ada, query)
        slug = reply.footer.rsplit(":", 1)[1]
        assert slug in expected, (query, slug)
        assert reply.title == f"Resources: {bank.topics[slug].title}"
        assert titles(reply.text), query


async def test_topic_resources_free_and_beginner_first(services: Services) -> None:
    bank = load_content()
    reply = await services.resources.resources(member(13), "vectors")

    shown = titles(reply.text)
    by_title = {r.title: r for r in bank.resources.values()}
    ranks = [(not by_title[t].free, LEVELS[by_title[t].level]) for t in shown]
    assert ranks == sorted(ranks)
    tagged = bank.resources_for_topic("vectors")
    assert len(shown) == min(len(tagged), 8)
    assert {r.id for r in resources_for(bank, "vectors")} == {r.id for r in tagged}
    assert all(by_title[t].url in reply.text for t in shown)
    if len(tagged) > 8:
        assert f"…and {len(tagged) - 8} more" in reply.text


async def test_area_query_lists_the_other_matches(services: Services) -> None:
    reply = await services.resources.resources(member(14), "lin alg")
    also = {f.name: f.value for f in reply.fields}["Also matching"]
    assert "`matrix-multiplication`" in also

    exact = await services.resources.resources(member(14), "bayes")
    assert not exact.fields


async def test_unknown_topic_suggests_closest_instead_of_failing(services: Services) -> None:
    bank = load_content()
    reply = await services.resources.resources(member(15), "quantum chromodynamics")

    assert reply.ephemeral and reply.tone == "warning"
    assert reply.text.startswith("Did you mean:")
    suggested = re.findall(r"`([a-z-]+)`", reply.text)
    assert len(suggested) == 3 and set(suggested) <= set(bank.topics)
    assert "/topics" in reply.text

    close = await services.resources.resources(member(15), "entroppy rates")
    assert "`information-theory`" in close.text


async def test_new_member_gets_the_starter_path(services: Services) -> None:
    bank = load_content()
    reply = await services.resources.resources(member(16))

    assert reply.title == "Where to start"
    assert titles(reply.text) == [bank.resources[rid].title for rid, _why in STARTER_PATH]
    assert "3Blue1Brown" in reply.text and "Stat 110" in reply.text


async def test_recommendations_follow_the_weakest_topics(services: Services) -> None:
    bank = load_content()
    ada = member(17, "ada")
    bayes_gen = next(f.id for f in FAMILIES.values() if f.topic == "bayes")
    answers = (
        graded(bank_ids("bayes", 3), correct=0)
        + [(f"{bayes_gen}:0123abcd", "correct")]  # generated ids count through their family: 1/4
        + graded(bank_ids("eigen", 4), correct=2)  # 2/4
        + graded(bank_ids("derivatives", 4), correct=4)  # strong: not a weak spot
        + graded(bank_ids("mle", 2), correct=0)  # too few answers to judge
        + [(bank_ids("vectors", 1)[0], "incorrect")] * 2
        + [(bank_ids("vectors", 1)[0], "invalid")] * 5  # unreadable answers say nothing
        + [("retired-prompt-id", "incorrect")] * 5  # ids the bank no longer has are skipped
    )
    await record_answers(services, ada, answers)

    reply = await services.resources.resources(ada)

    assert reply.title == "Resources for your weakest topics"
    names = [f.name for f in reply.fields]
    assert names == [
        f"{bank.topics['bayes'].title} — 1/4 correct (25%)",
        f"{bank.topics['eigen'].title} — 2/4 correct (50%)",
    ]
    bayes_field = reply.fields[0].value
    assert titles(bayes_field) == [r.title for r in resources_for(bank, "bayes")[:3]]
    assert "bayes, eigen" in reply.footer


async def test_strong_member_is_pointed_at_untried_topics(services: Services) -> None:
    bank = load_content()
    ada = member(18, "ada")
    await record_answers(services, ada, graded(bank_ids("derivatives", 3), correct=3))

    reply = await services.resources.resources(ada)

    assert reply.title == "No weak spots so far"
    assert "derivatives" not in {f.name for f in reply.fields}
    untried = [t.title for t in bank.topics.values() if t.slug != "derivatives"][:3]
    assert [f.name for f in reply.fields] == untried


async def test_some_history_but_too_little_still_gets_the_starter_path(services: Services) -> None:
    ada = member(19, "ada")
    await record_answers(services, ada, graded(bank_ids("bayes", 2), correct=0))

    reply = await services.resources.resources(ada)

    assert reply.title == "Where to start"
    assert "Answer a few more problems" in reply.footer


async def test_topic_choices_for_autocomplete(services: Services) -> None:
    bank = load_content()
    assert (await services.resources.topic_choices("kl"))[0][1] == "information-theory"
    lin = await services.resources.topic_choices("lin alg")
    assert {value for _name, value in lin} >= {"vectors", "matrix-multiplication"}
    everything = await services.resources.topic_choices("")
    assert len(everything) == min(25, len(bank.topics))
    assert all(value in bank.topics and 0 < len(name) <= 100 for name, value in everything)
    assert await services.resources.topic_choices("zzzzqqq") == []
