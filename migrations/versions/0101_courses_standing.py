"""courses: standing assignments (a department or all new hires, reaching later joiners)

Revision ID: 0101_courses_standing
Revises: 0100_courses
Create Date: 2026-11-23 12:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0101_courses_standing"
down_revision = "0100_courses"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_standing_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("path_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("excluded_user_ids", sa.JSON(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(course_id IS NULL) <> (path_id IS NULL)",
            name=op.f("ck_course_standing_assignments_course_or_path"),
        ),
        sa.CheckConstraint(
            "target IN ('department', 'new_hires')",
            name=op.f("ck_course_standing_assignments_known_target"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["users.id"],
            name=op.f("fk_course_standing_assignments_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"],
            name=op.f("fk_course_standing_assignments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"],
            name=op.f("fk_course_standing_assignments_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_id"], ["learning_paths.id"],
            name=op.f("fk_course_standing_assignments_path_id_learning_paths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_standing_assignments")),
    )


def downgrade():
    op.drop_table("course_standing_assignments")
