"""/practice: topic and difficulty selection, unseen-first picks, generated problems per member."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.content.generators import FAMILIES
from bot.plots.latex_text import has_raw_latex, readable_text
from bot.services.app import Services
from bot.services.context import ManualClock
from bot.services.errors import UserError
from bot.services.practice import build_generated
from bot.storage import practice as practice_rows
from bot.workers import WorkerCrashed
from tests.services.helpers import graded, member, record_answers


def problem_id(reply) -> str:
    return {f.name: f.value for f in reply.fields}["Problem"].strip("`")


def group(topic: str, difficulty: int) -> tuple[list[str], list[str]]:
    """Bank prompt ids and generator family ids of one topic at one difficulty."""
    bank = load_content()
    prompts = [p.id for p in bank.prompts_by_topic(topic) if p.difficulty == difficulty]
    families = [f.id for f in FAMILIES.values() if f.topic == topic and f.difficulty == difficulty]
    return prompts, families


def bank_only_group(min_size: int = 2) -> tuple[str, int, list[str]]:
    """A (topic, difficulty) with several bank prompts and no generator (exercises the bank path)."""
    bank = load_content()
    for topic in bank.topics:
        for difficulty in range(1, 6):
            prompts, families = group(topic, difficulty)
            if len(prompts) >= min_size and not families:
                return topic, difficulty, prompts
    pytest.skip("no bank-only group in the data")


async def test_topic_and_difficulty_are_honoured(services: Services) -> None:
    bank = load_content()
    ada = member(30, "ada")

    reply = await services.practice.practice(ada, "bayes", 3)

    pid = problem_id(reply)
    prompt = bank.get_prompt(pid)
    assert prompt is not None and (prompt.topic, prompt.difficulty) == ("bayes", 3)
    assert reply.ephemeral and reply.text == readable_text(prompt.statement.strip())
    assert not has_raw_latex(reply.text)
    fields = {f.name: f.value for f in reply.fields}
    assert fields["Topic"] == bank.topics["bayes"].title
    assert fields["Difficulty"].endswith("3/5")
    assert f"/answer problem:{pid} text:<your answer>" in reply.footer
    if "$" in prompt.statement:  # formulas drawn, as in the daily post
        assert reply.image == "statement.png" and reply.attachments[0].data.startswith(b"\x89PNG")
    else:
        assert reply.image is None and not reply.attachments
    issued = await practice_rows.last_issued(services.db, ada.guild_id, ada.user_id)
    assert issued is not None and (issued.problem_id, issued.topic, issued.difficulty) == (pid, "bayes", 3)


async def test_fuzzy_topic(services: Services) -> None:
    bank = load_content()
    reply = await services.practice.practice(member(31), "eigen values")
    assert bank.get_prompt(problem_id(reply)).topic == "eigen"


async def test_unseen_problems_come_first(services: Services, clock: ManualClock) -> None:
    topic, difficulty, prompts = bank_only_group()
    ada = member(32, "ada")

    picked = []
    for _ in range(len(prompts)):
        picked.append(problem_id(await services.practice.practice(ada, topic, difficulty)))
        clock.advance(minutes=1)

    assert sorted(picked) == sorted(prompts)  # every one once before any repeats


async def test_solved_problems_come_last(services: Services) -> None:
    topic, difficulty, prompts = bank_only_group()
    ada = member(33, "ada")
    *solved, left = prompts
    await record_answers(services, ada, [(pid, "correct") for pid in solved])
    await record_answers(services, ada, [(left, "incorrect")])  # seen, not solved: still preferred

    reply = await services.practice.practice(ada, topic, difficulty)

    assert problem_id(reply) == left


async def test_missing_difficulty_falls_back_to_the_nearest(services: Services) -> None:
    bank = load_content()
    topic, wanted = next((t, d) for t in bank.topics for d in range(1, 6) if group(t, d) == ([], []))
    reply = await services.practice.practice(member(34), topic, wanted)

    prompt = bank.get_prompt(problem_id(reply))
    assert prompt.topic == topic and prompt.difficulty != wanted
    note = {f.name: f.value for f in reply.fields}["Note"]
    assert f"No difficulty-{wanted} problems" in note and f"difficulty {prompt.difficulty}" in note


async def test_without_topic_practice_targets_the_weakest_topic(services: Services) -> None:
    bank = load_content()
    ada = member(35, "ada")
    bayes = [p.id for p in bank.prompts_by_topic("bayes")][:3]
    strong = [p.id for p in bank.prompts_by_topic("vectors")][:3]
    await record_answers(services, ada, graded(bayes, correct=0) + graded(strong, correct=3))

    for _ in range(3):
        reply = await services.practice.practice(ada)
        assert bank.get_prompt(problem_id(reply)).topic == "bayes"
    assert "weakest topics: bayes" in {f.name: f.value for f in reply.fields}["Note"]


async def test_generated_problems_differ_per_member(services: Services) -> None:
    """With every bank prompt of a group solved, the generator is next; each member gets fresh numbers."""
    bank = load_content()
    topic, difficulty = next((t, d) for t in bank.topics for d in range(1, 6) if group(t, d)[1])
    prompts, families = group(topic, difficulty)
    ids = []
    for user_id in (36, 37):
        someone = member(user_id)
        await record_answers(services, someone, [(pid, "correct") for pid in prompts])
        ids.append(problem_id(await services.practice.practice(someone, topic, difficulty)))

    assert all(pid.rpartition(":")[0] in families for pid in ids)
    assert ids[0] != ids[1]
    rebuilt = bank.get_prompt(ids[0])  # what /answer will do with the id
    assert rebuilt is not None and rebuilt.topic == topic


async def test_a_failing_generator_falls_back_to_a_bank_problem(
    services: Services, monkeypatch, caplog
) -> None:
    bank = load_content()
    topic, difficulty = next((t, d) for t in bank.topics for d in range(1, 6) if all(group(t, d)))
    prompts, _families = group(topic, difficulty)
    ada = member(39, "ada")
    await record_answers(services, ada, [(pid, "correct") for pid in prompts])  # the generator is next

    async def crashed(*args, **kwargs):
        raise WorkerCrashed("the worker process died while running the task")

    monkeypatch.setattr(services.workers, "run", crashed)
    reply = await services.practice.practice(ada, topic, difficulty)

    assert problem_id(reply) in prompts
    assert any("falling back to the bank" in r.getMessage() for r in caplog.records)


async def test_bad_difficulty_and_unknown_topic_change_nothing(services: Services) -> None:
    ada = member(38, "ada")
    with pytest.raises(UserError, match="Difficulty goes from 1"):
        await services.practice.practice(ada, "bayes", 7)

    reply = await services.practice.practice(ada, "quantum chromodynamics")

    assert reply.tone == "warning" and "Did you mean" in reply.text
    assert "/practice topic:<name>" in reply.text
    assert await practice_rows.count_issued(services.db, ada.guild_id, ada.user_id) == 0


def test_build_generated_is_seeded() -> None:
    family = next(iter(FAMILIES))
    assert build_generated(family, "a") == build_generated(family, "a")
    assert build_generated(family, "a").id != build_generated(family, "b").id
