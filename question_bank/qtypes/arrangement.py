"""Matching and ordering: the trainee arranges given pieces.

Matching: each prompt is matched with one answer from a shuffled list (the answers of all
pairs plus any distractors; equal answers appear once). Partial credit: the share of prompts
matched right. Response: ``{"<prompt id>": "<choice id>", ...}``.

Ordering (e.g. the four complaint-handling steps): items are shown shuffled, never in the
right order when there are two or more; the trainee puts them in order. Partial credit is
Moodle qtype_ordering's ABSOLUTE_POSITION: the share of items that sit at exactly their right
position. So ``B A C D`` for ``A B C D`` earns 2/4, and a sequence shifted by one earns
nothing; it rewards knowing where each step belongs, not merely which step follows which.
Response: ``["<item id>", ...]`` holding every item once.
"""

from __future__ import annotations

import random
from typing import Any

from question_bank.datafields import Reader, put, text_data
from question_bank.editor import EditorField
from question_bank.grading import Grade, PartResult, graded, unanswered
from question_bank.issues import Issue, issue
from question_bank.model import LocalText, MatchPair, Question, QuestionType
from question_bank.qtypes.base import (
    QuestionKind,
    duplicate_texts,
    required_text,
    shape_issue,
    too_few,
    unknown_id_issue,
)
from question_bank.text import normalise_for_hash

# How often to reshuffle before giving up on hiding the right order (then rotate instead).
_RESHUFFLES = 8


def _folded(text: LocalText) -> tuple[str, str]:
    return normalise_for_hash(text.zh), normalise_for_hash(text.en)


class Matching(QuestionKind):
    """Prompts to be paired with answers."""

    type = QuestionType.MATCHING
    template_name = "exams/questions/matching.html"
    fields = ("pairs", "distractors")
    reader = "map"

    def editor_fields(self) -> tuple[EditorField, ...]:
        """Rows of prompt and answer, and extra wrong answers."""
        return (EditorField("pairs", "rows", "pairs", min_rows=4,
                            fields=(EditorField("prompt", "line", "prompt", required=True),
                                    EditorField("answer", "line", "match", required=True))),
                EditorField("distractors", "lines", "distractors", min_rows=2))

    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """One select per prompt, ``<name>-<prompt id>``."""
        chosen = {prompt: form.get(f"{name}-{prompt}", "") for prompt in self.prompt_ids(question)}
        return {key: value for key, value in chosen.items() if value} or None

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """``prompt → chosen answer`` per prompt answered."""
        response = response if isinstance(response, dict) else {}
        choices = self.choices(question)
        return "; ".join(
            f"{pair.prompt.get(language)} → {choices[response[prompt]].get(language)}"
            for prompt, pair in zip(self.prompt_ids(question), question.pairs, strict=True)
            if response.get(prompt) in choices)

    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """The answers to choose from in this trainee's order (prompts stay in order)."""
        if shuffle_options:
            rng.shuffle(view["choices"])

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """Pairs and distractors."""
        pairs = []
        for path, entry in reader.sequence(data, "pairs", required=True):
            entry = reader.mapping(entry, path)
            if entry is None:
                continue
            reader.check_fields(entry, ("prompt", "answer"), path)
            pairs.append(MatchPair(
                prompt=reader.text(entry, "prompt", f"{path}.prompt", True) or LocalText(),
                answer=reader.text(entry, "answer", f"{path}.answer", True) or LocalText()))
        distractors = [reader.text_value(value, path) or LocalText()
                       for path, value in reader.sequence(data, "distractors")]
        return {"pairs": tuple(pairs), "distractors": tuple(distractors)}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """Pairs and distractors in the native format."""
        data: dict[str, Any] = {"pairs": [
            {"prompt": text_data(pair.prompt), "answer": text_data(pair.answer)}
            for pair in question.pairs]}
        put(data, "distractors", [text_data(text) for text in question.distractors])
        return data

    def check(self, question: Question) -> list[Issue]:
        """Two pairs or more, distinct prompts, distractors unlike every answer."""
        found = too_few(len(question.pairs), 2, "pairs")
        for index, pair in enumerate(question.pairs):
            found += required_text(pair.prompt, f"pairs[{index}].prompt")
            found += required_text(pair.answer, f"pairs[{index}].answer")
        found += duplicate_texts((pair.prompt for pair in question.pairs), "pairs")
        answers = {_folded(pair.answer) for pair in question.pairs}
        for index, text in enumerate(question.distractors):
            found += required_text(text, f"distractors[{index}]")
            if _folded(text) in answers:
                found.append(issue("matching.distractor_is_answer",
                                   field=f"distractors[{index}]", value=text.zh or text.en))
        return found

    def choices(self, question: Question) -> dict[str, LocalText]:
        """Choice id -> text, for every distinct answer and distractor."""
        found: dict[str, LocalText] = {}
        for text in [pair.answer for pair in question.pairs] + list(question.distractors):
            found.setdefault(question.choice_id(text), text)
        return found

    def prompt_ids(self, question: Question) -> list[str]:
        """Prompt ids in the author's order."""
        return [question.prompt_id(index) for index in range(len(question.pairs))]

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """A mapping from this question's prompt ids to its choice ids."""
        if self.is_blank(response):
            return []
        if not isinstance(response, dict):
            return shape_issue("prompt id -> choice id")
        prompts, choices = set(self.prompt_ids(question)), self.choices(question)
        for prompt, choice in response.items():
            if prompt not in prompts:
                return unknown_id_issue(prompt)
            if choice is not None and choice not in choices:
                return unknown_id_issue(choice)
        return []

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """The share of prompts matched with their own answer."""
        response = response or {}
        parts = []
        for index, prompt_id in enumerate(self.prompt_ids(question)):
            given = response.get(prompt_id)
            right = given == question.choice_id(question.pairs[index].answer)
            parts.append(PartResult(prompt_id, given, right, 1.0 / len(question.pairs)
                                    if right else 0.0))
        if self.is_blank(response) or all(part.response is None for part in parts):
            return unanswered(tuple(parts))
        return graded(sum(part.fraction for part in parts), tuple(parts))

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """Prompts in order; the choices shuffled (their order would give pairs away)."""
        prompts = [{"id": prompt_id,
                    "text_html": self.render(question, pair.prompt, language, inline=True)}
                   for prompt_id, pair in zip(self.prompt_ids(question), question.pairs,
                                              strict=True)]
        choices = [{"id": choice_id, "text_html": self.render(question, text, language, True)}
                   for choice_id, text in self.choices(question).items()]
        rng.shuffle(choices)
        return {"prompts": prompts, "choices": choices}

    def review_parts(self, view, question, response, grade, language, show) -> None:
        """The trainee's choice per prompt, and its rightness when allowed."""
        response = response or {}
        for index, prompt in enumerate(view["prompts"]):
            prompt["selected"] = response.get(prompt["id"])
            right_id = question.choice_id(question.pairs[index].answer)
            if show.correctness:
                prompt["correct"] = prompt["selected"] == right_id
            if show.right_answer:
                prompt["right_choice"] = right_id

    def right_answer_html(self, question: Question, language: str) -> str:
        """Every prompt with its answer."""
        rows = "".join(
            f"<li>{self.render(question, pair.prompt, language, True)} → "
            f"{self.render(question, pair.answer, language, True)}</li>"
            for pair in question.pairs)
        return f"<ul>{rows}</ul>"


