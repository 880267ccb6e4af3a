"""Authoring forms described by the question types, and the values they hold <-> native data.

Each type lists its editor fields (``QuestionKind.editor_fields``) as ``EditorField``s: plain
data, no web framework. The web layer builds a form from them (``lms/exams/authoring.py``),
fills it with ``editor_values(native)`` and turns what was posted back into the native
mapping with ``native_from_values``; ``question_bank.native.question_from_data`` and the
type's own validation then judge it, so the form has no rules of its own.

Kinds of field (``EditorField.kind``):

- ``string`` one line of plain text (key, category); ``tags`` comma-separated words;
- ``choice`` one of ``choices``; ``truth`` true/false (a select);
- ``text`` a text in Chinese and English (two boxes); ``line`` the same on one line;
- ``terms`` accepted answers per language, one per line;
- ``number`` a number or nothing; ``percent`` a fraction shown as a percentage;
  ``numbers`` a list of numbers on one line (``1, 2.5, 4``);
- ``boolean`` a checkbox (written only when it differs from ``default``);
- ``rows`` a list of mappings with ``fields`` (options, answers, pairs); ``lines`` a list of
  bilingual lines (ordering items, distractors); empty rows are dropped;
- ``subquestions`` the sub-questions of a case, each with its own type's fields.

Labels are message codes (``editor.<label>`` in ``messages.yaml``), so both languages come
from this package. Field paths in issues (``options[2].fraction``) name editor fields
one-to-one: ``label_for(kind, path, language)`` turns one into "Options, row 3, Credit (%)".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from question_bank.datafields import number_data
from question_bank.issues import message_text
from question_bank.model import LANGUAGES, Curriculum, Difficulty, QuestionType

KINDS = ("string", "tags", "choice", "truth", "text", "line", "terms", "number", "percent",
         "numbers", "boolean", "rows", "lines", "subquestions")


@dataclass(frozen=True)
class EditorField:
    """One field of an authoring form; ``name`` is the native field it fills."""

    name: str
    kind: str
    label: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    #: For ``rows``: the fields of one row.
    fields: tuple[EditorField, ...] = ()
    #: For ``rows``/``lines``: how many rows the form shows at least, and the most it takes.
    min_rows: int = 2
    max_rows: int = 20
    #: A short hint under the field (a message code), if any.
    help: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown editor field kind {self.kind!r}")


def common_fields(subquestion: bool = False, scored: bool = True) -> tuple[EditorField, ...]:
    """The fields every question has (a case's sub-question has fewer; a type without
    points, such as a description, has no points field)."""
    head = [EditorField("key", "string", "key", required=True, help="key_help")]
    if not subquestion:
        head += [
            EditorField("category", "string", "category", required=True),
            EditorField("curriculum", "choice", "curriculum",
                        choices=tuple(c.value for c in Curriculum),
                        default=Curriculum.SERVICE_STANDARDS.value),
            EditorField("difficulty", "choice", "difficulty",
                        choices=tuple(d.value for d in Difficulty),
                        default=Difficulty.MEDIUM.value),
            EditorField("tags", "tags", "tags"),
        ]
    if scored:
        head.append(EditorField("points", "number", "points", default=1.0))
    head += [EditorField("text", "text", "text", required=True),
             EditorField("general_feedback", "text", "general_feedback")]
    return tuple(head)


def fields_for(kind: QuestionType | str, subquestion: bool = False) -> tuple[EditorField, ...]:
    """Every field of the authoring form of a question of type ``kind``."""
    from question_bank.qtypes import kind_of

    found = kind_of(kind)
    return common_fields(subquestion, found.scored) + tuple(found.editor_fields())


# --- native -> editor values -----------------------------------------------------------------
def _text_value(text: Any) -> dict[str, str]:
    text = text if isinstance(text, Mapping) else {}
    return {lang: str(text.get(lang) or "") for lang in LANGUAGES}


def _value(spec: EditorField, data: Mapping[str, Any]) -> Any:
    raw = data.get(spec.name, spec.default)
    if spec.kind in ("text", "line"):
        return _text_value(raw)
    if spec.kind == "terms":
        raw = raw if isinstance(raw, Mapping) else {}
        return {lang: "\n".join(str(term) for term in raw.get(lang) or ()) for lang in LANGUAGES}
    if spec.kind == "tags":
        return ", ".join(str(tag) for tag in raw or ())
    if spec.kind == "percent":  # ten digits: 1/3 shows as 33.33333333, not 33.333333333333336
        return None if raw is None else float(f"{100 * float(raw):.10g}")
    if spec.kind == "boolean":
        return bool(raw)
    if spec.kind == "truth":
        return "" if raw is None else ("true" if raw else "false")
    if spec.kind == "rows":
        return [values_of(spec.fields, row) for row in raw or () if isinstance(row, Mapping)]
    if spec.kind == "lines":
        return [_text_value(row) for row in raw or ()]
    if spec.kind == "subquestions":
        return [{"type": sub.get("type"), **values_of(fields_for(sub["type"], True), sub)}
                for sub in raw or () if isinstance(sub, Mapping) and _known_type(sub.get("type"))]
    if spec.kind == "number":
        return None if raw is None else raw
    if spec.kind == "numbers":
        return ", ".join(str(number_data(v)) if isinstance(v, int | float) else str(v)
                         for v in raw or ())
    return "" if raw is None else str(raw)


#: Types a case cannot hold.
NOT_IN_CASE = (QuestionType.CASE.value, QuestionType.DESCRIPTION.value)


def _known_type(name: Any) -> bool:
    return name in {kind.value for kind in QuestionType} and name not in NOT_IN_CASE


def values_of(fields: tuple[EditorField, ...], data: Mapping[str, Any]) -> dict[str, Any]:
    """The editor values of ``fields`` from a native mapping."""
    return {spec.name: _value(spec, data) for spec in fields}


def editor_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The authoring form's values of one question's native mapping (its type's fields)."""
    values = values_of(fields_for(data["type"]), data)
    values["type"] = data["type"]
    return values


