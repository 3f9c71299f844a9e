"""Curriculum files a moderator uploads or downloads: parse with line numbers, validate everything
against the content bank, and write the same format back out.

The format is data/curricula/*.yaml (name, slug, description, weeks: title, topics, resources,
prompts, generators) plus an optional `start: YYYY-MM-DD`, the date `/curriculum start` uses when
none is given. Every problem is collected (never just the first) so one upload shows them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Container
from dataclasses import dataclass
from typing import Any

import yaml

from bot.content import ContentBank, Curriculum
from bot.content.schema import Sink, parse_curriculum
from bot.content.yamlio import Located, locate, locate_items, value_node

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe loading with dates kept as text: PyYAML's own date constructor raises a bare ValueError
    on 2026-02-30, and we want to report that as a bad date on its line."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))

MAX_WEEKS = 52


@dataclass(frozen=True)
class ParsedCurriculum:
    curriculum: Curriculum
    start: dt.date | None
    text: str


class CurriculumProblems(ValueError):
    """The upload has problems; `problems` are 'file:line: message' lines, in file order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _load(text: str, filename: str) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise CurriculumProblems([f"{filename}{line}: malformed YAML: {exc.problem or exc}"]) from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise CurriculumProblems([f"{filename}: malformed YAML: {exc}"]) from None
    finally:
        loader.dispose()
    return data, node


def _start_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_upload(
    filename: str, data: bytes, bank: ContentBank, families: Collection[str], *, references: bool = True
) -> ParsedCurriculum:
    """The curriculum in an uploaded file, or CurriculumProblems listing every problem with its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CurriculumProblems([f"{filename}: not UTF-8 text (byte {exc.start})"]) from None
    raw, node = _load(text, filename)
    if not isinstance(raw, dict):
        raise CurriculumProblems([f"{filename}:1: a curriculum must be a mapping with name, slug and weeks"])
    problems: list[tuple[int, str]] = []
    loc = locate(raw, node)

    start: dt.date | None = None
    if "start" in raw:
        start = _start_date(raw["start"])
        if start is None:
            problems.append((loc.line_of("start"), f"start: {raw['start']!r} is not a date like 2026-11-30"))
    body = {k: v for k, v in raw.items() if k != "start"}
    week_locs = locate_items(body.get("weeks"), value_node(node, "weeks"))
    if isinstance(body.get("weeks"), list) and len(body["weeks"]) > MAX_WEEKS:
        problems.append((loc.line_of("weeks"), f"{len(body['weeks'])} weeks; at most {MAX_WEEKS}"))

    sink = Sink(strict=False)
    curriculum = parse_curriculum(Located(body, loc.line, loc.key_lines), week_locs, filename, sink)
    problems += [(p.line or 0, p.message) for p in sink.problems]
    if references:
        problems += _references(body.get("weeks"), week_locs, bank, families)
    if problems or curriculum is None:
        ordered = sorted(set(problems))
        raise CurriculumProblems([f"{filename}:{line}: {message}" for line, message in ordered])
    return ParsedCurriculum(curriculum, start, text)


def _references(
    weeks: Any, week_locs: list[Located], bank: ContentBank, families: Collection[str]
) -> list[tuple[int, str]]:
    """Unknown topics, resources, prompt ids and generators, week by week."""
    found: list[tuple[int, str]] = []
    if not isinstance(weeks, list):
        return found
    known: dict[str, tuple[str, Container[str]]] = {
        "topics": ("topic", bank.topics),
        "resources": ("resource id", bank.resources),
        "prompts": ("prompt id", bank.prompts),
        "generators": ("generator id", families),
    }
    for number, wloc in enumerate(week_locs, start=1):
        if not isinstance(wloc.data, dict):
            continue
        for key, (what, table) in known.items():
            values = wloc.data.get(key)
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list):
                continue
            for value in values:
                if isinstance(value, str) and value.strip() and value.strip() not in table:
                    found.append((wloc.line_of(key), f"week {number}: unknown {what} {value.strip()!r}"))
    return found


def dump(curriculum: Curriculum, start: dt.date | None = None) -> str:
    """The curriculum in the import format (what /curriculum export hands out)."""
    data: dict[str, Any] = {"name": curriculum.name, "slug": curriculum.slug}
    if curriculum.description:
        data["description"] = curriculum.description
    if start is not None:
        data["start"] = start.isoformat()
    weeks = []
    for week in curriculum.weeks:
        entry: dict[str, Any] = {"title": week.title, "topics": list(week.topics)}
        for key in ("resources", "prompts", "generators"):
            values = getattr(week, key)
            if values:
                entry[key] = list(values)
        weeks.append(entry)
    data["weeks"] = weeks
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def parse_stored(text: str, bank: ContentBank, families: Collection[str]) -> ParsedCurriculum:
    """A curriculum stored at import (validated then). References are not re-checked: a prompt the
    bank dropped since is simply skipped by the planner, the plan itself stays."""
    return parse_upload("stored.yaml", text.encode("utf-8"), bank, families, references=False)