class Ordering(QuestionKind):
    """Items to be put in the right order."""

    type = QuestionType.ORDERING
    template_name = "exams/questions/ordering.html"
    fields = ("items",)
    reader = "order"

    def editor_fields(self) -> tuple[EditorField, ...]:
        """The items, in the right order."""
        return (EditorField("items", "lines", "items", min_rows=5, help="items_help"),)

    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """The items in the order posted, once the trainee moved one (``<name>-touched``)."""
        order = form.getlist(f"{name}-order")
        return order if form.get(f"{name}-touched") == "1" and order else None

    def response_text(self, question: Question, response: Any, language: str) -> str:
        """The items in the order the trainee put them."""
        texts = dict(zip(self.item_ids(question), question.items, strict=True))
        return " > ".join(texts[item].get(language) for item in response or () if item in texts)

    def shuffle_view(self, view: dict, rng: random.Random, shuffle_options: bool) -> None:
        """Always out of order, whatever the shuffle setting."""
        rng.shuffle(view["items"])

    def read_fields(self, data, reader: Reader) -> dict[str, Any]:
        """The items, in the right order."""
        return {"items": tuple(reader.text_value(value, path) or LocalText()
                               for path, value in reader.sequence(data, "items", required=True))}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """The items in the native format."""
        return {"items": [text_data(item) for item in question.items]}

    def check(self, question: Question) -> list[Issue]:
        """Two items or more, each with a text, no two alike."""
        found = too_few(len(question.items), 2, "items")
        for index, item in enumerate(question.items):
            found += required_text(item, f"items[{index}]")
        return found + duplicate_texts(question.items, "items")

    def item_ids(self, question: Question) -> list[str]:
        """Item ids in the right order."""
        return [question.item_id(index) for index in range(len(question.items))]

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """Every item id of this question exactly once."""
        if self.is_blank(response):
            return []
        if not isinstance(response, list) or not all(isinstance(v, str) for v in response):
            return shape_issue("list of item ids")
        known = self.item_ids(question)
        unknown = [value for value in response if value not in known]
        if unknown:
            return unknown_id_issue(unknown[0])
        if sorted(response) != sorted(known):
            return shape_issue("every item exactly once")
        return []

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """The share of items at their right position."""
        right = self.item_ids(question)
        if self.is_blank(response):
            return unanswered()
        parts = tuple(
            PartResult(item_id, response.index(item_id) + 1, response.index(item_id) == place,
                       1.0 / len(right) if response.index(item_id) == place else 0.0)
            for place, item_id in enumerate(right))
        return graded(sum(part.fraction for part in parts), parts)

    def public_parts(self, question: Question, language: str, rng: random.Random) -> dict:
        """The items shuffled, never in the right order."""
        right = self.item_ids(question)
        order = list(right)
        for _ in range(_RESHUFFLES):
            rng.shuffle(order)
            if order != right or len(order) < 2:
                break
        else:
            order = order[1:] + order[:1]
        texts = dict(zip(right, question.items, strict=True))
        return {"items": [{"id": item_id,
                           "text_html": self.render(question, texts[item_id], language, True)}
                          for item_id in order]}

    def review_parts(self, view, question, response, grade, language, show) -> None:
        """The trainee's order, and per item whether it sits right when allowed."""
        right = self.item_ids(question)
        view["response_order"] = list(response or [])
        if show.correctness and response:
            for item in view["items"]:
                item["correct"] = response.index(item["id"]) == right.index(item["id"])

    def right_answer_html(self, question: Question, language: str) -> str:
        """The items in the right order."""
        rows = "".join(f"<li>{self.render(question, item, language, True)}</li>"
                       for item in question.items)
        return f"<ol>{rows}</ol>"

