"""YAML for course bundles: loading with line numbers, and one canonical way of writing.

Loading keeps, next to the plain Python data, the line of every value (from PyYAML's node
marks) so that validation can say ``course.yaml:14: ...``. It also reports what PyYAML lets pass
silently: duplicate keys (PyYAML keeps the last one). Files come from uploaded zips, so they are
composed by ``scenarios.safe_yaml.BoundedLoader``: nesting deeper than 50 levels, alias bombs
and cyclic aliases are errors on their line, never walked. Writing uses a fixed key order chosen by
the caller, block style, unicode as is and no line wrapping, so that writing the same bundle
twice gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lms.courses.bundle_model import LANGUAGES, Bilingual, BundleError, bundle_error
from scenarios.safe_yaml import YamlLimitError, load_with_node

#: A position in the loaded data: mapping keys and sequence indexes from the root.
DataPath = tuple[str | int, ...]


@dataclass
class LocatedYaml:
    """Loaded YAML data with the 1-based line of each value, for error messages."""

    file: str
    data: Any
    lines: dict[DataPath, int] = field(default_factory=dict)

    def line(self, path: DataPath) -> int | None:
        """The line of the value at ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def error(self, path: DataPath, code: str, **params: object) -> BundleError:
        """An error (message ``code`` with ``params``) located at ``path`` in this file."""
        return bundle_error(self.file, self.line(path), code, **params)


def line_of_offset(raw: bytes, offset: int) -> int:
    """The 1-based line holding byte ``offset`` of ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


def decode_utf8(raw: bytes, file: str, errors: list[BundleError]) -> str | None:
    """Decode ``raw`` strictly as UTF-8, recording an error with the line of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line_of_offset(raw, exc.start)
        errors.append(bundle_error(file, line, "file.not_utf8"))
        return None


def load_located(raw: bytes, file: str, errors: list[BundleError]) -> LocatedYaml | None:
    """Parse ``raw`` as one YAML document; on failure record errors and return None."""
    text = decode_utf8(raw, file, errors)
    if text is None:
        return None
    try:
        data, node = load_with_node(text)
    except YamlLimitError as exc:
        errors.append(bundle_error(file, exc.line, f"yaml.{exc.code}", limit=exc.limit))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        errors.append(bundle_error(file, line, "yaml.invalid", problem=str(exc.problem or exc)))
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ...)
        line = text.count("\n", 0, exc.position) + 1
        errors.append(bundle_error(file, line, "yaml.invalid", problem=str(exc).split("\n")[0]))
        return None
    except yaml.YAMLError as exc:
        errors.append(bundle_error(file, None, "yaml.invalid", problem=str(exc).split("\n")[0]))
        return None
    located = LocatedYaml(file, data)
    if node is not None:
        _index_lines(node, (), located, errors, set())
    return located


def _index_lines(
    node: yaml.Node, path: DataPath, located: LocatedYaml, errors: list, seen: set[int]
) -> None:
    """Record the line of ``node`` and its children; report duplicate mapping keys."""
    located.lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # an alias: already indexed, and re-walking could explode
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in keys:
                line = key_node.start_mark.line + 1
                errors.append(bundle_error(located.file, line, "yaml.duplicate_key", key=key))
            keys.add(key)
            _index_lines(value_node, (*path, key), located, errors, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, index), located, errors, seen)


