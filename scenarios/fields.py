"""Typed field readers that record a problem instead of raising, so all problems are found.

Every reader takes the key path of the value and the raw value from YAML or a form, and returns
the converted value or ``None`` after recording an issue in the collector. ``bool`` is never
accepted as a number (YAML reads ``yes`` as true, which is never a sensible call volume).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import IssueCollector
from .schema import Text

MISSING: Any = object()
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def describe(value: Any) -> str:
    """A short description of a wrong value for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def range_text(low, high, low_open: bool, high_open: bool) -> str:
    """Human text for an allowed range, e.g. ``> 0 and <= 744``."""
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '≥'} {_num(low)}")
    if high is not None:
        parts.append(f"{'<' if high_open else '≤'} {_num(high)}")
    return ", ".join(parts) if parts else "-"


def _num(value: float) -> str:
    """Bounds without exponents: 5000000 not 5e+06."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class FieldReader:
    """Reads typed values into a collector; ``None`` means the value was wrong."""

    def __init__(self, collector: IssueCollector):
        self.collector = collector

    def add(self, path: tuple, code: str, **params: Any) -> None:
        """Record a problem."""
        self.collector.add(path, code, **params)

    def mapping(self, path: tuple, raw: Any, allowed: Sequence[str],
                required: Iterable[str] = ()) -> dict | None:
        """Check ``raw`` is a mapping with only ``allowed`` keys and all ``required`` ones."""
        if not isinstance(raw, dict):
            self.add(path, "not_a_mapping", got=describe(raw))
            return None
        for key in raw:
            if key not in allowed:
                self.add(path + (key,), "unknown_key", key=key, allowed=", ".join(allowed))
        for key in required:
            if key not in raw:
                self.add(path + (key,), "missing_key", key=key)
        return raw

    def number(self, path: tuple, raw: Any, *, low=None, high=None, low_open=False,
               high_open=False, integer=False) -> float | int | None:
        """A finite number within the given bounds (``integer`` demands a whole number)."""
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            self.add(path, "not_an_integer" if integer else "not_a_number", got=describe(raw))
            return None
        if integer and raw != int(raw):
            self.add(path, "not_an_integer", got=describe(raw))
            return None
        too_low = low is not None and (raw <= low if low_open else raw < low)
        too_high = high is not None and (raw >= high if high_open else raw > high)
        if too_low or too_high:
            self.add(path, "out_of_range", got=_num(raw),
                     allowed=range_text(low, high, low_open, high_open))
            return None
        return int(raw) if integer else float(raw)

    def get_number(self, path: tuple, data: dict, key: str, default=MISSING, **bounds):
        """Read ``data[key]`` as a number; absent → ``default`` (missing was reported before)."""
        if key not in data or (data[key] is None and default is None):
            return None if default is MISSING else default
        return self.number(path + (key,), data[key], **bounds)

    def boolean(self, path: tuple, raw: Any) -> bool | None:
        """``true`` or ``false``."""
        if not isinstance(raw, bool):
            self.add(path, "not_a_bool", got=describe(raw))
            return None
        return raw

    def choice(self, path: tuple, raw: Any, allowed: Sequence[str]) -> str | None:
        """One of ``allowed``."""
        if not isinstance(raw, str) or raw not in allowed:
            self.add(path, "not_allowed", got=describe(raw), allowed=", ".join(allowed))
            return None
        return raw

    def identifier(self, path: tuple, raw: Any) -> str | None:
        """A slug: lower-case letters, digits, underscores, starting with a letter."""
        if not isinstance(raw, str) or not _ID_PATTERN.match(raw):
            self.add(path, "bad_id", got=describe(raw))
            return None
        return raw

    def text(self, path: tuple, raw: Any) -> Text | None:
        """A bilingual ``{zh: ..., en: ...}`` text with both languages filled in."""
        data = self.mapping(path, raw, ("zh", "en"), ("zh", "en"))
        if data is None or "zh" not in data or "en" not in data:
            return None
        values = []
        for lang in ("zh", "en"):
            if not isinstance(data[lang], str):
                self.add(path + (lang,), "not_a_string", got=describe(data[lang]))
                return None
            values.append(data[lang].strip())
        if not all(values):
            self.add(path, "empty_text")
            return None
        return Text(zh=values[0], en=values[1])

    def optional_text(self, path: tuple, data: dict, key: str) -> Text | None:
        """``data[key]`` as a bilingual text, or ``None`` when absent or null."""
        if data.get(key) is None:
            return None
        return self.text(path + (key,), data[key])

    def number_list(self, path: tuple, raw: Any, *, lengths: Sequence[int] | None = None,
                    **bounds) -> tuple | None:
        """A non-empty list of numbers each within ``bounds``; optionally of given lengths."""
        if not isinstance(raw, list):
            self.add(path, "not_a_list", got=describe(raw))
            return None
        if not raw:
            self.add(path, "empty_list")
            return None
        if lengths is not None and len(raw) not in lengths:
            self.add(path, "bad_length", got=len(raw),
                     allowed=", ".join(str(n) for n in lengths))
            return None
        values = [self.number(path + (i,), item, **bounds) for i, item in enumerate(raw)]
        if any(value is None for value in values):
            return None
        return tuple(values)

    def name_list(self, path: tuple, raw: Any, allowed: Sequence[str],
                  kind: str) -> tuple[str, ...] | None:
        """A list of names, each one of ``allowed`` (``kind`` names them in messages)."""
        if not isinstance(raw, list):
            self.add(path, "not_a_list", got=describe(raw))
            return None
        names = []
        for index, item in enumerate(raw):
            if not isinstance(item, str) or item not in allowed:
                self.add(path + (index,), "unknown_ref", kind=kind, got=str(item),
                         allowed=", ".join(allowed) or "(none)")
                return None
            names.append(item)
        return tuple(names)
