"""courses: an activity result may belong to one course (the post-course survey)

Revision ID: 1270_activity_result_course
Revises: 1260_departments
"""
import sqlalchemy as sa
from alembic import op

revision = "1270_activity_result_course"
down_revision = "1260_departments"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_activity_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_course_activity_results_course_id"),
                              ["course_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_course_activity_results_course_id_courses"), "courses",
            ["course_id"], ["id"], ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("course_activity_results", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_course_activity_results_course_id_courses"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_course_activity_results_course_id"))
        batch_op.drop_column("course_id")
