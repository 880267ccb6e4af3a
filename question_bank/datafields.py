"""Reading and writing the fields of the native question format (see README.md).

``Reader`` turns plain data (a parsed YAML mapping, or a stored JSON snapshot) into model
values and collects every problem it meets instead of stopping at the first, each with the
field path (``options[2].fraction``) and, when the data came from a YAML file, its line.
The ``*_data`` functions do the opposite for writing.

Assumption: YAML was loaded with booleans limited to true/false (YAML 1.2 style), so a text
such as ``en: No`` stays a string; anything else that is not a string where a text belongs is
reported rather than silently converted (a float such as ``1.10`` would lose its zero).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from question_bank.issues import Issue, issue
from question_bank.model import LANGUAGES, LocalTerms, LocalText

E = TypeVar("E", bound=StrEnum)
_LAST_STEP = re.compile(r"(\.[^.\[]+|\[\d+\])$")
_MISSING = object()


def parent_paths(path: str) -> Iterable[str]:
    """``a.b[2].c``, then ``a.b[2]``, ``a.b``, ``a``."""
    while path:
        yield path
        shorter = _LAST_STEP.sub("", path)
        if shorter == path:
            return
        path = shorter


def join(prefix: str, field: str) -> str:
    """Join two field paths (``questions[3]`` + ``options[1]``)."""
    if not prefix:
        return field
    if not field:
        return prefix
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


class Reader:
    """Reads model values out of plain data, collecting located issues."""

    def __init__(self, lines: Mapping[str, int] | None = None, prefix: str = ""):
        self.lines = lines or {}
        self.prefix = prefix
        self.issues: list[Issue] = []

    def line_of(self, field: str) -> int | None:
        """The line of ``field`` (or of its nearest parent) in the source file."""
        for path in parent_paths(join(self.prefix, field)):
            if path in self.lines:
                return self.lines[path]
        return None

    def fail(self, code: str, field: str, **params: Any) -> None:
        """Record a problem with ``field``."""
        self.issues.append(issue(code, field=field, line=self.line_of(field), **params))

    def locate(self, found: Iterable[Issue], key: str | None) -> list[Issue]:
        """``found`` with the line of each field and the question key filled in."""
        return [item.located(line=self.line_of(item.field or ""), key=key) for item in found]

    def check_fields(self, data: Mapping, allowed: Iterable[str], field: str = "") -> None:
        """Report fields of ``data`` that are not in ``allowed``."""
        allowed = tuple(allowed)
        for name in data:
            if name not in allowed:
                self.fail("field.unknown", join(field, str(name)), name=name,
                          allowed=sorted(allowed))

    def mapping(self, value: Any, field: str) -> Mapping | None:
        """``value`` if it is a mapping, else a problem and None."""
        if isinstance(value, Mapping):
            return value
        self.fail("field.type", field, expected="mapping")
        return None

    def get(self, data: Mapping, name: str, field: str, required: bool) -> Any:
        """``data[name]``, or _MISSING (reporting it when required)."""
        value = data.get(name, _MISSING)
        if value is None:
            value = _MISSING
        if value is _MISSING and required:
            self.fail("field.missing", field)
        return value

    def text(self, data: Mapping, name: str, field: str = "", required: bool = False
             ) -> LocalText | None:
        """A ``{zh, en}`` text field."""
        field = field or name
        value = self.get(data, name, field, required)
        return None if value is _MISSING else self.text_value(value, field, required)

    def text_value(self, value: Any, field: str, required: bool = True) -> LocalText | None:
        """A ``{zh, en}`` mapping as a LocalText."""
        found = self._languages(value, field, self._string)
        if found is None:
            return None
        text = LocalText(**found)
        if required and text.is_empty():
            self.fail("field.missing", field)
        return text

    def terms(self, data: Mapping, name: str, field: str) -> LocalTerms:
        """A ``{zh: [...], en: [...]}`` list of accepted answers."""
        value = self.get(data, name, field, True)
        if value is _MISSING:
            return LocalTerms()
        found = self._languages(value, field, self._string_list)
        return LocalTerms(**(found or {}))

    def _languages(self, value: Any, field: str, convert) -> dict | None:
        if not isinstance(value, Mapping):
            self.fail("text.not_mapping", field)
            return None
        found = {}
        for language, entry in value.items():
            if language not in LANGUAGES:
                self.fail("text.language", join(field, str(language)), value=language,
                          allowed=list(LANGUAGES))
                continue
            converted = convert(entry, join(field, language))
            if converted:
                found[language] = converted
        return found

    def _string(self, value: Any, field: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        self.fail("text.not_string", field, value=value)
        return None

    def _string_list(self, value: Any, field: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            value = [value]
        converted = (self._string(item, f"{field}[{index}]") for index, item in enumerate(value))
        return tuple(item for item in converted if item)

    def number(self, data: Mapping, name: str, field: str = "", required: bool = False,
               default: float | None = None) -> float | None:
        """A number field (int or float, never a boolean or a quoted string)."""
        field = field or name
        value = self.get(data, name, field, required)
        if value is _MISSING:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value):
            return float(value)
        self.fail("field.type", field, expected="number")
        return default

    def boolean(self, data: Mapping, name: str, field: str = "", required: bool = False,
                default: bool | None = None) -> bool | None:
        """A true/false field."""
        field = field or name
        value = self.get(data, name, field, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool):
            return value
        self.fail("field.type", field, expected="true / false")
        return default

    def string(self, data: Mapping, name: str, field: str = "", required: bool = False,
               default: str | None = None) -> str | None:
        """A plain string field (keys, categories)."""
        field = field or name
        value = self.get(data, name, field, required)
        if value is _MISSING:
            return default
        if isinstance(value, str):
            return value.strip()
        self.fail("field.type", field, expected="string")
        return default

    def enum(self, data: Mapping, name: str, kind: type[E], field: str = "",
             required: bool = False, default: E | None = None) -> E | None:
        """A field whose value must be one of ``kind``'s values."""
        field = field or name
        value = self.get(data, name, field, required)
        if value is _MISSING:
            return default
        try:
            return kind(value)
        except ValueError:
            self.fail("field.choice", field, value=value, allowed=[item.value for item in kind])
            return default

    def sequence(self, data: Mapping, name: str, field: str = "", required: bool = False
                 ) -> list[tuple[str, Any]]:
        """``(field path, item)`` for each entry of a list field."""
        field = field or name
        value = self.get(data, name, field, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail("field.type", field, expected="list")
            return []
        return [(f"{field}[{index}]", item) for index, item in enumerate(value)]

    def tags(self, data: Mapping, field: str = "tags") -> tuple[str, ...]:
        """The ``tags`` list: strings, kept in order, duplicates dropped."""
        found: list[str] = []
        for path, value in self.sequence(data, "tags", field):
            tag = self._string(value, path)
            if tag and tag not in found:
                found.append(tag)
        return tuple(found)


def text_data(text: LocalText | None) -> dict[str, str] | None:
    """A LocalText as a ``{zh, en}`` mapping (languages that hold text only)."""
    if text is None:
        return None
    return {language: getattr(text, language) for language in text.languages()}


def terms_data(terms: LocalTerms) -> dict[str, list[str]]:
    """LocalTerms as a ``{zh: [...], en: [...]}`` mapping."""
    return {language: list(getattr(terms, language)) for language in terms.languages()}


def number_data(value: float) -> int | float:
    """Whole numbers written without ``.0`` (``points: 2``), others as they are."""
    if float(value).is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def put(target: dict, name: str, value: Any) -> None:
    """Set ``target[name]`` unless ``value`` is None or empty."""
    if value is None or value == () or value == [] or value == {}:
        return
    target[name] = value
