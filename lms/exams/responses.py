"""Reading answers from a plain form post (the no-JavaScript path of the attempt page).

Field names: ``q-<slot>`` for a question, ``q-<slot>--<sub key>`` for a case's sub-question;
matching adds ``-<prompt id>`` per prompt and ordering posts ``<name>-order`` once per item
in the order shown. The JavaScript on the page builds the same responses as JSON.
"""

from __future__ import annotations

from typing import Any

from question_bank.model import QuestionType


def from_form(question, form, name: str) -> Any:
    """The raw response to ``question`` from ``form`` (None when left blank)."""
    kind = question.type
    if kind == QuestionType.MULTIPLE_CHOICE:
        return form.getlist(name) or None
    if kind == QuestionType.MATCHING:
        chosen = {question.prompt_id(i): form.get(f"{name}-{question.prompt_id(i)}", "")
                  for i in range(len(question.pairs))}
        return {key: value for key, value in chosen.items() if value} or None
    if kind == QuestionType.ORDERING:
        order = form.getlist(f"{name}-order")
        return order if form.get(f"{name}-touched") == "1" and order else None
    if kind == QuestionType.CASE:
        subs = {sub.key: from_form(sub, form, f"{name}--{sub.key}")
                for sub in question.subquestions}
        return {key: value for key, value in subs.items() if value not in (None, "")} or None
    value = form.get(name, "")
    return value if value.strip() else None
