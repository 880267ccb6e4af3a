"""The authoring form of every question type, built from the type's editor fields.

``question_bank.editor`` describes each type's form as plain data; this module makes a
Flask-WTF form class of it (one per type, language and list of sub-question types, cached),
fills it from a stored version and turns a post back into the native mapping. The bank's own
reader and validation judge the result, and each problem is reported with the form's label
of the field it concerns ("Options, row 3, Credit (%)"). A case holds its sub-questions as
``sub_0``, ``sub_1``... each built from its own type's fields; "add a sub-question" and the
"remove" boxes re-render the form without saving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from lms.formutil import choices
from question_bank import qtypes
from question_bank.editor import (
    NOT_IN_CASE,
    EditorField,
    editor_values,
    fields_for,
    label,
    label_for,
    native_from_values,
)
from question_bank.issues import BankError
from question_bank.model import QuestionType
from question_bank.native import question_from_data

#: Longest text one box takes (a question text may be long; options and lines are short).
TEXT_LIMIT, LINE_LIMIT = 20_000, 1_000
#: Blank rows offered below the filled ones.
SPARE_ROWS = 2
#: Types a case may hold (every type but case and description).
SUB_TYPES = tuple(t.value for t in QuestionType if t.value not in NOT_IN_CASE)
MAX_SUBQUESTIONS = 12


def _bilingual(spec: EditorField, language: str, multiline: bool):
    box = TextAreaField if multiline else StringField
    limit = TEXT_LIMIT if multiline else LINE_LIMIT
    name = label(spec.label, language)

    class Bilingual(Form):
        zh = box(f"{name} ({label('lang_zh', language)})", validators=[Length(max=limit)])
        en = box(f"{name} ({label('lang_en', language)})", validators=[Length(max=limit)])

    return FormField(Bilingual, label=name)


def _wtf_field(spec: EditorField, language: str):
    name = label(spec.label, language)
    kind = spec.kind
    if kind in ("text", "line", "terms"):
        return _bilingual(spec, language, kind != "line")
    if kind == "choice":
        return SelectField(name, choices=choices([(value, label(f"choice_{value}", language))
                                                  for value in spec.choices]),
                           default=spec.default)
    if kind == "truth":
        return SelectField(name, choices=choices([("", "—"), ("true", label("true", language)),
                                                  ("false", label("false", language))]))
    if kind == "number":
        return FloatField(name, validators=[Optional()])
    if kind == "percent":
        return FloatField(name, validators=[Optional(), NumberRange(min=-100, max=100)])
    if kind == "boolean":
        return BooleanField(name, default=spec.default)
    if kind == "rows":
        return FieldList(FormField(_row_form(spec.fields, language)), label=name,
                         max_entries=spec.max_rows)
    if kind == "lines":
        line = EditorField(spec.name, "line", spec.label)
        return FieldList(_bilingual(line, language, False), label=name,
                         max_entries=spec.max_rows)
    return StringField(name, validators=[Length(max=200 if kind == "string" else 2000)])


@lru_cache(maxsize=256)
def _row_form(fields: tuple[EditorField, ...], language: str):
    attrs = {spec.name: _wtf_field(spec, language) for spec in fields}
    return type("RowForm", (Form,), attrs)


@lru_cache(maxsize=256)
def _sub_form(kind: str, language: str):
    attrs = {spec.name: _wtf_field(spec, language) for spec in fields_for(kind, True)}
    attrs["remove"] = BooleanField(label("remove_sub", language))
    return type("SubquestionForm", (Form,), attrs)


@lru_cache(maxsize=256)
def form_class(kind: str, language: str, sub_types: tuple[str, ...] = ()):
    """The form class of type ``kind`` (with sub-questions of ``sub_types`` for a case)."""
    attrs: dict[str, Any] = {}
    for spec in fields_for(kind):
        if spec.kind == "subquestions":
            attrs["subtypes"] = HiddenField()
            for index, sub in enumerate(sub_types):
                attrs[f"sub_{index}"] = FormField(_sub_form(sub, language),
                                                  label=label("subquestion", language))
            attrs["add_type"] = SelectField(label("add_sub", language), choices=choices([
                (value, label(f"type_{value}", language)) for value in SUB_TYPES]),
                validate_choice=False)
        else:
            attrs[spec.name] = _wtf_field(spec, language)
    attrs["note"] = StringField(_l("What changed"), validators=[Length(max=200)])
    return type(f"{kind.title().replace('_', '')}QuestionForm", (FlaskForm,), attrs)


@dataclass
class Editor:
    """One authoring form, ready to render: the form, its type's fields and its sub-types."""

    kind: str
    form: Any
    fields: tuple[EditorField, ...]
    sub_types: tuple[str, ...] = ()
    errors: list[str] = field(default_factory=list)

    def subquestions(self) -> list[tuple[str, Any, tuple[EditorField, ...]]]:
        """(type, sub-form, fields) of each sub-question of a case."""
        return [(sub, getattr(self.form, f"sub_{index}"), fields_for(sub, True))
                for index, sub in enumerate(self.sub_types)]


