"""/answer, /hint, /solution and streaks through the real services, checker and worker pool."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from bot.plots.latex_text import has_raw_latex, readable_text
from bot.replies import Action
from bot.services.answers import AnswerResult, ResolvedProblem
from bot.services.app import Services
from bot.services.context import Actor, ManualClock
from bot.services.errors import UserError
from bot.services.limits import Busy
from bot.storage import daily as daily_rows
from bot.storage import leaderboard as board_rows
from bot.workers import WorkerTimeout
from tests.helpers import answer_for, wrong_answer_for

GUILD = 42


def member(user_id: int, name: str | None = None) -> Actor:
    return Actor(GUILD, user_id, name or f"m{user_id}")


async def todays_id(svc: Services, actor: Actor) -> str:
    return (await svc.daily.today(actor)).prompt.id


async def test_wrong_then_right_counts_once_and_announces(svc: Services) -> None:
    ada = member(1, "ada")
    pid = await todays_id(svc, ada)

    wrong = await svc.answers.answer(ada, wrong_answer_for(pid))
    assert wrong.reply.ephemeral and wrong.announcement is None
    assert wrong.reply.title.startswith("Not quite")
    fields = {f.name: f.value for f in wrong.reply.fields}
    assert fields["Attempts so far"] == "1" and "Interpreted as" in fields

    right = await svc.answers.answer(ada, answer_for(pid))
    assert right.reply.title.startswith("Correct!")
    assert right.announcement == "ada solved today's prompt (streak 1)"
    assert answer_for(pid) not in right.announcement
    assert "current streak 1" in (right.reply.footer or "")

    again = await svc.answers.answer(ada, answer_for(pid))
    assert again.announcement is None and "already solved" in (again.reply.footer or "")
    standing = await board_rows.totals(svc.db, GUILD, "all", ada.user_id)
    assert (standing.days, standing.attempts) == (1, 2)


async def test_invalid_input_is_not_an_attempt(svc: Services) -> None:
    ada = member(1)
    await todays_id(svc, ada)
    result = await svc.answers.answer(ada, "2x +* (")
    assert result.reply.title.startswith("Couldn't read that")
    assert result.reply.text.endswith("/help topic:answers shows how to write answers.")
    assert {f.name: f.value for f in result.reply.fields}["Attempts so far"] == "0"
    with pytest.raises(UserError):
        await svc.answers.answer(ada, "   ")


async def test_streak_over_days_and_the_solution_rule(svc: Services, clock: ManualClock) -> None:
    ada = member(1, "ada")
    for _ in range(3):
        result = await svc.answers.answer(ada, answer_for(await todays_id(svc, ada)))
        assert result.announcement is not None
        clock.advance(days=1)
    assert "current streak 3" in (await svc.progress.streak(ada)).text

    # Day 4: asks for the solution first (needs confirmation), then answers: not counted.
    warning = await svc.daily.solution(ada)
    assert warning.buttons and "confirm:true" in warning.text
    assert (await daily_rows.get_progress(svc.db, GUILD, 1, date(2026, 11, 24))) is None  # nothing recorded
    revealed = await svc.daily.solution(ada, confirm=True)
    pid = await todays_id(svc, ada)
    assert f"Answer: {answer_for(pid)}" in revealed.text
    if "$" in revealed.text.split("\n\nAnswer:")[0]:  # formulas are drawn like the post's
        assert revealed.image == "solution.png" and revealed.attachments[0].data.startswith(b"\x89PNG")
    late = await svc.answers.answer(ada, answer_for(pid))
    assert late.announcement is None and "not counted" in (late.reply.footer or "")
    text = (await svc.progress.streak(ada)).text
    assert "current streak 3" in text and "longest streak 3" in text  # today not over: still alive

    clock.advance(days=1)  # day 4 did not count and no freeze is held
    assert "current streak 0" in (await svc.progress.streak(ada)).text


async def test_hints_are_counted_until_solved(svc: Services) -> None:
    ada = member(1)
    today = await svc.daily.today(ada)
    hint = await svc.daily.hint(ada)
    assert hint.title == f"Hint 1 of {len(today.prompt.hints)}" and hint.text == readable_text(
        today.prompt.hints[0]
    )
    assert not has_raw_latex(hint.text)
    progress = await daily_rows.get_progress(svc.db, GUILD, 1, today.day)
    assert progress.hints_used == 1
    assert (await board_rows.totals(svc.db, GUILD, "all", 1)).hints == 1


async def test_practice_problem_by_id_and_unknown_ids(svc: Services) -> None:
    ada = member(1)
    result = await svc.answers.answer(
        ada, answer_for("bayes-crash-predictor"), problem="bayes-crash-predictor"
    )
    assert result.reply.title.startswith("Correct!") and result.announcement is None
    assert "Practice" in (result.reply.footer or "")
    assert await daily_rows.solved_days(svc.db, GUILD, 1) == []  # practice never touches streaks

    generated = await svc.problems.generate("gen-determinant", "practice-seed")
    result = await svc.answers.answer(ada, generated.answer, problem=generated.id)
    assert result.reply.title.startswith("Correct!")

    with pytest.raises(UserError, match="No problem"):
        await svc.answers.answer(ada, "1", problem="no-such-problem")


async def test_resolver_extension_point(svc: Services) -> None:
    recorded = []

    async def challenge(actor: Actor, ref: str) -> ResolvedProblem | None:
        if not ref.isdigit():
            return None
        prompt = svc.content().prompts["bayes-crash-predictor"]

        async def record(db, who, result, now) -> list[str]:
            recorded.append((who.user_id, result.status))
            return [f"challenge points for problem {ref}"]

        return ResolvedProblem(prompt, "challenge", f"ch1:{ref}", f"challenge problem {ref}", record)

    svc.answers.add_resolver(challenge)
    result = await svc.answers.answer(member(1), answer_for("bayes-crash-predictor"), problem="2")
    assert result.reply.title == "Correct! — challenge problem 2"
    assert "challenge points for problem 2" in result.reply.footer
    assert recorded == [(1, "correct")]


async def test_many_members_at_once_lose_nothing_and_count_each_day_once(svc: Services) -> None:
    members = [member(100 + i) for i in range(40)]
    pid = await todays_id(svc, members[0])
    right, wrong = answer_for(pid), wrong_answer_for(pid)
    refused: list[Busy] = []

    async def session(i: int, m: Actor) -> list[AnswerResult]:
        results = [await svc.answers.answer(m, wrong)]
        if i % 4 == 0:  # a triple click: one check in flight per member, the others are refused
            clicks = await asyncio.gather(
                *(svc.answers.answer(m, right) for _ in range(3)), return_exceptions=True
            )
            assert all(isinstance(c, Busy | AnswerResult) for c in clicks), clicks
            refused.extend(c for c in clicks if isinstance(c, Busy))
            results += [c for c in clicks if isinstance(c, AnswerResult)]
        else:
            results.append(await svc.answers.answer(m, right))
        return results

    sessions = await asyncio.gather(*(session(i, m) for i, m in enumerate(members)))
    results = [r for rs in sessions for r in rs]

    # every call either answered or was refused as busy (nothing else went wrong)
    assert len(results) + len(refused) == 2 * len(members) + 2 * len(members[::4])
    announcements = [r.announcement for r in results if r.announcement]
    assert len(announcements) == len(members)  # each member announced exactly once
    count = await svc.db.fetch_value("SELECT COUNT(*) FROM submissions WHERE guild_id = ?", (GUILD,))
    assert count == len(results)  # refused clicks record nothing
    days = await svc.db.fetch_value("SELECT COUNT(*) FROM streak_days WHERE guild_id = ?", (GUILD,))
    assert days == len(members)
    assert await board_rows.count(svc.db, GUILD, "all") == len(members)
    totals = await svc.db.fetch_value(
        "SELECT SUM(days) FROM leaderboard_totals WHERE guild_id = ? AND period = 'all'", (GUILD,)
    )
    assert totals == len(members)


async def test_leaderboard_order_and_pages(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))  # a Wednesday
    # m1 solves 3 days, m2 solves 3 days with a hint, m3 solves 3 days with a wrong attempt, m4 1 day.
    for day in range(3):
        pid = await todays_id(svc, member(1))
        await svc.daily.hint(member(2))
        await svc.answers.answer(member(3), wrong_answer_for(pid))
        for user in (1, 2, 3):
            await svc.answers.answer(member(user), answer_for(pid))
        if day == 0:
            await svc.answers.answer(member(4), answer_for(pid))
        clock.advance(days=1)
    clock.advance(days=-1)
    board = await svc.progress.leaderboard(member(1), "week")
    lines = board.text.splitlines()
    assert [line.split(" — ")[0] for line in lines] == ["1. m1", "2. m3", "3. m2", "4. m4"]
    assert "3 days solved · 0 hints · 3 attempts" in lines[0]
    assert "3 days solved · 3 hints · 3 attempts" in lines[2]
    assert lines[3].endswith("m4 — 1 day solved · 0 hints · 1 attempt")  # singular where it is one
    assert "you are #1" in board.footer

    for user in range(10, 25):  # 15 more members with one day each: two pages
        await svc.answers.answer(member(user), answer_for(await todays_id(svc, member(user))))
    first = await svc.progress.leaderboard(member(1), "all")
    assert "Page 1 of 2" in first.footer and [b.label for b in first.buttons] == ["Next"]
    second = await svc.progress.leaderboard(member(1), "all", page=2)
    assert second.text.splitlines()[0].startswith("11. ") and [b.label for b in second.buttons] == [
        "Previous"
    ]
    assert second.buttons[0].action == Action("leaderboard", "all", 1)
    with pytest.raises(UserError):
        await svc.progress.leaderboard(member(1), "year")


async def test_stats_heatmap_accuracy_and_weakest_topics(svc: Services, clock: ManualClock) -> None:
    ada = member(1, "ada")
    await svc.answers.answer(ada, answer_for(await todays_id(svc, ada)))
    for wrong in ("7", "8", "9"):  # a weak topic needs a few answers, as for /resources
        await svc.answers.answer(ada, wrong, problem="bayes-crash-predictor")
    stats = await svc.progress.stats(ada)
    assert stats.attachments[0].data.startswith(b"\x89PNG") and stats.image == "heatmap.png"
    fields = {f.name: f.value for f in stats.fields}
    assert fields["Days solved (6 months)"] == "1"
    assert "Bayes" in fields["Accuracy per topic"]
    weakest = fields["Weakest topics"]
    assert "0% correct" in weakest and "http" in weakest  # with a resource link


async def test_too_few_digits_and_exact_asked_are_not_attempts(svc: Services) -> None:
    ada = member(1)
    # distributions-uniform-variance: the answer is 4/3.
    short = await svc.answers.answer(ada, "1.3", problem="distributions-uniform-variance")
    assert short.reply.title.startswith("More digits needed")
    assert "at least 3 significant digits" in short.reply.text
    assert {f.name: f.value for f in short.reply.fields}["Attempts so far"] == "0"
    wrong = await svc.answers.answer(ada, "1.4", problem="distributions-uniform-variance")
    assert {f.name: f.value for f in wrong.reply.fields}["Attempts so far"] == "1"
    right = await svc.answers.answer(ada, "1.33", problem="distributions-uniform-variance")
    assert right.reply.title.startswith("Correct!")
    assert {f.name: f.value for f in right.reply.fields}["Attempts so far"] == "2"


async def test_text_with_maths_unicode_lacks_also_gets_an_image(svc: Services) -> None:
    text, png = await svc.problems.readable("t:1", r"Use $A = \begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}$.")
    assert text == "Use A = [1, 2; 3, 4]." and png is not None and png.startswith(b"\x89PNG")
    text, png = await svc.problems.readable("t:2", r"Critical points solve $f'(x) = 3x^2 - 3 = 0$.")
    assert text == "Critical points solve f'(x) = 3x² − 3 = 0." and png is None
    text, png = await svc.problems.readable("t:3", r"$$\sum_{i=1}^n x_i$$")
    assert text == "∑ᵢ₌₁ⁿ xᵢ" and png is not None  # a display formula always gets its picture


async def test_a_named_mistake_reads_as_unicode_and_brings_its_picture(svc: Services) -> None:
    prompt = svc.problems.content().prompts["determinants-inverses-det-3x3"]
    mistake = next(m for m in prompt.mistakes if m.answer == "10")
    result = await svc.answers.answer(member(1), "10", problem=prompt.id)
    reply = result.reply
    assert reply.title.startswith("Not quite") and reply.text.startswith(readable_text(mistake.message))
    assert not has_raw_latex(reply.text)
    assert reply.image == "feedback.png" and reply.attachments[0].data.startswith(b"\x89PNG")
    plain = await svc.answers.answer(member(1), "11", problem=prompt.id)  # no listed mistake: no picture
    assert plain.reply.title.startswith("Not quite") and not plain.reply.attachments


async def test_an_answer_while_the_last_one_is_in_flight_is_refused_and_records_nothing(
    svc: Services,
) -> None:
    ada = member(7)
    pid = await todays_id(svc, ada)
    with svc.limits.heavy(ada.user_id):  # ada's previous check (or picture) still running
        with pytest.raises(Busy, match="Still working on your last one"):
            await svc.answers.answer(ada, answer_for(pid))
        other = await svc.answers.answer(member(8), answer_for(pid))  # nobody else is held up
    assert other.reply.title.startswith("Correct!")
    count = await svc.db.fetch_value(
        "SELECT COUNT(*) FROM submissions WHERE guild_id = ? AND user_id = ?", (GUILD, ada.user_id)
    )
    assert count == 0
    result = await svc.answers.answer(ada, answer_for(pid))  # free again once it finished
    assert result.reply.title.startswith("Correct!")


async def test_streak_lists_no_missed_days_before_the_first_answer(svc: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))
    newcomer = member(60)
    fresh = (await svc.progress.streak(newcomer)).text.split("Last 7 days:\n")[1]
    assert fresh.splitlines() == ["Wed 18 Nov: ⏳ not solved yet today"]
    await svc.answers.answer(newcomer, wrong_answer_for(await todays_id(svc, newcomer)))
    clock.advance(days=2)
    later = (await svc.progress.streak(newcomer)).text.split("Last 7 days:\n")[1].splitlines()
    assert later == [
        "Wed 18 Nov: ❌ tried, not solved",
        "Thu 19 Nov: · missed",
        "Fri 20 Nov: ⏳ not solved yet today",
    ]


class _OverrunPool:
    """A pool whose next check overruns its limit (what WorkerPool raises then), for a test that
    must not depend on how fast this machine checks."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.overruns = 1

    async def run(self, fn, *args, **options):  # type: ignore[no-untyped-def]
        if self.overruns:
            self.overruns -= 1
            raise WorkerTimeout("the task used more than 2 s of CPU and was stopped")
        return await self.real.run(fn, *args, **options)  # type: ignore[attr-defined]


async def test_a_timeout_costs_nothing_and_asks_for_the_same_answer_again(svc: Services) -> None:
    ada = member(70)
    pid = await todays_id(svc, ada)
    svc.problems.workers = _OverrunPool(svc.problems.workers)  # type: ignore[assignment]
    result = await svc.answers.answer(ada, answer_for(pid))
    assert result.reply.title == "Took too long — today's prompt"
    assert "no attempt was counted" in result.reply.text and "Send the same answer again" in result.reply.text
    assert ("Attempts so far", "0") in [(f.name, f.value) for f in result.reply.fields]
    assert result.announcement is None
    days = await svc.db.fetch_value(
        "SELECT COUNT(*) FROM streak_days WHERE guild_id = ? AND user_id = ?", (GUILD, ada.user_id)
    )
    assert days == 0
    again = await svc.answers.answer(ada, answer_for(pid))  # the same answer, sent again
    assert again.reply.title == "Correct! — today's prompt"
    assert ("Attempts so far", "1") in [(f.name, f.value) for f in again.reply.fields]
