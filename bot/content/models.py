"""Immutable values for the content bank: topics, prompts, resources, curricula.

Plain frozen dataclasses so services can pass them around, cache them and compare them freely;
nothing here imports sympy or the checker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

PromptSource = Literal["bank", "generator"]


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    title: str
    area: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mistake:
    """A classic wrong answer and the message that names the slip."""

    answer: str
    message: str


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    topic: str
    difficulty: int
    statement: str
    answer: str
    answer_type: str | None = None
    rel_tol: float | None = None
    abs_tol: float | None = None
    sig_figs: int | None = None
    exact: bool = False  # an exact value is asked: a correct decimal is sent back, not counted
    functions: tuple[str, ...] = ()
    equivalents: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    solution: str = ""
    mistakes: tuple[Mistake, ...] = ()
    resources: tuple[str, ...] = ()
    source: PromptSource = "bank"
    generator: str | None = None

    def check_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `bot.maths.checker.CheckOptions` (only the fields this prompt sets).

        Kept as a plain dict so this module never imports the checker (and with it sympy).
        """
        kwargs: dict[str, Any] = {
            "functions": self.functions,
            "mistakes": tuple((m.answer, m.message) for m in self.mistakes),
        }
        if self.answer_type is not None:
            kwargs["answer_type"] = self.answer_type
        if self.rel_tol is not None:
            kwargs["rel_tol"] = self.rel_tol
        if self.abs_tol is not None:
            kwargs["abs_tol"] = self.abs_tol
        if self.sig_figs is not None:
            kwargs["sig_figs"] = self.sig_figs
        if self.exact:
            kwargs["exact"] = True
        return kwargs


@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    title: str
    url: str
    kind: str
    topics: tuple[str, ...]
    level: str
    free: bool
    time: str | None = None
    chapter: int | None = None


@dataclass(frozen=True, slots=True)
class CurriculumWeek:
    title: str
    topics: tuple[str, ...]
    resources: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    generators: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Curriculum:
    slug: str
    name: str
    description: str
    weeks: tuple[CurriculumWeek, ...]
