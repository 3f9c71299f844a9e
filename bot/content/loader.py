"""Load data/ (topics, prompts, resources, curricula) into one cached, read-only ContentBank.

Import-light on purpose: PyYAML and the standard library only. Generated prompts (ids like
``gen-chain-rule:1a2b3c4d``) are rebuilt on demand by importing bot.content.generators lazily.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.matching import TopicMatcher
from bot.content.models import Curriculum, Prompt, Resource, Topic
from bot.content.schema import (
    Sink,
    parse_curriculum,
    parse_prompt,
    parse_resource,
    parse_topic,
)
from bot.content.yamlio import ContentError, Located, locate, locate_items, read_yaml, value_node

__all__ = ["ContentBank", "ContentError", "default_data_dir", "load_content", "use_data_dir"]

REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
_chosen_dir: Path | None = None


def use_data_dir(directory: Path | None) -> None:
    """Make `directory` this process's default (Settings.data_dir: STUDYBOT_DATA_DIR, .env too);
    None goes back to the repository's data/. Settings are read in bot/config.py only."""
    global _chosen_dir
    _chosen_dir = Path(directory) if directory is not None else None


def default_data_dir() -> Path:
    """The directory chosen by `use_data_dir`, else the repository's data/ next to the bot package."""
    return _chosen_dir if _chosen_dir is not None else REPO_DATA_DIR


@dataclass(frozen=True, slots=True)
class Where:
    """Where an entry came from, for cross-reference problems found after loading."""

    file: str
    loc: Located


@dataclass
class ContentBank:
    data_dir: Path
    topics: dict[str, Topic]
    prompts: dict[str, Prompt]
    resources: dict[str, Resource]
    curricula: dict[str, Curriculum]
    # (kind, id) -> file + lines; kind in topic | prompt | resource | curriculum | week:<slug>:<n>
    where: dict[tuple[str, str], Where] = field(default_factory=dict, repr=False)
    _by_topic: dict[str, tuple[Prompt, ...]] = field(default_factory=dict, repr=False)
    _res_by_topic: dict[str, tuple[Resource, ...]] = field(default_factory=dict, repr=False)
    _matcher: TopicMatcher | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        by_topic: dict[str, list[Prompt]] = {}
        for prompt in self.prompts.values():
            by_topic.setdefault(prompt.topic, []).append(prompt)
        self._by_topic = {k: tuple(v) for k, v in by_topic.items()}
        res: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            for slug in resource.topics:
                res.setdefault(slug, []).append(resource)
        self._res_by_topic = {k: tuple(v) for k, v in res.items()}
        self._matcher = TopicMatcher(self.topics.values())

    def prompts_by_topic(self, slug: str) -> tuple[Prompt, ...]:
        """Bank prompts for a topic, in file order (easiest-first is up to the caller)."""
        return self._by_topic.get(slug, ())

    def resources_for_topic(self, slug: str) -> tuple[Resource, ...]:
        """Resources tagged with a topic, in catalog order (the catalog lists the best first)."""
        return self._res_by_topic.get(slug, ())

    def get_prompt(self, prompt_id: str) -> Prompt | None:
        """A bank prompt by id, or a generated one rebuilt from its id; None if unknown."""
        prompt = self.prompts.get(prompt_id)
        if prompt is not None:
            return prompt
        if ":" in prompt_id:
            from bot.content import generators  # lazy: generators may build sympy objects

            try:
                return generators.prompt_from_id(prompt_id)
            except (KeyError, ValueError):
                return None
        return None

    def match_topic(self, text: str, limit: int | None = None) -> list[Topic]:
        """Topics matching free text (slug, title, aliases, typos), best first."""
        assert self._matcher is not None
        return self._matcher.match(text, limit)

    def generator_ids(self) -> tuple[str, ...]:
        from bot.content import generators

        return generators.family_ids()

    def generators_for_topic(self, slug: str) -> tuple[str, ...]:
        from bot.content import generators

        return tuple(f.id for f in generators.FAMILIES.values() if f.topic == slug)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _content_files(data_dir: Path) -> Iterator[Path]:
    yield data_dir / "topics.yaml"
    yield data_dir / "resources.yaml"
    yield from _yaml_files(data_dir / "prompts")
    yield from _yaml_files(data_dir / "curricula")


def _rel(path: Path, data_dir: Path) -> str:
    """File names as the validator prints them: data/prompts/x.yaml."""
    try:
        return str(Path(data_dir.name) / path.relative_to(data_dir))
    except ValueError:
        return str(path)