class _CanonicalDumper(yaml.SafeDumper):
    """Block-style dumper that indents sequences under their key, for readable files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


#: Characters a YAML reader would normalise (line breaks) or that are not printable; strings
#: holding them are double-quoted, the one style where PyYAML escapes them reversibly.
_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _NEEDS_ESCAPE.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CanonicalDumper.add_representer(str, _represent_str)


def dump_canonical(data: Any) -> bytes:
    """Dump ``data`` (dicts in the caller's key order) as canonical UTF-8 YAML bytes."""
    text = yaml.dump(
        data,
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
        indent=2,
    )
    return text.encode("utf-8")


def number_out(value: float) -> int | float:
    """Hours as written: whole numbers without ``.0`` so files stay tidy and stable."""
    return int(value) if float(value).is_integer() else float(value)


SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FieldReader:
    """Reads typed fields from a `LocatedYaml`, collecting every problem instead of stopping.

    Each reader returns the value, or None after recording an error naming the file, the line
    and the key with what is allowed.
    """

    def __init__(self, doc: LocatedYaml, errors: list[BundleError]):
        self.doc = doc
        self.errors = errors

    def fail(self, path: DataPath, code: str, **params: object) -> None:
        """Record an error (message ``code`` with ``params``) at ``path``."""
        self.errors.append(self.doc.error(path, code, **params))

    def mapping(
        self, value: Any, path: DataPath, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict | None:
        """``value`` as a mapping holding all ``required`` keys and no unknown ones."""
        what = _describe(path)
        if not isinstance(value, dict):
            self.fail(path, "field.not_mapping", what=what, keys=", ".join(required))
            return None
        allowed = required + optional
        for key in value:
            if key not in allowed:
                self.fail((*path, key), "field.unknown_key", key=str(key), what=what,
                          allowed=", ".join(allowed))
        for key in required:
            if key not in value:
                self.fail(path, "field.missing_key", what=what, key=key)
        return value

    def sequence(self, value: Any, path: DataPath, non_empty: bool = True) -> list | None:
        """``value`` as a list (non-empty unless told otherwise)."""
        if not isinstance(value, list) or (non_empty and not value):
            code = "field.empty_list" if non_empty else "field.not_list"
            self.fail(path, code, what=_describe(path))
            return None
        return value

    def slug(self, value: Any, path: DataPath) -> str | None:
        """A slug: lower-case letters, digits and single hyphens."""
        if isinstance(value, str) and SLUG_PATTERN.match(value):
            return value
        self.fail(path, "field.not_slug", what=_describe(path), value=repr(value))
        return None

    def choice(self, value: Any, path: DataPath, allowed: tuple[str, ...]) -> str | None:
        """One of ``allowed``."""
        if isinstance(value, str) and value in allowed:
            return value
        self.fail(path, "field.choice", what=_describe(path), value=repr(value),
                  allowed=", ".join(allowed))
        return None

    def text(self, value: Any, path: DataPath) -> str | None:
        """A non-empty string."""
        if isinstance(value, str) and value.strip():
            return value
        self.fail(path, "field.text", what=_describe(path))
        return None

    def bilingual(self, value: Any, path: DataPath) -> Bilingual | None:
        """A ``{zh: ..., en: ...}`` mapping of non-empty texts."""
        mapping = self.mapping(value, path, LANGUAGES)
        if mapping is None:
            return None
        zh = self.text(mapping.get("zh"), (*path, "zh")) if "zh" in mapping else None
        en = self.text(mapping.get("en"), (*path, "en")) if "en" in mapping else None
        return Bilingual(zh, en) if zh is not None and en is not None else None

    def hours(self, value: Any, path: DataPath) -> float | None:
        """A number of hours, zero or more."""
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            self.fail(path, "field.hours", what=_describe(path), value=repr(value))
            return None
        if value < 0:
            self.fail(path, "field.negative", what=_describe(path), value=repr(value))
            return None
        return float(value)

    def minutes(self, value: Any, path: DataPath) -> int | None:
        """A whole, positive number of minutes."""
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(path, "field.minutes", what=_describe(path), value=repr(value))
            return None
        return value

    def boolean(self, value: Any, path: DataPath) -> bool | None:
        """``true`` or ``false``."""
        if isinstance(value, bool):
            return value
        self.fail(path, "field.boolean", what=_describe(path), value=repr(value))
        return None


#: How the top level of a file is named in messages.
_DOCUMENT = Bilingual(zh="文档顶层", en="the document")


def _describe(path: DataPath) -> str | Bilingual:
    """A readable name for a position, e.g. ``modules[1].lessons[0].slug``."""
    if not path:
        return _DOCUMENT
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{text}'"
