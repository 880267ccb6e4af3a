"""Where level-2 pre/post pairs come from: the exams feature's tables, when they exist.

``pre_post_pairs(cohort_filter)`` is read-only and never imports the exams package. It looks
for the tables ``exam_exams`` and ``exam_attempts`` (SQLAlchemy ``inspect``) and, when they
have the expected columns, pairs each trainee's first submitted attempt on a pre-test
(``test_kind = 'pre_test'``) with their last submitted attempt on the post-test sharing its
``pairing_key`` (``test_kind = 'post_test'``). Scores are fractions 0..1 (max 1); the
pairing key names the test on the dashboard. Without those tables, or if their shape differs,
it returns ``[]`` and the page relies on the imported pairs (``PrePostPair``).
"""

from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from lms.extensions import db

NEEDED = {"exam_exams": {"id", "pairing_key", "test_kind"},
          "exam_attempts": {"exam_id", "user_id", "score", "submitted_at"}}

QUERY = text("""
SELECT a.user_id, e.pairing_key, e.test_kind, a.score, a.submitted_at
FROM exam_attempts a JOIN exam_exams e ON e.id = a.exam_id
WHERE e.pairing_key IS NOT NULL AND e.test_kind IN ('pre_test', 'post_test')
  AND a.submitted_at IS NOT NULL AND a.score IS NOT NULL
ORDER BY a.submitted_at
""")


@dataclass(frozen=True)
class PrePost:
    """One trainee's pre and post score on one paired test."""

    user_id: int
    test: str
    category: str | None
    pre: float
    post: float
    max_score: float


def _exam_tables_ready() -> bool:
    inspector = inspect(db.engine)
    for table, columns in NEEDED.items():
        if not inspector.has_table(table):
            return False
        if not columns <= {c["name"] for c in inspector.get_columns(table)}:
            return False
    return True


def pre_post_pairs(cohort_filter=None) -> list[PrePost]:
    """Pre/post pairs from the exams tables; ``cohort_filter(user_id) -> bool`` narrows them."""
    if not _exam_tables_ready():
        return []
    try:
        rows = db.session.execute(QUERY).all()
    except SQLAlchemyError:
        db.session.rollback()
        return []
    pre: dict = {}
    post: dict = {}
    for user_id, key, kind, raw, _submitted in rows:
        score = min(max(float(raw), 0.0), 1.0)  # the exams feature stores a fraction 0..1
        if kind == "pre_test":
            pre.setdefault((user_id, key), score)  # first pre-test attempt
        else:
            post[(user_id, key)] = score  # last post-test attempt
    pairs = [PrePost(user_id, key, None, pre[(user_id, key)], score, 1.0)
             for (user_id, key), score in post.items() if (user_id, key) in pre]
    if cohort_filter is not None:
        pairs = [p for p in pairs if cohort_filter(p.user_id)]
    return pairs
