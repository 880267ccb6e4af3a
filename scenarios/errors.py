"""Validation errors for scenarios: every problem found, with key path, YAML line and message.

The validator never stops at the first problem: it collects them all into one
:class:`ScenarioError`, so a planner fixes a file in one round. Each problem is an
:class:`Issue` ``(key_path, line, message)``; the message is English, and
:meth:`ScenarioError.messages` renders the same problems in Chinese from ``messages.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

_MESSAGES_FILE = Path(__file__).with_name("messages.yaml")


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, str]]:
    with _MESSAGES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


#: A message quotes at most this many characters of what the person wrote.
EXCERPT_LIMIT = 60


def excerpt(value: Any) -> Any:
    """``value`` itself, or a string cut to :data:`EXCERPT_LIMIT` characters with an ellipsis."""
    if isinstance(value, str) and len(value) > EXCERPT_LIMIT:
        return value[:EXCERPT_LIMIT] + "…"
    return value


def render_message(code: str, lang: str = "en", **params: Any) -> str:
    """Fill the message template ``code`` in ``lang`` (``zh`` or ``en``) with ``params``.

    String parameters are cut to a short excerpt: an error never echoes a whole input back.
    """
    lang = "zh" if lang == "zh" else "en"
    params = {key: excerpt(value) for key, value in params.items()}
    if "kind" in params:
        names = _templates()["kind_names"].get(params["kind"])
        params = {**params, "kind": names[lang] if names else params["kind"]}
    return _templates()[code][lang].format(**params)


class Issue(NamedTuple):
    """One validation problem: where it is (dotted key path, 1-based YAML line) and what."""

    key_path: str
    line: int | None
    message: str


class ScenarioError(ValueError):
    """A scenario failed validation; ``issues`` lists every problem found."""

    def __init__(self, issues: list[Issue], codes: list[tuple[str, dict]], source: str = ""):
        self.issues = issues
        self.source = source
        self._codes = codes
        super().__init__(self._summary())

    def _summary(self) -> str:
        lines = [f"{len(self.issues)} problem(s) in scenario {self.source or '<text>'}:"]
        lines.extend(self.messages("en"))
        return "\n".join(lines)

    def messages(self, lang: str = "en") -> list[str]:
        """One line per issue, ``file:line: key: message``, in ``lang`` (``zh`` or ``en``)."""
        rendered = []
        for issue, (code, params) in zip(self.issues, self._codes, strict=True):
            where = self.source or "<text>"
            if issue.line is not None:
                where = f"{where}:{issue.line}"
            key = issue.key_path or "(top)"
            rendered.append(f"{where}: {key}: {render_message(code, lang, **params)}")
        return rendered


class IssueCollector:
    """Collects issues while a scenario is read; raises them together at the end."""

    def __init__(self, lines: dict[tuple, int] | None = None, source: str = ""):
        self.lines = lines or {}
        self.source = source
        self.issues: list[Issue] = []
        self.codes: list[tuple[str, dict]] = []

    def line_of(self, path: tuple) -> int | None:
        """The YAML line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def add(self, path: tuple, code: str, **params: Any) -> None:
        """Record a problem at ``path`` with message ``code`` and its parameters."""
        message = render_message(code, "en", **params)
        self.issues.append(Issue(format_path(path), self.line_of(path), message))
        self.codes.append((code, params))

    def raise_if_any(self) -> None:
        """Raise :class:`ScenarioError` if any problem was recorded."""
        if self.issues:
            order = sorted(range(len(self.issues)), key=lambda i: self.issues[i].line or 0)
            raise ScenarioError([self.issues[i] for i in order],
                                [self.codes[i] for i in order], self.source)


def format_path(path: tuple) -> str:
    """``("queues", "complaint", "redial")`` → ``queues.complaint.redial``; ints → ``[i]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
