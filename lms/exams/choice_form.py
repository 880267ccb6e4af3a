"""The structured form for single- and multiple-choice questions, to and from native data.

The form is a convenience over the native format: it builds the same mapping a bank file
holds and lets ``question_bank`` validate it, so the rules (credit sums, both languages,
duplicate options) are the bank's own. Empty option rows are dropped.
"""

from __future__ import annotations

from question_bank import qtypes
from question_bank.issues import BankError
from question_bank.native import question_from_data


def _text(zh: str | None, en: str | None) -> dict | None:
    text = {lang: value.strip() for lang, value in (("zh", zh), ("en", en)) if value and
            value.strip()}
    return text or None


def form_to_data(form) -> dict:
    """The native mapping of a filled ``ChoiceQuestionForm``."""
    options = []
    for entry in form.options.entries:
        row = entry.form
        text = _text(row.text_zh.data, row.text_en.data)
        if text is None:
            continue
        option = {"text": text, "fraction": (row.percent.data or 0) / 100}
        feedback = _text(row.feedback_zh.data, row.feedback_en.data)
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    data = {"key": form.key.data.strip(), "type": form.type.data,
            "category": form.category.data.strip().strip("/"),
            "curriculum": form.curriculum.data, "difficulty": form.difficulty.data,
            "tags": [tag.strip() for tag in (form.tags.data or "").split(",") if tag.strip()],
            "text": _text(form.text_zh.data, form.text_en.data), "options": options}
    feedback = _text(form.feedback_zh.data, form.feedback_en.data)
    if feedback:
        data["general_feedback"] = feedback
    if not data["tags"]:
        data.pop("tags")
    return data


def check(data: dict, language: str):
    """``(question, [])`` or ``(None, problems)`` for a native mapping."""
    try:
        question = question_from_data(data)
    except BankError as error:
        return None, [f"{item.where()}: {item.message(language)}" for item in error.issues]
    problems = qtypes.validate_definition(question)
    if problems:
        return None, [f"{item.where()}: {item.message(language)}" for item in problems]
    return question, []


def data_to_form(form, data: dict) -> None:
    """Fill ``form`` from a stored native mapping (a choice question)."""
    form.key.data, form.type.data = data["key"], data["type"]
    form.category.data = data.get("category", "")
    form.curriculum.data = data.get("curriculum") or "service_standards"
    form.difficulty.data = data.get("difficulty", "medium")
    form.tags.data = ", ".join(data.get("tags", []))
    form.text_zh.data, form.text_en.data = data["text"].get("zh"), data["text"].get("en")
    feedback = data.get("general_feedback") or {}
    form.feedback_zh.data, form.feedback_en.data = feedback.get("zh"), feedback.get("en")
    for entry, option in zip(form.options.entries, data.get("options", []), strict=False):
        row = entry.form
        row.text_zh.data, row.text_en.data = option["text"].get("zh"), option["text"].get("en")
        row.percent.data = round(100 * option.get("fraction", 0))
        row.feedback_zh.data = (option.get("feedback") or {}).get("zh")
        row.feedback_en.data = (option.get("feedback") or {}).get("en")
