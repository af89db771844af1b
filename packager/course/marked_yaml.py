"""YAML loading that remembers the line of every mapping key and list item.

PyYAML's node marks are dropped by the ordinary loaders; authors need them to
find a mistake, so mappings and lists keep a line per key or index.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from packager.course.yaml_errors import explain
from packager.messages import msg
from validators.bilingual import Text


class MarkedDict(dict):
    """A mapping that knows the (1-based) line of itself and of each key."""

    line: int
    lines: dict[Any, int]


class MarkedList(list):
    """A list that knows the (1-based) line of itself and of each item."""

    line: int
    lines: list[int]


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that returns MarkedDict and MarkedList."""


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A key written twice in one mapping: PyYAML would keep the last one silently."""

    def __init__(self, key: Any, mark: yaml.Mark):
        super().__init__(problem=f"found duplicate key {key!r}", problem_mark=mark)
        self.key = key


def _refuse_duplicates(loader: _MarkedLoader, node: yaml.MappingNode) -> None:
    # before merges (`<<: *base`) are flattened: a key written here may override a merged one
    seen: set[Any] = set()
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (str, int, float, bool)) or key is None:
            if key in seen:
                raise DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> MarkedDict:
    _refuse_duplicates(loader, node)
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "unhashable key", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _MarkedLoader, node: yaml.ScalarNode) -> Any:
    # `2026-02-30` looks like a date but is none: keep the text so the schema names the field
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


# YAML 1.2 booleans: only true and false. YAML 1.1's yes/no/on/off turned a choice id `no`
# or an answer `yes` into booleans; the schemas read those words where a yes-or-no is meant.
_BOOL = "tag:yaml.org,2002:bool"
_MarkedLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MarkedLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlSyntaxError(Exception):
    """A file that is not YAML at all: the line to look at and what to do, in both languages."""

    def __init__(self, line: int | None, message: Text):
        self.line = line
        self.message = message
        super().__init__(f"{line}: {message.en}")


def load_marked(path: Path) -> Any:
    """Parse one YAML document from `path`, keeping lines; raise YamlSyntaxError if malformed."""
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_MarkedLoader)  # noqa: S506 - SafeLoader subclass
    except DuplicateKeyError as error:
        raise YamlSyntaxError(error.problem_mark.line + 1, msg("yaml_duplicate_key", value=error.key)) from None
    except yaml.MarkedYAMLError as error:
        raise YamlSyntaxError(*explain(error, text)) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(None, msg("yaml_syntax", problem=str(error))) from None


def line_of(data: Any, path: list[str | int]) -> int | None:
    """The line of the deepest element of `path` that exists in the marked data."""
    line = getattr(data, "line", None)
    node = data
    for step in path:
        if isinstance(node, MarkedDict) and step in node:
            line = node.lines.get(step, line)
            node = node[step]
        elif isinstance(node, MarkedList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
    return line
