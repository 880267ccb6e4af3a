"""practice: offline sessions, enrolments with attendance, assessment checklists, audit

Revision ID: 1120_practice
Revises: 1110_completion
"""
import sqlalchemy as sa
from alembic import op

revision = "1120_practice"
down_revision = "1110_completion"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')",
                           name=op.f("ck_practice_sessions_known_status")),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_practice_sessions_positive_capacity")),
        sa.CheckConstraint("ends_at > starts_at",
                           name=op.f("ck_practice_sessions_ends_after_start")),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE",
                                name=op.f("fk_practice_sessions_course_id_courses")),
        sa.ForeignKeyConstraint(["lesson_id"], ["course_lessons.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_sessions_lesson_id_course_lessons")),
        sa.ForeignKeyConstraint(["trainer_id"], ["users.id"],
                                name=op.f("fk_practice_sessions_trainer_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_sessions_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_sessions")),
    )
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_sessions_course_id"), ["course_id"])
        batch_op.create_index(batch_op.f("ix_practice_sessions_trainer_id"), ["trainer_id"])
        batch_op.create_index(batch_op.f("ix_practice_sessions_starts_at"), ["starts_at"])

    op.create_table(
        "practice_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("attendance", sa.String(length=8), nullable=True),
        sa.Column("attendance_at", sa.DateTime(), nullable=True),
        sa.Column("attendance_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('enrolled', 'withdrawn')",
                           name=op.f("ck_practice_enrolments_known_status")),
        sa.CheckConstraint("attendance IS NULL OR attendance IN ('present', 'late', 'absent')",
                           name=op.f("ck_practice_enrolments_known_attendance")),
        sa.ForeignKeyConstraint(["session_id"], ["practice_sessions.id"], ondelete="CASCADE",
                                name=op.f("fk_practice_enrolments_session_id_practice_sessions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_practice_enrolments_user_id_users")),
        sa.ForeignKeyConstraint(["enrolled_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_enrolments_enrolled_by_id_users")),
        sa.ForeignKeyConstraint(["attendance_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_enrolments_attendance_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_enrolments")),
        sa.UniqueConstraint("session_id", "user_id",
                            name=op.f("uq_practice_enrolments_session_id")),
    )
    with op.batch_alter_table("practice_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_enrolments_session_id"), ["session_id"])
        batch_op.create_index(batch_op.f("ix_practice_enrolments_user_id"), ["user_id"])

    op.create_table(
        "practice_checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(), nullable=True),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE",
                                name=op.f("fk_practice_checklists_course_id_courses")),
        sa.ForeignKeyConstraint(["trainee_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_practice_checklists_trainee_id_users")),
        sa.ForeignKeyConstraint(["signed_off_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_checklists_signed_off_by_id_users")),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_checklists_withdrawn_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_checklists")),
        sa.UniqueConstraint("course_id", "trainee_id",
                            name=op.f("uq_practice_checklists_course_id")),
    )
    with op.batch_alter_table("practice_checklists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_checklists_trainee_id"), ["trainee_id"])

    op.create_table(
        "practice_checklist_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("item_text", sa.JSON(), nullable=False),
        sa.Column("observed", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checklist_id"], ["practice_checklists.id"], ondelete="CASCADE",
            name=op.f("fk_practice_checklist_marks_checklist_id_practice_checklists")),
        sa.ForeignKeyConstraint(["lesson_id"], ["course_lessons.id"], ondelete="CASCADE",
                                name=op.f("fk_practice_checklist_marks_lesson_id_course_lessons")),
        sa.ForeignKeyConstraint(["marked_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_checklist_marks_marked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_checklist_marks")),
        sa.UniqueConstraint("checklist_id", "lesson_id", "item_index",
                            name=op.f("uq_practice_checklist_marks_checklist_id")),
    )
    with op.batch_alter_table("practice_checklist_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_checklist_marks_checklist_id"),
                              ["checklist_id"])

    op.create_table(
        "practice_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_audit_actor_id_users")),
        sa.ForeignKeyConstraint(["session_id"], ["practice_sessions.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_audit_session_id_practice_sessions")),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_audit_course_id_courses")),
        sa.ForeignKeyConstraint(["subject_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_practice_audit_subject_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_audit")),
    )
    with op.batch_alter_table("practice_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_audit_session_id"), ["session_id"])
        batch_op.create_index(batch_op.f("ix_practice_audit_subject_id"), ["subject_id"])


def downgrade():
    with op.batch_alter_table("practice_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_audit_subject_id"))
        batch_op.drop_index(batch_op.f("ix_practice_audit_session_id"))
    op.drop_table("practice_audit")
    with op.batch_alter_table("practice_checklist_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_checklist_marks_checklist_id"))
    op.drop_table("practice_checklist_marks")
    with op.batch_alter_table("practice_checklists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_checklists_trainee_id"))
    op.drop_table("practice_checklists")
    with op.batch_alter_table("practice_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_enrolments_user_id"))
        batch_op.drop_index(batch_op.f("ix_practice_enrolments_session_id"))
    op.drop_table("practice_enrolments")
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_trainer_id"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_course_id"))
    op.drop_table("practice_sessions")
