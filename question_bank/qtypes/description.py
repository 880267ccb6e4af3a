"""Description items: text shown between questions, with nothing to answer and no marks.

As Moodle's "description" question: it may carry general feedback, takes no response and is
worth 0 points. Its grade is ``unanswered`` with fraction 0, so it adds nothing to a score;
the review shows the text only (``state`` "info": no marks, no right/wrong). A case cannot
hold one (a case's sub-questions share its marks).
"""

from __future__ import annotations

from typing import Any

from question_bank.grading import Grade, unanswered
from question_bank.issues import Issue, issue
from question_bank.model import Question, QuestionType
from question_bank.qtypes.base import QuestionKind, common_issues, shape_issue


class Description(QuestionKind):
    """Text only: no answer, 0 points."""

    type = QuestionType.DESCRIPTION
    template_name = "exams/questions/description.html"
    scored = False
    reader = "none"

    def read_fields(self, data, reader) -> dict[str, Any]:
        """No fields of its own; a description is always worth 0 points."""
        points = data.get("points")
        if points not in (None, 0):
            reader.fail("description.points", "points", value=points)
        return {"points": 0.0}

    def write_fields(self, question: Question, writer=None) -> dict[str, Any]:
        """No fields of its own."""
        return {}

    def validate_definition(self, question: Question) -> list[Issue]:
        """The common checks except points, which must be 0."""
        found = [item for item in common_issues(question) if item.code != "points.invalid"]
        if question.points != 0:
            found.append(issue("description.points", field="points", value=question.points))
        return found

    def response_from_form(self, question: Question, form: Any, name: str) -> Any:
        """Nothing is posted for a description."""
        return None

    def validate_response(self, question: Question, response: Any) -> list[Issue]:
        """Only "no response" fits."""
        return [] if response in (None, "", [], {}) else shape_issue("no answer")

    def grade(self, question: Question, response: Any, manual: Any = None) -> Grade:
        """Nothing to earn, nothing to wait for."""
        return unanswered()

    def review_view(self, question, response, grade, language, rng, show) -> dict:
        """The text (and general feedback when allowed); no marks, no rightness."""
        view = self.public_view(question, language, rng)
        view["response"] = None
        view["state"] = "info"
        if show.feedback:
            view["general_feedback_html"] = self.render(question, question.general_feedback,
                                                        language)
        return view
