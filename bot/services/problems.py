"""Prompts, answer checks and statement images, with every SymPy/matplotlib step in a worker.

The bot process never imports SymPy or matplotlib: generated prompts are rebuilt in a worker (and
cached here), answers are checked in a worker with the member as the fairness key, and statement
images are drawn in a worker. Functions sent to workers are module-level and return plain data.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable

from bot.content import ContentBank, Prompt
from bot.plots.latex_text import readable
from bot.services.checks import CheckResult, check_in_worker
from bot.services.errors import UserError
from bot.workers import WorkerPool

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 1000
_RENDER_TIMEOUT = 15.0
_BUILD_TIMEOUT = 10.0
#: Generated prompts kept (rebuilt from their id otherwise): a daily job prepared ahead for
#: thousands of guilds finds its generated prompts here at post time.
GENERATED_CACHE = 4096
#: Drawn statements kept in memory (a few tens of KB each: the whole bank fits).
IMAGE_CACHE_BYTES = 48 * 1024 * 1024


# -- run inside workers -----------------------------------------------------------------------


#: Answers of every kind the checker reads, so a new worker has parsed, compared and cached each path.
_WARM_UP_CHECKS = (
    ("2x", "x + x"),
    ("1/2", "0.5"),
    ("e^{-x}", "\\frac{1}{e^x}"),
    ("(x + 1)^2", "x^2 + 2x + 1"),
    ("{1, 2}", "{2, 1}"),
    ("(1, 2)", "(1, 2)"),
    ("[[1, 0], [0, 1]]", "[[1, 0], [0, 1]]"),
    ("[0, 1)", "[0, 1)"),
    ("x > 2", "2 < x"),
    ("y = 2x + 1", "y - 1 = 2x"),
)


def warm_up() -> None:
    """Run once in every new worker before its first task (``WorkerPool(warmup=...)``).

    A fresh process pays SymPy's and matplotlib's first-use caches on its first check or drawing
    (measured: ~200 ms against ~10 ms warm); paying them here keeps that off a member's task.
    """
    from bot.maths.checker import CheckOptions, check
    from bot.plots.function_plot import render_plot
    from bot.plots.models import PlotRequest

    for expected, answer in _WARM_UP_CHECKS:
        try:
            check(expected, answer, CheckOptions())
        except Exception:  # a warm-up is best effort: the real check reports its own errors
            log.debug("warm-up check %r failed", expected, exc_info=True)
    try:
        render_plot(PlotRequest("x^2"))
    except Exception:
        log.debug("warm-up plot failed", exc_info=True)


def _generate(family_id: str, seed: str) -> Prompt:
    from bot.content.generators import generate_prompt

    return generate_prompt(family_id, seed)


def _rebuild(prompt_id: str) -> Prompt | None:
    from bot.content.generators import prompt_from_id

    try:
        return prompt_from_id(prompt_id)
    except (KeyError, ValueError):
        return None


def _render_statement(markdown: str) -> bytes:
    from bot.plots.tex import render_statement

    return render_statement(markdown).png


# -- the bot side -----------------------------------------------------------------------------


class Problems:
    def __init__(self, workers: WorkerPool, content: Callable[[], ContentBank]) -> None:
        self.workers = workers
        self.content = content
        self._generated: OrderedDict[str, Prompt] = OrderedDict()
        self._images: OrderedDict[str, bytes | None] = OrderedDict()
        self._image_bytes = 0
        self._drawing: dict[str, asyncio.Future[bytes | None]] = {}

    def _remember(self, prompt: Prompt) -> Prompt:
        self._generated[prompt.id] = prompt
        self._generated.move_to_end(prompt.id)
        while len(self._generated) > GENERATED_CACHE:
            self._generated.popitem(last=False)
        return prompt

    async def get(self, prompt_id: str) -> Prompt | None:
        """A bank prompt, or a generated one rebuilt from its id (in a worker); None if unknown."""
        prompt = self.content().prompts.get(prompt_id)
        if prompt is not None:
            return prompt
        if prompt_id in self._generated:
            return self._generated[prompt_id]
        family, sep, _ = prompt_id.rpartition(":")
        if not sep or family not in self.families():
            return None
        rebuilt = await self.workers.run(_rebuild, prompt_id, timeout=_BUILD_TIMEOUT)
        return None if rebuilt is None else self._remember(rebuilt)

    async def generate(self, family_id: str, seed: str) -> Prompt:
        prompt = await self.workers.run(_generate, family_id, seed, timeout=_BUILD_TIMEOUT)
        return self._remember(prompt)

    @staticmethod
    def families() -> dict[str, tuple[str, int]]:
        """Generator family id -> (topic, difficulty); listing them needs no SymPy."""
        from bot.content.generators import FAMILIES

        return {family.id: (family.topic, family.difficulty) for family in FAMILIES.values()}

    async def check(self, prompt: Prompt, answer: str, *, key: object) -> CheckResult:
        """Judge an answer in a worker; a timeout or a crashed worker is a verdict, not an error."""
        try:
            return await check_in_worker(self.workers, prompt.answer, answer, prompt.check_kwargs(), key=key)
        except Exception as exc:  # a checker bug: nothing is recorded, the member can rephrase
            log.error("checking %r against %s failed", answer[:200], prompt.id, exc_info=exc)
            raise UserError(
                "The checker failed on that answer (our bug; it has been logged). Nothing was recorded:"
                " try writing it another way."
            ) from exc

    async def readable(self, key: str, markdown: str) -> tuple[str, bytes | None]:
        """Text for a member (inline maths as Unicode) and, when a formula is display maths or has
        no faithful one-line form, an image of the whole text too (cached by ``key``)."""
        text = readable(markdown)
        png = await self.formula_image(key, markdown) if text.pictures else None
        return text.text, png

    async def statement_image(self, prompt: Prompt) -> bytes | None:
        return await self.formula_image(prompt.id, prompt.statement)

    async def formula_image(self, key: str, markdown: str) -> bytes | None:
        """Markdown with `$..$` formulas drawn as one image (cached by `key`); None when it has no
        formula or cannot be drawn: the text goes out regardless."""
        if "$" not in markdown.replace("\\$", ""):
            return None
        if key in self._images:
            self._images.move_to_end(key)
            return self._images[key]
        # Guilds posting the same prompt at the same moment wait for one drawing, not one each.
        pending = self._drawing.get(key)
        if pending is None:
            pending = self._drawing[key] = asyncio.ensure_future(self._draw(key, markdown))
            pending.add_done_callback(lambda _: self._drawing.pop(key, None))
        return await asyncio.shield(pending)

    async def _draw(self, key: str, markdown: str) -> bytes | None:
        try:
            png: bytes | None = await self.workers.run(_render_statement, markdown, timeout=_RENDER_TIMEOUT)
        except Exception:
            log.warning("could not draw the formulas of %s", key, exc_info=True)
            png = None
        self._images[key] = png
        self._image_bytes += len(png or b"")
        # Bounded by size, not count: the daily job of a large bot posts the whole bank at once.
        while self._image_bytes > IMAGE_CACHE_BYTES and len(self._images) > 1:
            _, old = self._images.popitem(last=False)
            self._image_bytes -= len(old or b"")
        return png
