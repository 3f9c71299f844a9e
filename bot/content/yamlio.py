"""YAML reading that keeps line numbers, so every content problem can point at file:line.

PyYAML's C loader (libyaml) when available: the whole data/ tree loads in a few milliseconds.
We compose the node graph first (it carries the marks) and then construct plain Python data
from it, exactly as `yaml.safe_load` would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class ContentError(ValueError):
    """Malformed content: names the file, the entry id (when known) and the 1-based line."""

    def __init__(self, file: str, id: str | None, line: int | None, message: str) -> None:
        self.file = file
        self.id = id
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {id}: {message}" if id else f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Located:
    """One YAML mapping with the line of the mapping and of each of its keys."""

    data: Any
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def read_yaml(path: Path, display: str) -> tuple[Any, yaml.Node | None]:
    """Parse one file into (data, root node). YAML syntax errors become ContentError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(display, None, None, f"cannot read file: {exc}") from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ContentError(display, None, line, f"YAML error: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(display, None, None, f"YAML error: {exc}") from exc
    except ValueError as exc:  # a well-formed but impossible value, such as the date 2026-02-30
        bad = _impossible_scalar(node)
        line = bad.start_mark.line + 1 if bad is not None else None
        value = f" {bad.value!r}" if bad is not None else ""
        raise ContentError(display, None, line, f"invalid value{value}: {exc}") from exc
    finally:
        loader.dispose()
    return data, node


def _impossible_scalar(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar under `node` that its own constructor rejects (for the error's line)."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.ScalarNode):
            checker = _Loader("")  # a fresh constructor: the failed one is mid-document
            try:
                checker.construct_object(current, deep=True)
            except ValueError:
                return current
            finally:
                checker.dispose()
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return None


def locate(data: Any, node: yaml.Node | None) -> Located:
    """Pair constructed data with the lines of its node (and of its keys if it is a mapping)."""
    if node is None:
        return Located(data, 1)
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_lines[str(key_node.value)] = key_node.start_mark.line + 1
    return Located(data, node.start_mark.line + 1, key_lines)


def locate_items(data: Any, node: yaml.Node | None) -> list[Located]:
    """Each item of a top-level YAML sequence, located."""
    if not isinstance(data, list):
        return []
    if isinstance(node, yaml.SequenceNode) and len(node.value) == len(data):
        return [locate(item, item_node) for item, item_node in zip(data, node.value, strict=True)]
    return [Located(item, 1) for item in data]


def value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node under `key` in a mapping node (for nested line numbers)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, val in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return val
    return None
