"""Pre/post pairs read from the exams tables (when that feature's tables exist)."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.evaluation.sources import pre_post_pairs
from lms.extensions import db
from tests.factories import make_user


def _filler(column):
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return 0.0
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 11, 1)
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def _insert(table: str, values: dict) -> int:
    """Insert a row giving every other NOT NULL column a harmless value."""
    inspector = sa.inspect(db.engine)
    row = dict(values)
    for column in inspector.get_columns(table):
        if column["name"] not in row and not column["nullable"] and column["name"] != "id":
            row[column["name"]] = _filler(column)
    reflected = sa.Table(table, sa.MetaData(), autoload_with=db.engine)
    return db.session.execute(reflected.insert().values(**row)).inserted_primary_key[0]


def test_pairs_come_from_paired_pre_and_post_exams(app_ctx):
    inspector = sa.inspect(db.engine)
    if not inspector.has_table("exam_attempts"):
        assert pre_post_pairs() == []
        pytest.skip("the exams feature's tables are not in this database")
    trainee, other = make_user(), make_user()
    pre = _insert("exam_exams", {"slug": "pre", "test_kind": "pre_test", "pairing_key": "basics"})
    post = _insert("exam_exams", {"slug": "post", "test_kind": "post_test",
                                  "pairing_key": "basics"})
    for number, (exam, user, score, day) in enumerate((
            (pre, trainee, 0.4, 1), (pre, trainee, 0.5, 2), (post, trainee, 0.7, 10),
            (post, trainee, 0.9, 11), (post, other, 0.8, 12)), start=1):
        _insert("exam_attempts", {"exam_id": exam, "user_id": user.id, "number": number,
                                  "score": score, "submitted_at": datetime(2026, 11, day)})
    db.session.commit()
    pairs = pre_post_pairs()
    assert [(p.user_id, p.test, p.pre, p.post) for p in pairs] == [
        (trainee.id, "basics", 0.4, 0.9)]  # first pre-test, last post-test; no pre, no pair
    assert pre_post_pairs(lambda user_id: user_id == other.id) == []
