"""Read YAML into plain data while remembering the line of every key.

PyYAML's composed node tree carries a mark (line, column) for every node; walking it instead of
calling ``safe_load`` lets validation errors name the line a planner has to fix. Duplicate keys,
which ``safe_load`` silently collapses, are reported too.

The text is composed by :class:`~scenarios.safe_yaml.BoundedLoader`: nesting deeper than
``safe_yaml.MAX_DEPTH`` levels and alias bombs are reported as problems on their line, never
walked (see that module for the limits).
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import IssueCollector
from .safe_yaml import BoundedLoader, YamlLimitError


def read_yaml(text: str, collector: IssueCollector) -> Any:
    """Parse ``text``; fill ``collector.lines`` with ``{key path: line}``; return the data.

    Syntax errors and passed limits are recorded in ``collector`` for the whole file (key path
    ``()``, with their line) and ``None`` is returned.
    """
    try:
        loader = BoundedLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except YamlLimitError as error:
        if error.line is not None:
            collector.lines[()] = error.line
        collector.add((), f"yaml_{error.code}", limit=error.limit)
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        detail = getattr(error, "problem", None) or str(error)
        if mark is not None:
            collector.lines[()] = mark.line + 1
        collector.add((), "yaml_syntax", detail=detail)
        return None
    if node is None:
        return None
    constructor = BoundedLoader("")
    return _walk(node, (), collector, constructor)


def _walk(node: yaml.Node, path: tuple, collector: IssueCollector, constructor) -> Any:
    collector.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        return _walk_mapping(node, path, collector, constructor)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            items.append(_walk(item, path + (index,), collector, constructor))
        return items
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        collector.add(path, "yaml_syntax", detail=str(error).splitlines()[0])
        return None


def _walk_mapping(node: yaml.MappingNode, path: tuple, collector, constructor) -> dict:
    result: dict = {}
    first_line: dict = {}
    for key_node, value_node in node.value:
        key = _walk(key_node, path + ("<key>",), collector, constructor)
        if not isinstance(key, str | int | float | bool) or key is None:
            collector.add(path, "not_a_string", got=repr(key))
            continue
        key = str(key)
        line = key_node.start_mark.line + 1
        if key in result:
            collector.lines[path + (key,)] = line
            collector.add(path + (key,), "duplicate_key", key=key, first_line=first_line[key])
            continue
        first_line[key] = line
        collector.lines[path + (key,)] = line
        child = _walk(value_node, path + (key,), collector, constructor)
        collector.lines[path + (key,)] = line
        result[key] = child
    collector.lines.pop(path + ("<key>",), None)
    return result
