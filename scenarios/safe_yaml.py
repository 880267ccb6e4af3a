"""Bounded YAML reading for text a person submits: no alias bombs, no runaway nesting.

PyYAML's ``SafeLoader`` refuses Python objects but not two other attacks that cost the server
its CPU and memory:

- **Alias bombs** ("billion laughs"): nine anchors each referring nine times to the one before
  fit in 500 bytes and expand to 9**9 items for any code that walks the data (a validator, a
  line indexer, a JSON dump). A self-referring anchor (``&a [*a]``) never ends at all.
- **Deep nesting**: ``[[[[...]]]]`` 10,000 levels deep makes PyYAML's recursive composer (and
  every recursive walker after it) raise ``RecursionError``.

`BoundedLoader` counts while it composes the node tree, before anything walks it, and stops at
the first limit passed with a `YamlLimitError` (a ``yaml.MarkedYAMLError``, so code that
catches ``yaml.YAMLError`` keeps working) whose ``code``, ``limit`` and ``line`` let each
importer word the message in its own catalogue. The limits, per document:

- `MAX_DEPTH` nested mappings/sequences (no file of the platform comes near: scenarios,
  course files and question banks use fewer than 10);
- `MAX_ALIASES` alias references (``*name``), and `MAX_ALIAS_NODES` nodes brought in through
  them, counted as if every alias were a copy (so nine aliases of a big anchor are refused
  while a few small reuses pass);
- no alias to an anchor that is still open (a cycle).

The module lives in ``scenarios`` because that package imports nothing of the platform:
``question_bank`` may import it, and ``lms`` does. Files read only from the repository may use
``yaml.safe_load``; anything from a form, an upload or an API goes through here.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Deepest nesting of mappings and sequences accepted in one document.
MAX_DEPTH = 50
#: Most alias references (``*name``) accepted in one document.
MAX_ALIASES = 100
#: Most nodes aliases may bring in, counting each alias as a copy of what it names.
MAX_ALIAS_NODES = 10_000

#: ``YamlLimitError.code`` values.
TOO_DEEP = "too_deep"
TOO_MANY_ALIASES = "too_many_aliases"
ALIAS_EXPANSION = "alias_expansion"
RECURSIVE_ALIAS = "recursive_alias"

_PROBLEMS = {
    TOO_DEEP: "nesting is deeper than {limit} levels",
    TOO_MANY_ALIASES: "more than {limit} aliases (*name)",
    ALIAS_EXPANSION: "aliases (*name) would expand to more than {limit} values",
    RECURSIVE_ALIAS: "an alias refers to the anchor it is inside of",
}
_COLLECTION_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)


class YamlLimitError(yaml.MarkedYAMLError):
    """A document passed one of the limits; ``code`` says which, ``line`` where (1-based)."""

    def __init__(self, code: str, limit: int, mark: yaml.Mark | None):
        super().__init__(problem=_PROBLEMS[code].format(limit=limit), problem_mark=mark)
        self.code = code
        self.limit = limit
        self.line = mark.line + 1 if mark is not None else None


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses alias bombs, cyclic aliases and deep nesting.

    Subclass it to change the resolvers (as the question bank does for YAML 1.2 booleans) or
    the limits (the class attributes below).
    """

    max_depth = MAX_DEPTH
    max_aliases = MAX_ALIASES
    max_alias_nodes = MAX_ALIAS_NODES

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._alias_nodes = 0
        #: Nodes composed so far, aliases counted as copies; an anchor's weight is the growth
        #: of this count while it was composed.
        self._size = 0
        self._weights: dict[int, int] = {}
        self._open_anchors: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Compose one node, counting depth and aliases first (see the module docstring)."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            return self._compose_alias(parent, index, event)
        nested = isinstance(event, _COLLECTION_STARTS)
        if nested:
            self._depth += 1
            if self._depth > self.max_depth:
                raise YamlLimitError(TOO_DEEP, self.max_depth, event.start_mark)
        anchor = event.anchor
        if anchor is not None:
            self._open_anchors.add(anchor)
        start = self._size
        self._size += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1
            if anchor is not None:
                self._open_anchors.discard(anchor)
        if anchor is not None:
            self._weights[id(node)] = self._size - start
        return node

    def _compose_alias(self, parent: yaml.Node | None, index: Any,
                       event: yaml.AliasEvent) -> yaml.Node:
        self._aliases += 1
        if self._aliases > self.max_aliases:
            raise YamlLimitError(TOO_MANY_ALIASES, self.max_aliases, event.start_mark)
        if event.anchor in self._open_anchors:
            raise YamlLimitError(RECURSIVE_ALIAS, 0, event.start_mark)
        node = super().compose_node(parent, index)  # raises for an undefined alias
        weight = self._weights.get(id(node), 1)
        self._size += weight
        self._alias_nodes += weight
        if self._alias_nodes > self.max_alias_nodes:
            raise YamlLimitError(ALIAS_EXPANSION, self.max_alias_nodes, event.start_mark)
        return node

    def compose_document(self) -> yaml.Node:
        """Compose one document; the limits start afresh for each document."""
        node = super().compose_document()
        self._depth = self._aliases = self._alias_nodes = self._size = 0
        self._weights.clear()
        return node


def compose(text: str, loader: type[BoundedLoader] = BoundedLoader) -> yaml.Node | None:
    """The node tree of the single document in ``text`` (None when empty), within the limits.

    Raises ``yaml.YAMLError`` (a `YamlLimitError` for a limit passed).
    """
    instance = loader(text)
    try:
        return instance.get_single_node()
    finally:
        instance.dispose()


def load(text: str, loader: type[BoundedLoader] = BoundedLoader) -> Any:
    """``yaml.safe_load`` of one document within the limits; raises ``yaml.YAMLError``."""
    return load_with_node(text, loader)[0]


def load_with_node(text: str,
                   loader: type[BoundedLoader] = BoundedLoader) -> tuple[Any, yaml.Node | None]:
    """``(data, root node)`` of one document, for readers that report lines from the nodes."""
    instance = loader(text)
    try:
        node = instance.get_single_node()
        data = instance.construct_document(node) if node is not None else None
    finally:
        instance.dispose()
    return data, node
