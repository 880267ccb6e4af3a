"""courses: 'practice' activities (a practical assessment signed off by a trainer)

Revision ID: 1100_courses_refs
Revises: 1021_attempt_extensions
"""
from alembic import op

revision = "1100_courses_refs"
down_revision = "1021_attempt_extensions"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('exam', 'roleplay', 'emergency_drill', 'survey')"
NEW_KINDS = "kind IN ('exam', 'roleplay', 'emergency_drill', 'survey', 'practice')"


def _replace_kind_check(condition: str) -> None:
    with op.batch_alter_table("course_activities", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_course_activities_known_kind"), type_="check")
        batch_op.create_check_constraint("known_kind", condition)


def upgrade():
    _replace_kind_check(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM course_activities WHERE kind = 'practice'")
    _replace_kind_check(OLD_KINDS)
