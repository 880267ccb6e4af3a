"""Database models of exams, split by aggregate: bank, exam, attempt, certificate,
override (trainers' overrides and their audit)."""

from lms.exams.models.attempt import (
    Answer,
    AnswerEvent,
    Attempt,
    AttemptExtension,
    AttemptQuestion,
    AttemptState,
    ManualGrade,
    RegradeRun,
)
from lms.exams.models.bank import QUESTION_STATUSES, Question, QuestionCategory, QuestionVersion
from lms.exams.models.certificate import Certificate, CertificatePolicy
from lms.exams.models.exam import (
    REVIEW_MOMENTS,
    REVIEW_PARTS,
    Exam,
    ExamAssignment,
    ExamItem,
    GradingMethod,
    TestKind,
    default_review,
)
from lms.exams.models.override import ExamOverride, ExamOverrideAudit, MarkOverride

__all__ = [
    "REVIEW_MOMENTS", "REVIEW_PARTS", "Answer", "AnswerEvent", "Attempt", "AttemptExtension",
    "AttemptQuestion", "AttemptState", "Certificate", "CertificatePolicy", "Exam",
    "ExamAssignment", "ExamItem", "ExamOverride", "ExamOverrideAudit", "GradingMethod",
    "ManualGrade", "MarkOverride", "QUESTION_STATUSES", "Question",
    "QuestionCategory", "QuestionVersion", "RegradeRun", "TestKind", "default_review",
]
