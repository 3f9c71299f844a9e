"""The pictures service: replies with a PNG inside the embed, option checks before any work, and
every way drawing can fail turned into a member-facing message. Real worker processes (one pool)."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace
from typing import Any

import pytest

from bot.content import load_content
from bot.replies import Reply
from bot.services import pictures
from bot.services.app import WORKER_PRELOAD, Services
from bot.services.context import Actor, Upload
from bot.services.errors import UserError
from bot.services.pictures import PictureService
from bot.workers import WorkerCrashed, WorkerPool
from tests.plots.helpers import check_picture, decode

ADA = Actor(guild_id=1, user_id=42, name="ada")


@pytest.fixture
def pool(shared_workers: WorkerPool) -> WorkerPool:
    return shared_workers


@pytest.fixture
def service(pool: WorkerPool) -> PictureService:
    return PictureService(pool)


class NoWork:
    """A pool that fails the test if anything reaches it."""

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("bad options must be refused before any work")


def picture(reply: Reply) -> bytes:
    """The one attachment, which the embed must show."""
    assert len(reply.attachments) == 1
    attachment = reply.attachments[0]
    assert reply.image == attachment.filename and attachment.filename.endswith(".png")
    assert attachment.description  # alt text
    return attachment.data


def overfitting_csv(epochs: int = 60, turn: int = 25) -> bytes:
    lines = ["epoch,loss,val_loss"]
    for e in range(epochs):
        train = 2.0 * math.exp(-e / 12) + 0.05
        val = 2.0 * math.exp(-e / 12) + 0.3 + (0.02 * (e - turn) if e > turn else 0.0)
        lines.append(f"{e},{train:.5f},{val:.5f}")
    return ("\n".join(lines) + "\n").encode()


async def test_services_wire_the_picture_service(services: Services) -> None:
    assert isinstance(services.pictures, PictureService)
    assert services.pictures.workers is services.workers
    for module in ("bot.plots.function_plot", "bot.plots.gd_plot", "bot.plots.losscurve", "bot.plots.tex"):
        assert module in WORKER_PRELOAD


async def test_plot_is_a_png_inside_the_embed_with_a_summary(service: PictureService) -> None:
    reply = await service.plot(ADA, "sin(x); x^2/10", x_min=-5, x_max=5, derivative=True)

    check_picture(picture(reply))
    assert not reply.ephemeral
    assert "f(x) = sin(x)" in reply.text and "f'(x) = cos(x)" in reply.text
    assert "[-5, 5]" in reply.text


async def test_gd_reply_says_it_diverged_and_shows_the_iterates(service: PictureService) -> None:
    reply = await service.gd(ADA, "x^2", lr=1.1, start="1", steps=30)

    check_picture(picture(reply))
    assert reply.text.startswith("diverged after")
    assert "```" in reply.text and "step" in reply.text  # the table, monospace
    assert reply.tone == "warning"


async def test_losscurve_diagnoses_overfitting_with_a_catalog_link(service: PictureService) -> None:
    reply = await service.losscurve(ADA, upload=Upload("metrics.csv", overfitting_csv()))

    check_picture(picture(reply))
    assert reply.title == "Loss curve: overfitting"
    assert "epoch 2" in reply.text  # where validation loss turned (about epoch 25)
    resource = load_content().resources["dlbook-ch5"]
    assert [(f.name, f.value) for f in reply.fields] == [("Read more", f"{resource.title} — {resource.url}")]


async def test_losscurve_from_typed_values(service: PictureService) -> None:
    reply = await service.losscurve(ADA, values="2.3, 1.9, 1.6, 1.4, 1.3, 1.25, 1.22, 1.2", smoothing=0)

    check_picture(picture(reply))
    assert reply.title == "Loss curve: healthy" and reply.tone == "success"


async def test_losscurve_without_catalog_entry_still_answers(pool: WorkerPool) -> None:
    empty = SimpleNamespace(resources={})
    service = PictureService(pool, content=lambda: empty)  # type: ignore[arg-type,return-value]
    reply = await service.losscurve(ADA, values="5 4 3 2.5 2 1.8 1.7")

    assert reply.fields == () and reply.attachments


async def test_tex_draws_a_formula(service: PictureService) -> None:
    reply = await service.tex(ADA, r"\frac{\partial L}{\partial w} = x (y - \hat{y})")

    px = decode(picture(reply))
    assert px.shape[0] > 20 and px.shape[1] > 50


async def test_render_math_draws_a_messages_formulas_and_reads_them_out(service: PictureService) -> None:
    reply = await service.render_math(ADA, r"So $\frac12\sigma^2$ and $$\sum_i x_i$$ hold.")
    assert reply.ephemeral and reply.text == "So ½σ² and\n∑ᵢ xᵢ\nhold."
    assert decode(picture(reply)).shape[1] == 900
    with pytest.raises(UserError, match="no maths to draw"):
        await service.render_math(ADA, "it costs $5, no formulas here")
    with pytest.raises(UserError, match=r"`\\foo` is not supported"):
        await service.render_math(ADA, r"bad $\foo x$")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.plot(ADA, "  "), "Type a function"),
        (lambda s: s.plot(ADA, "x;" * 6), "at most 5"),
        (lambda s: s.plot(ADA, "x" * 501), "the limit is 500"),
        (lambda s: s.plot(ADA, "x", x_min=3, x_max=1), "x_min must be less than x_max"),
        (lambda s: s.plot(ADA, "x", y_min=math.nan), "y_min must be a finite number"),
        (lambda s: s.gd(ADA, "x^2", lr=0, start="1"), "lr must be a positive number"),
        (lambda s: s.gd(ADA, "x^2", lr=-0.1, start="1"), "lr must be a positive number"),
        (lambda s: s.gd(ADA, "x^2", lr=math.inf, start="1"), "lr must be a finite number"),
        (
            lambda s: s.gd(ADA, "x^2", lr=0.1, start="1", steps=0),
            "steps must be a whole number from 1 to 1000",
        ),
        (lambda s: s.gd(ADA, "x^2", lr=0.1, start="1", steps=1001), "from 1 to 1000"),
        (lambda s: s.gd(ADA, "x^2; x", lr=0.1, start="1"), "one function"),
        (lambda s: s.gd(ADA, "x^2", lr=0.1, start=" "), "start must be"),
        (lambda s: s.losscurve(ADA), "exactly one of file"),
        (lambda s: s.losscurve(ADA, Upload("a.csv", b"1 2"), values="1 2"), "exactly one of file"),
        (lambda s: s.losscurve(ADA, values="1 " * 2001), "the limit is 4000"),
        (lambda s: s.losscurve(ADA, values="1 2 3", smoothing=1.0), "smoothing must be between 0 and 0.99"),
        (lambda s: s.losscurve(ADA, values="1 2 3", smoothing=-0.1), "smoothing must be between"),
        (
            lambda s: s.losscurve(ADA, Upload("big.csv", b"1\n" * (3 * 2**20))),
            "big.csv is 6.0 MB; the limit is 5 MB.",
        ),
        (lambda s: s.losscurve(ADA, Upload("empty.csv", b"")), "empty.csv is empty"),
        (lambda s: s.tex(ADA, "x" * 1001), "the limit is 1000"),
    ],
)
async def test_bad_options_are_refused_before_any_work(call: Any, message: str) -> None:
    with pytest.raises(UserError) as refused:
        await call(PictureService(NoWork()))  # type: ignore[arg-type]
    assert message in str(refused.value)


async def test_engine_mistakes_become_member_messages(service: PictureService) -> None:
    with pytest.raises(UserError, match="expected a number in column 'loss'") as bad_file:
        await service.losscurve(ADA, upload=Upload("run.csv", b"step,loss\n1,0.9\n2,0.8\n3,oops\n"))
    assert "line 4" in str(bad_file.value)

    with pytest.raises(UserError, match="nothing to draw between -5 and -1"):
        await service.plot(ADA, "log(x)", x_min=-5, x_max=-1)

    with pytest.raises(UserError, match="environment cannot be drawn"):
        await service.tex(ADA, r"\begin{tikzpicture}x\end{tikzpicture}")


async def test_a_render_over_its_time_limit_is_stopped_with_a_clear_message(
    service: PictureService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pictures, "PLOT_TIMEOUT", 0.001)
    with pytest.raises(UserError, match="took too long to draw"):
        await service.plot(ADA, "sin(x)")

    monkeypatch.undo()
    reply = await service.plot(ADA, "cos(x)")  # the killed worker was replaced
    assert reply.attachments


class Failing:
    """A pool whose worker fails the way a real one can."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (WorkerCrashed("the worker process died"), "Drawing that plot stopped unexpectedly"),
        (ZeroDivisionError("float division by zero"), "I couldn't compute that plot (ZeroDivisionError)"),
    ],
)
async def test_worker_failures_are_member_messages(exc: BaseException, message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        await PictureService(Failing(exc)).plot(ADA, "1/x")  # type: ignore[arg-type]
