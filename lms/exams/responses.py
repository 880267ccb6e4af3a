"""Reading answers: the JSON the attempt page posts, and a plain form post (no JavaScript).

JSON: ``{"slot": <attempt question id>, "response": <the type's response shape>}``. Before the
question type looks at it, a response must be plain JSON data of a small size: no NUL
character, no NaN or infinite number, no deep nesting, no huge list. Anything else is refused
with the field it concerns (``slot`` or ``response``) and nothing is stored.

Field names of the form: ``q-<slot>`` for a question, ``q-<slot>--<sub key>`` for a case's
sub-question; matching adds ``-<prompt id>`` per prompt, a cloze ``-g<n>`` per gap, a
calculated question posts the item it shows as ``<name>-item`` beside the answer, and ordering
posts ``<name>-order`` once per item in the order shown. The JavaScript on the page builds the
same responses as JSON.
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext as _l

from question_bank import qtypes

#: Attempt question ids are database integers.
MAX_ID = 2**31 - 1
#: A case holds sub-responses, each at most a list or mapping of ids: three levels suffice.
MAX_DEPTH = 4
#: More parts than any question has (options, items, prompts, sub-questions).
MAX_PARTS = 200
#: Longer than any typed answer a type accepts (essays stop at 50,000 characters).
MAX_TEXT = 60_000

PROBLEMS = {
    "not_an_object": _l("send a JSON object with \"slot\" and \"response\""),
    "slot": _l("must be the number of a question of this attempt"),
    "nul": _l("contains a NUL character"),
    "number": _l("must be a finite number"),
    "deep": _l("is nested too deeply"),
    "parts": _l("has too many parts"),
    "text": _l("is too long"),
    "value": _l("holds a value that is not text, a number, true/false or a list"),
}


class PayloadRefused(ValueError):
    """An answer refused before its question type reads it; names the field and the problem."""

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")

    def message(self) -> str:
        """``field: what is wrong`` in the reader's language."""
        return f"{self.field}: {PROBLEMS[self.problem]}"


def read_payload(payload: Any) -> tuple[int, Any]:
    """``(slot, response)`` from the JSON body; raises ``PayloadRefused``."""
    if not isinstance(payload, dict):
        raise PayloadRefused("body", "not_an_object")
    slot = payload.get("slot")
    # bool is an int in Python: {"slot": true} must not name question 1.
    if isinstance(slot, bool) or not isinstance(slot, int) or not 1 <= slot <= MAX_ID:
        raise PayloadRefused("slot", "slot")
    response = payload.get("response")
    check_response(response)
    return slot, response


def check_response(value: Any, field: str = "response", depth: int = 0) -> None:
    """Refuse what no question type can hold (also checks form posts); None when fine."""
    if depth > MAX_DEPTH:
        raise PayloadRefused(field, "deep")
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PayloadRefused(field, "number")
        return
    if isinstance(value, str):
        if "\x00" in value:
            raise PayloadRefused(field, "nul")
        if len(value) > MAX_TEXT:
            raise PayloadRefused(field, "text")
        return
    if isinstance(value, list | dict):
        if len(value) > MAX_PARTS:
            raise PayloadRefused(field, "parts")
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in pairs:
            if isinstance(key, str):
                check_response(key, field, depth + 1)
            check_response(item, f"{field}.{str(key)[:40]}" if isinstance(value, dict)
                           else f"{field}[{key}]", depth + 1)
        return
    raise PayloadRefused(field, "value")


def from_form(question, form, name: str) -> Any:
    """The raw response to ``question`` from ``form`` (None when left blank); the question's
    type knows its field names (``QuestionKind.response_from_form``)."""
    return qtypes.kind_of(question).response_from_form(question, form, name)
