"""Turn raw YAML mappings into model objects, reporting every structural problem with its line.

Shared by the loader (strict: the first problem raises ContentError), the validator (lenient:
collects them all) and the problem generators (their output goes through the same checks as a
hand-written prompt).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.content.models import Curriculum, CurriculumWeek, Mistake, Prompt, Resource, Topic
from bot.content.yamlio import ContentError, Located
from bot.maths.limits import tolerance_problem

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_TYPES = frozenset(
    {"expression", "number", "set", "tuple", "matrix", "interval", "equation", "inequality", "text"}
)
RESOURCE_KINDS = frozenset(
    {
        "course",
        "book",
        "chapter",
        "lecture",
        "video",
        "video series",
        "notes",
        "exercises",
        "article",
        "interactive",
    }
)
LEVELS = frozenset({"beginner", "intermediate", "advanced"})
KNOWN_FUNCTIONS = frozenset({"sigma", "relu", "softplus"})
MAX_STATEMENT_CHARS = 600

_ASKS_EXACT = re.compile(r"\b(?:give|as) an exact (?:fraction|number|value|integer|expression)\b", re.I)


_DECIMAL = re.compile(r"\d\.\d|(?<![\w.])\.\d")


def asks_exact(statement: str) -> bool:
    """What a member reads decides it: "Give an exact fraction." asks for an exact value, unless the
    statement also allows a decimal. A prompt's `exact: true/false` overrides."""
    return bool(_ASKS_EXACT.search(statement)) and "decimal" not in statement.lower()


PROMPT_KEYS = frozenset(
    {
        "id",
        "topic",
        "difficulty",
        "statement",
        "answer",
        "answer_type",
        "exact",
        "tolerance",
        "functions",
        "equivalents",
        "hints",
        "solution",
        "mistakes",
        "resources",
    }
)
RESOURCE_KEYS = frozenset({"id", "title", "url", "kind", "topics", "level", "free", "time", "chapter"})
TOPIC_KEYS = frozenset({"slug", "title", "area", "aliases"})
CURRICULUM_KEYS = frozenset({"name", "slug", "description", "weeks"})
WEEK_KEYS = frozenset({"title", "topics", "resources", "prompts", "generators"})


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    id: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.id or '-'}: {self.message}"


@dataclass
class Sink:
    """Where problems go: strict sinks raise on the first one, lenient ones collect."""

    strict: bool
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, id: str | None, line: int | None, message: str) -> None:
        if self.strict:
            raise ContentError(file, id, line, message)
        self.problems.append(Problem(file, id, line, message))


class _Entry:
    """Typed field access on one located mapping; bad fields are reported, not raised."""

    def __init__(self, loc: Located, file: str, sink: Sink, id_key: str = "id") -> None:
        self.loc = loc
        self.file = file
        self.sink = sink
        self.data: dict[str, Any] = loc.data
        raw_id = self.data.get(id_key)
        self.id = raw_id if isinstance(raw_id, str) else None
        self.ok = True

    def problem(self, key: str | None, message: str) -> None:
        self.ok = False
        line = self.loc.line_of(key) if key else self.loc.line
        self.sink.add(self.file, self.id, line, message)

    def unknown_keys(self, allowed: frozenset[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(str(key), f"unknown field {key!r}")

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"missing required field {key!r}")
            return default
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"{key!r} must be a non-empty string")
            return default
        return value.strip()

    def answer_text(self, key: str, value: Any) -> str | None:
        """Answers may be quoted text or plain YAML numbers/lists; render them in checker syntax."""
        rendered = render_answer(value)
        if rendered is None:
            self.problem(key, f"{key!r} must be an answer in the checker's syntax (quote it in YAML)")
        return rendered

    def integer(
        self, key: str, *, required: bool = True, lo: int | None = None, hi: int | None = None
    ) -> int:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"missing required field {key!r}")
            return lo or 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"{key!r} must be an integer")
            return lo or 0
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.problem(key, f"{key!r} must be between {lo} and {hi}, got {value}")
        return value

    def str_list(self, key: str, *, required: bool = False, non_empty: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"missing required field {key!r}")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(key, f"{key!r} must be a list of non-empty strings")
            return ()
        if non_empty and not value:
            self.problem(key, f"{key!r} must not be empty")
        return tuple(v.strip() for v in value)


