"""Problems found in a question file or definition, reported in Chinese and English.

An ``Issue`` names where the problem is (file, line, question key, field path such as
``options[2].fraction``) and what it is (a message code from ``messages.yaml`` plus its
parameters). The code stays stable for tests and the web layer; the wording lives in the
catalogue so a trainer reads it in their own language.

Importers never return half a file: ``ImportResult`` holds either questions and no errors, or
errors and no questions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")


@cache
def messages() -> dict[str, dict[str, str]]:
    """The message catalogue: code -> {"zh": template, "en": template}."""
    with MESSAGES_FILE.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def message_text(code: str, language: str = "en", /, **params: Any) -> str:
    """The message ``code`` in ``language`` with its placeholders filled."""
    templates = messages()[code]
    template = templates.get(language) or templates["en"]
    return template.format(**params)


@dataclass(frozen=True)
class Issue:
    """One problem, located as precisely as the source allows."""

    code: str
    params: tuple[tuple[str, str], ...] = ()
    file: str | None = None
    line: int | None = None
    key: str | None = None
    field: str | None = None

    def message(self, language: str = "en") -> str:
        """What is wrong, in ``language`` (``zh`` or ``en``)."""
        return message_text(self.code, language, **dict(self.params))

    def where(self) -> str:
        """``file:line: key: field`` with the parts that are known."""
        place = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        parts = [part for part in (place, _short(self.key or ""), self.field) if part]
        return ": ".join(parts)

    def located(self, **changes: Any) -> Issue:
        """A copy with location fields set (only those not already set are filled)."""
        fill = {name: value for name, value in changes.items() if getattr(self, name) is None}
        return dataclasses.replace(self, **fill)

    def under(self, prefix: str) -> Issue:
        """A copy whose field path sits under ``prefix`` (e.g. ``subquestions[1]``)."""
        joined = f"{prefix}.{self.field}" if self.field else prefix
        return dataclasses.replace(self, field=joined)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain data for the web preview and JSON responses."""
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "key": _short(self.key) if self.key else self.key,
            "field": self.field,
            "message": self.message(language),
        }

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message('en')}" if where else self.message("en")


#: Parameters that echo what the file holds, shortened so a message never repeats more than
#: ``ECHO_LIMIT`` characters of someone's input (a 10,000-character key stays readable).
_ECHOED = ("value", "name")
ECHO_LIMIT = 60


def issue(code: str, *, field: str | None = None, key: str | None = None,
          line: int | None = None, **params: Any) -> Issue:
    """Make an Issue; fails loudly if ``code`` is missing from the catalogue."""
    if code not in messages():
        raise KeyError(f"message code {code!r} is not in {MESSAGES_FILE.name}")
    frozen = tuple((name, _short(_as_text(value)) if name in _ECHOED else _as_text(value))
                   for name, value in params.items())
    return Issue(code=code, params=frozen, field=field, key=key, line=line)


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(item) for item in value)
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT - 1] + "…"


class BankError(Exception):
    """A bank that cannot be used; ``issues`` lists every problem found."""

    def __init__(self, issues: list[Issue] | tuple[Issue, ...]):
        self.issues = tuple(issues)
        lines = "\n".join(f"  {item}" for item in self.issues)
        super().__init__(f"{len(self.issues)} problem(s) in the question bank:\n{lines}")


@dataclass(frozen=True)
class ImportResult:
    """Questions from a file, or the errors that stop it; never both.

    Unpacks as ``questions, errors = result``. ``warnings`` never block an import.
    """

    questions: tuple = ()
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file is clean and may be imported."""
        return not self.errors

    def __iter__(self):
        yield self.questions
        yield self.errors


def result_from(questions: list, errors: list[Issue], warnings: list[Issue] | None = None,
                file: str | None = None) -> ImportResult:
    """All-or-nothing: the questions only when there is no error, every issue located."""
    errors = [item.located(file=file) for item in errors]
    warnings = [item.located(file=file) for item in (warnings or [])]
    errors.sort(key=lambda item: (item.line or 0))
    if errors:
        return ImportResult((), tuple(errors), tuple(warnings))
    return ImportResult(tuple(questions), (), tuple(warnings))
