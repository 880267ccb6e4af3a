"""The question bank: question model, type registry, grading, validation, import/export.

Pure Python (no Flask, no database). The web layer (``lms/exams``) stores questions and
attempts and calls this package to validate, render, grade and move questions in and out.

Quick tour::

    from question_bank import load_shipped_banks, public_view, grade, review_view
    questions = load_shipped_banks()             # every question of banks/*.yaml
    view = public_view(q, "zh", random.Random(seed))   # safe to send before review
    result = grade(q, response)                  # Grade: state, fraction 0..1, parts, feedback
    review = review_view(q, response, result, "zh", random.Random(seed), ReviewOptions())

See README.md for the YAML format, the GIFT/Moodle XML coverage and the CSV columns.
"""

from question_bank.bank import BANKS_DIR, bank_files, load_bank, load_shipped_banks
from question_bank.formats import (
    Duplicate,
    ExportResult,
    detect_format,
    dump_yaml,
    export_csv,
    export_gift,
    export_moodle_xml,
    export_questions,
    find_duplicates,
    import_questions,
    preview,
    read_csv,
    read_gift,
    read_moodle_xml,
    read_yaml,
)
from question_bank.grading import Correctness, Grade, GradeState, PartResult, ReviewOptions
from question_bank.hashing import content_hash, definition_hash, fingerprints
from question_bank.issues import BankError, ImportResult, Issue, message_text
from question_bank.model import (
    LANGUAGES,
    AnswerFormat,
    ChoiceOption,
    ClozeGap,
    Curriculum,
    Difficulty,
    GapAnswer,
    GapDisplay,
    GapKind,
    LocalTerms,
    LocalText,
    MatchPair,
    NumericAnswer,
    Question,
    QuestionType,
    TextAnswer,
    TextFormat,
    ToleranceType,
    Wildcard,
)
from question_bank.native import question_from_data, question_to_data
from question_bank.qtypes import (
    QuestionKind,
    ResponseError,
    grade,
    kind_of,
    needs_trainer,
    normalise_response,
    public_view,
    registry,
    review_view,
    validate_definition,
    validate_response,
)
from question_bank.text import render_text
from question_bank.validation import validate_questions

__all__ = [
    "BANKS_DIR", "LANGUAGES", "AnswerFormat", "BankError", "ChoiceOption", "ClozeGap",
    "Correctness", "Curriculum", "Difficulty", "Duplicate", "ExportResult", "GapAnswer",
    "GapDisplay", "GapKind", "Grade", "GradeState", "ImportResult", "Issue",
    "LocalTerms", "LocalText", "MatchPair", "NumericAnswer", "PartResult", "Question",
    "QuestionKind", "QuestionType", "ResponseError", "ReviewOptions", "TextAnswer",
    "TextFormat", "ToleranceType", "Wildcard", "bank_files", "content_hash", "definition_hash",
    "detect_format",
    "dump_yaml", "export_csv", "export_gift", "export_moodle_xml", "export_questions",
    "find_duplicates", "fingerprints", "grade", "import_questions", "kind_of", "load_bank",
    "load_shipped_banks", "message_text", "needs_trainer", "normalise_response", "preview",
    "public_view", "question_from_data", "question_to_data", "read_csv", "read_gift",
    "read_moodle_xml", "read_yaml", "registry", "render_text", "review_view",
    "validate_definition", "validate_questions", "validate_response",
]
