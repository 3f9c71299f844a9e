"""Prompts, answer checks and statement images, with every SymPy/matplotlib step in a worker.

The bot process never imports SymPy or matplotlib: generated prompts are rebuilt in a worker (and
cached here), answers are checked in a worker with the member as the fairness key, and statement
images are drawn in a worker. Functions sent to workers are module-level and return plain data.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.content import ContentBank, Prompt
from bot.services.errors import UserError
from bot.workers import WorkerCrashed, WorkerPool, WorkerTimeout

log = logging.getLogger(__name__)

#: A timeout is the bot's failure (a busy machine, a cold worker), never held against the member.
CHECK_TIMEOUT_MESSAGE = (
    "Checking took too long this time: the bot's fault, not yours, and no attempt was counted."
    " Send the same answer again."
)
CHECK_CRASH_MESSAGE = (
    "Checking that answer failed on our side and no attempt was counted. Send the same answer again."
)
MAX_ANSWER_CHARS = 1000
_RENDER_TIMEOUT = 15.0
_BUILD_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    status: str  # correct | incorrect | invalid | timeout
    message: str
    interpreted_as: str = ""
    mistake: str | None = None


# -- run inside workers -----------------------------------------------------------------------


def _check(expected: str, answer: str, options: dict[str, Any]) -> dict[str, Any]:
    from bot.maths.checker import CheckOptions, check

    return check(expected, answer, CheckOptions(**options)).to_json()


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
    from bot.maths.generators import generate_prompt

    return generate_prompt(family_id, seed)


def _rebuild(prompt_id: str) -> Prompt | None:
    from bot.maths.generators import prompt_from_id

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

    def _remember(self, prompt: Prompt) -> Prompt:
        self._generated[prompt.id] = prompt
        self._generated.move_to_end(prompt.id)
        while len(self._generated) > 512:
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
        from bot.maths.generators import FAMILIES

        return {family.id: (family.topic, family.difficulty) for family in FAMILIES.values()}

    async def check(self, prompt: Prompt, answer: str, *, key: object) -> CheckResult:
        """Judge an answer in a worker; a timeout or a crashed worker is a verdict, not an error."""
        try:
            raw = await self.workers.run(_check, prompt.answer, answer, prompt.check_kwargs(), key=key)
        except WorkerTimeout:
            return CheckResult("timeout", CHECK_TIMEOUT_MESSAGE)
        except WorkerCrashed:
            return CheckResult("timeout", CHECK_CRASH_MESSAGE)
        except MemoryError:
            return CheckResult("invalid", "That answer is too big to work with.")
        except Exception as exc:  # a checker bug: nothing is recorded, the member can rephrase
            log.error("checking %r against %s failed", answer[:200], prompt.id, exc_info=exc)
            raise UserError(
                "The checker failed on that answer (our bug; it has been logged). Nothing was recorded:"
                " try writing it another way."
            ) from exc
        return CheckResult(raw["status"], raw["message"], raw.get("interpreted_as", ""), raw.get("mistake"))

    async def statement_image(self, prompt: Prompt) -> bytes | None:
        return await self.formula_image(prompt.id, prompt.statement)

    async def formula_image(self, key: str, markdown: str) -> bytes | None:
        """Markdown with `$..$` formulas drawn as one image (cached by `key`); None when it has no
        formula or cannot be drawn: the text goes out regardless."""
        if "$" not in markdown.replace("\\$", ""):
            return None
        if key in self._images:
            return self._images[key]
        try:
            png: bytes | None = await self.workers.run(_render_statement, markdown, timeout=_RENDER_TIMEOUT)
        except Exception:
            log.warning("could not draw the formulas of %s", key, exc_info=True)
            png = None
        self._images[key] = png
        while len(self._images) > 64:
            self._images.popitem(last=False)
        return png