def render_answer(value: Any) -> str | None:
    """Checker-syntax text for an answer as YAML constructed it, or None if it is not an answer.

    An unquoted `[[1, 2], [3, 4]]` arrives as a list and `{1, 3}` as a mapping with null values;
    both are rendered back to the text the author meant.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [render_answer(v) for v in value]
        if not parts or any(p is None for p in parts):
            return None
        return "[" + ", ".join(p for p in parts if p is not None) + "]"
    if isinstance(value, dict) and value and all(v is None for v in value.values()):
        parts = [render_answer(k) for k in value]
        if any(p is None for p in parts):
            return None
        return "{" + ", ".join(p for p in parts if p is not None) + "}"
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_prompt(
    loc: Located, file: str, sink: Sink, *, source: str = "bank", generator: str | None = None
) -> Prompt | None:
    """One prompt mapping -> Prompt, or None when it is too broken to use."""
    if not isinstance(loc.data, dict):
        sink.add(file, None, loc.line, "each prompt must be a mapping")
        return None
    e = _Entry(loc, file, sink)
    e.unknown_keys(PROMPT_KEYS)
    pid = e.text("id")
    if pid and source == "bank" and not ID_RE.match(pid):
        e.problem("id", f"id {pid!r} must be lowercase words joined by '-' ([a-z0-9-])")
    topic = e.text("topic")
    difficulty = e.integer("difficulty", lo=1, hi=5)
    statement = e.text("statement")
    answer = None
    if "answer" not in e.data:
        e.problem(None, "missing required field 'answer'")
    else:
        answer = e.answer_text("answer", e.data["answer"])

    answer_type = e.data.get("answer_type")
    if answer_type is not None and answer_type not in ANSWER_TYPES:
        e.problem("answer_type", f"answer_type must be one of {sorted(ANSWER_TYPES)}, got {answer_type!r}")
        answer_type = None

    # Listing a decimal among the equivalents says decimals are welcome, whatever the wording.
    exact = asks_exact(statement) and not any(
        _DECIMAL.search(str(x)) for x in e.data.get("equivalents") or ()
    )
    if "exact" in e.data:
        if not isinstance(e.data["exact"], bool):
            e.problem("exact", "exact must be true or false")
        else:
            exact = e.data["exact"]

    rel_tol = abs_tol = None
    sig_figs = None
    tol = e.data.get("tolerance")
    if tol is not None:
        if not isinstance(tol, dict) or not tol:
            e.problem("tolerance", "tolerance must be a mapping with rel_tol / abs_tol / sig_figs")
        else:
            for key, value in tol.items():
                if key in ("rel_tol", "abs_tol"):
                    num = _number(value)
                    problem = tolerance_problem(key, num) if num is not None else f"{key} must be a number"
                    if problem:  # the checker's own range (bot.maths.limits), so a prompt can't set more
                        e.problem("tolerance", f"tolerance.{problem}")
                    elif key == "rel_tol":
                        rel_tol = num
                    else:
                        abs_tol = num
                elif key == "sig_figs":
                    problem = tolerance_problem(key, value)
                    if problem:
                        e.problem("tolerance", f"tolerance.{problem}")
                    else:
                        sig_figs = value
                else:
                    e.problem("tolerance", f"unknown tolerance key {key!r}")

    functions = e.str_list("functions")
    for name in functions:
        if name not in KNOWN_FUNCTIONS:
            e.problem("functions", f"unknown declared function {name!r} (known: {sorted(KNOWN_FUNCTIONS)})")

    equivalents: list[str] = []
    raw_eq = e.data.get("equivalents")
    if raw_eq is not None:
        if not isinstance(raw_eq, list):
            e.problem("equivalents", "equivalents must be a list of answers")
        else:
            for item in raw_eq:
                text = e.answer_text("equivalents", item)
                if text is not None:
                    equivalents.append(text)

    hints = e.str_list("hints", required=True, non_empty=True)
    solution = e.text("solution")

    mistakes: list[Mistake] = []
    raw_mistakes = e.data.get("mistakes")
    if raw_mistakes is not None:
        if not isinstance(raw_mistakes, list):
            e.problem("mistakes", "mistakes must be a list of {answer, message}")
        else:
            for item in raw_mistakes:
                if not isinstance(item, dict) or set(item) != {"answer", "message"}:
                    e.problem("mistakes", "each mistake needs exactly 'answer' and 'message'")
                    continue
                text = e.answer_text("mistakes", item["answer"])
                message = item["message"]
                if not isinstance(message, str) or not message.strip():
                    e.problem("mistakes", "a mistake's message must be a non-empty string")
                    continue
                if text is not None:
                    mistakes.append(Mistake(text, message.strip()))

    resources = e.str_list("resources")

    if not e.ok or answer is None:
        return None
    return Prompt(
        id=pid,
        topic=topic,
        difficulty=difficulty,
        statement=statement,
        answer=answer,
        answer_type=answer_type,
        rel_tol=rel_tol,
        abs_tol=abs_tol,
        sig_figs=sig_figs,
        exact=exact,
        functions=functions,
        equivalents=tuple(equivalents),
        hints=hints,
        solution=solution,
        mistakes=tuple(mistakes),
        resources=resources,
        source="generator" if source == "generator" else "bank",
        generator=generator,
    )


def parse_topic(loc: Located, file: str, sink: Sink) -> Topic | None:
    if not isinstance(loc.data, dict):
        sink.add(file, None, loc.line, "each topic must be a mapping")
        return None
    e = _Entry(loc, file, sink, id_key="slug")
    e.unknown_keys(TOPIC_KEYS)
    slug = e.text("slug")
    if slug and not ID_RE.match(slug):
        e.problem("slug", f"slug {slug!r} must be lowercase words joined by '-'")
    title = e.text("title")
    area = e.text("area")
    aliases = e.str_list("aliases")
    if not e.ok:
        return None
    return Topic(slug=slug, title=title, area=area, aliases=aliases)


def parse_resource(loc: Located, file: str, sink: Sink) -> Resource | None:
    if not isinstance(loc.data, dict):
        sink.add(file, None, loc.line, "each resource must be a mapping")
        return None
    e = _Entry(loc, file, sink)
    e.unknown_keys(RESOURCE_KEYS)
    rid = e.text("id")
    if rid and not ID_RE.match(rid):
        e.problem("id", f"id {rid!r} must be lowercase words joined by '-' ([a-z0-9-])")
    title = e.text("title")
    url = e.text("url")
    if url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
        e.problem("url", f"url {url!r} must be an absolute http(s) URL")
    kind = e.text("kind")
    if kind and kind not in RESOURCE_KINDS:
        e.problem("kind", f"kind must be one of {sorted(RESOURCE_KINDS)}, got {kind!r}")
    topics = e.str_list("topics", required=True, non_empty=True)
    level = e.text("level")
    if level and level not in LEVELS:
        e.problem("level", f"level must be one of {sorted(LEVELS)}, got {level!r}")
    free = e.data.get("free")
    if not isinstance(free, bool):
        e.problem("free" if "free" in e.data else None, "'free' must be true or false")
    time = None
    if e.data.get("time") is not None:
        time = e.text("time", required=False) or None
    chapter = None
    if e.data.get("chapter") is not None:
        chapter = e.integer("chapter", required=False, lo=0, hi=1000)
    elif kind == "chapter":
        e.problem(None, "a book chapter needs 'chapter' (its number)")
    if not e.ok:
        return None
    return Resource(
        id=rid,
        title=title,
        url=url,
        kind=kind,
        topics=topics,
        level=level,
        free=bool(free),
        time=time,
        chapter=chapter,
    )


# Curriculum text ends up in Discord titles (256 characters: "<name> — week 12 of 52: <week title>")
# and embed descriptions: bounded here, so an import is refused with the reason instead of being
# stored and then breaking every announcement.
MAX_SLUG = 40
MAX_CURRICULUM_NAME = 80
MAX_WEEK_TITLE = 100
MAX_CURRICULUM_DESCRIPTION = 1000


def _bounded(e: _Entry, key: str, value: str, limit: int) -> None:
    if len(value) > limit:
        e.problem(key, f"{key!r} is {len(value)} characters; at most {limit}")


def parse_curriculum(loc: Located, week_locs: Iterable[Located], file: str, sink: Sink) -> Curriculum | None:
    if not isinstance(loc.data, dict):
        sink.add(file, None, loc.line, "a curriculum file must be a mapping with name, slug, weeks")
        return None
    e = _Entry(loc, file, sink, id_key="slug")
    e.unknown_keys(CURRICULUM_KEYS)
    slug = e.text("slug")
    if slug and not ID_RE.match(slug):
        e.problem("slug", f"slug {slug!r} must be lowercase words joined by '-'")
    name = e.text("name")
    description = e.text("description", required=False)
    _bounded(e, "slug", slug, MAX_SLUG)
    _bounded(e, "name", name, MAX_CURRICULUM_NAME)
    _bounded(e, "description", description, MAX_CURRICULUM_DESCRIPTION)
    raw_weeks = e.data.get("weeks")
    weeks: list[CurriculumWeek] = []
    if not isinstance(raw_weeks, list) or not raw_weeks:
        e.problem("weeks" if "weeks" in e.data else None, "'weeks' must be a non-empty list")
    else:
        for wloc in week_locs:
            week = _parse_week(wloc, file, sink, slug)
            if week is None:
                e.ok = False
            else:
                weeks.append(week)
    if not e.ok:
        return None
    return Curriculum(slug=slug, name=name, description=description, weeks=tuple(weeks))


def _parse_week(loc: Located, file: str, sink: Sink, slug: str) -> CurriculumWeek | None:
    if not isinstance(loc.data, dict):
        sink.add(file, slug, loc.line, "each week must be a mapping")
        return None
    e = _Entry(loc, file, sink)
    e.id = slug
    e.unknown_keys(WEEK_KEYS)
    title = e.text("title")
    _bounded(e, "title", title, MAX_WEEK_TITLE)
    topics = e.str_list("topics", required=True, non_empty=True)
    if not 1 <= len(topics) <= 4 and "topics" in e.data:
        # reported, but the week is still built so its references get checked too
        sink.add(file, slug, loc.line_of("topics"), f"a week has 1-4 topics, got {len(topics)}")
    resources = e.str_list("resources")
    prompts = e.str_list("prompts")
    generators = e.str_list("generators")
    if not e.ok:
        return None
    return CurriculumWeek(
        title=title, topics=topics, resources=resources, prompts=prompts, generators=generators
    )