def _padded(fields: tuple[EditorField, ...], values: dict) -> dict:
    """Values with blank rows added, so the form offers room for more."""
    for spec in fields:
        if spec.kind in ("rows", "lines"):
            rows = list(values.get(spec.name) or [])
            wanted = max(spec.min_rows, len(rows) + SPARE_ROWS)
            rows += [{}] * (min(wanted, spec.max_rows) - len(rows))
            values[spec.name] = rows
        if spec.kind == "rows":
            values[spec.name] = [_padded(spec.fields, dict(row)) for row in values[spec.name]]
    return values


def _sub_types_of(data: dict | None) -> tuple[str, ...]:
    subs = (data or {}).get("subquestions") or []
    return tuple(sub["type"] for sub in subs if sub.get("type") in SUB_TYPES)


def editor_for(kind: str, language: str, data: dict | None = None) -> Editor:
    """A form filled from a native mapping (None: a blank question of ``kind``)."""
    data = dict(data or {"key": "", "type": kind})
    sub_types = _sub_types_of(data)
    values = editor_values(data)
    values = _padded(fields_for(kind), values)
    flat = dict(values)
    if sub_types:
        flat["subtypes"] = ",".join(sub_types)
        for index, sub in enumerate(values.pop("subquestions", []) or []):
            flat[f"sub_{index}"] = _padded(fields_for(sub["type"], True), dict(sub))
        flat.pop("subquestions", None)
    form = form_class(kind, language, sub_types)(formdata=None, data=flat)
    return Editor(kind, form, fields_for(kind), sub_types)


def posted_editor(kind: str, language: str, formdata) -> Editor:
    """The form as posted; a case reads its list of sub-question types from the post."""
    sub_types = tuple(name for name in (formdata.get("subtypes") or "").split(",")
                      if name in SUB_TYPES)[:MAX_SUBQUESTIONS]
    form = form_class(kind, language, sub_types)(formdata=formdata)
    return Editor(kind, form, fields_for(kind), sub_types)


def regrown(editor: Editor, language: str, formdata) -> Editor:
    """A case form with the sub-questions ticked "remove" dropped and, when asked, one of
    the chosen type added; nothing is saved."""
    values = _form_values(editor)
    subs = [sub for sub in values.get("subquestions") or [] if not sub.get("remove")]
    if formdata.get("add_sub") and len(subs) < MAX_SUBQUESTIONS:
        wanted = formdata.get("add_type")
        if wanted in SUB_TYPES:
            subs.append({"type": wanted, "key": ""})
    data = native_from_values(editor.kind, {**values, "subquestions": subs})
    fresh = editor_for(editor.kind, language, data)
    fresh.form.note.data = editor.form.note.data
    return fresh


def _form_values(editor: Editor) -> dict:
    values = dict(editor.form.data)
    if editor.sub_types:
        values["subquestions"] = [{"type": sub, **values.pop(f"sub_{index}", {})}
                                  for index, sub in enumerate(editor.sub_types)]
    return values


def native_data(editor: Editor) -> dict:
    """The native mapping the posted form describes."""
    return native_from_values(editor.kind, _form_values(editor))


def checked_definition(editor: Editor, language: str):
    """``(question, [])`` or ``(None, problems)``, each problem naming its field's label."""
    data = native_data(editor)
    try:
        question = question_from_data(data)
    except BankError as error:
        return None, [_problem(editor.kind, item, language) for item in error.issues]
    problems = qtypes.validate_definition(question)
    if problems:
        return None, [_problem(editor.kind, item, language) for item in problems]
    return question, []


def _problem(kind: str, item, language: str) -> str:
    where = label_for(kind, item.field, language) if item.field else ""
    return f"{where}: {item.message(language)}" if where else item.message(language)


def form_errors(editor: Editor, language: str) -> list[str]:
    """One line per field the form itself refused (not a number, too long, expired)."""
    lines = []

    def walk(errors, prefix: str) -> None:
        if isinstance(errors, dict):
            for name, inner in errors.items():
                walk(inner, f"{prefix}.{name}" if prefix else name)
        elif isinstance(errors, list):
            for index, inner in enumerate(errors):
                if isinstance(inner, str):
                    lines.append(f"{label_for(editor.kind, prefix, language) or prefix}: {inner}")
                else:
                    walk(inner, f"{prefix}[{index}]")

    for name, errors in editor.form.errors.items():
        if name == "csrf_token":
            lines.append(str(_l("The form has expired; send it again.")))
        else:
            walk(errors, name)
    return lines
