"""exams: trainer overrides per person/department, mark overrides, and their audit

Revision ID: 1130_exam_overrides
Revises: 1120_practice
"""
import sqlalchemy as sa
from alembic import op

revision = "1130_exam_overrides"
down_revision = "1120_practice"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exam_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("extra_minutes", sa.Integer(), nullable=True),
        sa.Column("extra_attempts", sa.Integer(), nullable=True),
        sa.Column("opens_at", sa.DateTime(), nullable=True),
        sa.Column("closes_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_exam_overrides_department_id_departments")),
        sa.ForeignKeyConstraint(["exam_id"], ["exam_exams.id"],
                                name=op.f("fk_exam_overrides_exam_id_exam_exams")),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"],
                                name=op.f("fk_exam_overrides_set_by_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_exam_overrides_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_overrides")),
        sa.UniqueConstraint("exam_id", "department_id", name="uq_exam_overrides_department"),
        sa.UniqueConstraint("exam_id", "user_id", name="uq_exam_overrides_user"),
    )
    with op.batch_alter_table("exam_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_overrides_exam_id"), ["exam_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_exam_overrides_user_id"), ["user_id"],
                              unique=False)

    op.create_table(
        "exam_mark_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("attempt_question_id", sa.Integer(), nullable=True),
        sa.Column("original", sa.Double(), nullable=True),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["exam_attempts.id"],
                                name=op.f("fk_exam_mark_overrides_attempt_id_exam_attempts")),
        sa.ForeignKeyConstraint(
            ["attempt_question_id"], ["exam_attempt_questions.id"],
            name=op.f("fk_exam_mark_overrides_attempt_question_id_exam_attempt_questions")),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"],
                                name=op.f("fk_exam_mark_overrides_set_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_mark_overrides")),
    )
    with op.batch_alter_table("exam_mark_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_mark_overrides_attempt_id"), ["attempt_id"],
                              unique=False)

    op.create_table(
        "exam_override_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_exam_override_audit_actor_id_users")),
        sa.ForeignKeyConstraint(["attempt_id"], ["exam_attempts.id"],
                                name=op.f("fk_exam_override_audit_attempt_id_exam_attempts")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_exam_override_audit_department_id_departments")),
        sa.ForeignKeyConstraint(["exam_id"], ["exam_exams.id"],
                                name=op.f("fk_exam_override_audit_exam_id_exam_exams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_exam_override_audit_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_override_audit")),
    )
    with op.batch_alter_table("exam_override_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_override_audit_exam_id"), ["exam_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_exam_override_audit_user_id"), ["user_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("exam_override_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_override_audit_user_id"))
        batch_op.drop_index(batch_op.f("ix_exam_override_audit_exam_id"))
    op.drop_table("exam_override_audit")
    with op.batch_alter_table("exam_mark_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_mark_overrides_attempt_id"))
    op.drop_table("exam_mark_overrides")
    with op.batch_alter_table("exam_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_overrides_user_id"))
        batch_op.drop_index(batch_op.f("ix_exam_overrides_exam_id"))
    op.drop_table("exam_overrides")