def read_content(data_dir: Path, sink: Sink) -> ContentBank:
    """Parse every file under data_dir; structural problems go to `sink` (strict sinks raise)."""
    data_dir = Path(data_dir)
    where: dict[tuple[str, str], Where] = {}

    def read_list(path: Path, what: str) -> tuple[str, list[Located]]:
        name = _rel(path, data_dir)
        if not path.is_file():
            sink.add(name, None, None, f"missing {what} file")
            return name, []
        try:
            data, node = read_yaml(path, name)
        except ContentError as exc:
            sink.add(exc.file, exc.id, exc.line, exc.message)
            return name, []
        if data is None:
            return name, []
        if not isinstance(data, list):
            sink.add(name, None, 1, f"{what} file must be a YAML list")
            return name, []
        return name, locate_items(data, node)

    def raw_id(loc: Located, key: str = "id") -> str | None:
        value = loc.data.get(key) if isinstance(loc.data, dict) else None
        return value.strip() if isinstance(value, str) else None

    def unique(kind: str, key: str | None, name: str, loc: Located) -> bool:
        """Register an id (even of an entry that fails to parse) and report duplicates."""
        if key is None:
            return True
        if (kind, key) in where:
            first = where[(kind, key)]
            sink.add(name, key, loc.line, f"duplicate {kind} id (first at {first.file}:{first.loc.line})")
            return False
        where[(kind, key)] = Where(name, loc)
        return True

    topics: dict[str, Topic] = {}
    name, items = read_list(data_dir / "topics.yaml", "topics")
    for loc in items:
        fresh = unique("topic", raw_id(loc, "slug"), name, loc)
        topic = parse_topic(loc, name, sink)
        if topic is not None and fresh:
            topics[topic.slug] = topic

    resources: dict[str, Resource] = {}
    name, items = read_list(data_dir / "resources.yaml", "resources")
    for loc in items:
        fresh = unique("resource", raw_id(loc), name, loc)
        resource = parse_resource(loc, name, sink)
        if resource is not None and fresh:
            resources[resource.id] = resource

    prompts: dict[str, Prompt] = {}
    for path in _yaml_files(data_dir / "prompts"):
        name, items = read_list(path, "prompts")
        for loc in items:
            fresh = unique("prompt", raw_id(loc), name, loc)
            prompt = parse_prompt(loc, name, sink)
            if prompt is not None and fresh:
                prompts[prompt.id] = prompt

    curricula: dict[str, Curriculum] = {}
    for path in _yaml_files(data_dir / "curricula"):
        name = _rel(path, data_dir)
        try:
            data, node = read_yaml(path, name)
        except ContentError as exc:
            sink.add(exc.file, exc.id, exc.line, exc.message)
            continue
        loc = locate(data, node)
        week_locs = (
            locate_items(data.get("weeks"), value_node(node, "weeks")) if isinstance(data, dict) else []
        )
        fresh = unique("curriculum", raw_id(loc, "slug"), name, loc)
        curriculum = parse_curriculum(loc, week_locs, name, sink)
        if curriculum is not None and fresh:
            curricula[curriculum.slug] = curriculum
            for index, wloc in enumerate(week_locs):
                where[(f"week:{curriculum.slug}", str(index))] = Where(name, wloc)

    return ContentBank(
        data_dir=data_dir,
        topics=topics,
        prompts=prompts,
        resources=resources,
        curricula=curricula,
        where=where,
    )


_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], ContentBank]] = {}
_cache_lock = threading.Lock()


def _signature(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every content file: a cheap way to notice edits and reload."""
    sig = []
    for path in _content_files(data_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        sig.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(sig)


# Set by `pinned_content()`: the one bank every load_content() of the default data_dir returns.
_pinned: ContextVar[ContentBank | None] = ContextVar("pinned_content", default=None)


@contextmanager
def pinned_content() -> Iterator[ContentBank]:
    """One snapshot for a whole block of work (a scheduler tick planning thousands of guilds):
    load_content() inside it, and in tasks started inside it, returns the same bank instead of
    checking every content file again on each call. Edits are picked up at the next block."""
    bank = load_content()
    token = _pinned.set(bank)
    try:
        yield bank
    finally:
        _pinned.reset(token)


def load_content(data_dir: Path | None = None) -> ContentBank:
    """The content bank for data_dir (default: see default_data_dir), cached until a file changes.

    Raises ContentError (file, id, line) on the first malformed entry.
    """
    if data_dir is None and (pinned := _pinned.get()) is not None:
        return pinned
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    directory = directory.resolve()
    signature = _signature(directory)
    with _cache_lock:
        cached = _cache.get(directory)
        if cached is not None and cached[0] == signature:
            return cached[1]
        bank = read_content(directory, Sink(strict=True))
        _cache[directory] = (signature, bank)
        return bank


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