# --- editor values -> native -----------------------------------------------------------------
def _clean(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _text_native(value: Any, multiline: bool) -> dict[str, str] | None:
    value = value if isinstance(value, Mapping) else {}
    text = {}
    for lang in LANGUAGES:
        cleaned = _clean(value.get(lang))
        if cleaned:
            text[lang] = cleaned if multiline else " ".join(cleaned.split())
    return text or None


_TERM_SPLIT = re.compile(r"[\r\n]+")
_NUMBER_SPLIT = re.compile(r"[\s,;，；、]+")


def _number_or_text(part: str) -> Any:
    """A number, or the text itself so that the bank's reader names what is not one."""
    try:
        value = float(part)
    except ValueError:
        return part
    return number_data(value) if value == value and abs(value) != float("inf") else part


def _native(spec: EditorField, value: Any) -> Any:
    """The native value of one editor value (None = leave the field out)."""
    kind = spec.kind
    if kind in ("text", "line"):
        return _text_native(value, kind == "text")
    if kind == "terms":
        value = value if isinstance(value, Mapping) else {}
        terms = {lang: [t.strip() for t in _TERM_SPLIT.split(_clean(value.get(lang))) if t.strip()]
                 for lang in LANGUAGES}
        return {lang: found for lang, found in terms.items() if found} or None
    if kind == "tags":
        tags = [tag.strip() for tag in re.split(r"[,，、;；]", _clean(value))]
        return [tag for tag in tags if tag] or None
    if kind == "percent":
        return None if value is None else number_data(float(f"{float(value) / 100:.10g}"))
    if kind == "number":
        return None if value is None else number_data(float(value))
    if kind == "numbers":
        return [_number_or_text(part) for part in _NUMBER_SPLIT.split(_clean(value))
                if part] or None
    if kind == "boolean":
        return None if bool(value) == bool(spec.default) else bool(value)
    if kind == "truth":
        return {"true": True, "false": False}.get(_clean(value))
    if kind == "rows":
        rows = [native_of(spec.fields, row) for row in value or () if isinstance(row, Mapping)]
        return [row for row in rows if _has_content(spec.fields, row)] or None
    if kind == "lines":
        rows = [_text_native(row, False) for row in value or ()]
        return [row for row in rows if row] or None
    if kind == "subquestions":
        return [_sub_native(row) for row in value or ()
                if isinstance(row, Mapping) and _known_type(row.get("type"))] or None
    cleaned = _clean(value)
    return cleaned or None


def _has_content(fields: tuple[EditorField, ...], row: Mapping[str, Any]) -> bool:
    """A row counts when it holds a text, accepted answers or a number (not just a credit)."""
    wanted = [spec.name for spec in fields
              if spec.kind in ("text", "line", "terms", "number", "numbers", "string", "rows")]
    return any(row.get(name) not in (None, "", []) for name in wanted) or bool(row.get("any"))


def native_of(fields: tuple[EditorField, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """The native mapping of ``fields``' editor values, empty fields left out."""
    data: dict[str, Any] = {}
    for spec in fields:
        value = _native(spec, values.get(spec.name))
        if value is not None:
            data[spec.name] = value
    return data


def _sub_native(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": values["type"], **native_of(fields_for(values["type"], True), values)}


def native_from_values(kind: QuestionType | str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The native mapping of a filled authoring form of type ``kind``."""
    data = native_of(fields_for(kind), values)
    data = {"key": data.pop("key", ""), "type": str(QuestionType(kind).value), **data}
    if "category" in data:
        data["category"] = data["category"].strip("/")
    return data


# --- labels ----------------------------------------------------------------------------------
def label(code: str, language: str, **params: Any) -> str:
    """The label ``editor.<code>`` in ``language`` (``row`` takes ``n``)."""
    return message_text(f"editor.{code}", language, **params)


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def label_for(kind: QuestionType | str, path: str, language: str) -> str:
    """A field path of an issue (``options[2].fraction``) as the form's labels say it."""
    fields = fields_for(kind)
    words = []
    for name, index in _STEP.findall(path or ""):
        if index:
            words.append(label("row", language, n=int(index) + 1))
            continue
        spec = next((f for f in fields if f.name == name), None)
        if spec is None:
            words.append(name)
            continue
        words.append(label(spec.label, language))
        fields = spec.fields
    return ", ".join(words)


__all__ = ["KINDS", "NOT_IN_CASE", "EditorField", "common_fields", "editor_values", "fields_for",
           "label",
           "label_for", "native_from_values", "native_of", "values_of"]
